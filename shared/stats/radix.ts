/**
 * Exact order statistics of a large array in two passes, without copying or reordering it:
 *   1. a histogram of the top 16 bits of each kept value's order-preserving key (IEEE bits,
 *      sign-flipped so that unsigned order is numeric order) says which of 65,536 bins holds
 *      each wanted rank, and its rank inside the bin;
 *   2. for float32 values, whose 32-bit key is the value, the low 16 bits of just those bins'
 *      values are counted, which gives each rank exactly; for float64 values and distances, the
 *      values of those bins are gathered and selected exactly (select.ts).
 * A bin spans 1/128 of an octave for float32 (1/16 for float64), so on image data the gathered
 * values are a tiny fraction of the array; the answer is the same order statistic a full
 * selection gives, bit for bit. The `distanceFrom` mode ranks |v - center| computed in float64
 * (the MAD's deviations) the same way, without storing them; medianAndMad32 does a float32
 * image's median and MAD in two passes in all. Used by stats/quantiles.ts and mad.ts from
 * RADIX_MIN_LENGTH values on.
 */
import { selectInPlace } from './select.js';
import type { FloatArray } from './sample.js';

const BINS = 1 << 16;

const f64 = new Float64Array(1);
/** [low word, high word] of f64 on little-endian machines (every platform Node runs on here). */
const f64Words = new Uint32Array(f64.buffer);

export interface RadixOptions {
  excludeZeros?: boolean;
  excludeInfinite?: boolean;
  /** Rank |v - distanceFrom| (float64) instead of v. */
  distanceFrom?: number;
  /** Also count the kept values strictly below each of these (at most 4), in the same pass. */
  countBelow?: readonly number[];
}

export interface OrderStatistics {
  /** Values kept (NaN never; zeros and infinities when asked). */
  count: number;
  /** The value (or distance) at each rank asked, in the order asked; NaN when count is 0. */
  values: number[];
  /** For each `countBelow` threshold, how many kept values are strictly below it. */
  below: number[];
}

/**
 * The kept values' order statistics at the ranks `ranksFor(count)` gives (0-based, ascending or
 * not, repeats allowed), exact.
 */
export function orderStatistics(data: FloatArray, ranksFor: (count: number) => readonly number[], options: RadixOptions = {}): OrderStatistics {
  const thresholds = options.countBelow ?? [];
  if (thresholds.length > 4) throw new RangeError(`countBelow takes at most 4 thresholds, got ${thresholds.length}`);
  const histogram = new Uint32Array(BINS);
  const below = [0, 0, 0, 0];
  const count = fillHistogram(data, histogram, options, below);
  // Float32 values: the counts below the thresholds come from the histogram, whole bins below
  // each threshold plus the values of the one bin it falls in (gathered in pass 2 below).
  const binned = options.distanceFrom === undefined && data instanceof Float32Array;
  const boundaries = binned ? thresholds.map((t) => thresholdBins(histogram, t)) : [];
  const counted = binned ? boundaries.map((b) => b.below) : below.slice(0, thresholds.length);
  const ranks = ranksFor(count);
  if (count === 0) return { count, values: ranks.map(() => NaN), below: counted };

  // Which bin holds each rank, and its rank inside the bin.
  const wanted = ranks.map((rank) => {
    if (!(Number.isInteger(rank) && rank >= 0 && rank < count)) throw new RangeError(`rank ${rank} outside [0, ${count})`);
    return locate(histogram, rank);
  });
  if (binned) {
    // Float32: a value is its 32-bit key, so counting the low 16 bits of the wanted bins' values
    // gives every rank and every threshold count exactly, without gathering or selecting.
    const bins = [...new Set([...wanted.map((w) => w.bin), ...boundaries.flatMap((b) => (b.bin < 0 ? [] : [b.bin]))])];
    const lows = countLowBits32(data as Float32Array, bins, options);
    const values = wanted.map((w) => keyToFloat32(((w.bin << 16) | locate(lows.get(w.bin)!, w.inBin).bin) >>> 0));
    boundaries.forEach((b, i) => {
      if (b.bin < 0) return;
      const low = lows.get(b.bin)!;
      for (let k = 0; k < BINS; k++) if (low[k] > 0 && keyToFloat32(((b.bin << 16) | k) >>> 0) < thresholds[i]) counted[i] += low[k];
    });
    return { count, values, below: counted };
  }
  const { slotOfBin, gathered } = gatheringArrays(histogram, wanted.map((w) => w.bin));
  gather(data, slotOfBin, gathered, options);
  return { count, values: selectWanted(wanted, slotOfBin, gathered), below: counted };
}

