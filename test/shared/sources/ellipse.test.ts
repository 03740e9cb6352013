/**
 * Gaussian shape algebra: the covariance forms every size, PA and deconvolution in the finder
 * go through. A failure here means sizes or position angles in the catalogue are wrong.
 */
import { describe, expect, it } from 'vitest';
import { axesOf, covarianceOf, deconvolve, fwhmAlong, FWHM_PER_SIGMA, invert, normalizeAngle, transform } from '../../../shared/sources/ellipse.js';

describe('covariance <-> axes', () => {
  it.each([
    [3, 1, 0.3],
    [2, 2, 0],
    [5, 0.5, 2.9],
    [1.5, 1.2, Math.PI / 2],
  ])('round-trips major %f, minor %f, angle %f', (major, minor, angle) => {
    const axes = axesOf(covarianceOf(major, minor, angle));
    expect(axes.major).toBeCloseTo(major, 12);
    expect(axes.minor).toBeCloseTo(minor, 12);
    if (major !== minor) expect(axes.angle).toBeCloseTo(normalizeAngle(angle), 12);
  });

  it('gives angle 0 for a circle (undefined orientation)', () => {
    expect(axesOf(covarianceOf(2, 2, 1.2)).angle).toBe(0);
  });

  it('rotates with a rotation map and scales with a scale map', () => {
    const c = covarianceOf(3, 1, 0.2);
    const rot = { a: Math.cos(0.5), b: -Math.sin(0.5), c: Math.sin(0.5), d: Math.cos(0.5) };
    const rotated = axesOf(transform(c, rot));
    expect(rotated.major).toBeCloseTo(3, 12);
    expect(rotated.angle).toBeCloseTo(0.7, 12);
    const scaled = axesOf(transform(c, { a: 2, b: 0, c: 0, d: 2 }));
    expect(scaled.major).toBeCloseTo(6, 12);
    expect(scaled.minor).toBeCloseTo(2, 12);
    const back = transform(transform(c, rot), invert(rot));
    expect(back.xx).toBeCloseTo(c.xx, 12);
    expect(back.xy).toBeCloseTo(c.xy, 12);
  });
});

describe('deconvolution', () => {
  const beam = covarianceOf(2, 1.5, 0.4);

  it('gives 0 x 0 (PA 0) for a source exactly the beam: a point source', () => {
    expect(deconvolve(beam, beam)).toEqual({ major: 0, minor: 0, angle: 0 });
  });

  it('gives 0 x 0 for a fit slightly smaller than the beam', () => {
    expect(deconvolve(covarianceOf(1.95, 1.45, 0.4), beam)).toEqual({ major: 0, minor: 0, angle: 0 });
  });

  it('recovers the intrinsic Gaussian from beam (x) intrinsic, since convolution adds covariances', () => {
    const intrinsic = covarianceOf(1.2, 0.7, 1.1);
    const observed = { xx: beam.xx + intrinsic.xx, xy: beam.xy + intrinsic.xy, yy: beam.yy + intrinsic.yy };
    const dc = deconvolve(observed, beam);
    expect(dc.major).toBeCloseTo(1.2, 12);
    expect(dc.minor).toBeCloseTo(0.7, 12);
    expect(dc.angle).toBeCloseTo(1.1, 12);
  });

  it('reports an unresolved minor axis as 0 while the major is resolved', () => {
    const observed = covarianceOf(3, 1.5, 0.4); // beam along 0.4 is 2 x 1.5
    const dc = deconvolve(observed, beam, 1e-12); // the minor difference is 0 up to rounding
    expect(dc.major).toBeCloseTo(Math.sqrt(9 - 4), 12);
    expect(dc.minor).toBe(0);
  });

  it('treats variances under `tiny` as zero', () => {
    const observed = covarianceOf(2 * (1 + 1e-9), 1.5, 0.4);
    expect(deconvolve(observed, beam).major).toBeGreaterThan(0);
    expect(deconvolve(observed, beam, 1e-6).major).toBe(0);
  });
});

describe('FWHM along a direction', () => {
  it('is the major FWHM along the major axis and the minor across it', () => {
    const c = covarianceOf(3, 1, 0.6);
    expect(fwhmAlong(c, 0.6)).toBeCloseTo(3 * FWHM_PER_SIGMA, 12);
    expect(fwhmAlong(c, 0.6 + Math.PI / 2)).toBeCloseTo(1 * FWHM_PER_SIGMA, 12);
    const between = fwhmAlong(c, 0.6 + Math.PI / 4);
    expect(between).toBeGreaterThan(FWHM_PER_SIGMA);
    expect(between).toBeLessThan(3 * FWHM_PER_SIGMA);
  });
});
