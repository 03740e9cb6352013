/**
 * Exact median and percentiles by selection (see select.ts), matching numpy: np.median, and
 * np.percentile with its default 'linear' method (virtual index h = (n-1)·q/100, linear
 * interpolation between the order statistics floor(h) and floor(h)+1).
 *
 * NaN is ignored (np.nanmedian / np.nanpercentile); with no values left the result is NaN,
 * as numpy returns. The `...OfWork` variants run on a working copy and reorder it.
 */
import { moveMinimumTo, selectInPlace } from './select.js';
import { orderStatistics } from './radix.js';
import { type FloatArray, type SampleOptions, type WorkingCopyOptions, workingCopy } from './sample.js';

/**
 * From this many values on, order statistics come from two histogram passes (radix.ts) instead
 * of a selection on a working copy: the same exact values, faster and without the copy.
 */
export const RADIX_MIN_LENGTH = 1 << 16;

/** Median of the non-NaN values (NaN when there are none). */
export function median(data: FloatArray, options: SampleOptions = {}): number {
  return medianOfWork(workingCopy(data, options));
}

/** One percentile, q in [0, 100], numpy 'linear' definition. */
export function percentile(data: FloatArray, q: number, options: SampleOptions = {}): number {
  return percentilesOfWork(workingCopy(data, options), [q])[0];
}

/** Several percentiles from one working copy, in the order asked. */
export function percentiles(data: FloatArray, qs: readonly number[], options: SampleOptions = {}): number[] {
  return percentilesOfWork(workingCopy(data, options), qs);
}

/** Median of a working copy (reordered in place). */
export function medianOfWork(work: FloatArray): number {
  const n = work.length;
  if (n === 0) return NaN;
  const k = (n - 1) >> 1;
  const lower = selectInPlace(work, k);
  if (n % 2 === 1) return lower;
  // The upper middle value is the smallest of the right part, already separated from the left.
  const upper = moveMinimumTo(work, k + 1, n - 1);
  return (lower + upper) / 2;
}

/**
 * Percentiles of a working copy (reordered in place). The order statistics needed are
 * selected in ascending rank, each on the part of the array right of the previous one, so
 * asking for many percentiles costs little more than asking for the largest spread of them.
 */
export function percentilesOfWork(work: FloatArray, qs: readonly number[]): number[] {
  for (const q of qs) {
    if (!(q >= 0 && q <= 100)) throw new RangeError(`percentile ${q} outside [0, 100]`);
  }
  const n = work.length;
  if (n === 0) return qs.map(() => NaN);
  const plans = qs.map((q) => interpolationPlan(n, q));
  const ranks = [...new Set(plans.flatMap((p) => [p.lower, p.upper]))].sort((a, b) => a - b);
  const valueAtRank = new Map<number, number>();
  let left = 0;
  for (const rank of ranks) {
    valueAtRank.set(rank, selectInPlace(work, rank, left, n - 1));
    left = rank + 1;
  }
  return plans.map((p) => lerp(valueAtRank.get(p.lower)!, valueAtRank.get(p.upper)!, p.fraction));
}

interface InterpolationPlan {
  lower: number;
  upper: number;
  fraction: number;
}

/** numpy 'linear': h = (n-1)·(q/100), computed in that order so h rounds as numpy's does. */
export function interpolationPlan(n: number, q: number): InterpolationPlan {
  const h = (n - 1) * (q / 100);
  const lower = Math.min(Math.floor(h), n - 1);
  const upper = Math.min(lower + 1, n - 1);
  return { lower, upper, fraction: h - lower };
}

/** numpy's _lerp: interpolates from the nearer end so that t = 1 returns b exactly. */
export function lerp(a: number, b: number, t: number): number {
  if (t === 0) return a;
  const diff = b - a;
  return t >= 0.5 ? b - diff * (1 - t) : a + diff * t;
}

/** The 0-based ranks whose values make the median of n values (one for odd n, two for even). */
export function middleRanks(n: number): number[] {
  if (n === 0) return [];
  const k = (n - 1) >> 1;
  return n % 2 === 1 ? [k] : [k, k + 1];
}

/** The median from the values at middleRanks, as np.median combines them. */
export function medianOfMiddle(values: readonly number[]): number {
  return values.length === 0 ? NaN : values.length === 1 ? values[0] : (values[0] + values[1]) / 2;
}

/**
 * The median and percentiles (numpy 'linear') of the kept values, from one pass of order
 * statistics: radix.ts for large arrays, a working copy otherwise; the input is not modified.
 */
export function medianAndPercentiles(
  data: FloatArray,
  qs: readonly number[],
  options: WorkingCopyOptions & { countBelow?: readonly number[] } = {},
): { count: number; median: number; percentiles: number[]; below: number[] } {
  for (const q of qs) {
    if (!(q >= 0 && q <= 100)) throw new RangeError(`percentile ${q} outside [0, 100]`);
  }
  if (data.length < RADIX_MIN_LENGTH) {
    const work = workingCopy(data, options);
    const below = (options.countBelow ?? []).map((t) => {
      let n = 0;
      for (let i = 0; i < work.length; i++) if (work[i] < t) n++;
      return n;
    });
    const percentiles = percentilesOfWork(work, qs);
    return { count: work.length, median: medianOfWork(work), percentiles, below };
  }
  let plans: InterpolationPlan[] = [];
  let middle: number[] = [];
  const { count, values, below } = orderStatistics(
    data,
    (n) => {
      if (n === 0) return [];
      plans = qs.map((q) => interpolationPlan(n, q));
      middle = middleRanks(n);
      return [...middle, ...plans.flatMap((p) => [p.lower, p.upper])];
    },
    options,
  );
  if (count === 0) return { count, median: NaN, percentiles: qs.map(() => NaN), below };
  const median = medianOfMiddle(values.slice(0, middle.length));
  const rest = values.slice(middle.length);
  return { count, median, percentiles: plans.map((p, i) => lerp(rest[2 * i], rest[2 * i + 1], p.fraction)), below };
}