/** Pass 2 for float32 values: for each of `bins`, the histogram of its kept values' low 16 key bits. */
function countLowBits32(data: Float32Array, bins: readonly number[], options: RadixOptions): Map<number, Uint32Array> {
  const lowest = options.excludeZeros === true ? 1 : 0;
  const highest = options.excludeInfinite === true ? 0x7f7fffff : 0x7f800000;
  const slotOfBin = new Int32Array(BINS).fill(-1);
  bins.forEach((bin, slot) => (slotOfBin[bin] = slot));
  // One array for all the bins' counts: slot s counts at [s * 65536, (s + 1) * 65536).
  const counts = new Uint32Array(bins.length * BINS);
  const bits = new Uint32Array(data.buffer, data.byteOffset, data.length);
  for (let i = 0; i < bits.length; i++) {
    const b = bits[i];
    const magnitude = b & 0x7fffffff;
    if (magnitude < lowest || magnitude > highest) continue;
    const key = (b ^ ((b >> 31) | 0x80000000)) >>> 0;
    const slot = slotOfBin[key >>> 16];
    if (slot >= 0) counts[slot * BINS + (key & 0xffff)]++;
  }
  return new Map(bins.map((bin, slot) => [bin, counts.subarray(slot * BINS, (slot + 1) * BINS)]));
}

/** The values wholly below `t` (whole bins), and the one bin whose values straddle it (-1: none). */
function thresholdBins(histogram: Uint32Array, t: number): { below: number; bin: number } {
  let below = 0;
  let bin = -1;
  for (let b = 0; b < BINS; b++) {
    if (histogram[b] === 0) continue;
    const [low, high] = binRange32(b);
    if (high < t) below += histogram[b];
    else if (low < t) bin = b;
  }
  return { below, bin };
}

/**
 * Pass 1: the histogram of the kept values' bins; returns how many were kept, and for float64
 * and distances the counts below the thresholds in `below`. The float32 loops read the bits directly and are small
 * functions of their own: this is where the time goes, and V8 optimizes a tight loop best.
 */
function fillHistogram(data: FloatArray, histogram: Uint32Array, options: RadixOptions, below: number[]): number {
  const dropZeros = options.excludeZeros === true;
  const dropInfinite = options.excludeInfinite === true;
  const thresholds = options.countBelow ?? [];
  if (options.distanceFrom === undefined && data instanceof Float32Array) {
    const bits = new Uint32Array(data.buffer, data.byteOffset, data.length);
    // Kept: not NaN; not zero, not infinite when asked (on the bits: |b| is 0, 0x7f800000, above).
    const lowest = dropZeros ? 1 : 0;
    const highest = dropInfinite ? 0x7f7fffff : 0x7f800000;
    return histogram32(bits, histogram, lowest, highest);
  }
  return histogram64(data, histogram, dropZeros, dropInfinite, options.distanceFrom, thresholds, below);
}

function histogram32(bits: Uint32Array, histogram: Uint32Array, lowest: number, highest: number): number {
  let count = 0;
  for (let i = 0; i < bits.length; i++) {
    const b = bits[i];
    const magnitude = b & 0x7fffffff;
    if (magnitude < lowest || magnitude > highest) continue;
    histogram[(b ^ ((b >> 31) | 0x80000000)) >>> 16]++;
    count++;
  }
  return count;
}

