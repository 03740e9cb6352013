/**
 * The statistic imdev computes in each box with stattype='xmadm', statalg='chauvenet',
 * zscore=-1, maxiter=-1 (the VLASS pipeline's hif_makermsimages call), evaluated on the
 * sorted lists that make up each box (strips.ts).
 *
 * 1. Chauvenet range, as casacore's ChauvenetCriterionStatistics::_setRange does it: from the
 *    mean and sample standard deviation (N−1) of all N values, the range mean ± z·std with z
 *    solving N·erfc(z/√2) = 1/2; then, repeatedly, the same from the values of the box lying
 *    in the current range (bounds inclusive), until a new range holds as many values as the
 *    previous one. At most 1001 ranges (maxiter −1 is capped at 1000 iterations after the
 *    first). The values kept are those of the box in the final range.
 *    This is shared/stats chauvenetClippedStats whenever each range lies inside the previous
 *    one, which is the normal case. casacore applies each range to all the values, not to the
 *    survivors of earlier ranges, so when a range widens on one side a value rejected earlier
 *    comes back; we follow casacore. Two deliberate differences: z is the exact root (CASA
 *    bisects on a truncated count; see shared/stats/chauvenet.ts), and a zero standard
 *    deviation (all values equal) ends the clipping instead of producing a zero-width range
 *    that rounding can leave empty.
 * 2. xmadm: the median absolute deviation from the median of the values kept (casacore
 *    evaluates MEDABSDEVMED over the final range), times 1.482602218505602
 *    (StatImageCreator::PHI, the constant of astropy's mad_std). Medians of an even count are
 *    the mean of the two middle values; deviations are computed in float64. Both are exact
 *    order statistics, not approximations.
 *
 * How it is made fast, for ~139 000 boxes of 3721 values in a QL image:
 * - range counts and sums come from binary searches in each sorted list; lists wholly inside
 *   the range contribute their precomputed sums, only lists cut by the range are summed;
 * - a range that contains every value of the current range and none outside it is recognised
 *   from the neighbouring values alone (the usual last pass, and for most noise boxes the
 *   first);
 * - median and MAD are found by counting the values below a narrow bracket around a
 *   prediction (the neighbouring box's median moved by the change in mean, its MAD scaled by
 *   the change in standard deviation: boxes 10 px apart share 5/6 of their pixels) and
 *   selecting among the few values inside it; when the bracket misses, every kept value is
 *   copied out and bucket selection (bucketselect.ts) finds the rank exactly. Predictions
 *   only decide how fast the answer is found, never what it is.
 */
import { type FloatArray, MAD_TO_SIGMA, chauvenetZScore, selectInPlace } from '../stats/index.js';
import { BucketSelector } from './bucketselect.js';
import type { RowStrips } from './strips.js';

/** casacore's cap: iterations 0..1000 each set a range. */
const MAX_RANGES = 1001;
/**
 * Bracket half-widths, as fractions of the neighbour's sigma (median) or of its MAD (MAD),
 * adapt to how far answers actually move from box to box: BRACKET_SPREADS times a running
 * mean of the observed moves (doubled after a miss), kept within [MIN, MAX]_BRACKET. Too
 * wide costs a larger selection, too narrow a full fallback; neither changes the result.
 */
const BRACKET_SPREADS = 5;
const MIN_BRACKET = 0.002;
const MAX_BRACKET = 0.5;
const INITIAL_BRACKET = 0.1;
/** Weight of the newest move in the running mean. */
const MOVE_WEIGHT = 0.05;
/** Relative margin around deviation thresholds, far above float64 rounding (see medianDeviation). */
const DEVIATION_MARGIN = 1e-12;

export interface BoxResult {
  /** Valid pixels in the box, before clipping. */
  validCount: number;
  /** Values in the final Chauvenet range. */
  keptCount: number;
  median: number;
  /** MAD × 1.4826 of the values kept; NaN when the box had too few valid pixels. */
  sigma: number;
  /** Mean and sample standard deviation of the values kept (the last clipping pass's). */
  mean: number;
  std: number;
}

/** The neighbouring box's result, used only to predict this one's (NaN fields: none). */
export type BoxHint = Pick<BoxResult, 'median' | 'sigma' | 'mean' | 'std'>;

