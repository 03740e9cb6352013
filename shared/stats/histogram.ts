/**
 * Fixed-width histogram with numpy.histogram(a, bins=n, range=(lo, hi)) semantics: n equal
 * bins between lo and hi, each half-open [edge_i, edge_i+1) except the last, which also takes
 * hi; values outside the range are not binned (reported as `below` / `above`). Edges are
 * computed as numpy.linspace does, and a value's bin is found the way numpy finds it
 * (scaled offset, then corrected against the actual edges), so counts agree value for value.
 */
import { type FloatArray, type SampleOptions, isKept } from './sample.js';

export interface HistogramOptions extends SampleOptions {
  bins: number;
  /** [lo, hi]; defaults to the finite min and max, as numpy does. */
  range?: readonly [number, number];
}

export interface Histogram {
  /** bins + 1 edges, ascending. */
  edges: Float64Array;
  counts: number[];
  /** Finite values below lo / above hi. */
  below: number;
  above: number;
}

export function histogram(data: FloatArray, options: HistogramOptions): Histogram {
  const { bins } = options;
  if (!(Number.isInteger(bins) && bins > 0)) throw new RangeError(`histogram bins ${bins} is not a positive integer`);
  const excludeZeros = options.excludeZeros === true;
  let [lo, hi] = options.range ?? finiteRange(data, excludeZeros);
  if (!(Number.isFinite(lo) && Number.isFinite(hi)) || lo > hi) throw new RangeError(`histogram range [${lo}, ${hi}] is not finite and ascending`);
  if (lo === hi) {
    // numpy widens an empty range to one unit so that the single value has a bin
    lo -= 0.5;
    hi += 0.5;
  }
  const edges = linspace(lo, hi, bins + 1);
  const counts = new Array<number>(bins).fill(0);
  const width = hi - lo;
  let below = 0;
  let above = 0;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (!isKept(v, excludeZeros) || v === Infinity || v === -Infinity) continue;
    if (v < lo) {
      below++;
      continue;
    }
    if (v > hi) {
      above++;
      continue;
    }
    let bin = Math.trunc(((v - lo) / width) * bins);
    if (bin === bins) bin--;
    if (v < edges[bin]) bin--;
    else if (bin !== bins - 1 && v >= edges[bin + 1]) bin++;
    counts[bin]++;
  }
  return { edges, counts, below, above };
}

function finiteRange(data: FloatArray, excludeZeros: boolean): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (!isKept(v, excludeZeros) || v === Infinity || v === -Infinity) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  // numpy uses range (0, 1) for an empty array
  return lo <= hi ? [lo, hi] : [0, 1];
}

/** numpy.linspace(start, stop, num): start + i·step, with the last edge set to stop exactly. */
function linspace(start: number, stop: number, num: number): Float64Array {
  const step = (stop - start) / (num - 1);
  const out = new Float64Array(num);
  for (let i = 0; i < num; i++) out[i] = i * step + start;
  out[num - 1] = stop;
  return out;
}
