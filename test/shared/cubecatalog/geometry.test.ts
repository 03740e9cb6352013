import { describe, expect, it } from 'vitest';
import { FWHM_PER_SIGMA, correlatedNoiseFactor2, det, invertMat, skyCovariance, skyJacobian, transformCov } from '../../../shared/cubecatalog/index.js';
import { Wcs } from '../../../shared/wcs/index.js';
import { covarianceOf } from '../../../fixtures/vlass/gaussian.js';

/** A SIN grid like the cube windows', optionally rotated by a PC matrix. */
function wcs(rotationDeg = 0, cellArcsec = 0.6): Wcs {
  const c = Math.cos((rotationDeg * Math.PI) / 180);
  const s = Math.sin((rotationDeg * Math.PI) / 180);
  return Wcs.fromHeader({
    NAXIS: 2,
    NAXIS1: 200,
    NAXIS2: 200,
    CTYPE1: 'RA---SIN',
    CTYPE2: 'DEC--SIN',
    CRVAL1: 0.5,
    CRVAL2: -0.5,
    CRPIX1: 101,
    CRPIX2: 101,
    CDELT1: -cellArcsec / 3600,
    CDELT2: cellArcsec / 3600,
    PC1_1: c,
    PC1_2: -s,
    PC2_1: s,
    PC2_2: c,
  });
}

describe('sky ellipses on a plane grid', () => {
  it('reproduces the fixture generator\'s pixel covariance (BPA east of north, east = -x) for any PA', () => {
    const grid = wcs();
    const toPixel = invertMat(skyJacobian(grid, 120, 80)!);
    for (const pa of [-80, -10.4, 0, 30, 90, 135]) {
      const mine = transformCov(toPixel, skyCovariance(6 / 3600, 2.5 / 3600, pa));
      const theirs = covarianceOf({ majArcsec: 6, minArcsec: 2.5, paDeg: pa }, 0.6);
      expect(mine.xx).toBeCloseTo(theirs.xx, 4);
      expect(mine.xy).toBeCloseTo(theirs.xy, 4);
      expect(mine.yy).toBeCloseTo(theirs.yy, 4);
    }
  });

  it('follows a rotated grid and another cell size through the WCS Jacobian', () => {
    const sky = skyCovariance(5 / 3600, 3 / 3600, 20);
    // Rotating the grid by 25 degrees turns the ellipse in pixel space by 25 degrees: same as PA - 25 on an unrotated grid.
    const rotated = transformCov(invertMat(skyJacobian(wcs(25), 100, 100)!), sky);
    const plain = covarianceOf({ majArcsec: 5, minArcsec: 3, paDeg: 20 - 25 }, 0.6);
    expect(rotated.xx).toBeCloseTo(plain.xx, 4);
    expect(rotated.xy).toBeCloseTo(plain.xy, 4);
    expect(rotated.yy).toBeCloseTo(plain.yy, 4);
    const coarse = transformCov(invertMat(skyJacobian(wcs(0, 1.2), 100, 100)!), sky);
    expect(det(coarse)).toBeCloseTo(det(covarianceOf({ majArcsec: 5, minArcsec: 3, paDeg: 20 }, 1.2)), 6);
  });

  it('correlated-noise inflation: 2/3 of the pixels per beam for a point source, tending to all of them for a large one', () => {
    const beam = covarianceOf({ majArcsec: 4.262, minArcsec: 3.352, paDeg: -10.4 }, 0.6);
    const nBeam = 2 * Math.PI * Math.sqrt(det(beam));
    expect(correlatedNoiseFactor2(beam, beam)).toBeCloseTo((2 / 3) * nBeam, 10);
    const huge = { xx: beam.xx * 1e4, xy: beam.xy * 1e4, yy: beam.yy * 1e4 };
    expect(correlatedNoiseFactor2(beam, huge) / nBeam).toBeCloseTo(1, 2);
    // Never below white noise, even for an undersampled beam.
    const tiny = { xx: 0.1, xy: 0, yy: 0.1 };
    expect(correlatedNoiseFactor2(tiny, tiny)).toBe(1);
    expect(FWHM_PER_SIGMA).toBeCloseTo(2.3548, 4);
  });
});