/** Float64 values, or the distances |v - center| of either kind. */
function histogram64(data: FloatArray, histogram: Uint32Array, dropZeros: boolean, dropInfinite: boolean, center: number | undefined, thresholds: readonly number[], below: number[]): number {
  const [t0 = -Infinity, t1 = -Infinity, t2 = -Infinity, t3 = -Infinity] = thresholds;
  const c = center ?? 0;
  const distance = center !== undefined;
  let count = 0;
  let c0 = 0;
  let c1 = 0;
  let c2 = 0;
  let c3 = 0;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (v !== v || (dropZeros && v === 0) || (dropInfinite && (v === Infinity || v === -Infinity))) continue;
    const key = distance ? Math.abs(v - c) : v;
    f64[0] = key;
    const hi = f64Words[1];
    histogram[(hi ^ ((hi >> 31) | 0x80000000)) >>> 16]++;
    count++;
    if (key < t0) c0++;
    if (key < t1) c1++;
    if (key < t2) c2++;
    if (key < t3) c3++;
  }
  below.splice(0, 4, c0, c1, c2, c3);
  return count;
}

function gather32(data: Float32Array, slotOfBin: Int32Array, gathered: Float64Array[], filled: Int32Array, lowest: number, highest: number): void {
  const bits = new Uint32Array(data.buffer, data.byteOffset, data.length);
  for (let i = 0; i < bits.length; i++) {
    const b = bits[i];
    const magnitude = b & 0x7fffffff;
    if (magnitude < lowest || magnitude > highest) continue;
    const slot = slotOfBin[(b ^ ((b >> 31) | 0x80000000)) >>> 16];
    if (slot >= 0) gathered[slot][filled[slot]++] = data[i];
  }
}

/**
 * Pass 2 for float64 values and distances: the kept values (or distances) of the wanted bins,
 * into their arrays. (Float32 values are counted by countLowBits32 instead.)
 */
function gather(data: FloatArray, slotOfBin: Int32Array, gathered: Float64Array[], options: RadixOptions): void {
  const dropZeros = options.excludeZeros === true;
  const dropInfinite = options.excludeInfinite === true;
  const center = options.distanceFrom;
  const filled = new Int32Array(gathered.length);
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (v !== v || (dropZeros && v === 0) || (dropInfinite && (v === Infinity || v === -Infinity))) continue;
    const key = center === undefined ? v : Math.abs(v - center);
    f64[0] = key;
    const hi = f64Words[1];
    const slot = slotOfBin[(hi ^ ((hi >> 31) | 0x80000000)) >>> 16];
    if (slot >= 0) gathered[slot][filled[slot]++] = key;
  }
}

/**
 * The same for the distances |v - center| (float64) when an upper bound `bound` of the largest
 * distance wanted is known (the MAD's: see mad.ts): linear bins over [0, bound] instead of the
 * float bits, which costs a multiply per value instead of a round trip through memory. Every
 * rank asked must have its distance within the bound (the caller's guarantee; checked).
 */
export function distanceOrderStatistics(data: FloatArray, center: number, bound: number, ranksFor: (count: number) => readonly number[], options: { excludeZeros?: boolean } = {}): OrderStatistics {
  const dropZeros = options.excludeZeros === true;
  if (!(bound > 0 && Number.isFinite(bound))) return orderStatistics(data, ranksFor, { ...options, distanceFrom: center });
  const scale = (BINS - 2) / bound;
  const overflow = BINS - 1;
  const histogram = new Uint32Array(BINS);
  let count = 0;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (v !== v || (dropZeros && v === 0)) continue;
    const d = Math.abs(v - center);
    histogram[d > bound ? overflow : (d * scale) | 0]++;
    count++;
  }
  const ranks = ranksFor(count);
  if (count === 0) return { count, values: ranks.map(() => NaN), below: [] };
  const wanted = ranks.map((rank) => {
    const found = locate(histogram, rank);
    if (found.bin === overflow) throw new RangeError(`rank ${rank} lies beyond the distance bound ${bound}`);
    return found;
  });
  const { slotOfBin, gathered } = gatheringArrays(histogram, wanted.map((w) => w.bin));
  const filled = new Int32Array(gathered.length);
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (v !== v || (dropZeros && v === 0)) continue;
    const d = Math.abs(v - center);
    if (d > bound) continue;
    const slot = slotOfBin[(d * scale) | 0];
    if (slot >= 0) gathered[slot][filled[slot]++] = d;
  }
  return { count, values: selectWanted(wanted, slotOfBin, gathered), below: [] };
}

