/**
 * Cube plane judgement (shared/qa/cube/rules.ts): the beam tolerance at, just below and just
 * above 20% on both sides of the expected beam, for both axes; the flagged fraction at 0.8 and
 * around it; the reference plane (median, lowest, who may vote); shared and missing beams; the
 * product rules and the CAPO settings, all with the real capo/defaults-annotateQaSECube.properties.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCapo } from '../../../../shared/capo/capo.js';
import { ConfigError } from '../../../../shared/errors.js';
import { CUBE_RULES, loadCubeSettings, loadRuleConfigs, type CubeSettings } from '../../../../shared/qa/index.js';
import { chooseReference, judgePlanes, summarizePlanes } from '../../../../shared/qa/cube/rules.js';
import { evaluateRules, overallVerdict } from '../../../../shared/qa/rules.js';
import { nextUp } from '../../../../shared/qa/continuum/rms.js';
import { type MeasuredPlane } from '../../../../shared/qa/cube/measure.js';
import { REPO_ROOT } from '../../../helpers/realdata.js';

const PREFIX = 'edu.nrao.vlass.annotateQaSECube';
const DEFAULTS_TEXT = readFileSync(join(REPO_ROOT, 'capo', 'defaults-annotateQaSECube.properties'), 'utf8');

function capo(extra = '') {
  return loadCapo({ embedded: { 'defaults-annotateqasecube.properties': DEFAULTS_TEXT + '\n' + extra }, env: {}, home: '/nonexistent' });
}
const SETTINGS: CubeSettings = loadCubeSettings(capo(), PREFIX);
const nextDown = (x: number) => -nextUp(-x);

let n = 0;
/** A measured plane; beam and flags as given, everything else plausible. */
function plane(p: Partial<MeasuredPlane> = {}): MeasuredPlane {
  const i = n++;
  return {
    file: `/cube/w${i}.fits`,
    spw: null,
    planeIndex: 0,
    stokesIndex: 0,
    freqHz: 3e9,
    bmajArcsec: 2.0,
    bminArcsec: 1.6,
    bpaDeg: -10,
    beamSource: 'header',
    beamShared: false,
    rmsJy: 5e-4,
    peakJy: 0.05,
    flaggedFraction: 0.05,
    pixelCount: 100,
    ...p,
  };
}

/** Five good planes at one frequency (the reference is one of them: expected = 2.0 x 1.6 exactly) plus `test`. */
function judgeOne(test: Partial<MeasuredPlane>, settings = SETTINGS) {
  const planes = [plane(), plane(), plane(), plane(), plane(), plane(test)];
  const reference = chooseReference(planes, settings);
  return judgePlanes(planes, reference, settings)[5];
}

describe('the defaults are the pipeline thresholds', () => {
  it('beamTolerance 0.2, maxFlaggedFraction 0.8, median reference', () => {
    expect(SETTINGS).toEqual({ beamTolerance: 0.2, maxFlaggedFraction: 0.8, referencePlane: 'median' });
  });
});