export class BoxStatistic {
  private readonly strips: RowStrips;
  /** The strips' current values (they alternate between two buffers from row to row). */
  private data: FloatArray;
  private readonly lists: Int32Array;
  private listCount = 0;
  /** Per list of the current box: index range of its values inside the current range. */
  private readonly keptLow: Int32Array;
  private readonly keptHigh: Int32Array;
  private readonly picked: Float64Array;
  private readonly selector: BucketSelector;
  private readonly zByCount: Float64Array;
  private readonly medianBracket = new AdaptiveBracket();
  private readonly madBracket = new AdaptiveBracket();

  constructor(strips: RowStrips, maxBoxPixels: number) {
    this.strips = strips;
    this.data = strips.values;
    this.lists = new Int32Array(strips.listsPerBox);
    this.keptLow = new Int32Array(strips.listsPerBox);
    this.keptHigh = new Int32Array(strips.listsPerBox);
    this.picked = new Float64Array(maxBoxPixels);
    this.selector = new BucketSelector(maxBoxPixels);
    this.zByCount = new Float64Array(maxBoxPixels + 1).fill(NaN);
  }

  /**
   * The statistic of box kx of the node row the strips were last built for; sigma is NaN
   * when the box has fewer than `minValid` valid pixels.
   */
  measure(kx: number, minValid: number, hint: BoxHint): BoxResult {
    const { start, end } = this.strips;
    this.data = this.strips.values;
    this.listCount = this.strips.boxLists(kx, this.lists);
    let validCount = 0;
    for (let i = 0; i < this.listCount; i++) {
      const j = this.lists[i];
      this.keptLow[i] = start[j];
      this.keptHigh[i] = end[j];
      validCount += end[j] - start[j];
    }
    if (validCount === 0 || validCount < minValid) return { validCount, keptCount: 0, median: NaN, sigma: NaN, mean: NaN, std: NaN };

    const kept = this.clip(validCount, hint);
    const middle = (kept.count - 1) >> 1;
    const pair = kept.count % 2 === 0;
    const median = this.middleValue(kept.count, middle, pair, hint, kept);
    const mad = this.medianDeviation(kept.count, middle, pair, median, hint, kept);
    return { validCount, keptCount: kept.count, median, sigma: mad * MAD_TO_SIGMA, mean: kept.mean, std: kept.std };
  }

  /**
   * Sets keptLow/keptHigh to the final Chauvenet range and returns its count with the
   * mean and std of the values last summed (used only for guesses).
   */
  private clip(validCount: number, hint: BoxHint): { count: number; mean: number; std: number } {
    const data = this.data;
    const { start, end } = this.strips;
    // Sums are taken about a shift near the median so that the variance does not cancel.
    const shift = hint.median === hint.median ? hint.median : this.strips.centre[this.lists[0]];
    let n = validCount;
    let { sum, sumSquares } = this.sumsInRange(shift);
    // Extremes of the current set and the nearest values outside it (none yet).
    let lowest = Infinity;
    let highest = -Infinity;
    for (let i = 0; i < this.listCount; i++) {
      const j = this.lists[i];
      if (end[j] === start[j]) continue;
      lowest = Math.min(lowest, data[start[j]]);
      highest = Math.max(highest, data[end[j] - 1]);
    }
    let below = -Infinity;
    let above = Infinity;
    let mean = shift + sum / n;
    let std = sampleStd(sum, sumSquares, n);

    for (let range = 1; range <= MAX_RANGES && std > 0; range++) {
      const z = this.zScore(n);
      const lower = mean - z * std;
      const upper = mean + z * std;
      // Same values as the current range: same count, so casacore stops here.
      if (lower <= lowest && highest <= upper && lower > below && upper < above) break;
      // The range is applied to all the box's values, as casacore does.
      let count = 0;
      lowest = Infinity;
      highest = -Infinity;
      below = -Infinity;
      above = Infinity;
      for (let i = 0; i < this.listCount; i++) {
        const j = this.lists[i];
        const a = lowerBound(data, start[j], end[j], lower);
        const b = upperBound(data, a, end[j], upper);
        this.keptLow[i] = a;
        this.keptHigh[i] = b;
        count += b - a;
        if (b > a) {
          lowest = Math.min(lowest, data[a]);
          highest = Math.max(highest, data[b - 1]);
        }
        if (a > start[j]) below = Math.max(below, data[a - 1]);
        if (b < end[j]) above = Math.min(above, data[b]);
      }
      if (count === n) break;
      n = count;
      ({ sum, sumSquares } = this.sumsInRange(shift));
      mean = shift + sum / n;
      std = sampleStd(sum, sumSquares, n);
    }
    return { count: n, mean, std };
  }