/** A gathered bin this large, of float32 values, is resolved by counting its low 16 bits instead of selection. */
const COUNTING_MIN = 1 << 14;

/**
 * The wanted ranks from their gathered bins; ranks inside one bin in ascending order, each right
 * of the previous. `float32`: the values are float32 (their 32-bit keys are the bin's 16 and 16
 * more), so a large bin is resolved exactly by a histogram of the low 16 bits.
 */
function selectWanted(wanted: { bin: number; inBin: number }[], slotOfBin: Int32Array, gathered: Float64Array[], float32 = false): number[] {
  const values = new Array<number>(wanted.length);
  const order = wanted.map((w, i) => ({ ...w, i })).sort((a, b) => a.bin - b.bin || a.inBin - b.inBin);
  let previous: { bin: number; inBin: number } | undefined;
  const counted = new Map<number, Uint32Array>();
  for (const w of order) {
    const bin = gathered[slotOfBin[w.bin]];
    if (float32 && bin.length >= COUNTING_MIN) {
      let low = counted.get(w.bin);
      if (!low) counted.set(w.bin, (low = lowHistogram32(bin)));
      values[w.i] = keyToFloat32(((w.bin << 16) | locate(low, w.inBin).bin) >>> 0);
      previous = undefined;
      continue;
    }
    const same = previous !== undefined && previous.bin === w.bin;
    values[w.i] = same && previous!.inBin === w.inBin ? bin[w.inBin] : selectInPlace(bin, w.inBin, same ? previous!.inBin + 1 : 0, bin.length - 1);
    previous = w;
  }
  return values;
}

/** The bin holding the 0-based `rank` of the histogram's values, and the rank inside it. */
function locate(histogram: Uint32Array, rank: number): { bin: number; inBin: number } {
  let below = 0;
  let bin = 0;
  while (below + histogram[bin] <= rank) below += histogram[bin++];
  return { bin, inBin: rank - below };
}

/** One array per bin to gather into, sized from the histogram; slotOfBin maps a bin to its array (-1: not gathered). */
function gatheringArrays(histogram: Uint32Array, bins: Iterable<number>): { slotOfBin: Int32Array; gathered: Float64Array[] } {
  const slotOfBin = new Int32Array(BINS).fill(-1);
  const gathered: Float64Array[] = [];
  for (const bin of bins) {
    if (slotOfBin[bin] >= 0) continue;
    slotOfBin[bin] = gathered.length;
    gathered.push(new Float64Array(histogram[bin]));
  }
  return { slotOfBin, gathered };
}

const binBits = new Uint32Array(2);
const binFloats = new Float32Array(binBits.buffer);

/** Histogram of the low 16 bits of the keys of float32 values (one bin's worth). */
function lowHistogram32(values: Float64Array): Uint32Array {
  const low = new Uint32Array(BINS);
  for (let i = 0; i < values.length; i++) {
    binFloats[0] = values[i];
    const b = binBits[0];
    low[(b ^ ((b >> 31) | 0x80000000)) & 0xffff]++;
  }
  return low;
}

/** The float32 value of a key. */
function keyToFloat32(key: number): number {
  binBits[0] = key & 0x80000000 ? key & 0x7fffffff : ~key >>> 0;
  return binFloats[0];
}

/** The smallest and largest float32 value whose key falls in `bin` (keys: see orderStatistics). */
function binRange32(bin: number): [number, number] {
  // The bins of ±Infinity also span NaN bit patterns, which are never kept: drop those ends.
  let a = keyToFloat32((bin << 16) >>> 0);
  let b = keyToFloat32(((bin << 16) | 0xffff) >>> 0);
  if (a !== a) a = b;
  if (b !== b) b = a;
  return a <= b ? [a, b] : [b, a];
}

