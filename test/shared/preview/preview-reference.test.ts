/**
 * shared/preview against astropy.visualization and numpy (test/reference/preview_reference.py
 * → preview_reference.json): ZScaleInterval and percentile limits to 1e-6 relative (they
 * agree to the last bit in practice), AsinhStretch values, the grey levels of whole rendered
 * images, and the NaN-aware area average.
 */
import { describe, expect, it } from 'vitest';
import { asinhLimits, asinhStretch, downsampleMean, percentileLimits, renderPreview, zscaleLimits } from '../../../shared/preview/index.js';
import { loadPreviewReference, relativeError } from './reference.js';

const REL = 1e-6;
const reference = loadPreviewReference();

describe.each(reference.datasets)('dataset $name', (d) => {
  it('zscale limits match astropy ZScaleInterval', () => {
    const { vmin, vmax } = zscaleLimits(d.data);
    expect(relativeError(vmin, d.zscale[0]), `vmin ${vmin} vs ${d.zscale[0]}`).toBeLessThanOrEqual(REL);
    expect(relativeError(vmax, d.zscale[1]), `vmax ${vmax} vs ${d.zscale[1]}`).toBeLessThanOrEqual(REL);
  });

  it('percentile limits match astropy AsymmetricPercentileInterval', () => {
    for (const [key, [emin, emax]] of Object.entries(d.percentiles)) {
      const [lo, hi] = key.split(',').map(Number);
      const { vmin, vmax } = percentileLimits(d.data, lo, hi);
      expect(relativeError(vmin, emin), `${key} vmin`).toBeLessThanOrEqual(REL);
      expect(relativeError(vmax, emax), `${key} vmax`).toBeLessThanOrEqual(REL);
    }
  });

  it('asinh display interval is [p0.5, p0.5 + headroom (p99.5 − p0.5)]', () => {
    const { vmin, vmax } = asinhLimits(d.data, 0.5, 99.5, reference.headroom);
    expect(relativeError(vmin, d.asinh[0])).toBeLessThanOrEqual(REL);
    expect(relativeError(vmax, d.asinh[1])).toBeLessThanOrEqual(REL);
  });
});

describe('rendered grey levels (no downsampling: the images are smaller than the preview)', () => {
  const withImages = reference.datasets.filter((d) => d.asinhGrey && d.zscaleGrey);
  it.each(withImages.flatMap((d) => [[d.name, 'asinh', d] as const, [d.name, 'zscale', d] as const]))('%s, %s: same grey at every pixel, north up, blanks grey', (_name, stretch, d) => {
    const expected = stretch === 'asinh' ? d.asinhGrey! : d.zscaleGrey!;
    const preview = renderPreview(d.data, d.width, d.height, { stretch });
    expect([preview.width, preview.height]).toEqual([d.width, d.height]);
    let blanks = 0;
    const mismatches: string[] = [];
    for (let i = 0; i < expected.length; i++) {
      const want = expected[i] < 0 ? [128, 128, 128, 255] : [expected[i], expected[i], expected[i], 255];
      if (expected[i] < 0) blanks++;
      const got = Array.from(preview.rgba.subarray(4 * i, 4 * i + 4));
      if (got.join() !== want.join() && mismatches.length < 5) mismatches.push(`pixel ${i}: ${got} vs ${want}`);
    }
    expect(mismatches).toEqual([]);
    expect(blanks).toBeGreaterThan(0); // the data have NaN (and the orientation of the blank block is checked with them)
  });
});

describe('AsinhStretch', () => {
  it.each(reference.asinhStretch)('a = $a matches astropy', ({ a, x, y }) => {
    const f = asinhStretch(a);
    x.forEach((xi, i) => expect(relativeError(f(xi), y[i]), `x = ${xi}`).toBeLessThanOrEqual(1e-12));
  });
});

describe('area average', () => {
  it('matches numpy with explicit overlap weights, blanks included', () => {
    const r = reference.areaAverage;
    const out = downsampleMean(r.data, r.width, r.height, r.outWidth, r.outHeight);
    let worst = 0;
    let blanks = 0;
    for (let i = 0; i < r.mean.length; i++) {
      if (Number.isNaN(r.mean[i])) {
        expect(out[i], `cell ${i}`).toBeNaN();
        blanks++;
      } else worst = Math.max(worst, relativeError(out[i], r.mean[i]));
    }
    expect(blanks).toBeGreaterThan(5);
    expect(worst).toBeLessThanOrEqual(REL);
  });
});
