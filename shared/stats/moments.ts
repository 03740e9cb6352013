/**
 * Mean and standard deviation accumulated in float64. Sums run in blocks whose partial sums
 * are then added, which keeps the rounding error of a 14-million-pixel sum near that of
 * numpy's pairwise summation instead of growing with n. The variance is a second pass over
 * deviations from the mean (not sum-of-squares minus square-of-sum, which cancels badly).
 */
import { type FloatArray, type SampleOptions, isKept } from './sample.js';

const BLOCK = 4096;

export interface MeanStd {
  count: number;
  mean: number;
  std: number;
}

export interface MeanStdOptions extends SampleOptions {
  /** Delta degrees of freedom: divisor is count - ddof. 0 as numpy.std; CASA uses 1. */
  ddof?: number;
}

/** Mean and standard deviation of the non-NaN values; NaN fields when count <= ddof. */
export function meanStd(data: FloatArray, options: MeanStdOptions = {}): MeanStd {
  const excludeZeros = options.excludeZeros === true;
  const ddof = options.ddof ?? 0;
  let count = 0;
  let total = 0;
  let block = 0;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (!isKept(v, excludeZeros)) continue;
    block += v;
    if (++count % BLOCK === 0) {
      total += block;
      block = 0;
    }
  }
  total += block;
  if (count === 0) return { count, mean: NaN, std: NaN };
  const mean = total / count;
  let squares = 0;
  block = 0;
  let seen = 0;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (!isKept(v, excludeZeros)) continue;
    const d = v - mean;
    block += d * d;
    if (++seen % BLOCK === 0) {
      squares += block;
      block = 0;
    }
  }
  squares += block;
  const std = count > ddof ? Math.sqrt(squares / (count - ddof)) : NaN;
  return { count, mean, std };
}
