/**
 * Cube plane measurement (shared/cube/plan.ts, shared/qa/cube/measure.ts and rules.ts) against values
 * computed independently with numpy/astropy (test/reference/qa_cube_reference.py ->
 * qa_cube_reference.json) on the committed small fixture cube (fixtures/vlass/small/cc) and on
 * the committed multi-plane cube with a CASA BEAMS table (qa_cube_reference.multi.fits); the
 * fixture cube's judgement against its own windows.json; and the scanner's bounded memory.
 *
 * Tolerances: exact for counts, fractions, peaks, frequencies and order statistics (the same
 * float values are selected); 1e-12 relative for float64 arithmetic (MAD scaling, beams).
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { SMALL_PRESETS } from '../../../../fixtures/vlass/presets.js';
import { describe, expect, it } from 'vitest';
import { FitsReader } from '../../../../shared/fits/index.js';
import { PlaneScanner, measureCubePlanes, type MeasuredPlane } from '../../../../shared/qa/cube/measure.js';
import { chooseReference, judgePlanes } from '../../../../shared/qa/cube/rules.js';
import { discoverCube, type CubeFile } from '../../../../shared/cube/discover.js';
import { inspectCubeFile } from '../../../../shared/cube/plan.js';
import { loadCubeSettings } from '../../../../shared/qa/index.js';
import { CUBE_WINDOW_SUFFIX } from '../../../../shared/vlass/index.js';
import { loadCapo } from '../../../../shared/capo/capo.js';
import { REPO_ROOT } from '../../../helpers/realdata.js';
import { sha256 } from '../images.js';

interface RefPlane {
  file: string;
  spw: number | null;
  planeIndex: number;
  stokesIndex: number;
  freqHz: number;
  bmajArcsec: number;
  bminArcsec: number;
  bpaDeg: number;
  beamSource: 'header' | 'table';
  rmsJy: number | null;
  peakJy: number | null;
  flaggedFraction: number;
  pixelCount: number;
  expectedBmajArcsec: number;
  expectedBminArcsec: number;
  rejected: boolean;
}
interface RefReference {
  file: string;
  spw: number | null;
  planeIndex: number;
  freqHz: number;
  candidates: number;
}

const ref = JSON.parse(readFileSync(join(REPO_ROOT, 'test', 'reference', 'qa_cube_reference.json'), 'utf8')) as {
  cube: { dir: string; sha256: Record<string, string>; reference: RefReference; planes: RefPlane[] };
  multi: { file: string; sha256: string; reference: RefReference; planes: RefPlane[] };
};
const CUBE_DIR = join(REPO_ROOT, ref.cube.dir);
const MULTI = join(REPO_ROOT, ref.multi.file);
const SETTINGS = loadCubeSettings(
  loadCapo({ embedded: { 'defaults-annotateqasecube.properties': readFileSync(join(REPO_ROOT, 'capo', 'defaults-annotateQaSECube.properties'), 'utf8') }, env: {}, home: '/nonexistent' }),
  'edu.nrao.vlass.annotateQaSECube',
);

function close(actual: number | null, expected: number | null, rel = 1e-12): void {
  if (expected === null) return void expect(actual).toBeNull();
  expect(actual).not.toBeNull();
  expect(Math.abs(actual! - expected)).toBeLessThanOrEqual(rel * Math.max(Math.abs(expected), 1e-300));
}

async function measureDir(): Promise<MeasuredPlane[]> {
  const product = await discoverCube({ dir: CUBE_DIR });
  return measureCubePlanes(product.files.map(inspectCubeFile));
}

function measureMulti(): MeasuredPlane[] {
  const file: CubeFile = { path: MULTI, spw: undefined, name: undefined, commonBeam: false };
  return measureCubePlanes([inspectCubeFile(file)]);
}

function compare(ours: MeasuredPlane[], theirs: RefPlane[]): void {
  expect(ours.map((p) => [p.spw, p.planeIndex])).toEqual(theirs.map((p) => [p.spw, p.planeIndex]));
  ours.forEach((p, i) => {
    const r = theirs[i];
    expect({ file: p.file.split('/').pop(), stokesIndex: p.stokesIndex, freqHz: p.freqHz, beamSource: p.beamSource, pixelCount: p.pixelCount, flaggedFraction: p.flaggedFraction, peakJy: p.peakJy }).toEqual({
      file: r.file,
      stokesIndex: r.stokesIndex,
      freqHz: r.freqHz,
      beamSource: r.beamSource,
      pixelCount: r.pixelCount,
      flaggedFraction: r.flaggedFraction,
      peakJy: r.peakJy,
    });
    close(p.rmsJy, r.rmsJy);
    close(p.bmajArcsec, r.bmajArcsec);
    close(p.bminArcsec, r.bminArcsec);
    close(p.bpaDeg, r.bpaDeg);
  });
}

describe('the committed small cube (fixtures/vlass/small/cc) against numpy/astropy', () => {
  const present = existsSync(CUBE_DIR);
  it.skipIf(!present)('the windows are the ones the reference was computed on (else re-run qa_cube_reference.py)', () => {
    const files = readdirSync(CUBE_DIR).filter((f) => f.endsWith(CUBE_WINDOW_SUFFIX));
    expect(Object.fromEntries(files.map((f) => [f, sha256(join(CUBE_DIR, f))]))).toEqual(ref.cube.sha256);
  });

  it.skipIf(!present)('per plane: frequency, Stokes I index, beam, rms (mad_std), peak, flagged fraction', async () => {
    compare(await measureDir(), ref.cube.planes);
  });

  it.skipIf(!present)('the judgement: the same reference plane, expected beams and rejected planes (spw3 flagged, spw11 wrong beam)', async () => {
    const measured = await measureDir();
    const reference = chooseReference(measured, SETTINGS)!;
    expect({ spw: reference.spw, freqHz: reference.freqHz, candidates: reference.candidates }).toEqual({ spw: ref.cube.reference.spw, freqHz: ref.cube.reference.freqHz, candidates: ref.cube.reference.candidates });
    const judged = judgePlanes(measured, reference, SETTINGS);
    expect(judged.map((p) => p.rejected)).toEqual(ref.cube.planes.map((p) => p.rejected));
    expect(judged.filter((p) => p.rejected).map((p) => p.spw)).toEqual([3, 11]);
    judged.forEach((p, i) => {
      close(p.expectedBmajArcsec, ref.cube.planes[i].expectedBmajArcsec);
      close(p.expectedBminArcsec, ref.cube.planes[i].expectedBminArcsec);
    });
  });

  it.skipIf(!present)("and against the fixture's windows.json: frequencies, beams, expected beams, defects, NaN fractions", async () => {
    const windows = JSON.parse(readFileSync(join(CUBE_DIR, readdirSync(CUBE_DIR).find((f) => f.endsWith('.windows.json'))!), 'utf8')).windows as {
      spw: number;
      freqHz: number;
      beam: { majArcsec: number; minArcsec: number; paDeg: number };
      expectedBeam: { majArcsec: number; minArcsec: number };
      nanFraction: number;
      defect: string | null;
    }[];
    const measured = await measureDir();
    const judged = judgePlanes(measured, chooseReference(measured, SETTINGS), SETTINGS);
    expect(judged.map((p) => p.spw)).toEqual(windows.map((w) => w.spw));
    judged.forEach((p, i) => {
      const w = windows[i];
      expect(p.freqHz).toBe(w.freqHz);
      // the header keeps 13 significant digits of the beam
      close(p.bmajArcsec, w.beam.majArcsec, 1e-11);
      close(p.bminArcsec, w.beam.minArcsec, 1e-11);
      close(p.expectedBmajArcsec, w.expectedBeam.majArcsec, 1e-11);
      close(p.expectedBminArcsec, w.expectedBeam.minArcsec, 1e-11);
      expect(p.rejected).toBe(w.defect !== null);
      // flagged = NaN + zero border; the fixture's NaN fraction is a lower bound
      expect(p.flaggedFraction).toBeGreaterThanOrEqual(w.nanFraction);
      if (w.defect === 'flagged') expect(p.reasons.join()).toMatch(/^flagged fraction/);
      if (w.defect === 'wrong-beam') expect(p.reasons.map((r) => r.slice(0, 15))).toEqual(['beam major axis', 'beam minor axis']);
    });
  });
});

describe('the committed multi-plane cube with a CASA BEAMS table (qa_cube_reference.multi.fits)', () => {
  it('is the file the reference was computed on', () => {
    expect(sha256(MULTI)).toBe(ref.multi.sha256);
  });
  it('Stokes I is found at pixel 1 (STOKES runs Q, I); frequencies from CRPIX3 = 2; each plane has its own table beam', () => {
    const plan = inspectCubeFile({ path: MULTI, spw: undefined, name: undefined, commonBeam: false });
    expect(plan.planes.map((p) => [p.planeIndex, p.stokesIndex, p.indices, p.freqHz, p.beamSource, p.beamShared])).toEqual([
      [0, 1, [0, 1], 2.25e9, 'table', false],
      [1, 1, [1, 1], 2.5e9, 'table', false],
      [2, 1, [2, 1], 2.75e9, 'table', false],
      [3, 1, [3, 1], 3.0e9, 'table', false],
      [4, 1, [4, 1], 3.25e9, 'table', false],
    ]);
  });
  it('per plane against numpy/astropy, including the all-NaN plane (nulls, flagged 1) and the 85%-zero plane', () => {
    const measured = measureMulti();
    compare(measured, ref.multi.planes);
    expect(measured[3]).toMatchObject({ rmsJy: null, peakJy: null, flaggedFraction: 1 });
  });
  it('the judgement: the 35%-wide beam and the two flagged planes are rejected', () => {
    const measured = measureMulti();
    const reference = chooseReference(measured, SETTINGS)!;
    expect({ planeIndex: reference.planeIndex, candidates: reference.candidates }).toEqual({ planeIndex: ref.multi.reference.planeIndex, candidates: ref.multi.reference.candidates });
    const judged = judgePlanes(measured, reference, SETTINGS);
    expect(judged.map((p) => p.rejected)).toEqual(ref.multi.planes.map((p) => p.rejected));
    expect(judged.map((p) => p.rejected)).toEqual([false, false, true, true, true]);
  });
});

describe('PlaneScanner: bounded memory, chunking does not change a result', () => {
  it('reads in chunks of any size with the same result, and reuses one working array for every plane', async () => {
    const product = await discoverCube({ dir: CUBE_DIR });
    const plans = product.files.map(inspectCubeFile);
    const oneRow = new PlaneScanner(1);
    const big = new PlaneScanner(1 << 30);
    const a = measureCubePlanes(plans, undefined, oneRow);
    const b = measureCubePlanes(plans, undefined, big);
    expect(a).toEqual(b);
    // one plane of float32 values, not one per plane
    const size = SMALL_PRESETS.cc.size!;
    expect(oneRow.workBytes).toBe(size * size * 4);
    expect(big.workBytes).toBe(size * size * 4);
    // and one chunk buffer: a row for the 1-byte chunk size, the whole plane at most
    expect(oneRow.chunkBufferBytes).toBe(size * 4);
    expect(big.chunkBufferBytes).toBe(size * size * 4);
  });

  it('reads only the Stokes I plane: Q and U pixels never reach the statistics', () => {
    // In the multi file Q holds 0.9 Jy at plane 1; the Stokes I peak there is 0.0456.
    const reader = FitsReader.open(MULTI);
    try {
      expect(new PlaneScanner().measure(reader, [1, 1]).peakJy).toBe(Math.fround(0.0456));
      expect(new PlaneScanner().measure(reader, [1, 0]).peakJy).toBe(Math.fround(0.9));
    } finally {
      reader.close();
    }
  });

  it('progress is reported once per plane, in order', () => {
    const seen: [number, number][] = [];
    measureCubePlanes([inspectCubeFile({ path: MULTI, spw: undefined, name: undefined, commonBeam: false })], (p) => seen.push([p.done, p.total]));
    expect(seen).toEqual([
      [1, 5],
      [2, 5],
      [3, 5],
      [4, 5],
      [5, 5],
    ]);
  });
});
