/**
 * Exact median and percentiles by selection (see select.ts), matching numpy: np.median, and
 * np.percentile with its default 'linear' method (virtual index h = (n-1)·q/100, linear
 * interpolation between the order statistics floor(h) and floor(h)+1).
 *
 * NaN is ignored (np.nanmedian / np.nanpercentile); with no values left the result is NaN,
 * as numpy returns. The `...OfWork` variants run on a working copy and reorder it.
 */
import { moveMinimumTo, selectInPlace } from './select.js';
import { type FloatArray, type SampleOptions, workingCopy } from './sample.js';

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
function interpolationPlan(n: number, q: number): InterpolationPlan {
  const h = (n - 1) * (q / 100);
  const lower = Math.min(Math.floor(h), n - 1);
  const upper = Math.min(lower + 1, n - 1);
  return { lower, upper, fraction: h - lower };
}

/** numpy's _lerp: interpolates from the nearer end so that t = 1 returns b exactly. */
function lerp(a: number, b: number, t: number): number {
  if (t === 0) return a;
  const diff = b - a;
  return t >= 0.5 ? b - diff * (1 - t) : a + diff * t;
}