describe('beam tolerance: kept only strictly within (1 - 0.2, 1 + 0.2) x expected (the pipeline compares strictly)', () => {
  const cases: [string, 'bmajArcsec' | 'bminArcsec', number][] = [
    ['major', 'bmajArcsec', 2.0],
    ['minor', 'bminArcsec', 1.6],
  ];
  for (const [axis, key, expected] of cases) {
    it(`${axis} axis above: exactly +20% rejects, one float below keeps, one float above rejects`, () => {
      const at = expected * (1 + 0.2);
      expect(judgeOne({ [key]: at }).rejected).toBe(true);
      expect(judgeOne({ [key]: nextDown(at) }).rejected).toBe(false);
      expect(judgeOne({ [key]: nextUp(at) }).rejected).toBe(true);
      expect(judgeOne({ [key]: expected * 1.1999 }).rejected).toBe(false);
      expect(judgeOne({ [key]: expected * 1.2001 }).rejected).toBe(true);
    });
    it(`${axis} axis below: exactly -20% rejects, one float above keeps, one float below rejects`, () => {
      const at = expected * (1 - 0.2);
      expect(judgeOne({ [key]: at }).rejected).toBe(true);
      expect(judgeOne({ [key]: nextUp(at) }).rejected).toBe(false);
      expect(judgeOne({ [key]: nextDown(at) }).rejected).toBe(true);
      expect(judgeOne({ [key]: expected * 0.8001 }).rejected).toBe(false);
      expect(judgeOne({ [key]: expected * 0.7999 }).rejected).toBe(true);
    });
  }

  it('the reason names the axis, the deviation, the expected beam and the reference; deviations are signed', () => {
    const r = judgeOne({ bmajArcsec: 2.0 * 1.4 });
    expect(r).toMatchObject({ rejected: true, expectedBmajArcsec: 2.0, expectedBminArcsec: 1.6, bminDeviation: 0 });
    expect(r.bmajDeviation).toBeCloseTo(0.4, 12);
    expect(r.reasons).toHaveLength(1);
    expect(r.reasons[0]).toMatch(/^beam major axis 2\.800" is 40% above the expected 2\.000" \(the median reference .* scaled by f_ref\/f\); kept only strictly within ±20%$/);
    const low = judgeOne({ bminArcsec: 1.6 * 0.5 });
    expect(low.bminDeviation).toBeCloseTo(-0.5, 12);
    expect(low.reasons[0]).toMatch(/^beam minor axis 0\.800" is 50% below the expected 1\.600"/);
  });

  it('either axis alone rejects; both give two reasons', () => {
    expect(judgeOne({ bmajArcsec: 2.5, bminArcsec: 1.6 }).reasons).toHaveLength(1);
    expect(judgeOne({ bmajArcsec: 2.0, bminArcsec: 2.0 }).reasons).toHaveLength(1);
    expect(judgeOne({ bmajArcsec: 2.5, bminArcsec: 2.0 }).reasons).toHaveLength(2);
  });

  it('the expected beam scales as 1/f from the reference', () => {
    const planes = [3.0e9, 3.0e9, 3.0e9, 2.0e9, 4.0e9].map((f) => plane({ freqHz: f, bmajArcsec: (2.0 * 3e9) / f, bminArcsec: (1.6 * 3e9) / f }));
    const judged = judgePlanes(planes, chooseReference(planes, SETTINGS), SETTINGS);
    expect(judged.every((p) => !p.rejected)).toBe(true);
    expect(judged[3].expectedBmajArcsec).toBeCloseTo(3.0, 12);
    expect(judged[4].expectedBminArcsec).toBeCloseTo(1.2, 12);
  });

  it('a site tolerance (CAPO) moves the boundary', () => {
    const wide = loadCubeSettings(capo(`${PREFIX}.beamTolerance = 0.5\n`), PREFIX);
    expect(judgeOne({ bmajArcsec: 2.0 * 1.4 }, wide).rejected).toBe(false);
    expect(judgeOne({ bmajArcsec: 2.0 * 1.5 }, wide).rejected).toBe(true);
  });
});

describe('flagged fraction: rejected at or above 0.8', () => {
  it('exactly 0.8 rejects, one float below keeps, above rejects', () => {
    expect(judgeOne({ flaggedFraction: 0.8 }).rejected).toBe(true);
    expect(judgeOne({ flaggedFraction: nextDown(0.8) }).rejected).toBe(false);
    expect(judgeOne({ flaggedFraction: nextUp(0.8) }).rejected).toBe(true);
    expect(judgeOne({ flaggedFraction: 0.79 }).rejected).toBe(false);
    expect(judgeOne({ flaggedFraction: 0.81 }).rejected).toBe(true);
    expect(judgeOne({ flaggedFraction: 0.8 }).reasons).toEqual(['flagged fraction 0.8 (NaN, infinite or exactly 0) is at or above the limit 0.8']);
  });
  it('an all-blank plane (1.0, nothing measured) is rejected as flagged, its beam still judged', () => {
    const r = judgeOne({ flaggedFraction: 1, rmsJy: null, peakJy: null });
    expect(r.rejected).toBe(true);
    expect(r.reasons).toEqual(['flagged fraction 1 (NaN, infinite or exactly 0) is at or above the limit 0.8']);
    expect(r.bmajDeviation).toBe(0);
  });
  it('a wrong beam and heavy flagging give both reasons', () => {
    expect(judgeOne({ flaggedFraction: 0.9, bmajArcsec: 3 }).reasons).toHaveLength(2);
  });
});

