/**
 * Every Single Epoch metric against values computed independently with numpy/astropy
 * (test/reference/qa_se_reference.py -> qa_se_reference.json) on two committed products: the
 * fixture generator's small SE product and the edge product the script writes (pixels exactly
 * at tt0/rms = 10 and one float32 step below, blank and infinite alpha at high S/N, alpha
 * exactly 0 and at the physical limits, unphysical values, a tt1 disagreement, NaN alpha.error
 * and tt1 where alpha is set, a catalog with a blank Quality_flag cell).
 *
 * Tolerances: exact for counts, fractions and medians (the same float64 values are selected
 * and averaged); 1e-12 relative for MAD sigma, |alpha - tt1/tt0| and areas (float64 products).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { highSnrPixels, measureAlpha, type AlphaMetrics, type AlphaOptions } from '../../../../shared/qa/continuum/alpha.js';
import { imagedAreaSqDeg, measureCatalog, readComponentCatalog } from '../../../../shared/qa/continuum/catalog.js';
import { measureContinuum } from '../../../../shared/qa/continuum/measure.js';
import { readRmsPlane } from '../../../../shared/qa/continuum/rmsSource.js';
import { readSinglePlane } from '../../../../shared/vlass/image.js';
import { type QaMetrics } from '../../../../shared/qa/index.js';
import { REPO_ROOT } from '../../../helpers/realdata.js';
import { sha256 } from '../images.js';

type Role = 'tt0' | 'tt1' | 'rms' | 'alpha' | 'alphaError';

interface ProductRef {
  files: Record<Role, string>;
  sha256: Record<Role, string>;
  alpha: AlphaMetrics;
  alphaOtherSettings: AlphaMetrics;
  continuum: QaMetrics;
  areaSqDeg: number;
  catalog?: { file: string; sha256: string; components: number; areaSqDeg: number; perSquareDegree: number; hasQualityFlag: boolean; qualityFlagged: number | null; qualityFlaggedFraction: number | null };
}

interface Reference {
  settings: AlphaOptions;
  otherSettings: AlphaOptions;
  edge: ProductRef;
  se?: ProductRef;
}

const reference = JSON.parse(readFileSync(join(REPO_ROOT, 'test', 'reference', 'qa_se_reference.json'), 'utf8')) as Reference;
const products = (['se', 'edge'] as const).filter((k) => reference[k] !== undefined);
const abs = (p: string) => join(REPO_ROOT, p);

function close(actual: number | null, expected: number | null, rel = 1e-12): void {
  if (expected === null) {
    expect(actual).toBeNull();
    return;
  }
  expect(actual).not.toBeNull();
  expect(Math.abs(actual! - expected)).toBeLessThanOrEqual(rel * Math.max(Math.abs(expected), 1e-300));
}

function measure(ref: ProductRef, options: AlphaOptions): AlphaMetrics {
  const tt0 = readSinglePlane(abs(ref.files.tt0), 'pbcor tt0 image');
  const rms = readRmsPlane(tt0, abs(ref.files.rms));
  const read = (role: Role) => () => readSinglePlane(abs(ref.files[role]), role, tt0).data;
  return measureAlpha(tt0.data, rms.data, { alpha: read('alpha'), alphaError: read('alphaError'), tt1: read('tt1') }, options);
}

function expectAlpha(actual: AlphaMetrics, expected: AlphaMetrics): void {
  expect({ snrMin: actual.snrMin, physicalRange: actual.physicalRange }).toEqual({ snrMin: expected.snrMin, physicalRange: expected.physicalRange });
  expect([actual.nHighSnr, actual.nAlphaHighSnr]).toEqual([expected.nHighSnr, expected.nAlphaHighSnr]);
  expect(actual.blankFractionHighSnr).toBe(expected.blankFractionHighSnr);
  expect(actual.fractionUnphysical).toBe(expected.fractionUnphysical);
  expect(actual.medianHighSnr).toBe(expected.medianHighSnr);
  expect(actual.medianErrorHighSnr).toBe(expected.medianErrorHighSnr);
  close(actual.madSigmaHighSnr, expected.madSigmaHighSnr);
  close(actual.tt1ConsistencyMedianAbs, expected.tt1ConsistencyMedianAbs);
}

describe.each(products)('SE metrics of the %s product match numpy/astropy', (key) => {
  const ref = reference[key]!;
  const present = existsSync(abs(ref.files.tt0));

  it.skipIf(!present)('the files are the ones the reference was computed on (else re-run qa_se_reference.py)', () => {
    const actual = Object.fromEntries(Object.entries(ref.files).map(([role, p]) => [role, sha256(abs(p))]));
    expect(actual).toEqual(ref.sha256);
  });

  it.skipIf(!present)('alpha metrics with the default settings (tt0/rms >= 10, physical range [-3, 2.5])', () => {
    expectAlpha(measure(ref, reference.settings), ref.alpha);
  });

  it.skipIf(!present)('alpha metrics with other settings (tt0/rms >= 20, physical range [-1, 1]): the settings are used', () => {
    const other = measure(ref, reference.otherSettings);
    expectAlpha(other, ref.alphaOtherSettings);
    expect(other.nHighSnr).toBeLessThan(ref.alpha.nHighSnr);
  });

  it.skipIf(!present)('the continuum metrics of the tt0 image (the QL definitions, on SE)', () => {
    const tt0 = readSinglePlane(abs(ref.files.tt0), 'pbcor tt0 image');
    const m = measureContinuum(tt0, readRmsPlane(tt0, abs(ref.files.rms)));
    const r = ref.continuum;
    expect(m.image.shape).toEqual(r.image.shape);
    for (const k of ['bmajArcsec', 'bminArcsec', 'bpaDeg', 'axisRatio'] as const) close(m.beam![k], r.beam![k]);
    expect([m.pbcor.peakJy, m.pbcor.minJy, m.pbcor.medianJy, m.pbcor.blankFraction, m.pbcor.zeroFraction]).toEqual([
      r.pbcor.peakJy,
      r.pbcor.minJy,
      r.pbcor.medianJy,
      r.pbcor.blankFraction,
      r.pbcor.zeroFraction,
    ]);
    close(m.pbcor.madSigmaJy, r.pbcor.madSigmaJy);
    expect(m.rms.medianJy).toBe(r.rms.medianJy);
    for (const f of ['fractionBelow120uJy', 'fractionBelow168uJy', 'fractionBelow200uJy'] as const) expect(m.rms[f]).toBe(r.rms[f]);
    close(m.dynamicRange, r.dynamicRange);
    close(m.negativeToPeak, r.negativeToPeak);
  });

  it.skipIf(!present)('the imaged sky area (finite, non-zero tt0 pixels x pixel area)', () => {
    const tt0 = readSinglePlane(abs(ref.files.tt0), 'pbcor tt0 image');
    const m = measureContinuum(tt0, readRmsPlane(tt0, abs(ref.files.rms)));
    close(imagedAreaSqDeg(tt0.data, m.image.pixelScaleArcsec), ref.areaSqDeg);
  });
});

describe('the edge product exercises what it was written for', () => {
  const ref = reference.edge;
  const tt0 = readSinglePlane(abs(ref.files.tt0), 'pbcor tt0 image');
  const rms = readRmsPlane(tt0, abs(ref.files.rms));

  it('a pixel exactly at tt0/rms = 10 is high S/N, one float32 step below is not', () => {
    const high = new Set(highSnrPixels(tt0.data, rms.data, 10));
    const at = (x: number, y: number) => y * tt0.width + x;
    expect([5, 6, 7, 8].map((y) => high.has(at(30, y)))).toEqual([true, false, true, false]);
    expect(tt0.data[at(30, 5)] / rms.data[at(30, 5)]).toBe(10);
  });

  it('blanks, unphysical values and the tt1 disagreement are all present', () => {
    const a = ref.alpha;
    expect(a.blankFractionHighSnr).toBeGreaterThan(0);
    expect(a.fractionUnphysical).toBeGreaterThan(0);
    expect(a.tt1ConsistencyMedianAbs).toBeGreaterThan(0.1);
    expect(reference.se?.alpha.tt1ConsistencyMedianAbs ?? 0).toBeLessThan(1e-6);
  });

  it('the catalog: components, area, density, Quality_flag fraction (a blank cell counts neither way)', () => {
    const expected = ref.catalog!;
    expect(sha256(abs(expected.file))).toBe(expected.sha256);
    const m = measureCatalog(readComponentCatalog(abs(expected.file)), imagedAreaSqDeg(tt0.data, measureContinuum(tt0, rms).image.pixelScaleArcsec));
    expect(m).toMatchObject({ file: abs(expected.file), components: expected.components, hasQualityFlag: true, qualityFlagged: expected.qualityFlagged, detectionImage: 'qa_se_reference.edge.tt0.fits' });
    expect(m.qualityFlaggedFraction).toBe(expected.qualityFlaggedFraction);
    close(m.areaSqDeg, expected.areaSqDeg);
    close(m.perSquareDegree, expected.perSquareDegree);
  });

  it('measureAlpha reads each lazily given plane once, and not at all when given arrays', () => {
    const calls: string[] = [];
    const read = (role: Role) => () => {
      calls.push(role);
      return readSinglePlane(abs(ref.files[role]), role, tt0).data;
    };
    measureAlpha(tt0.data, rms.data, { alpha: read('alpha'), alphaError: read('alphaError'), tt1: read('tt1') }, reference.settings);
    expect(calls).toEqual(['alpha', 'alphaError', 'tt1']);
  });

  it('the caller\'s planes are not modified', () => {
    const planes = { alpha: readSinglePlane(abs(ref.files.alpha), 'alpha', tt0).data, alphaError: readSinglePlane(abs(ref.files.alphaError), 'e', tt0).data, tt1: readSinglePlane(abs(ref.files.tt1), 't', tt0).data };
    const copies = [tt0.data, rms.data, planes.alpha, planes.alphaError, planes.tt1].map((p) => p.slice());
    measureAlpha(tt0.data, rms.data, planes, reference.settings);
    [tt0.data, rms.data, planes.alpha, planes.alphaError, planes.tt1].forEach((p, i) => expect(Buffer.from(p.buffer).equals(Buffer.from(copies[i].buffer))).toBe(true));
  });
});

describe('alpha metrics with nothing to measure', () => {
  it('no high-S/N pixel: counts 0, every statistic null', () => {
    const zeros = new Float32Array(16);
    const ones = new Float32Array(16).fill(1);
    const m = measureAlpha(zeros, ones, { alpha: ones, alphaError: ones, tt1: ones }, { snrMin: 10, unphysicalBelow: -3, unphysicalAbove: 2.5 });
    expect(m).toMatchObject({ nHighSnr: 0, nAlphaHighSnr: 0, blankFractionHighSnr: null, medianHighSnr: null, madSigmaHighSnr: null, fractionUnphysical: null, medianErrorHighSnr: null, tt1ConsistencyMedianAbs: null });
  });
  it('high-S/N pixels but alpha blank everywhere: blank fraction 1, statistics null', () => {
    const tt0 = new Float32Array(16).fill(20);
    const ones = new Float32Array(16).fill(1);
    const m = measureAlpha(tt0, ones, { alpha: new Float32Array(16).fill(NaN), alphaError: ones, tt1: ones }, { snrMin: 10, unphysicalBelow: -3, unphysicalAbove: 2.5 });
    expect(m).toMatchObject({ nHighSnr: 16, nAlphaHighSnr: 0, blankFractionHighSnr: 1, medianHighSnr: null, fractionUnphysical: null, tt1ConsistencyMedianAbs: null });
  });
  it('planes of different sizes are a programming error (RangeError), not a silent mismeasure', () => {
    const a = new Float32Array(16);
    expect(() => measureAlpha(a, a, { alpha: new Float32Array(15), alphaError: a, tt1: a }, { snrMin: 10, unphysicalBelow: -3, unphysicalAbove: 2.5 })).toThrow(RangeError);
  });
});
