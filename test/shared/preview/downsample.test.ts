/** Area averaging: sizes, exact means, coverage rule, and 256 px from the 1024 px sums. */
import { describe, expect, it } from 'vitest';
import { areaMeans, downsampleMean, previewSize, resumAreas, sumAreas } from '../../../shared/preview/index.js';
import { noiseImage } from '../rmsmap/noise.js';

describe('previewSize', () => {
  it('scales the longest side to maxSize, keeps the aspect, never enlarges', () => {
    expect(previewSize(3722, 3722, 1024)).toEqual({ width: 1024, height: 1024 });
    expect(previewSize(6202, 6202, 256)).toEqual({ width: 256, height: 256 });
    expect(previewSize(3000, 1000, 1024)).toEqual({ width: 1024, height: 341 });
    expect(previewSize(500, 300, 1024)).toEqual({ width: 500, height: 300 });
    expect(previewSize(5000, 3, 256)).toEqual({ width: 256, height: 1 });
  });
});

describe('downsampleMean', () => {
  it('keeps a constant image constant and averages integer blocks exactly', () => {
    expect(Array.from(downsampleMean(new Float32Array(35 * 21).fill(2.5), 35, 21, 8, 5))).toEqual(new Array(40).fill(2.5));
    const ramp = Float32Array.from({ length: 16 }, (_, i) => i); // 4 x 4
    expect(Array.from(downsampleMean(ramp, 4, 4, 2, 2))).toEqual([2.5, 4.5, 10.5, 12.5]);
  });

  it('splits a pixel between the two cells it straddles by area', () => {
    // 3 pixels → 2 cells of 1.5: cell 0 = (a + 0.5 b) / 1.5, cell 1 = (0.5 b + c) / 1.5.
    expect(Array.from(downsampleMean(Float32Array.from([3, 6, 9]), 3, 1, 2, 1))).toEqual([4, 8]);
  });

  it('ignores blanks and blanks a cell less than half covered', () => {
    const img = Float32Array.from([1, Number.NaN, Number.NaN, Number.NaN, 5, 7, Number.NaN, 9]);
    // 8 → 2 cells of 4 pixels: [1, NaN, NaN, NaN] has 1/4 coverage; [5, 7, NaN, 9] 3/4.
    const out = downsampleMean(img, 8, 1, 2, 1);
    expect(out[0]).toBeNaN();
    expect(out[1]).toBeCloseTo(7, 12);
    expect(downsampleMean(Float32Array.from([0, 4, 0, 0]), 4, 1, 1, 1, true)[0]).toBeNaN();
    expect(downsampleMean(Float32Array.from([0, 4, 0, 0]), 4, 1, 1, 1, false)[0]).toBe(1);
  });

  it('gives the same 256 px image from the 1024 px sums as from the full plane when sizes divide', () => {
    const plane = noiseImage(2048, 1024, 1, 9);
    for (let i = 0; i < 5000; i++) plane[(i * 7919) % plane.length] = Number.NaN;
    const direct = downsampleMean(plane, 2048, 1024, 256, 128);
    const viaLarge = areaMeans(resumAreas(sumAreas(plane, 2048, 1024, 1024, 512), 256, 128));
    let worst = 0;
    for (let i = 0; i < direct.length; i++) worst = Math.max(worst, Math.abs(direct[i] - viaLarge[i]));
    expect(worst).toBeLessThan(1e-6);
  });
});
