/**
 * Median absolute deviation, MAD = median(|x - median(x)|), and the Gaussian-equivalent
 * sigma MAD × 1.482602218505602 (= 1/Φ⁻¹(3/4)), the constant astropy.stats.mad_std uses.
 * Both medians are exact order statistics of one working copy; see select.ts.
 */
import { moveNearestTo, selectByDistanceInPlace } from './select.js';
import { RADIX_MIN_LENGTH, medianOfMiddle, medianOfWork, middleRanks } from './quantiles.js';
import { distanceOrderStatistics, medianAndMad32, orderStatistics } from './radix.js';
import { type ConsumeOptions, type FloatArray, type SampleOptions, workingArray } from './sample.js';

/** astropy.stats.mad_std's factor from MAD to the standard deviation of a normal distribution. */
export const MAD_TO_SIGMA = 1.482602218505602;

export interface RobustSummary {
  /** Values used (non-NaN, and non-zero when zeros are excluded). */
  count: number;
  median: number;
  /** Median absolute deviation from the median. */
  mad: number;
  /** mad × MAD_TO_SIGMA. */
  madStd: number;
}

/**
 * Median, MAD and MAD-based sigma from a single working copy (or, with `consumeInput`, from the
 * input itself); NaN fields when no values.
 */
export function medianAndMad(data: FloatArray, options: ConsumeOptions = {}): RobustSummary {
  const fast = data.length >= RADIX_MIN_LENGTH && data instanceof Float32Array ? medianAndMad32(data, options.excludeZeros === true) : undefined;
  if (fast) {
    // Images: both medians from two histogram passes (radix.ts medianAndMad32); input untouched.
    return { ...fast, madStd: fast.mad * MAD_TO_SIGMA };
  }
  if (data.length >= RADIX_MIN_LENGTH) {
    // Float64 data: two passes for the median, two for the MAD (radix.ts). The 20th and 80th
    // percentiles bound the MAD: at least 3/5 of the values lie between them, so more than half
    // lie within max(median - p20, p80 - median) of the median.
    const filter = { excludeZeros: options.excludeZeros };
    const med = orderStatistics(data, (n) => (n === 0 ? [] : [...middleRanks(n), Math.floor(n / 5), Math.ceil((4 * n) / 5) - 1]), filter);
    if (med.count === 0) return { count: 0, median: NaN, mad: NaN, madStd: NaN };
    const middle = med.values.slice(0, med.values.length - 2);
    const median = medianOfMiddle(middle);
    const [p20, p80] = med.values.slice(-2);
    const bound = Math.max(median - p20, p80 - median);
    const mad = bound === 0 ? 0 : medianOfMiddle(distanceOrderStatistics(data, median, bound, middleRanks, filter).values);
    return { count: med.count, median, mad, madStd: mad * MAD_TO_SIGMA };
  }
  const work = workingArray(data, options);
  const med = medianOfWork(work);
  const mad = madOfWork(work, med);
  return { count: work.length, median: med, mad, madStd: mad * MAD_TO_SIGMA };
}

/** MAD-based sigma, as astropy.stats.mad_std(data, ignore_nan=True). */
export function madStd(data: FloatArray, options: SampleOptions = {}): number {
  return medianAndMad(data, options).madStd;
}

/**
 * MAD of a working copy around a known median (reorders the copy). Deviations are compared
 * in float64 without being stored, so the result is exact for float32 data too.
 */
export function madOfWork(work: FloatArray, center: number): number {
  const n = work.length;
  if (n === 0) return NaN;
  const k = (n - 1) >> 1;
  const lower = selectByDistanceInPlace(work, k, center);
  if (n % 2 === 1) return lower;
  const upper = moveNearestTo(work, center, k + 1, n - 1);
  return (lower + upper) / 2;
}
