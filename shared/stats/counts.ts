/** Pixel census: how many pixels are blank (NaN), exactly zero, infinite, finite. */
import { type FloatArray, type SampleOptions, isKept } from './sample.js';
import { type Extrema, pixelAt } from './extrema.js';

export interface PixelCounts {
  total: number;
  /** NaN pixels: blanked (FITS float images mark blanks with NaN). */
  nan: number;
  /** Pixels exactly 0 (CASA's other way of blanking); a subset of `finite`. */
  zero: number;
  /** ±Infinity. */
  infinite: number;
  /** Neither NaN nor infinite, zeros included. */
  finite: number;
}

export function countPixels(data: FloatArray): PixelCounts {
  let nan = 0;
  let zero = 0;
  let infinite = 0;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (v !== v) nan++;
    else if (v === 0) zero++;
    else if (v === Infinity || v === -Infinity) infinite++;
  }
  return { total: data.length, nan, zero, infinite, finite: data.length - nan - infinite };
}

/**
 * For each threshold t, the fraction of finite values strictly below t, out of all finite
 * values (zeros excluded from both counts when asked). NaN when there are no finite values.
 */
export function fractionsBelow(data: FloatArray, thresholds: readonly number[], options: SampleOptions = {}): number[] {
  const excludeZeros = options.excludeZeros === true;
  const below = new Array<number>(thresholds.length).fill(0);
  let finite = 0;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (!isKept(v, excludeZeros) || v === Infinity || v === -Infinity) continue;
    finite++;
    for (let t = 0; t < thresholds.length; t++) if (v < thresholds[t]) below[t]++;
  }
  return below.map((b) => (finite === 0 ? NaN : b / finite));
}

/**
 * countPixels and the extrema of the finite values (extrema.ts, first occurrence) in one pass:
 * what image QA asks of every plane, for the price of reading it once.
 */
export function pixelCensus(data: FloatArray, width: number): { counts: PixelCounts; extrema: Extrema | null } {
  if (!(Number.isInteger(width) && width > 0)) throw new RangeError(`image width ${width} is not a positive integer`);
  let nan = 0;
  let zero = 0;
  let infinite = 0;
  let min = Infinity;
  let max = -Infinity;
  let minIndex = -1;
  let maxIndex = -1;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (v !== v) nan++;
    else if (v === Infinity || v === -Infinity) infinite++;
    else {
      if (v === 0) zero++;
      if (v < min || minIndex < 0) {
        min = v;
        minIndex = i;
      }
      if (v > max || maxIndex < 0) {
        max = v;
        maxIndex = i;
      }
    }
  }
  const counts = { total: data.length, nan, zero, infinite, finite: data.length - nan - infinite };
  return { counts, extrema: minIndex < 0 ? null : { min: pixelAt(min, minIndex, width), max: pixelAt(max, maxIndex, width) } };
}
