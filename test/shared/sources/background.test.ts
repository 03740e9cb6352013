/**
 * Background and noise maps. A failure means detection thresholds (thresh_isl x rms) are set
 * against a wrong noise level, so islands are missed or noise is catalogued.
 */
import { describe, expect, it } from 'vitest';
import { sigmaClippedStats } from '../../../shared/stats/index.js';
import { estimateBackground } from '../../../shared/sources/background.js';
import { bstat } from '../../../shared/sources/bstat.js';
import type { PixelBeam } from '../../../shared/sources/image.js';
import { addGaussian, correlatedNoise, mulberry32, normal, whiteNoise } from './synthetic.js';

const beam = (fwhm: number): PixelBeam => {
  const s = fwhm / Math.sqrt(8 * Math.LN2);
  return { cov: { xx: s * s, xy: 0, yy: s * s }, sigmaMajor: s, sigmaMinor: s, angle: 0, fwhmMajor: fwhm, fwhmMinor: fwhm, areaPixels: 2 * Math.PI * s * s };
};

describe('estimateBackground', () => {
  it('uses a given rms map as is, with a zero mean by default (VLASS runs mean_map=zero)', () => {
    const data = whiteNoise(40, 30, 1, 1);
    const rmsMap = new Float32Array(40 * 30).fill(0.5);
    const bg = estimateBackground(data, 40, 30, beam(3), { rmsMap });
    expect(bg.rms).toBe(rmsMap);
    expect(bg.mean).toBe(0);
    expect(bg.rmsSource).toBe('given');
  });

  it('measures the rms of beam-correlated noise: unbiased on average, within the sampling scatter everywhere', () => {
    // A 128-pixel box holds about 128² / 4πσ_b² ≈ 450 independent noise samples, so each box's
    // rms scatters by about 1/√(2·450) ≈ 3.3%; 3σ clipping lowers it by 1.3%.
    // rms_map 'map': uniform noise would otherwise get PyBDSF's constant (see below).
    const data = correlatedNoise(520, 520, 2e-4, 1.7, 2);
    const bg = estimateBackground(data, 520, 520, beam(4), { rmsBox: [128, 32], rmsMap: 'map' });
    expect(bg.rmsSource).toBe('grid');
    let min = Infinity;
    let max = -Infinity;
    let sum = 0;
    for (const v of bg.rms) {
      min = Math.min(min, v);
      max = Math.max(max, v);
      sum += v;
    }
    expect(sum / bg.rms.length / 2e-4).toBeGreaterThan(0.95);
    expect(sum / bg.rms.length / 2e-4).toBeLessThan(1.02);
    expect(min).toBeGreaterThan(2e-4 * 0.88);
    expect(max).toBeLessThan(2e-4 * 1.1);
  });

  it('treats exact zeros (zero-masked borders) as blanks, so the rms is not pulled down near them', () => {
    const data = correlatedNoise(520, 520, 2e-4, 1.7, 5);
    for (let y = 0; y < 520; y++) for (let x = 0; x < 520; x++) if (x < 48 || y < 48) data[y * 520 + x] = 0;
    const bg = estimateBackground(data, 520, 520, beam(4), { rmsBox: [128, 32], rmsMap: 'map' });
    // At (60, 60) every box around the point overlaps the zero border; with zeros counted as
    // data its rms came out at about a third of the true value.
    expect(bg.rms[60 * 520 + 60] / 2e-4).toBeGreaterThan(0.85);
    expect(bg.rms[60 * 520 + 60] / 2e-4).toBeLessThan(1.15);
  });

  it('is not raised by bright sources in the box (3σ clipping)', () => {
    const data = whiteNoise(128, 128, 1, 3);
    for (let k = 0; k < 6; k++) addGaussian(data, 128, 128, { x: 20 + 17 * k, y: 30 + 11 * k, peak: 200, sigmaMajor: 1.5, sigmaMinor: 1.5, angle: 0 });
    const bg = estimateBackground(data, 128, 128, beam(1), { rmsBox: [128, 128] });
    expect(bg.rmsSource).toBe('constant');
    expect(bg.rms[0]).toBeGreaterThan(0.95);
    expect(bg.rms[0]).toBeLessThan(1.06);
  });

  it('follows a noise level that changes across the image, without overshooting the grid values', () => {
    const width = 300;
    const height = 240;
    const gauss = normal(mulberry32(4));
    const level = (x: number) => 1 + (2 * x) / width; // 1 on the left, 3 on the right
    const data = new Float32Array(width * height);
    for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data[y * width + x] = level(x) * gauss();
    for (const interpolation of ['bicubic', 'bilinear'] as const) {
      const bg = estimateBackground(data, width, height, beam(1), { rmsBox: [60, 20], interpolation });
      expect(bg.rmsSource).toBe('grid'); // PyBDSF's check finds the variation significant
      for (const x of [40, 150, 260]) expect(Math.abs(bg.rms[30 * width + x] / level(x) - 1)).toBeLessThan(0.1);
      // The rms of the flanking boxes bounds every interpolated value (the clamp in each 1-D step).
      for (let x = 0; x < width; x++) {
        expect(bg.rms[30 * width + x]).toBeGreaterThan(0.85);
        expect(bg.rms[30 * width + x]).toBeLessThan(3.3);
      }
    }
  });

  it('measures an offset background with meanMap "map" and "const", and takes a given mean map', () => {
    const data = whiteNoise(160, 160, 1, 5).map((v) => v + 4);
    const n = 160 * 160;
    const map = estimateBackground(data, 160, 160, beam(1), { rmsBox: [40, 20], meanMap: 'map' });
    expect((map.mean as Float32Array)[80 * 160 + 80]).toBeCloseTo(4, 0);
    const constant = estimateBackground(data, 160, 160, beam(1), { rmsBox: [40, 20], meanMap: 'const' });
    expect(constant.mean as number).toBeCloseTo(4, 1);
    const given = new Float32Array(n).fill(3.9);
    expect(estimateBackground(data, 160, 160, beam(1), { rmsBox: [40, 20], meanMap: given }).mean).toBe(given);
  });

  it('leaves NaN (blanked) pixels out and fills boxes with no valid pixels from the others', () => {
    const data = whiteNoise(100, 100, 1, 6);
    for (let y = 0; y < 100; y++) for (let x = 0; x < 40; x++) data[y * 100 + x] = NaN;
    const bg = estimateBackground(data, 100, 100, beam(1), { rmsBox: [20, 10] });
    for (const i of [50 * 100 + 5, 50 * 100 + 80]) {
      expect(bg.rms[i]).toBeGreaterThan(0.85);
      expect(bg.rms[i]).toBeLessThan(1.15);
    }
  });

  it('refuses maps of the wrong size and malformed rms_box', () => {
    const data = new Float32Array(100);
    expect(() => estimateBackground(data, 10, 10, beam(2), { rmsMap: new Float32Array(99) })).toThrow(/rms map has 99 pixels/);
    expect(() => estimateBackground(data, 10, 10, beam(2), { rmsBox: [0, 5] })).toThrow(/rms_box/);
    expect(() => estimateBackground(data, 10, 10, beam(2), { rmsBox: [10.5, 5] })).toThrow(/rms_box/);
  });
});