describe('the reference plane', () => {
  /** Correct 1/f beams at 2.0..3.9 GHz, with the changes given. */
  function band(changes: Record<number, Partial<MeasuredPlane>> = {}): MeasuredPlane[] {
    return Array.from({ length: 16 }, (_, i) => {
      const f = 2.028e9 + 128e6 * i;
      return plane({ spw: i + 2, freqHz: f, bmajArcsec: (4.262 * 2.028e9) / f, bminArcsec: (3.352 * 2.028e9) / f, ...changes[i + 2] });
    });
  }
  const rejectedSpws = (planes: MeasuredPlane[], settings = SETTINGS) =>
    judgePlanes(planes, chooseReference(planes, settings), settings)
      .filter((p) => p.rejected)
      .map((p) => p.spw);

  it('median: a wrong beam in the LOWEST window rejects only that window', () => {
    const planes = band({ 2: { bmajArcsec: 4.262 * 1.4, bminArcsec: 3.352 * 1.4 } });
    expect(rejectedSpws(planes)).toEqual([2]);
  });

  it('lowest (the alternative): the same cube then loses every good window, which is why median is the default', () => {
    const lowest = loadCubeSettings(capo(`${PREFIX}.referencePlane = lowest\n`), PREFIX);
    const planes = band({ 2: { bmajArcsec: 4.262 * 1.4, bminArcsec: 3.352 * 1.4 } });
    expect(rejectedSpws(planes, lowest)).toEqual(Array.from({ length: 15 }, (_, i) => i + 3));
    // with a good lowest window both agree
    const ok = band({ 11: { bmajArcsec: 3.8, bminArcsec: 3.0 } });
    expect(rejectedSpws(ok, lowest)).toEqual([11]);
    expect(chooseReference(ok, lowest)).toMatchObject({ method: 'lowest', spw: 2 });
  });

  it('lowest skips a flagged lowest window', () => {
    const lowest = loadCubeSettings(capo(`${PREFIX}.referencePlane = lowest\n`), PREFIX);
    expect(chooseReference(band({ 2: { flaggedFraction: 0.95 } }), lowest)).toMatchObject({ spw: 3 });
  });

  it('median is the plane at index floor(n/2) of the candidates sorted by BMIN x f (the upper middle for an even count)', () => {
    const planes = [1.0, 1.1, 1.2, 1.3].map((b) => plane({ bminArcsec: b, bmajArcsec: b * 1.2 }));
    expect(chooseReference(planes, SETTINGS)).toMatchObject({ bminArcsec: 1.2, candidates: 4 });
    expect(chooseReference(planes.slice(0, 3), SETTINGS)).toMatchObject({ bminArcsec: 1.1, candidates: 3 });
  });

  it('flagged planes (at or above maxFlaggedFraction) do not vote', () => {
    const planes = [1.0, 1.1, 1.2, 1.3, 1.4].map((b, i) => plane({ bminArcsec: b, bmajArcsec: 2, flaggedFraction: i >= 3 ? 0.8 : 0 }));
    expect(chooseReference(planes, SETTINGS)).toMatchObject({ bminArcsec: 1.1, candidates: 3 });
  });

  it('when every plane is flagged, all with a beam vote (all are rejected anyway; expected beams are still reported)', () => {
    const planes = [plane({ flaggedFraction: 0.9 }), plane({ flaggedFraction: 1 })];
    const ref = chooseReference(planes, SETTINGS);
    expect(ref).toMatchObject({ candidates: 2 });
    expect(judgePlanes(planes, ref, SETTINGS).map((p) => [p.rejected, p.expectedBmajArcsec])).toEqual([
      [true, 2],
      [true, 2],
    ]);
  });

  it('no plane with a beam of its own: no reference', () => {
    expect(chooseReference([plane({ beamShared: true }), plane({ bmajArcsec: null, bminArcsec: null })], SETTINGS)).toBeNull();
  });
});

