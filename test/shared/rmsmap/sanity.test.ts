/**
 * The rms map on images whose answer is known without a reference program: pure Gaussian
 * noise, noise with a bright point source, and the library's own Chauvenet + MAD on single
 * boxes.
 */
import { describe, expect, it } from 'vitest';
import { computeRmsGrid, computeRmsMap } from '../../../shared/rmsmap/index.js';
import { chauvenetClippedStats, madStd } from '../../../shared/stats/index.js';
import { addGaussian, nanMedian, noiseImage } from './noise.js';

const WIDTH = 300;
const SIGMA = 1.2e-4; // a VLASS-like 120 uJy/beam

describe('pure Gaussian noise', () => {
  const image = noiseImage(WIDTH, WIDTH, SIGMA, 7);
  const map = computeRmsMap(image, WIDTH, WIDTH, { cellArcsec: 1 });

  it('has a median rms within 2 % of the noise sigma', () => {
    expect(Math.abs(nanMedian(map) / SIGMA - 1)).toBeLessThan(0.02);
  });

  it('is defined everywhere and positive', () => {
    expect(map.every((v) => v > 0)).toBe(true);
  });
});

describe('a bright point source', () => {
  // 1000 sigma, 3 px FWHM (a QL beam at 1" cells); the source dominates a plain standard
  // deviation of its box (checked below), clipping and the MAD keep the rms at the noise.
  const noise = noiseImage(WIDTH, WIDTH, SIGMA, 11);
  const withSource = noise.slice();
  addGaussian(withSource, WIDTH, 150.3, 149.6, 1000 * SIGMA, 3);
  const before = computeRmsMap(noise, WIDTH, WIDTH, { cellArcsec: 1 });
  const after = computeRmsMap(withSource, WIDTH, WIDTH, { cellArcsec: 1 });

  it('would inflate a plain standard deviation of its box more than 10-fold', () => {
    let sum = 0;
    let squares = 0;
    let n = 0;
    for (let y = 120; y <= 180; y++)
      for (let x = 120; x <= 180; x++) {
        const v = withSource[y * WIDTH + x];
        sum += v;
        squares += v * v;
        n++;
      }
    expect(Math.sqrt((squares - (sum * sum) / n) / (n - 1))).toBeGreaterThan(10 * SIGMA);
  });

  it('raises the rms within 50 px of it by no more than 3 % (measured: ~1 %)', () => {
    let worst = 0;
    for (let y = 100; y < 200; y++) for (let x = 100; x < 200; x++) worst = Math.max(worst, after[y * WIDTH + x] / before[y * WIDTH + x]);
    expect(worst).toBeGreaterThan(1); // the source is seen...
    expect(worst).toBeLessThan(1.03); // ...but clipped
  });
});

describe('agreement with shared/stats on single boxes', () => {
  it('equals madStd of the values chauvenetClippedStats keeps, where the ranges nest', () => {
    const image = noiseImage(120, 120, SIGMA, 3);
    addGaussian(image, 120, 60, 60, 50 * SIGMA, 3);
    const grid = computeRmsGrid(image, 120, 120, { cellArcsec: 1, anchor: [0, 0] });
    const { nx, halfWidth } = grid.geometry;
    for (const [gx, gy] of [
      [6, 6],
      [5, 6],
      [3, 3],
      [0, 0],
      [11, 4],
    ]) {
      const cx = gx * 10;
      const cy = gy * 10;
      const box: number[] = [];
      for (let y = Math.max(0, cy - halfWidth); y <= Math.min(119, cy + halfWidth); y++)
        for (let x = Math.max(0, cx - halfWidth); x <= Math.min(119, cx + halfWidth); x++) box.push(image[y * 120 + x]);
      const data = Float64Array.from(box);
      const clipped = chauvenetClippedStats(data);
      const kept = data.filter((v) => v >= clipped.lower && v <= clipped.upper);
      expect(kept.length).toBe(clipped.count);
      expect(grid.keptCount[gy * nx + gx]).toBe(clipped.count);
      expect(grid.values[gy * nx + gx]).toBeCloseTo(madStd(kept), 15);
    }
  });
});

describe('any box and grid geometry', () => {
  // Boxes that are not 6 tiles + 1 column: other remainders r = side − q·step, including
  // r = 0, steps larger than the box, and anchors that start the grid mid-tile. Every node is
  // checked against a brute-force box cut and shared/stats (the ranges nest for these data).
  const width = 90;
  const height = 70;
  const image = noiseImage(width, height, SIGMA, 17);
  addGaussian(image, width, 40, 30, 80 * SIGMA, 3);
  for (let i = 0; i < 300; i++) image[(i * 7919) % image.length] = Number.NaN;
  image.fill(0, 20 * width, 20 * width + 35); // zero-masked stretch

  it.each([
    { cellArcsec: 1, gridStep: 10, anchor: [0, 0] as [number, number] }, // side 61, r = 1
    { cellArcsec: 1, gridStep: 7, anchor: [5, 2] as [number, number] }, // side 61 = 8·7 + 5
    { cellArcsec: 30 / 9, gridStep: 19, anchor: [11, 30] as [number, number] }, // side 19 = 1·19, r = 0
    { cellArcsec: 30 / 9, gridStep: 5, anchor: [-3, 4] as [number, number] }, // side 19 = 3·5 + 4
    { cellArcsec: 10, gridStep: 10, anchor: [1, 1] as [number, number] }, // side 7 < step: q = 0
  ])('step $gridStep, cell $cellArcsec", anchor $anchor', (options) => {
    const grid = computeRmsGrid(image, width, height, { ...options, minValidFraction: 0 });
    const { nx, ny, x0, y0, step, halfWidth } = grid.geometry;
    let checked = 0;
    for (let gy = 0; gy < ny; gy++)
      for (let gx = 0; gx < nx; gx++) {
        const cx = x0 + gx * step;
        const cy = y0 + gy * step;
        const box: number[] = [];
        for (let y = Math.max(0, cy - halfWidth); y <= Math.min(height - 1, cy + halfWidth); y++)
          for (let x = Math.max(0, cx - halfWidth); x <= Math.min(width - 1, cx + halfWidth); x++) {
            const v = image[y * width + x];
            if (Number.isFinite(v) && v !== 0) box.push(v);
          }
        const node = gy * nx + gx;
        expect(grid.validCount[node], `node ${gx}, ${gy}`).toBe(box.length);
        if (box.length === 0) {
          expect(grid.values[node]).toBeNaN();
          continue;
        }
        const data = Float64Array.from(box);
        const clipped = chauvenetClippedStats(data);
        const kept = data.filter((v) => v >= clipped.lower && v <= clipped.upper);
        expect(grid.keptCount[node], `node ${gx}, ${gy}`).toBe(kept.length);
        expect(grid.values[node], `node ${gx}, ${gy}`).toBeCloseTo(madStd(kept), 15);
        checked++;
      }
    expect(checked).toBeGreaterThan(3);
  });
});
