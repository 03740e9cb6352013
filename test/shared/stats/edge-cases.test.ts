/**
 * Inputs with nothing, or almost nothing, to measure. The documented contract: order
 * statistics, means and clipping of an all-NaN (or empty) image are NaN with count 0, like
 * numpy's nan-functions; extrema is null; a single value is its own median with MAD 0.
 */
import { describe, expect, it } from 'vitest';
import {
  chauvenetClippedStats,
  countPixels,
  extrema,
  fractionsBelow,
  histogram,
  median,
  medianAndMad,
  meanStd,
  percentiles,
  sigmaClippedStats,
} from '../../../shared/stats/index.js';

const allNaN = new Float32Array([NaN, NaN, NaN, NaN]);

describe('all-NaN and empty input', () => {
  it.each([
    ['all NaN', allNaN],
    ['empty', new Float32Array(0)],
    ['only zeros, zeros excluded', new Float32Array([0, 0, 0])],
  ])('%s: NaN statistics with count 0, null extrema', (_label, data) => {
    const options = { excludeZeros: true };
    expect(median(data, options)).toBeNaN();
    expect(percentiles(data, [5, 95], options)).toEqual([NaN, NaN]);
    const robust = medianAndMad(data, options);
    expect(robust.count).toBe(0);
    expect(robust.median).toBeNaN();
    expect(robust.mad).toBeNaN();
    expect(robust.madStd).toBeNaN();
    const moments = meanStd(data, options);
    expect(moments.count).toBe(0);
    expect(moments.mean).toBeNaN();
    expect(extrema(data, 2, options)).toBeNull();
    expect(fractionsBelow(data, [0], options)).toEqual([NaN]);
    const clipped = sigmaClippedStats(data, options);
    expect(clipped.count).toBe(0);
    expect(clipped.mean).toBeNaN();
    expect(clipped.iterations).toBe(0);
    const chauvenet = chauvenetClippedStats(data, options);
    expect(chauvenet.count).toBe(0);
    expect(chauvenet.mean).toBeNaN();
    // numpy.histogram of nothing: range (0, 1), all bins empty
    const h = histogram(data, { bins: 4, ...options });
    expect(h.counts).toEqual([0, 0, 0, 0]);
    expect([...h.edges]).toEqual([0, 0.25, 0.5, 0.75, 1]);
  });

  it('counts an all-NaN image as all blank', () => {
    expect(countPixels(allNaN)).toEqual({ total: 4, nan: 4, zero: 0, infinite: 0, finite: 0 });
  });
});