describe("mean_map 'default', as PyBDSF decides it", () => {
  it('a flat background with a small offset: a constant mean, the clipped mean of the image', () => {
    const data = whiteNoise(400, 400, 1e-3, 3).map((v) => v + 5e-5);
    const bg = estimateBackground(Float32Array.from(data), 400, 400, beam(4), { meanMap: 'default', rmsBox: [60, 15] });
    expect(bg.meanType).toBe('const');
    expect(bg.rmsSource).toBe('constant'); // uniform noise: PyBDSF's rms_map=None check takes the constant
    // Within 1e-5 of the offset: the noise of 160,000 pixels' mean is 2.5e-6 (the mode estimate's about twice that).
    expect(Math.abs((bg.mean as number) - 5e-5)).toBeLessThan(1e-5);
  });

  it('an offset of 0.1 sigma or more is taken as confusion, not sky: a zero mean, as PyBDSF', () => {
    const data = whiteNoise(400, 400, 1e-3, 3).map((v) => v + 2e-4);
    const bg = estimateBackground(Float32Array.from(data), 400, 400, beam(4), { meanMap: 'default', rmsBox: [60, 15] });
    expect(bg.meanType).toBe('zero');
    expect(bg.mean).toBe(0);
  });

  it('a background whose level changes across the image: a map (PyBDSF checks the rms map\'s spread)', () => {
    const gauss = normal(mulberry32(5));
    const data = new Float32Array(400 * 400);
    for (let y = 0; y < 400; y++) for (let x = 0; x < 400; x++) data[y * 400 + x] = (x < 200 ? 1e-3 : 3e-3) * gauss() + (x < 200 ? 0 : 1e-3);
    const bg = estimateBackground(data, 400, 400, beam(4), { meanMap: 'default', rmsBox: [60, 15] });
    expect(bg.meanType).toBe('map');
    const mean = bg.mean as Float32Array;
    expect(mean[200 * 400 + 50]).toBeCloseTo(0, 3);
    expect(mean[200 * 400 + 350]).toBeCloseTo(1e-3, 3);
  });

  it('a box over a quarter of the image: always constant', () => {
    const bg = estimateBackground(whiteNoise(100, 100, 1e-3, 4), 100, 100, beam(3), { meanMap: 'default', rmsBox: [40, 10] });
    expect(bg.meanType).toBe('const');
  });
});

