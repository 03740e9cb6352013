/**
 * Island decomposition rules: seeds at local maxima, the pixel budget for parameters, the
 * residual additions and their guards, and flags instead of dropped components. A failure
 * means islands are split into the wrong number of Gaussians or fitted with more freedom
 * than their pixels support.
 */
import { describe, expect, it } from 'vitest';
import type { Background } from '../../../shared/sources/background.js';
import { fitIsland, localMaxima } from '../../../shared/sources/fit.js';
import type { PixelBeam } from '../../../shared/sources/image.js';
import { findIslands } from '../../../shared/sources/islands.js';
import { type TrueGaussian, addGaussian, correlatedNoise } from './synthetic.js';

const sigma = 1.7;
const beam: PixelBeam = {
  cov: { xx: sigma * sigma, xy: 0, yy: sigma * sigma },
  sigmaMajor: sigma,
  sigmaMinor: sigma,
  angle: 0,
  fwhmMajor: sigma * 2.3548,
  fwhmMinor: sigma * 2.3548,
  areaPixels: 2 * Math.PI * sigma * sigma,
};
const W = 64;
const background = (): Background => ({ rms: new Float32Array(W * W).fill(1), mean: 0, rmsSource: 'given' });

function fitAll(sources: TrueGaussian[], options: Parameters<typeof fitIsland>[6] = {}, noiseSeed?: number) {
  const data = noiseSeed === undefined ? new Float32Array(W * W) : correlatedNoise(W, W, 1, sigma, noiseSeed);
  for (const s of sources) addGaussian(data, W, W, s);
  const bg = background();
  const map = findIslands(data, W, W, bg, beam, { minpixIsl: 1 });
  return { map, data, bg, fits: map.islands.map((island) => fitIsland(island, data, W, bg, beam, map.labels, options)) };
}

const point = (x: number, y: number, peak: number): TrueGaussian => ({ x, y, peak, sigmaMajor: sigma, sigmaMinor: sigma, angle: 0 });

