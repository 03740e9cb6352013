/**
 * Selection and the single working copy: order statistics must equal those of a full sort
 * for every rank, with ties, short and long (> 600, the Floyd–Rivest sampling step) arrays,
 * and the caller's pixels must never be reordered.
 */
import { describe, expect, it } from 'vitest';
import {
  medianAndMad,
  percentiles,
  selectByDistanceInPlace,
  selectInPlace,
  workingCopy,
} from '../../../shared/stats/index.js';

/** Small deterministic generator so that failures reproduce. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function randomArray(n: number, distinct: number, seed: number): Float64Array {
  const rnd = lcg(seed);
  return Float64Array.from({ length: n }, () => (distinct > 0 ? Math.floor(rnd() * distinct) - distinct / 2 : rnd() * 2 - 1));
}

describe('selectInPlace', () => {
  it.each([
    [1, 0],
    [2, 0],
    [7, 3],
    [100, 0],
    [601, 0],
    [5000, 0],
    [5000, 3],
    [20000, 17],
  ])('gives the sorted value at every probed rank (n=%i, %i distinct values; 0 = continuous)', (n, distinct) => {
    const original = randomArray(n, distinct, n * 31 + distinct);
    const sorted = Float64Array.from(original).sort();
    const ranks = [...new Set([0, 1, (n - 1) >> 1, n >> 1, Math.floor(n * 0.9), n - 2, n - 1].filter((k) => k >= 0 && k < n))];
    for (const k of ranks) {
      const a = Float64Array.from(original);
      expect(selectInPlace(a, k)).toBe(sorted[k]);
      expect(a[k]).toBe(sorted[k]);
      expect(a.subarray(0, k).every((v) => v <= a[k])).toBe(true);
      expect(a.subarray(k + 1).every((v) => v >= a[k])).toBe(true);
      expect(Float64Array.from(a).sort()).toEqual(sorted); // a permutation, nothing lost
    }
  });

  it('selects successive ranks on the right-hand remainder', () => {
    const original = randomArray(3000, 0, 5);
    const sorted = Float64Array.from(original).sort();
    const a = Float64Array.from(original);
    let left = 0;
    for (const k of [10, 11, 1500, 2999]) {
      expect(selectInPlace(a, k, left)).toBe(sorted[k]);
      left = k + 1;
    }
  });

  it('rejects a rank outside the range', () => {
    expect(() => selectInPlace(new Float64Array(3), 3)).toThrow(RangeError);
    expect(() => selectInPlace(new Float64Array(3), 0, 1)).toThrow(RangeError);
  });
});

describe('selectByDistanceInPlace', () => {
  it('ranks by |x − centre| exactly like a sort of the deviations', () => {
    const original = Float32Array.from(randomArray(2501, 0, 9));
    const centre = 0.123456789; // not representable in float32: deviations must not be rounded
    const deviations = Float64Array.from(original, (v) => Math.abs(v - centre)).sort();
    for (const k of [0, 1, 1250, 2499, 2500]) {
      const a = Float32Array.from(original);
      expect(selectByDistanceInPlace(a, k, centre)).toBe(deviations[k]);
    }
  });
});

describe('workingCopy', () => {
  it('drops NaN (and zeros when asked), keeps order and element type, leaves the input alone', () => {
    const input = Float32Array.from([3, NaN, 0, -1, NaN, 0, 2]);
    const before = Float32Array.from(input);
    const copy = workingCopy(input);
    expect(copy).toBeInstanceOf(Float32Array);
    expect([...copy]).toEqual([3, 0, -1, 0, 2]);
    expect([...workingCopy(input, { excludeZeros: true })]).toEqual([3, -1, 2]);
    expect([...workingCopy(Float64Array.from([1, Infinity, -Infinity]), { excludeInfinite: true })]).toEqual([1]);
    expect(workingCopy(Float64Array.from([1]))).toBeInstanceOf(Float64Array);
    copy.fill(9);
    expect(input).toEqual(before);
  });

  it('is used once: median/MAD/percentiles never reorder the caller array', () => {
    const input = Float32Array.from(randomArray(4000, 0, 3));
    const before = Float32Array.from(input);
    medianAndMad(input);
    percentiles(input, [1, 50, 99]);
    expect(input).toEqual(before);
  });
});

describe('percentiles from one copy', () => {
  it('returns results in the order asked, duplicates included, equal to one-at-a-time', () => {
    const data = Float64Array.from(randomArray(1234, 0, 77));
    const qs = [99, 1, 50, 50, 0, 100, 37.5];
    const together = percentiles(data, qs);
    qs.forEach((q, i) => expect(together[i]).toBe(percentiles(data, [q])[0]));
    const sorted = Float64Array.from(data).sort();
    expect(together[4]).toBe(sorted[0]);
    expect(together[5]).toBe(sorted[sorted.length - 1]);
  });

  it('rejects q outside [0, 100]', () => {
    expect(() => percentiles(Float64Array.from([1, 2]), [101])).toThrow(RangeError);
    expect(() => percentiles(Float64Array.from([1, 2]), [-1])).toThrow(RangeError);
    expect(() => percentiles(Float64Array.from([1, 2]), [NaN])).toThrow(RangeError);
  });
});
