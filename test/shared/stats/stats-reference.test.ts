/**
 * shared/stats against numpy / astropy (test/reference/stats_reference.json): every statistic
 * to 1e-9 relative, counts and positions exactly. A failure means a definition drifted from
 * the one the QA thresholds were calibrated with (numpy percentile 'linear', astropy
 * mad_std / sigma_clipped_stats, CASA Chauvenet).
 */
import { describe, expect, it } from 'vitest';
import {
  chauvenetClippedStats,
  chauvenetZScore,
  countPixels,
  extrema,
  fractionsBelow,
  histogram,
  median,
  medianAndMad,
  madStd,
  meanStd,
  percentile,
  percentiles,
  sigmaClippedStats,
} from '../../../shared/stats/index.js';
import { type Summary, loadStatsReference, relativeError } from './reference.js';

const REL = 1e-9;
const reference = loadStatsReference();

function expectClose(actual: number, expected: number | null, what: string): void {
  if (expected === null) {
    expect(actual, what).toBeNaN();
    return;
  }
  expect(relativeError(actual, expected), `${what}: ${actual} vs ${expected}`).toBeLessThanOrEqual(REL);
}

describe.each(reference.datasets)('dataset $name', (dataset) => {
  const { data, width } = dataset;

  it('counts NaN, zero, infinite and finite pixels', () => {
    expect(countPixels(data)).toEqual(dataset.counts);
  });

  describe.each([
    ['all values', false, dataset.all],
    ['zeros excluded', true, dataset.excludeZeros],
  ] as const)('%s', (_label, excludeZeros, ref: Summary) => {
    const options = { excludeZeros };

    it('median and percentiles match numpy', () => {
      expectClose(median(data, options), ref.median, 'median');
      const all = percentiles(data, reference.percentiles, options);
      reference.percentiles.forEach((q, i) => {
        expectClose(all[i], ref.percentiles[i], `percentile ${q}`);
        expectClose(percentile(data, q, options), ref.percentiles[i], `single percentile ${q}`);
      });
    });

    it('MAD and mad_std match astropy', () => {
      const robust = medianAndMad(data, options);
      expect(robust.count).toBe(ref.count);
      expectClose(robust.median, ref.median, 'median');
      expectClose(robust.mad, ref.mad, 'mad');
      expectClose(robust.madStd, ref.madStd, 'madStd');
      expectClose(madStd(data, options), ref.madStd, 'madStd()');
    });

    it('mean and std match numpy', () => {
      const population = meanStd(data, options);
      expect(population.count).toBe(ref.count);
      expectClose(population.mean, ref.mean, 'mean');
      expectClose(population.std, ref.std, 'std');
      expectClose(meanStd(data, { ...options, ddof: 1 }).std, ref.stdDdof1, 'std ddof=1');
    });

    it('min and max with positions match nanargmin/nanargmax', () => {
      const found = extrema(data, width, options);
      expect(found).not.toBeNull();
      expect(found!.min).toEqual(ref.min);
      expect(found!.max).toEqual(ref.max);
    });

    it('histograms match numpy.histogram bin for bin', () => {
      const byDefault = histogram(data, { bins: ref.histogramDefault.bins, ...options });
      expect(byDefault.counts).toEqual(ref.histogramDefault.counts);
      expect([...byDefault.edges]).toEqual(ref.histogramDefault.edges);
      const ranged = histogram(data, { bins: ref.histogramRange.bins, range: ref.histogramRange.range, ...options });
      expect(ranged.counts).toEqual(ref.histogramRange.counts);
      expect([...ranged.edges]).toEqual(ref.histogramRange.edges);
      expect([ranged.below, ranged.above]).toEqual([ref.histogramRange.below, ref.histogramRange.above]);
    });

    it('fractions below thresholds match', () => {
      const got = fractionsBelow(data, ref.fractionsBelow.thresholds, options);
      ref.fractionsBelow.fractions.forEach((f, i) => expectClose(got[i], f, `fraction below ${ref.fractionsBelow.thresholds[i]}`));
    });

    it('sigma clipping matches astropy sigma_clipped_stats', () => {
      for (const c of ref.sigmaClip) {
        const o = c.options;
        const got = sigmaClippedStats(data, {
          ...options,
          sigma: o.sigma,
          sigmaLower: o.sigma_lower,
          sigmaUpper: o.sigma_upper,
          maxIters: o.maxiters,
          stdDdof: o.std_ddof,
        });
        const what = `sigma clip ${JSON.stringify(o)}`;
        expect(got.count, what).toBe(c.count);
        expect(got.iterations, what).toBe(c.iterations);
        expectClose(got.mean, c.mean, `${what} mean`);
        expectClose(got.median, c.median, `${what} median`);
        expectClose(got.std, c.std, `${what} std`);
        expectClose(got.lower, c.lower, `${what} lower`);
        expectClose(got.upper, c.upper, `${what} upper`);
      }
    });

    it('Chauvenet clipping matches the CASA algorithm', () => {
      for (const c of ref.chauvenet) {
        const got = chauvenetClippedStats(data, { ...options, ...c.options });
        const what = `chauvenet ${JSON.stringify(c.options)}`;
        expect(got.count, what).toBe(c.count);
        expect(got.passes, what).toBe(c.passes);
        expectClose(got.mean, c.mean, `${what} mean`);
        expectClose(got.std, c.std, `${what} std`);
        expectClose(got.zscore, c.zscore, `${what} zscore`);
        expectClose(got.lower, c.lower, `${what} lower`);
        expectClose(got.upper, c.upper, `${what} upper`);
      }
    });
  });
});

describe('Chauvenet z-score', () => {
  it.each(Object.entries(reference.chauvenetZScores))('n = %s matches sqrt(2)·erfcinv(0.5/n) from scipy', (n, z) => {
    expect(relativeError(chauvenetZScore(Number(n)), z)).toBeLessThanOrEqual(1e-12);
  });
});