describe('fitIsland', () => {
  it('recovers a noiseless elliptical Gaussian to high precision', () => {
    const truth: TrueGaussian = { x: 30.4, y: 31.7, peak: 50, sigmaMajor: 3.1, sigmaMinor: 2.0, angle: 2.2 };
    const { fits } = fitAll([truth]);
    expect(fits).toHaveLength(1);
    const [g] = fits[0].gaussians;
    expect(g.x).toBeCloseTo(truth.x, 5);
    expect(g.y).toBeCloseTo(truth.y, 5);
    expect(g.peak).toBeCloseTo(truth.peak, 4);
    expect(g.sigmaMajor).toBeCloseTo(truth.sigmaMajor, 5);
    expect(g.sigmaMinor).toBeCloseTo(truth.sigmaMinor, 5);
    expect(g.angle).toBeCloseTo(truth.angle, 5);
    expect(g.flags).toEqual([]);
    expect(fits[0].residualRms).toBeLessThan(1e-3);
  });

  it('seeds one component per local maximum above thresh_isl, brightest first', () => {
    const { map, data, bg, fits } = fitAll([point(25, 30, 40), point(33, 30, 20)]);
    expect(map.islands).toHaveLength(1);
    const maxima = localMaxima(map.islands[0], data, W, bg, 3);
    expect(maxima.map((i) => [i % W, Math.floor(i / W)])).toEqual([
      [25, 30],
      [33, 30],
    ]);
    expect(fits[0].gaussians.map((g) => Math.round(g.x))).toEqual([25, 33]);
  });

  it('still seeds a peak whose neighbour is blank (NaN), as at the edge of a masked region', () => {
    const data = new Float32Array(W * W);
    addGaussian(data, W, W, point(25, 30, 40));
    addGaussian(data, W, W, point(33, 30, 20));
    data[30 * W + 34] = NaN;
    const bg = background();
    const map = findIslands(data, W, W, bg, beam, { minpixIsl: 1 });
    expect(localMaxima(map.islands[0], data, W, bg, 3).map((i) => i % W)).toEqual([25, 33]);
  });

  it('adds a component at a significant residual peak that is no local maximum (a shoulder)', () => {
    // 1.0 beam FWHM apart: the fainter one is a shoulder on the brighter one's flank.
    const sources = [point(30, 30, 60), point(30 + beam.fwhmMajor, 30, 25)];
    const { fits } = fitAll(sources);
    expect(fits[0].gaussians).toHaveLength(2);
    for (const s of sources) expect(fits[0].gaussians.some((g) => Math.hypot(g.x - s.x, g.y - s.y) < 0.05)).toBe(true);
    // Capped at one component, the shoulder stays in the residual.
    expect(fitAll(sources, { maxComponentsPerIsland: 1 }).fits[0].gaussians).toHaveLength(1);
  });

  it('does not split a bright source on residuals below 5% of its peak (beam shape errors)', () => {
    // A Gaussian with 3% wings beyond the beam shape: residuals of ~15σ, under 5% of the peak.
    const { fits } = fitAll([point(30, 30, 1000), { ...point(30, 30, 30), sigmaMajor: 2 * sigma, sigmaMinor: 2 * sigma }]);
    expect(fits[0].gaussians).toHaveLength(1);
    expect(fitAll([point(30, 30, 1000), { ...point(30, 30, 30), sigmaMajor: 2 * sigma, sigmaMinor: 2 * sigma }], { residualPeakFraction: 0.001 }).fits[0].gaussians.length).toBeGreaterThan(1);
  });

  it('does not add noise as components in beam-correlated noise (Akaike criterion scaled for the correlation)', () => {
    // Residual peaks allowed down to 2σ and no dynamic-range floor: only the χ² criterion
    // stands between noise bumps and new components. Over these ten islands (~340 pixels,
    // 20 beams each) the scaled criterion admits 2 bumps; unscaled (2 per parameter) it
    // admits over twenty.
    let extra = 0;
    for (let seed = 0; seed < 10; seed++) {
      const source = { ...point(30.3, 31.6, 300), sigmaMajor: 2 * sigma, sigmaMinor: 2 * sigma };
      const { fits } = fitAll([source], { threshPix: 2, residualPeakFraction: 0 }, 200 + seed);
      const main = fits.find((f) => f.gaussians.some((g) => Math.hypot(g.x - 30.3, g.y - 31.6) < 1));
      extra += main!.gaussians.length - 1;
    }
    expect(extra).toBeLessThanOrEqual(3);
  });

  it('fits six parameters per component only while the island has the pixels: then three, holding the beam shape', () => {
    // Two peaks in an 8-pixel island: 6 + 3 parameters would be too many, so one component;
    // with 11 pixels the second is added with its shape held at the beam's (PyBDSF's rule).
    const data = new Float32Array(W * W);
    const row = [4, 9, 6, 4, 4, 7, 4, 3.5, 3.5, 3.5, 3.5];
    row.forEach((v, k) => (data[20 * W + 10 + k] = v));
    const bg = background();
    const small = findIslands(data.map((v, i) => (i % W < 18 ? v : 0)), W, W, bg, beam, { minpixIsl: 1 });
    expect(small.islands[0].pixels.length).toBe(8);
    const f8 = fitIsland(small.islands[0], data, W, bg, beam, small.labels);
    expect(f8.gaussians).toHaveLength(1);
    const large = findIslands(data, W, W, bg, beam, { minpixIsl: 1 });
    expect(large.islands[0].pixels.length).toBe(11);
    const f11 = fitIsland(large.islands[0], data, W, bg, beam, large.labels);
    expect(f11.gaussians).toHaveLength(2);
    expect(f11.gaussians.filter((g) => g.flags.includes('shape-fixed-to-beam'))).toHaveLength(1);
    const fixed = f11.gaussians.find((g) => g.flags.includes('shape-fixed-to-beam'))!;
    expect(fixed.sigmaMajor).toBeCloseTo(sigma, 9);
    expect(fixed.sigmaMinor).toBeCloseTo(sigma, 9);
  });

  it('frees the shape only when the pixels outnumber its six parameters', () => {
    // A 6-pixel island would fit six parameters exactly (no noise averaged): its shape is held
    // at the beam's; with a seventh pixel it is fitted.
    const bg = background();
    for (const [n, held] of [[6, true], [7, false]] as const) {
      const data = new Float32Array(W * W);
      [9, 8, 7, 6, 5, 4.5, 4.2].slice(0, n).forEach((v, k) => (data[(20 + (k % 2)) * W + 10 + (k >> 1)] = v));
      const map = findIslands(data, W, W, bg, beam, { minpixIsl: 1 });
      expect(map.islands[0].pixels.length).toBe(n);
      const fit = fitIsland(map.islands[0], data, W, bg, beam, map.labels);
      expect(fit.gaussians).toHaveLength(1);
      expect(fit.gaussians[0].flags.includes('shape-fixed-to-beam')).toBe(held);
    }
  });

  it('still gives a one-pixel island its component: amplitude fitted, position and shape held, flagged', () => {
    const data = new Float32Array(W * W);
    data[10 * W + 10] = 12;
    const bg = background();
    const map = findIslands(data, W, W, bg, beam, { minpixIsl: 1 });
    const fit = fitIsland(map.islands[0], data, W, bg, beam, map.labels);
    expect(fit.gaussians).toHaveLength(1);
    expect(fit.gaussians[0]).toMatchObject({ x: 10, y: 10 });
    expect(fit.gaussians[0].peak).toBeCloseTo(12, 6);
    expect(fit.gaussians[0].flags).toEqual(expect.arrayContaining(['shape-fixed-to-beam', 'position-fixed']));
  });

  it('keeps a component that runs to a bound, flagged rather than dropped', () => {
    // A source centred off the image edge: its island is the visible half.
    const { fits } = fitAll([point(-1.5, 30, 50)]);
    expect(fits).toHaveLength(1);
    expect(fits[0].gaussians.length).toBeGreaterThanOrEqual(1);
    const flags = fits[0].gaussians.flatMap((g) => g.flags);
    expect(flags).toEqual(expect.arrayContaining(['position-at-bound']));
  });
});

