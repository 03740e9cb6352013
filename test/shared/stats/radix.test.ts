/**
 * radix.ts gives the same order statistics as a full selection, bit for bit: random arrays with
 * ties, NaN, zeros, ±Infinity, negatives, both precisions, the distance mode (MAD) and the
 * counts below thresholds; and the large-array paths of medianAndMad / medianAndPercentiles
 * against the working-copy paths they replace.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { orderStatistics } from '../../../shared/stats/radix.js';
import { selectInPlace } from '../../../shared/stats/select.js';
import { madOfWork } from '../../../shared/stats/mad.js';
import { medianAndMad, medianAndPercentiles, medianOfWork, percentilesOfWork, workingCopy } from '../../../shared/stats/index.js';

const special = fc.constantFrom(NaN, 0, -0, Infinity, -Infinity, 1e-30, -1e-30, 3.4e38, -3.4e38);
const value = fc.oneof({ weight: 6, arbitrary: fc.double({ min: -1e3, max: 1e3, noNaN: true }) }, { weight: 2, arbitrary: fc.integer({ min: -3, max: 3 }) }, { weight: 1, arbitrary: special });
const arrays = fc.tuple(fc.array(value, { minLength: 0, maxLength: 400 }), fc.boolean()).map(([vs, single]) => (single ? Float32Array.from(vs) : Float64Array.from(vs)));

function reference(data: Float32Array | Float64Array, excludeZeros: boolean, excludeInfinite: boolean, distanceFrom?: number): number[] {
  const kept = Array.from(data).filter((v) => v === v && !(excludeZeros && v === 0) && !(excludeInfinite && !Number.isFinite(v)));
  return kept.map((v) => (distanceFrom === undefined ? v : Math.abs(v - distanceFrom))).sort((a, b) => a - b);
}

describe('orderStatistics', () => {
  it('every rank equals the sorted kept values at that rank, in either precision, and counts below thresholds', () => {
    fc.assert(
      fc.property(arrays, fc.boolean(), fc.boolean(), fc.option(fc.double({ min: -10, max: 10, noNaN: true }), { nil: undefined }), fc.array(fc.double({ min: -1e3, max: 1e3, noNaN: true }), { maxLength: 4 }), (data, excludeZeros, excludeInfinite, distanceFrom, thresholds) => {
        const sorted = reference(data, excludeZeros, excludeInfinite, distanceFrom);
        const ranks = (n: number) => (n === 0 ? [] : [0, n - 1, (n - 1) >> 1, n >> 1, Math.floor(n / 3)]);
        const r = orderStatistics(data, ranks, { excludeZeros, excludeInfinite, distanceFrom, countBelow: thresholds });
        expect(r.count).toBe(sorted.length);
        // -0 and +0 are equal values; which of them a rank holds is not defined.
        const unsigned = (vs: number[]) => vs.map((v) => (v === 0 ? 0 : v));
        expect(unsigned(r.values)).toEqual(unsigned(ranks(sorted.length).map((k) => sorted[k])));
        expect(r.below).toEqual(thresholds.map((t) => sorted.filter((v) => v < t).length));
      }),
      { numRuns: 2000 },
    );
  });

  it('large arrays take the radix paths and give what the selection paths give', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1 << 30 }), fc.boolean(), (seed, single) => {
        let s = seed;
        const rand = () => ((s = (s * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
        const n = 70_000 + (seed % 5000);
        const data = single ? new Float32Array(n) : new Float64Array(n);
        for (let i = 0; i < n; i++) data[i] = i % 97 === 0 ? NaN : i % 89 === 0 ? 0 : i % 83 === 0 ? Math.round(rand() * 4) : (rand() - 0.3) * 1e-3;
        const work = workingCopy(data, { excludeZeros: true });
        const median = medianOfWork(work);
        const mad = madOfWork(work, median);
        expect(medianAndMad(data, { excludeZeros: true })).toMatchObject({ count: work.length, median, mad });
        const copy = workingCopy(data, { excludeZeros: true, excludeInfinite: true });
        const [p10, p90] = percentilesOfWork(copy, [10, 90]);
        const both = medianAndPercentiles(data, [10, 90], { excludeZeros: true, excludeInfinite: true });
        expect(both).toMatchObject({ count: copy.length, median: medianOfWork(workingCopy(data, { excludeZeros: true, excludeInfinite: true })), percentiles: [p10, p90] });
        expect(selectInPlace(copy, 0)).toBe(orderStatistics(data, () => [0], { excludeZeros: true, excludeInfinite: true }).values[0]);
      }),
      { numRuns: 20 },
    );
  });

  it.each([
    ['all equal', (i: number) => 0.5 + 0 * i],
    ['two far clusters', (i: number) => (i % 2 ? 1e6 : -1e6) + (i % 7) * 1e-3],
    ['straddling zero with infinities', (i: number) => (i % 1000 === 0 ? (i % 2000 ? Infinity : -Infinity) : ((i * 7919) % 10007) * 1e-9 - 5e-6)],
    ['mostly zeros and denormals', (i: number) => (i % 3 ? 0 : ((i % 11) - 5) * 1e-40)],
    ['a spike of ties at the median distance', (i: number) => [1, 2, 3, 3, 3, 4, 5][i % 7]],
    ['mostly infinite', (i: number) => (i % 3 ? Infinity : i * 1e-3)],
  ])('medianAndMad on %s (float32, 70k values) equals the selection path', (_, f) => {
    for (const excludeZeros of [false, true]) {
      const data = Float32Array.from({ length: 70_001 }, (_, i) => f(i));
      const work = workingCopy(data, { excludeZeros });
      const median = medianOfWork(work);
      expect(medianAndMad(data, { excludeZeros })).toMatchObject({ count: work.length, median, mad: madOfWork(work, median) });
    }
  });
});