describe('beams that are not the plane own', () => {
  it('a shared beam (one header beam for several planes, or a common-beam product) is not judged by the 1/f check', () => {
    const planes = [2.0e9, 3.0e9, 4.0e9].map((f) => plane({ freqHz: f, beamShared: true }));
    const judged = judgePlanes(planes, chooseReference(planes, SETTINGS), SETTINGS);
    expect(judged.map((p) => [p.rejected, p.expectedBmajArcsec, p.bmajDeviation])).toEqual([
      [false, null, null],
      [false, null, null],
      [false, null, null],
    ]);
  });
  it('a plane without any beam is rejected (a beam that cannot be checked cannot pass)', () => {
    const r = judgeOne({ bmajArcsec: null, bminArcsec: null, bpaDeg: null, beamSource: null });
    expect(r.rejected).toBe(true);
    expect(r.reasons[0]).toMatch(/^no restoring beam/);
  });
});

describe('product rules (CAPO defaults): PASS with no rejection, WARN with some, FAIL below 8 usable planes', () => {
  const configs = loadRuleConfigs(capo(), `${PREFIX}.rule`, CUBE_RULES);
  const verdict = (planes: number, rejected: number) => overallVerdict(evaluateRules(CUBE_RULES, configs, { planes, rejectedPlanes: rejected, usablePlanes: planes - rejected }));
  it.each([
    [16, 0, 'PASS'],
    [16, 1, 'WARN'],
    [16, 4, 'WARN'],
    [16, 8, 'WARN'], // 8 usable: at the limit, passes it
    [16, 9, 'FAIL'], // 7 usable
    [16, 16, 'FAIL'],
    [5, 0, 'FAIL'], // a cube of 5 planes cannot have 8 usable
  ])('%i planes, %i rejected: %s', (planes, rejected, expected) => {
    expect(verdict(planes, rejected)).toBe(expected);
  });
  it('the rules say what they judged', () => {
    const outcomes = evaluateRules(CUBE_RULES, configs, { planes: 16, rejectedPlanes: 9, usablePlanes: 7 });
    expect(outcomes.map((o) => [o.name, o.status, o.message])).toEqual([
      ['rejectedPlanes', 'warn', 'Number of rejected planes 9 is above the warning level 0: warning'],
      ['usablePlanes', 'fail', 'Number of usable (not rejected) planes 7 is below the minimum 8: rejected'],
    ]);
  });
  it('summarizePlanes counts', () => {
    const planes = [plane(), plane({ flaggedFraction: 1 })];
    expect(summarizePlanes(judgePlanes(planes, chooseReference(planes, SETTINGS), SETTINGS))).toEqual({ planes: 2, usablePlanes: 1, rejectedPlanes: 1 });
  });
});

describe('CAPO settings are validated (78, the key named)', () => {
  it.each([
    [`${PREFIX}.beamTolerance = 1.5`, 'beamTolerance'],
    [`${PREFIX}.beamTolerance = 0`, 'beamTolerance'],
    [`${PREFIX}.beamTolerance = wide`, 'beamTolerance'],
    [`${PREFIX}.maxFlaggedFraction = 0`, 'maxFlaggedFraction'],
    [`${PREFIX}.maxFlaggedFraction = 1.2`, 'maxFlaggedFraction'],
    [`${PREFIX}.referencePlane = first`, 'referencePlane'],
    [`${PREFIX}.beamTolerence = 0.3`, 'beamtolerence'],
  ])('%s', (line, named) => {
    expect(() => loadCubeSettings(capo(line + '\n'), PREFIX)).toThrow(ConfigError);
    expect(() => loadCubeSettings(capo(line + '\n'), PREFIX)).toThrow(named);
  });
  it('maxFlaggedFraction = 1 is allowed (only all-blank planes rejected)', () => {
    expect(loadCubeSettings(capo(`${PREFIX}.maxFlaggedFraction = 1\n`), PREFIX).maxFlaggedFraction).toBe(1);
  });
});
