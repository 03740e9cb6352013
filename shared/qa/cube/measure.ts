/**
 * Measuring a cube's Stokes I planes one at a time, in bounded memory.
 *
 * Only the Stokes I plane of each window is read, in chunks of rows (4 MB) through one reusable
 * chunk buffer (cube/planeReader.ts), and only its usable pixels (finite, non-zero) are kept,
 * compacted into ONE working array, allocated once and reused for every plane; the median and
 * MAD run in place on it (medianAndMad with consumeInput). So one plane's worth of memory (plus
 * one chunk) is alive whatever the number of planes.
 *
 * Per plane (definitions shared with annotateQa's pbcor metrics, checked against numpy/astropy
 * by test/reference/qa_cube_reference.py):
 *   flaggedFraction  (NaN + ±Infinity + exactly 0) / all pixels: CASA blanks with NaN or 0
 *   peakJy           the largest finite pixel (zeros included), null when there is none
 *   rmsJy            astropy mad_std (MAD x 1.482602218505602) of the finite non-zero pixels,
 *                    in float64; null when there is none
 */
import { DataError } from '../../errors.js';
import { FitsReader } from '../../fits/index.js';
import type { CubeFilePlan, PlanePlan } from '../../cube/plan.js';
import { PlaneReader, reopenPlanned } from '../../cube/planeReader.js';
import { medianAndMad, type FloatArray } from '../../stats/index.js';
import type { CubePlaneResult } from './types.js';

export interface PlaneStatistics {
  rmsJy: number | null;
  peakJy: number | null;
  flaggedFraction: number;
  pixelCount: number;
  /** NaN or ±Infinity pixels. */
  blank: number;
  zero: number;
}

/** Measures planes with one reusable working array and one chunk buffer (see the module comment). */
export class PlaneScanner {
  private work: FloatArray | null = null;
  private readonly reader: PlaneReader;

  /** `chunkBytes`: bytes of rows read at a time (at least one row). */
  constructor(chunkBytes?: number) {
    this.reader = new PlaneReader(chunkBytes);
  }

  /** The working array's size in bytes (for tests and logs). */
  get workBytes(): number {
    return this.work?.byteLength ?? 0;
  }

  /** The chunk buffer's size in bytes. */
  get chunkBufferBytes(): number {
    return this.reader.bufferBytes;
  }

  /** Statistics of the plane at `indices` (along NAXIS3, NAXIS4, ...) of an open file. */
  measure(reader: FitsReader, indices: readonly number[]): PlaneStatistics {
    const { width, height, bitpix } = reader.layout;
    const pixelCount = width * height;
    // FitsReader gives float64 for BITPIX 32, 64, -64 and float32 otherwise: keep that precision.
    const work = this.workFor(pixelCount, bitpix === 32 || bitpix === 64 || bitpix === -64);
    let kept = 0;
    let blank = 0;
    let zero = 0;
    let peak = -Infinity;
    let finite = 0;
    this.reader.scan(reader, indices, (rows) => {
      for (let i = 0; i < rows.length; i++) {
        const v = rows[i];
        if (v !== v || v === Infinity || v === -Infinity) {
          blank++;
          continue;
        }
        finite++;
        if (v > peak) peak = v;
        if (v === 0) zero++;
        else work[kept++] = v;
      }
    });
    const robust = kept > 0 ? medianAndMad(work.subarray(0, kept), { consumeInput: true }) : null;
    return {
      rmsJy: robust && Number.isFinite(robust.madStd) ? robust.madStd : null,
      peakJy: finite > 0 ? peak : null,
      flaggedFraction: (blank + zero) / pixelCount,
      pixelCount,
      blank,
      zero,
    };
  }

  private workFor(pixels: number, float64: boolean): FloatArray {
    const w = this.work;
    if (w && w.length >= pixels && w instanceof Float64Array === float64) return w;
    this.work = null; // the old array is garbage before the new one is allocated
    this.work = float64 ? new Float64Array(pixels) : new Float32Array(pixels);
    return this.work;
  }
}

/** A plane as measured, before the beam and flag judgement (rules.ts judgePlanes). */
export type MeasuredPlane = Omit<CubePlaneResult, 'expectedBmajArcsec' | 'expectedBminArcsec' | 'bmajDeviation' | 'bminDeviation' | 'rejected' | 'reasons'>;

export interface PlaneProgress {
  /** 1-based count of planes measured so far, and the total. */
  done: number;
  total: number;
  plane: MeasuredPlane;
  seconds: number;
}

/**
 * Measures every planned plane, file by file (each file opened once, re-checked to be the one
 * inspected), calling `onPlane` after each. Planes come back in file and plane order.
 */
export function measureCubePlanes(
  plans: readonly CubeFilePlan[],
  onPlane?: (p: PlaneProgress) => void,
  scanner = new PlaneScanner(),
  onUnreadable?: (plan: CubeFilePlan, err: DataError) => void,
): MeasuredPlane[] {
  const total = plans.reduce((n, p) => n + p.planes.length, 0);
  const out: MeasuredPlane[] = [];
  let done = 0;
  for (const plan of plans) {
    const measured: MeasuredPlane[] = [];
    try {
      const reader = reopenPlanned(plan.file.path, plan);
      try {
        for (const p of plan.planes) {
          const start = performance.now();
          const plane = measuredPlane(plan, p, scanner.measure(reader, p.indices));
          measured.push(plane);
          onPlane?.({ done: ++done, total, plane, seconds: (performance.now() - start) / 1000 });
        }
      } finally {
        reader.close();
      }
    } catch (err) {
      // With onUnreadable, a file that fails part way is set aside whole (none of its planes kept).
      if (!(err instanceof DataError) || !onUnreadable) throw err;
      onUnreadable(plan, err);
      continue;
    }
    out.push(...measured);
  }
  return out;
}

function measuredPlane(plan: CubeFilePlan, p: PlanePlan, s: PlaneStatistics): MeasuredPlane {
  return {
    file: plan.file.path,
    spw: plan.spw,
    planeIndex: p.planeIndex,
    stokesIndex: p.stokesIndex,
    freqHz: p.freqHz,
    bmajArcsec: p.beam?.majorArcsec ?? null,
    bminArcsec: p.beam?.minorArcsec ?? null,
    bpaDeg: p.beam?.positionAngleDeg ?? null,
    beamSource: p.beamSource,
    beamShared: p.beamShared,
    rmsJy: s.rmsJy,
    peakJy: s.peakJy,
    flaggedFraction: s.flaggedFraction,
    pixelCount: s.pixelCount,
  };
}
