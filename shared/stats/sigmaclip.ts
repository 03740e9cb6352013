/**
 * Sigma-clipped statistics with the semantics of astropy.stats.sigma_clipped_stats
 * (astropy 5.x, axis=None, grow=False):
 * - NaN and ±Infinity are dropped first (astropy drops all non-finite values);
 * - each iteration computes the centre as the median and the spread as the population
 *   standard deviation (ddof 0) of the surviving values, and keeps the values v with
 *   median − sigmaLower·std <= v <= median + sigmaUpper·std (bounds inclusive);
 * - iteration stops when an iteration removes nothing or after maxIters iterations
 *   (default 5; null iterates until nothing changes);
 * - the result is the mean, median and standard deviation (ddof stdDdof, default 0) of the
 *   values left.
 * Defaults: sigma = 3, maxIters = 5, cenfunc median, stdfunc std — as astropy's.
 * Runs on one working copy, compacted in place after every iteration.
 */
import { meanStd } from './moments.js';
import { medianOfWork } from './quantiles.js';
import { type FloatArray, type SampleOptions, workingCopy } from './sample.js';

export interface SigmaClipOptions extends SampleOptions {
  /** Clipping limit in standard deviations for both sides (default 3). */
  sigma?: number;
  /** Lower limit; defaults to sigma. */
  sigmaLower?: number;
  /** Upper limit; defaults to sigma. */
  sigmaUpper?: number;
  /** Maximum iterations (default 5); null means until an iteration removes nothing. */
  maxIters?: number | null;
  /** Delta degrees of freedom of the returned std only (astropy's std_ddof, default 0). */
  stdDdof?: number;
}

export interface SigmaClipResult {
  /** Values left after clipping. */
  count: number;
  mean: number;
  median: number;
  std: number;
  /** Iterations performed (astropy's SigmaClip._niterations). */
  iterations: number;
  /** Bounds of the last iteration; values outside were removed. NaN when no values. */
  lower: number;
  upper: number;
}

export function sigmaClippedStats(data: FloatArray, options: SigmaClipOptions = {}): SigmaClipResult {
  const sigma = options.sigma ?? 3;
  const sigmaLower = options.sigmaLower ?? sigma;
  const sigmaUpper = options.sigmaUpper ?? sigma;
  const maxIters = options.maxIters === null ? Infinity : (options.maxIters ?? 5);
  if (!(sigmaLower > 0 && sigmaUpper > 0)) throw new RangeError(`sigma limits ${sigmaLower}, ${sigmaUpper} must be positive`);
  if (!(maxIters >= 0)) throw new RangeError(`maxIters ${maxIters} must be >= 0`);

  const work = workingCopy(data, { excludeZeros: options.excludeZeros, excludeInfinite: true });
  let n = work.length;
  if (n === 0) return { count: 0, mean: NaN, median: NaN, std: NaN, iterations: 0, lower: NaN, upper: NaN };

  let iterations = 0;
  let removed = 1;
  let lower = -Infinity;
  let upper = Infinity;
  let centre = NaN;
  while (removed !== 0 && iterations < maxIters) {
    iterations++;
    const current = work.subarray(0, n);
    centre = medianOfWork(current);
    const { std } = meanStd(current);
    lower = centre - std * sigmaLower;
    upper = centre + std * sigmaUpper;
    const kept = keepWithin(work, n, lower, upper);
    removed = n - kept;
    n = kept;
  }

  const survivors = work.subarray(0, n);
  // After an iteration that removed nothing, its median is already the survivors' median.
  const median = removed === 0 ? centre : medianOfWork(survivors);
  const { mean, std } = meanStd(survivors, { ddof: options.stdDdof ?? 0 });
  return { count: n, mean, median, std, iterations, lower, upper };
}

/** Moves the values of work[0, n) within [lower, upper] to the front, in order; returns how many. */
export function keepWithin(work: FloatArray, n: number, lower: number, upper: number): number {
  let kept = 0;
  for (let i = 0; i < n; i++) {
    const v = work[i];
    if (v >= lower && v <= upper) work[kept++] = v;
  }
  return kept;
}