describe("bstat (PyBDSF's clipped statistic)", () => {
  it('gives the true sigma of Gaussian noise: the clipped tails are added back (astropy\'s clipped std is 1.36% low at 3 sigma)', () => {
    const gauss = normal(mulberry32(7));
    const n = 200_000;
    const values = Float32Array.from({ length: n }, () => 0.5 + 2 * gauss());
    const astropy = sigmaClippedStats(values, { sigma: 3 });
    const ours = bstat(Float32Array.from(values), n, 3);
    // The sample rms of 200,000 values scatters by 1/sqrt(2n) = 0.16%.
    expect(ours.rms / 2).toBeCloseTo(1, 2);
    expect(Math.abs(ours.rms / 2 - 1)).toBeLessThan(0.005);
    expect(ours.rms / astropy.std).toBeCloseTo(1.0136, 3);
    expect(ours.mean).toBeCloseTo(0.5, 1);
    expect(ours.count).toBe(n);
  });

  it('takes the mode estimate as the mean, so a tail of faint sources does not lift it', () => {
    const gauss = normal(mulberry32(8));
    const n = 100_000;
    // 5% of the pixels carry faint emission of 0.5-2.5 sigma: it survives 3-sigma clipping.
    const values = Float32Array.from({ length: n }, (_, i) => gauss() + (i % 20 === 0 ? 0.5 + (i % 7) / 3 : 0));
    const clippedMean = sigmaClippedStats(values, { sigma: 3 }).mean;
    const ours = bstat(values, n, 3);
    expect(Math.abs(ours.mean)).toBeLessThan(Math.abs(clippedMean));
    expect(Math.abs(ours.mean)).toBeLessThan(0.03);
  });

  it('drops NaN and infinities, and gives NaN for fewer than two values', () => {
    const values = Float32Array.from([1, NaN, 2, Infinity, 3, -Infinity, 4]);
    expect(bstat(values, values.length, 3).count).toBe(4);
    expect(bstat(Float32Array.from([NaN, 1]), 2, 3).rms).toBeNaN();
  });
});