  /** Σ(v − shift) and Σ(v − shift)² over the current range of every list. */
  private sumsInRange(shift: number): { sum: number; sumSquares: number } {
    const data = this.data;
    const { start, end, centre } = this.strips;
    let sum = 0;
    let sumSquares = 0;
    for (let i = 0; i < this.listCount; i++) {
      const j = this.lists[i];
      const a = this.keptLow[i];
      const b = this.keptHigh[i];
      if (a === start[j] && b === end[j]) {
        // Whole list: move its sums from its own centre to the shift.
        const m = b - a;
        const delta = centre[j] - shift;
        sum += this.strips.sum[j] + m * delta;
        sumSquares += this.strips.sumSquares[j] + 2 * delta * this.strips.sum[j] + m * delta * delta;
      } else {
        for (let k = a; k < b; k++) {
          const d = data[k] - shift;
          sum += d;
          sumSquares += d * d;
        }
      }
    }
    return { sum, sumSquares };
  }

  /** Median of the kept values: rank `middle`, averaged with the next when `pair`. */
  private middleValue(n: number, middle: number, pair: boolean, hint: BoxHint, kept: { mean: number; std: number }): number {
    const data = this.data;
    // The neighbour shares most of its pixels with this box, so its median moved by about
    // as much as the mean did.
    const hinted = hint.median === hint.median && hint.sigma > 0 && hint.mean === hint.mean;
    const guess = hinted ? hint.median + (kept.mean - hint.mean) : kept.mean;
    const scale = hinted ? hint.sigma : kept.std;
    const halfWidth = this.medianBracket.fraction * scale;
    if (halfWidth > 0) {
      const low = guess - halfWidth;
      const high = guess + halfWidth;
      let below = 0;
      let m = 0;
      for (let i = 0; i < this.listCount; i++) {
        const a = lowerBound(data, this.keptLow[i], this.keptHigh[i], low);
        const b = upperBound(data, a, this.keptHigh[i], high);
        below += a - this.keptLow[i];
        for (let k = a; k < b; k++) this.picked[m++] = data[k];
      }
      const found = rankInBracket(this.picked, m, below, middle, pair);
      if (found === found) {
        if (hinted) this.medianBracket.observe(Math.abs(found - guess) / scale);
        return found;
      }
      this.medianBracket.missed();
    }
    const all = this.copyKept();
    return this.selector.rankMean(this.picked, all.count, middle, pair, all.lowest, all.highest);
  }

  /**
   * MAD of the kept values about `median`. Values are classified by their computed float64
   * deviation |v − median| (the number that is ranked), not by comparing v with median ± D,
   * which could disagree by a rounding at the bracket edges: values clearly inside or outside
   * a bracket edge (by a margin far above rounding) are counted from the sorted lists, the
   * few near an edge have their deviation computed and compared.
   */
  private medianDeviation(n: number, middle: number, pair: boolean, median: number, hint: BoxHint, kept: { std: number }): number {
    const data = this.data;
    // Likewise its MAD scaled by the change of the standard deviation.
    const hinted = hint.sigma > 0 && hint.std > 0;
    const guess = (hinted ? hint.sigma * (kept.std / hint.std) : kept.std) / MAD_TO_SIGMA;
    const dLow = guess * (1 - this.madBracket.fraction);
    const dHigh = guess * (1 + this.madBracket.fraction);
    const margin = DEVIATION_MARGIN * (Math.abs(median) + dHigh);
    if (dLow > 2 * margin) {
      let below = 0;
      let m = 0;
      for (let i = 0; i < this.listCount; i++) {
        const lo = this.keptLow[i];
        const hi = this.keptHigh[i];
        const i1 = lowerBound(data, lo, hi, median - dHigh - margin);
        const i2 = upperBound(data, i1, hi, median - dLow + margin);
        const i3 = lowerBound(data, i2, hi, median + dLow - margin);
        const i4 = upperBound(data, i3, hi, median + dHigh + margin);
        below += i3 - i2; // clearly within dLow of the median
        // Near an edge: decide by the deviation itself.
        for (let k = i1; k < i2; k++) {
          const d = Math.abs(data[k] - median);
          if (d < dLow) below++;
          else if (d <= dHigh) this.picked[m++] = d;
        }
        for (let k = i3; k < i4; k++) {
          const d = Math.abs(data[k] - median);
          if (d < dLow) below++;
          else if (d <= dHigh) this.picked[m++] = d;
        }
      }
      const found = rankInBracket(this.picked, m, below, middle, pair);
      if (found === found) {
        if (hinted) this.madBracket.observe(Math.abs(found - guess) / guess);
        return found;
      }
      this.madBracket.missed();
    }
    const all = this.copyKept();
    let largest = 0;
    for (let k = 0; k < all.count; k++) {
      const d = Math.abs(this.picked[k] - median);
      this.picked[k] = d;
      if (d > largest) largest = d;
    }
    return this.selector.rankMean(this.picked, all.count, middle, pair, 0, largest);
  }

