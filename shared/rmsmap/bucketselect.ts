/**
 * Exact order statistics of one box's values by bucket selection, the inner loop of the rms
 * map (about 139 000 boxes of 3721 values for a QL image, each needing a median and a MAD).
 *
 * The values' range is known (the box minimum and maximum, or 0 and the largest deviation),
 * so one pass drops every value into one of ~n/4 equal-width buckets and counts them; the
 * running count then tells which bucket holds the wanted rank, and only that bucket's few
 * values (about ten for Gaussian noise) go through a real selection. Bucket numbers are a
 * monotone function of the value (subtraction, multiplication by a positive scale and
 * truncation all preserve order in IEEE arithmetic), so every value in a lower bucket is <=
 * every value in a higher one and the rank bookkeeping is exact: the result is the same
 * element a full selection would return, not an approximation. Compared with Floyd–Rivest on
 * the whole box this is two linear passes instead of several partitioning sweeps.
 */
import { selectInPlace } from '../stats/index.js';

export class BucketSelector {
  private readonly bucketOf: Int32Array;
  private readonly counts: Int32Array;
  private readonly picked: Float64Array;

  constructor(capacity: number) {
    this.bucketOf = new Int32Array(capacity);
    this.counts = new Int32Array(Math.max(1, bucketCount(capacity)));
    this.picked = new Float64Array(capacity);
  }

  /**
   * The mean of the elements of rank `rank` and `rank + (even ? 1 : 0)` (0-based, ascending)
   * of v[0, n), all of which lie in [low, high]: the median of n values is
   * rankMean(v, n, (n − 1) >> 1, n % 2 === 0, ...). `v` is not modified.
   */
  rankMean(v: Float64Array, n: number, rank: number, pair: boolean, low: number, high: number): number {
    if (!(high > low)) return low; // all values equal (or a single one)
    const buckets = bucketCount(n);
    const scale = buckets / (high - low);
    const counts = this.counts;
    const bucketOf = this.bucketOf;
    counts.fill(0, 0, buckets);
    const last = buckets - 1;
    for (let i = 0; i < n; i++) {
      let b = ((v[i] - low) * scale) | 0;
      if (b > last) b = last; // v = high, or rounding at the top edge
      bucketOf[i] = b;
      counts[b]++;
    }
    // Buckets holding the two ranks, and how many values lie below the first.
    const secondRank = pair ? rank + 1 : rank;
    let below = 0;
    let first = 0;
    while (below + counts[first] <= rank) below += counts[first++];
    let second = first;
    let belowSecond = below;
    while (belowSecond + counts[second] <= secondRank) belowSecond += counts[second++];

    const picked = this.picked;
    let m = 0;
    for (let i = 0; i < n; i++) {
      const b = bucketOf[i];
      if (b >= first && b <= second) picked[m++] = v[i];
    }
    const k = rank - below;
    const lower = selectInPlace(picked, k, 0, m - 1);
    if (!pair) return lower;
    // The next rank is the smallest value right of k (selection left them all >= lower).
    let upper = picked[k + 1];
    for (let i = k + 2; i < m; i++) if (picked[i] < upper) upper = picked[i];
    return (lower + upper) / 2;
  }
}

/** About four values per bucket on average. */
function bucketCount(n: number): number {
  return Math.max(16, n >> 2);
}
