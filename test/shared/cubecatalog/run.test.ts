import { describe, expect, it } from 'vitest';
import { isResolved } from '../../../shared/cubecatalog/index.js';

const ARCSEC = 1 / 3600;

/** A catalog component fitted with major axis `maj` (error `error`) under a beam of `beam` along it, arcsec. */
function fitted(maj: number, error: number, beam: number) {
  const dc = maj > beam ? Math.sqrt(maj * maj - beam * beam) : 0;
  const m = (value: number, e = 0) => ({ value: value * ARCSEC, error: e * ARCSEC });
  return { shape: { maj: m(maj, error), min: m(beam), pa: { value: 0, error: 0 } }, deconvolved: { maj: m(dc), min: m(0), pa: { value: 0, error: 0 } } };
}

describe('isResolved: the continuum fit resolves a component only beyond its size error', () => {
  it('compares the fitted major axis minus the beam along it with resolvedSigmas x E_Maj', () => {
    // 3.0" fitted under a 2.5" beam: 0.5" wider than the beam.
    expect(isResolved(fitted(3.0, 0.1, 2.5), 2)).toBe(true); // 5 sigma
    expect(isResolved(fitted(3.0, 0.3, 2.5), 2)).toBe(false); // 1.7 sigma: a point source
    expect(isResolved(fitted(3.0, 0.3, 2.5), 1)).toBe(true);
  });

  it('no deconvolved size is a point source; a size without an error counts as resolved', () => {
    expect(isResolved(fitted(2.4, 0.1, 2.5), 2)).toBe(false);
    expect(isResolved(fitted(3.0, 0, 2.5), 2)).toBe(true);
    expect(isResolved(fitted(3.0, NaN, 2.5), 2)).toBe(true);
  });
});