  /** Copies every kept value into `picked`; returns the count and their extremes. */
  private copyKept(): { count: number; lowest: number; highest: number } {
    const data = this.data;
    let m = 0;
    let lowest = Infinity;
    let highest = -Infinity;
    for (let i = 0; i < this.listCount; i++) {
      const a = this.keptLow[i];
      const b = this.keptHigh[i];
      if (b === a) continue;
      lowest = Math.min(lowest, data[a]);
      highest = Math.max(highest, data[b - 1]);
      for (let k = a; k < b; k++) this.picked[m++] = data[k];
    }
    return { count: m, lowest, highest };
  }

  private zScore(n: number): number {
    let z = this.zByCount[n];
    if (z !== z) z = this.zByCount[n] = chauvenetZScore(n);
    return z;
  }
}

/** A bracket half-width (relative) that follows the typical move between neighbouring boxes. */
class AdaptiveBracket {
  fraction = INITIAL_BRACKET;
  private meanMove = INITIAL_BRACKET / BRACKET_SPREADS;

  observe(move: number): void {
    this.meanMove += MOVE_WEIGHT * (move - this.meanMove);
    this.fraction = Math.min(MAX_BRACKET, Math.max(MIN_BRACKET, BRACKET_SPREADS * this.meanMove));
  }

  missed(): void {
    this.meanMove = Math.min(MAX_BRACKET, 2 * this.fraction) / BRACKET_SPREADS;
    this.fraction = Math.min(MAX_BRACKET, 2 * this.fraction);
  }
}

/**
 * The value of rank `rank` (mean with rank + 1 when `pair`) among all values, given that
 * `below` of them are smaller than every value in picked[0, m); NaN when a wanted rank is
 * not inside picked. Reorders picked.
 */
function rankInBracket(picked: Float64Array, m: number, below: number, rank: number, pair: boolean): number {
  const last = pair ? rank + 1 : rank;
  if (below > rank || below + m <= last) return NaN;
  const k = rank - below;
  if (m <= SMALL_BRACKET) {
    insertionSort(picked, m);
    return pair ? (picked[k] + picked[k + 1]) / 2 : picked[k];
  }
  const lower = selectInPlace(picked, k, 0, m - 1);
  if (!pair) return lower;
  let upper = picked[k + 1];
  for (let i = k + 2; i < m; i++) if (picked[i] < upper) upper = picked[i];
  return (lower + upper) / 2;
}

/** Below this many values sorting beats selection. */
const SMALL_BRACKET = 32;

function insertionSort(a: Float64Array, n: number): void {
  for (let i = 1; i < n; i++) {
    const x = a[i];
    let j = i - 1;
    while (j >= 0 && a[j] > x) {
      a[j + 1] = a[j];
      j--;
    }
    a[j + 1] = x;
  }
}

/** Sample standard deviation (N−1) from sums about a shift; 0 for one value, as CASA. */
function sampleStd(sum: number, sumSquares: number, n: number): number {
  if (n < 2) return 0;
  return Math.sqrt(Math.max(0, (sumSquares - (sum * sum) / n) / (n - 1)));
}

/** First index in [lo, hi) of sorted `a` whose value is >= t (hi if none). */
function lowerBound(a: FloatArray, lo: number, hi: number, t: number): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First index in [lo, hi) of sorted `a` whose value is > t (hi if none). */
function upperBound(a: FloatArray, lo: number, hi: number, t: number): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
