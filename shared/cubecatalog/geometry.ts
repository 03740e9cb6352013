/**
 * Elliptical Gaussians as 2x2 covariance matrices, moved between the sky and a plane's pixel
 * grid through the local Jacobian of that plane's WCS.
 *
 * Sky frame: local offsets (east, north) in degrees at the component, east = ΔRA cos(Dec).
 * An ellipse with FWHM axes maj, min and position angle PA (east of north, as BPA and the
 * catalog's PA/DC_PA) has its major axis along (sin PA, cos PA) in that frame, so
 *   Σ_sky = σ_maj² u uᵀ + σ_min² v vᵀ,  u = (sin PA, cos PA), v = (cos PA, -sin PA),
 * with σ = FWHM / (2 sqrt(2 ln 2)). Convolving two Gaussians adds their covariances, in any
 * one frame. On a plane's grid, pixel offsets d relate to sky offsets s by s = J d (J the WCS
 * Jacobian at the component, degrees per pixel), so Σ_pix = J⁻¹ Σ_sky J⁻ᵀ: CDELT1 < 0, a
 * rotated PC matrix or a different cell size of one window are all absorbed here.
 */
import type { Wcs } from '../wcs/index.js';
// The 2x2 algebra is the source finder's: one implementation of the Gaussian geometry.
import { FWHM_PER_SIGMA, invert, transform, type Cov2, type Mat2 } from '../sources/ellipse.js';

export { FWHM_PER_SIGMA, type Cov2, type Mat2 };

const DEG = Math.PI / 180;

/** Sky-frame covariance (deg²) of an ellipse with FWHM axes in degrees and PA in degrees. */
export function skyCovariance(majDeg: number, minDeg: number, paDeg: number): Cov2 {
  const vMaj = (majDeg / FWHM_PER_SIGMA) ** 2;
  const vMin = (minDeg / FWHM_PER_SIGMA) ** 2;
  const s = Math.sin(paDeg * DEG);
  const c = Math.cos(paDeg * DEG);
  return { xx: vMaj * s * s + vMin * c * c, xy: (vMaj - vMin) * s * c, yy: vMaj * c * c + vMin * s * s };
}

export const ZERO_COV: Cov2 = { xx: 0, xy: 0, yy: 0 };

export function addCov(p: Cov2, q: Cov2): Cov2 {
  return { xx: p.xx + q.xx, xy: p.xy + q.xy, yy: p.yy + q.yy };
}

export function scaleCov(p: Cov2, f: number): Cov2 {
  return { xx: p.xx * f, xy: p.xy * f, yy: p.yy * f };
}

export function det(p: Cov2): number {
  return p.xx * p.yy - p.xy * p.xy;
}

/** Inverse of a symmetric matrix (a Gaussian's precision). */
export function inverseCov(p: Cov2): Cov2 {
  const d = det(p);
  return { xx: p.yy / d, xy: -p.xy / d, yy: p.xx / d };
}

/** A Σ Aᵀ. */
export function transformCov(m: Mat2, p: Cov2): Cov2 {
  return transform(p, m);
}

export const invertMat = invert;

/**
 * Jacobian of pixel -> local sky offsets (east, north; degrees) at 0-based pixel (x, y), by
 * central differences of ±0.5 pixel; undefined where the WCS has no sky (beyond a horizon).
 */
export function skyJacobian(wcs: Wcs, x: number, y: number): Mat2 | undefined {
  const h = 0.5;
  const [rx1, dx1] = wcs.pixelToSky(x + h, y);
  const [rx0, dx0] = wcs.pixelToSky(x - h, y);
  const [ry1, dy1] = wcs.pixelToSky(x, y + h);
  const [ry0, dy0] = wcs.pixelToSky(x, y - h);
  const [, dec] = wcs.pixelToSky(x, y);
  const cosDec = Math.cos(dec * DEG);
  const m: Mat2 = {
    a: (wrap(rx1 - rx0) * cosDec) / (2 * h),
    b: (wrap(ry1 - ry0) * cosDec) / (2 * h),
    c: (dx1 - dx0) / (2 * h),
    d: (dy1 - dy0) / (2 * h),
  };
  if (![m.a, m.b, m.c, m.d].every(Number.isFinite) || m.a * m.d - m.b * m.c === 0) return undefined;
  return m;
}

/** A longitude difference folded into (-180, 180]. */
function wrap(dLon: number): number {
  if (dLon > 180) return dLon - 360;
  if (dLon <= -180) return dLon + 360;
  return dLon;
}

/**
 * Variance inflation of a least-squares amplitude by noise correlated like the beam, for a
 * component of image-plane covariance `conv` under a beam `beam` (both pixel², so the pixel
 * area is 1), relative to the white-noise formula σ² / Σ model². See docs/create-cube-component-list.md:
 *
 *   F² = 4π sqrt(|Σ_b| |Σ_c| / |2Σ_c + Σ_b|)
 *
 * which is 2/3 of the pixels per beam (N_beam = 2π sqrt|Σ_b|) for a point source (Σ_c = Σ_b)
 * and tends to N_beam for a source much larger than the beam. Never below 1: positively
 * correlated noise cannot make a positive-weight estimate better than white noise does (the
 * integral form undershoots only for beams under ~1.5 pixels).
 */
export function correlatedNoiseFactor2(beam: Cov2, conv: Cov2): number {
  const f2 = 4 * Math.PI * Math.sqrt((det(beam) * det(conv)) / det(addCov(scaleCov(conv, 2), beam)));
  return Math.max(1, f2);
}
