/**
 * Iterative clipping by Chauvenet's criterion, following CASA imstat/imdev with
 * algorithm='chauvenet' (casacore ChauvenetCriterionStatistics):
 * - each pass takes the mean and the sample standard deviation (divisor N−1, as CASA) of
 *   the N values still in, and keeps the values within mean ± z·std (bounds inclusive),
 *   where z is the z-score at which the expected number of values of a Gaussian sample of N
 *   lying that far from the mean is one half: N·erfc(z/√2) = 1/2. In other words a value is
 *   rejected when N·erfc(|x − mean|/(std·√2)) < 1/2;
 * - with a fixed `zscore` (CASA 'zscore' >= 0) that z is used on every pass instead;
 * - passes stop when a pass rejects nothing, or when maxIterations + 1 passes have been made
 *   (CASA counts its first pass as iteration 0). maxIterations −1 (the CASA default) means
 *   until nothing more is rejected, capped, as in CASA, at 1000.
 * One deliberate difference: CASA finds z by bisection on an integer-truncated point count
 * (ZScoreCalculator), which lands anywhere within a small interval around the root; here z
 * is the exact root, so a value lying within that sliver of the boundary may be classified
 * differently from CASA.
 * NaN and ±Infinity are dropped first.
 */
import { meanStd } from './moments.js';
import { type FloatArray, type SampleOptions, workingCopy } from './sample.js';
import { keepWithin } from './sigmaclip.js';
import { erfcInverse } from './special.js';

/** CASA's cap on passes when maxiter is negative. */
const UNLIMITED_PASSES_CAP = 1000;

export interface ChauvenetOptions extends SampleOptions {
  /** CASA 'maxiter': at most maxIterations + 1 passes; −1 (default) until convergence. */
  maxIterations?: number;
  /** CASA 'zscore': a fixed z instead of Chauvenet's N-dependent one; negative = Chauvenet. */
  zscore?: number;
}

export interface ChauvenetResult {
  /** Values left. */
  count: number;
  mean: number;
  /** Sample standard deviation (N−1) of the values left; 0 for one value, as CASA. */
  std: number;
  /** Passes made; the last may have rejected nothing. CASA's reported niter is passes − 1. */
  passes: number;
  /** z used on the last pass. */
  zscore: number;
  /** Range of the last pass. */
  lower: number;
  upper: number;
}

/** z with n·erfc(z/√2) = 1/2: the largest |deviation| in σ expected once in a sample of n. */
export function chauvenetZScore(n: number): number {
  if (!(n >= 1)) throw new RangeError(`Chauvenet z-score needs at least one value, got ${n}`);
  return Math.SQRT2 * erfcInverse(0.5 / n);
}

export function chauvenetClippedStats(data: FloatArray, options: ChauvenetOptions = {}): ChauvenetResult {
  const maxIterations = options.maxIterations ?? -1;
  if (!Number.isInteger(maxIterations)) throw new RangeError(`maxIterations ${maxIterations} is not an integer`);
  const maxPasses = maxIterations >= 0 ? maxIterations + 1 : UNLIMITED_PASSES_CAP + 1;
  const fixedZ = options.zscore !== undefined && options.zscore >= 0 ? options.zscore : undefined;

  const work = workingCopy(data, { excludeZeros: options.excludeZeros, excludeInfinite: true });
  let n = work.length;
  if (n === 0) return { count: 0, mean: NaN, std: NaN, passes: 0, zscore: NaN, lower: NaN, upper: NaN };

  let stats = sampleMeanStd(work, n);
  let passes = 0;
  let zscore = NaN;
  let lower = -Infinity;
  let upper = Infinity;
  for (;;) {
    zscore = fixedZ ?? chauvenetZScore(n);
    lower = stats.mean - zscore * stats.std;
    upper = stats.mean + zscore * stats.std;
    passes++;
    const kept = keepWithin(work, n, lower, upper);
    const rejected = n - kept;
    n = kept;
    stats = sampleMeanStd(work, n);
    if (rejected === 0 || passes >= maxPasses) break;
  }
  return { count: n, mean: stats.mean, std: stats.std, passes, zscore, lower, upper };
}

/** CASA's ClassicalStatistics: divisor N−1, and a variance of 0 (not NaN) for a single value. */
function sampleMeanStd(work: FloatArray, n: number): { mean: number; std: number } {
  const { mean, std } = meanStd(work.subarray(0, n), { ddof: 1 });
  return { mean, std: n > 1 ? std : 0 };
}