/**
 * Median and MAD of float32 data in two passes instead of four: the histogram of pass 1 bounds
 * the median to its bins, and so bounds every bin's distances from it; the bins that can hold
 * the median distance are gathered in pass 2 with the median's own, and both are selected
 * exactly from them. Same values as selection (the median: np.median; the MAD: median of
 * |v - median| in float64). Undefined when the median may be infinite (use the general path).
 */
export function medianAndMad32(data: Float32Array, excludeZeros: boolean): { count: number; median: number; mad: number } | undefined {
  const histogram = new Uint32Array(BINS);
  const count = histogram32(new Uint32Array(data.buffer, data.byteOffset, data.length), histogram, excludeZeros ? 1 : 0, 0x7f800000);
  if (count === 0) return { count, median: NaN, mad: NaN };
  const middle = count % 2 === 1 ? [(count - 1) >> 1] : [(count >> 1) - 1, count >> 1];
  const medianBins = middle.map((rank) => locate(histogram, rank));
  // The median lies in [centerLow, centerHigh]; each bin's distances in [nearest, farthest].
  const centerLow = binRange32(medianBins[0].bin)[0];
  const centerHigh = binRange32(medianBins[medianBins.length - 1].bin)[1];
  // An infinite median (most values infinite) has no finite distances to bound: the caller's general path.
  if (!(Number.isFinite(centerLow) && Number.isFinite(centerHigh))) return undefined;
  const bins: { bin: number; n: number; nearest: number; farthest: number }[] = [];
  for (let bin = 0; bin < BINS; bin++) {
    if (histogram[bin] === 0) continue;
    const [low, high] = binRange32(bin);
    const nearest = Math.max(0, low - centerHigh, centerLow - high);
    const farthest = Math.max(Math.abs(high - centerLow), Math.abs(low - centerHigh), Math.abs(high - centerHigh), Math.abs(low - centerLow));
    bins.push({ bin, n: histogram[bin], nearest, farthest });
  }
  // The MAD's rank (the upper middle: enough for both middles) is reached between these bounds.
  const reached = (key: 'nearest' | 'farthest') => {
    const sorted = [...bins].sort((a, b) => a[key] - b[key]);
    let seen = 0;
    for (const b of sorted) if ((seen += b.n) > middle[middle.length - 1]) return b[key];
    return Infinity;
  };
  const madLow = reached('nearest');
  const madHigh = reached('farthest');
  let definitelyCloser = 0;
  const candidateBins = bins.filter((b) => {
    if (b.farthest < madLow) definitelyCloser += b.n;
    return b.farthest >= madLow && b.nearest <= madHigh;
  });
  const { slotOfBin, gathered } = gatheringArrays(histogram, [...medianBins.map((b) => b.bin), ...candidateBins.map((b) => b.bin)]);
  gather32(data, slotOfBin, gathered, new Int32Array(gathered.length), excludeZeros ? 1 : 0, 0x7f800000);

  const median = medianOfSelected(selectWanted(medianBins, slotOfBin, gathered, true));
  // Distances of the candidates (the median's bins may also be candidates: count them once).
  const deviations = new Float64Array(candidateBins.reduce((n, b) => n + b.n, 0));
  let filled = 0;
  for (const b of candidateBins) for (const v of gathered[slotOfBin[b.bin]]) deviations[filled++] = Math.abs(v - median);
  const ranks = middle.map((r) => r - definitelyCloser);
  const mad = medianOfSelected(ranks.map((r, i) => selectInPlace(deviations, r, i === 0 ? 0 : ranks[0] + 1, deviations.length - 1)));
  return { count, median, mad };
}

function medianOfSelected(values: readonly number[]): number {
  return values.length === 1 ? values[0] : (values[0] + values[1]) / 2;
}