describe("pybdsfFlagging (a general image's Gaussians as PyBDSF keeps them)", () => {
  // A compact source on a broad, faint pedestal: the island (3σ) spans about 14 px, while the
  // pedestal's 1σ ellipse is 40 px across. PyBDSF flags a Gaussian whose 1σ box outgrows its
  // island's (flag_maxsize_isl) and leaves that flux to its residual.
  const compact = point(32.3, 31.6, 40);
  const pedestal: TrueGaussian = { x: 33, y: 32, peak: 2.5, sigmaMajor: 20, sigmaMinor: 20, angle: 0 };
  const truth = [compact, { ...pedestal, x: 20.5, y: 31.4, peak: 6, sigmaMajor: 1.9, sigmaMinor: 1.7 }];

  it('drops a component that outgrows its island and refits the rest; without it every fitted component is kept', () => {
    const kept = fitAll([...truth, pedestal], {}, 21);
    const flagged = fitAll([...truth, pedestal], { pybdsfFlagging: true }, 21);
    const island = (fits: typeof kept.fits) => fits.find((f) => f.gaussians.some((g) => Math.hypot(g.x - compact.x, g.y - compact.y) < 1))!;
    const box = kept.map.islands[island(kept.fits).islandId];
    const outgrows = (g: { sigmaMajor: number }) => 2 * g.sigmaMajor > Math.max(box.xMax - box.xMin + 1, box.yMax - box.yMin + 1);
    expect(island(kept.fits).gaussians.some(outgrows)).toBe(true);
    expect(island(flagged.fits).gaussians.some(outgrows)).toBe(false);
    expect(island(flagged.fits).gaussians.length).toBeLessThan(island(kept.fits).gaussians.length);
    // The compact source is still measured: its peak within 10% (the pedestal adds 2.5 of 40).
    const c = island(flagged.fits).gaussians.find((g) => Math.hypot(g.x - compact.x, g.y - compact.y) < 1)!;
    expect(Math.abs(c.peak / (compact.peak + pedestal.peak) - 1)).toBeLessThan(0.1);
  });
});
