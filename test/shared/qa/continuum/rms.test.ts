/**
 * The pipeline's rms fractions: non-zero pixels AT OR BELOW a level, compared in the image's
 * precision (numpy's `float32_array <= 140e-6` compares in float32). shared/stats
 * fractionsBelow is strictly below in float64; these cases are where the two differ.
 */
import { describe, expect, it } from 'vitest';
import { fractionsBelow } from '../../../../shared/stats/index.js';
import { fractionsAtOrBelow, measureRms, nextUp } from '../../../../shared/qa/continuum/rms.js';

describe('fractionsAtOrBelow', () => {
  it('counts a float64 pixel exactly at the level, which fractionsBelow does not', () => {
    const data = new Float64Array([120e-6, 120e-6, nextUp(120e-6), 100e-6]);
    expect(fractionsBelow(data, [120e-6])).toEqual([0.25]);
    expect(fractionsAtOrBelow(data, [120e-6])).toEqual([0.75]);
  });

  it('compares float32 data in float32: a level float32 rounds UP (140 uJy) still counts the pixel at it', () => {
    const at = Math.fround(140e-6);
    expect(at).toBeGreaterThan(140e-6); // the premise: float32 rounds 140e-6 up
    const data = new Float32Array([at, at, 1e-4, 2e-4]);
    expect(fractionsBelow(data, [140e-6])).toEqual([0.25]); // float64: the float32 pixels are above 140e-6
    expect(fractionsAtOrBelow(data, [140e-6])).toEqual([0.75]); // numpy on float32: they are at it
  });

  it('the next float32 above the level does not count', () => {
    const at = Math.fround(168e-6);
    const above = new Float32Array([at]);
    const u = new Uint32Array(above.buffer);
    u[0] += 1; // one float32 step up
    expect(fractionsAtOrBelow(new Float32Array([at, above[0]]), [168e-6])).toEqual([0.5]);
  });

  it('ignores zeros, NaN and infinities in numerator and denominator', () => {
    const data = new Float32Array([0, 0, NaN, Infinity, -Infinity, 100e-6, 300e-6]);
    expect(fractionsAtOrBelow(data, [120e-6, 200e-6, 1])).toEqual([0.5, 0.5, 1]);
  });

  it('NaN when no pixel is left', () => {
    expect(fractionsAtOrBelow(new Float32Array([0, NaN]), [120e-6])[0]).toBeNaN();
  });
});

describe('measureRms', () => {
  it('medians, percentiles and fractions over non-zero finite pixels; null when nothing is left', () => {
    const data = new Float32Array([0, NaN, 100e-6, 150e-6, 200e-6, 250e-6, Infinity]);
    const m = measureRms(data, 'file', '/x.fits');
    expect(m.pixelCount).toBe(4);
    expect(m.medianJy).toBe((Math.fround(150e-6) + Math.fround(200e-6)) / 2);
    expect(m.fractionBelow120uJy).toBe(0.25);
    expect(m.fractionBelow200uJy).toBe(0.75);
    const empty = measureRms(new Float32Array([0, NaN]), 'computed', null);
    expect(empty).toMatchObject({ medianJy: null, p10Jy: null, fractionBelow168uJy: null, pixelCount: 0, source: 'computed' });
  });
});

describe('nextUp', () => {
  it('is the adjacent float64', () => {
    expect(nextUp(1)).toBe(1 + Number.EPSILON);
    expect(nextUp(0)).toBe(Number.MIN_VALUE);
    expect(nextUp(-1)).toBe(-1 + Number.EPSILON / 2);
    expect(() => nextUp(Infinity)).toThrow(RangeError);
  });
});