describe('tiny and tied inputs', () => {
  it('single value: median is the value, MAD 0, std 0 (ddof 0) or NaN (ddof 1)', () => {
    const one = new Float64Array([NaN, 4.5]);
    expect(medianAndMad(one)).toEqual({ count: 1, median: 4.5, mad: 0, madStd: 0 });
    expect(percentiles(one, [0, 37, 100])).toEqual([4.5, 4.5, 4.5]);
    expect(meanStd(one)).toEqual({ count: 1, mean: 4.5, std: 0 });
    expect(meanStd(one, { ddof: 1 }).std).toBeNaN();
    expect(extrema(one, 2)).toEqual({ min: { value: 4.5, index: 1, x: 1, y: 0 }, max: { value: 4.5, index: 1, x: 1, y: 0 } });
    expect(chauvenetClippedStats(one)).toMatchObject({ count: 1, mean: 4.5, std: 0 });
  });

  it('odd length: the middle value; even length: the mean of the two middle values', () => {
    expect(median(Float64Array.from([5, 1, 3]))).toBe(3);
    expect(median(Float64Array.from([5, 1, 3, 2]))).toBe(2.5);
    expect(median(Float32Array.from([NaN, 5, 1, 3, 2, NaN]))).toBe(2.5);
  });

  it('ties: textbook MAD of [1, 1, 2, 2, 4, 6, 9] is 1; constant data has MAD 0', () => {
    expect(medianAndMad(Float64Array.from([1, 1, 2, 2, 4, 6, 9]))).toMatchObject({ median: 2, mad: 1 });
    expect(medianAndMad(Float64Array.from([1, 1, 1, 2]))).toMatchObject({ median: 1, mad: 0 });
    expect(medianAndMad(new Float32Array(1001).fill(0.1))).toMatchObject({ median: Math.fround(0.1), mad: 0 });
    const constant = sigmaClippedStats(new Float64Array(50).fill(7));
    expect(constant).toMatchObject({ count: 50, mean: 7, median: 7, std: 0, iterations: 1 });
  });

  it('excludeZeros removes exact zeros only', () => {
    const data = Float64Array.from([0, 0, 0, 1e-30, 2, 3, 4]);
    expect(median(data)).toBe(1e-30);
    expect(median(data, { excludeZeros: true })).toBe(2.5);
    expect(countPixels(data).zero).toBe(3);
  });

  it('keeps ±Infinity in order statistics but sigma clipping drops it, as astropy does', () => {
    const data = Float64Array.from([1, 2, 3, Infinity, -Infinity]);
    expect(median(data)).toBe(2);
    expect(percentiles(data, [0, 100])).toEqual([-Infinity, Infinity]);
    expect(sigmaClippedStats(data)).toMatchObject({ count: 3, median: 2, mean: 2 });
    expect(countPixels(data)).toMatchObject({ infinite: 2, finite: 3 });
  });

  it('reports extrema positions as (x, y) of the first occurrence', () => {
    const image = Float32Array.from([1, 9, 0, -4, 9, -4]); // width 3: rows [1 9 0] [-4 9 -4]
    expect(extrema(image, 3)).toEqual({
      min: { value: -4, index: 3, x: 0, y: 1 },
      max: { value: 9, index: 1, x: 1, y: 0 },
    });
    expect(extrema(image, 3, { excludeZeros: true })!.min.index).toBe(3);
    expect(() => extrema(image, 0)).toThrow(RangeError);
  });

  it('rejects meaningless options', () => {
    expect(() => histogram(new Float64Array([1]), { bins: 0 })).toThrow(RangeError);
    expect(() => histogram(new Float64Array([1]), { bins: 2, range: [2, 1] })).toThrow(RangeError);
    expect(() => sigmaClippedStats(new Float64Array([1]), { sigma: 0 })).toThrow(RangeError);
    expect(() => chauvenetClippedStats(new Float64Array([1]), { maxIterations: 1.5 })).toThrow(RangeError);
  });
});

describe('histogram bin edges', () => {
  /** Largest double below x (x > 0). */
  function nextDown(x: number): number {
    const view = new DataView(new ArrayBuffer(8));
    view.setFloat64(0, x);
    view.setBigUint64(0, view.getBigUint64(0) - 1n);
    return view.getFloat64(0);
  }

  it('puts a value lying exactly on an edge in the bin that starts there, even where the scaled index rounds low', () => {
    // With 7 bins on [0, 1], (edge5 − 0)/1·7 evaluates to 4.999…: numpy corrects it upward.
    const { edges } = histogram(new Float64Array([0]), { bins: 7, range: [0, 1] });
    const h = histogram(Float64Array.from(edges), { bins: 7, range: [0, 1] });
    expect(h.counts).toEqual([1, 1, 1, 1, 1, 1, 2]); // the top edge belongs to the last bin
  });

  it('puts a value one ulp below an edge in the bin before it, even where the scaled index rounds high', () => {
    // With 10 bins on [0, 1], (nextDown(0.3))·10 evaluates to 3: numpy corrects it downward.
    const { edges } = histogram(new Float64Array([0]), { bins: 10, range: [0, 1] });
    const below = Float64Array.from(edges.slice(1), nextDown);
    expect(histogram(below, { bins: 10, range: [0, 1] }).counts).toEqual(new Array(10).fill(1));
  });

  it('counts values outside the range as below / above, not in a bin', () => {
    const h = histogram(Float64Array.from([-1, 0, 0.5, 1, 2, NaN]), { bins: 2, range: [0, 1] });
    expect(h).toMatchObject({ counts: [1, 2], below: 1, above: 1 });
  });
});

describe('consumeInput', () => {
  it('gives the same median and MAD as a copy, using the input as the working array', async () => {
    const { medianAndMad } = await import('../../../shared/stats/index.js');
    const data = Float32Array.from([5, NaN, 0, 3, 9, 1, 0, 7, NaN, 2]);
    const copy = medianAndMad(data.slice(), { excludeZeros: true });
    const consumed = medianAndMad(data, { excludeZeros: true, consumeInput: true });
    expect(consumed).toEqual(copy);
    expect(copy).toMatchObject({ count: 6, median: 4 });
    expect(Array.from(data.subarray(0, 6)).sort((a, b) => a - b)).toEqual([1, 2, 3, 5, 7, 9]);
  });
});
