/**
 * Elliptical Gaussian shapes as 2x2 covariance matrices.
 *
 * Every shape question the finder asks — the beam in pixels, a fitted Gaussian on the sky, a
 * size deconvolved from the beam — is one of three operations on a covariance Σ:
 * transform it by a local linear map (Σ' = M Σ Mᵀ), subtract another (convolution adds
 * covariances, so deconvolution subtracts them), and split it into axes (eigen-decomposition).
 * Working on Σ rather than on (major, minor, angle) triples avoids the special cases of angle
 * conventions and of non-square or skewed pixels.
 *
 * Angles here are radians, counter-clockwise from the first coordinate axis; conventions such
 * as "PA east of north" are applied by the callers.
 */

/** FWHM / σ of a Gaussian: √(8 ln 2) ≈ 2.3548. */
export const FWHM_PER_SIGMA = Math.sqrt(8 * Math.LN2);

/** A symmetric 2x2 matrix [[xx, xy], [xy, yy]]. */
export interface Cov2 {
  xx: number;
  xy: number;
  yy: number;
}

/** A 2x2 matrix [[a, b], [c, d]] mapping (u, v) to (a·u + b·v, c·u + d·v). */
export interface Mat2 {
  a: number;
  b: number;
  c: number;
  d: number;
}

/** σ along the major and minor axes (major >= minor >= 0) and the major-axis angle in [0, π). */
export interface EllipseAxes {
  major: number;
  minor: number;
  angle: number;
}

/** Σ of a Gaussian with σ `major` along direction `angle` and σ `minor` across it. */
export function covarianceOf(major: number, minor: number, angle: number): Cov2 {
  const c = Math.cos(angle);
  const s = Math.sin(angle);
  const a2 = major * major;
  const b2 = minor * minor;
  return { xx: a2 * c * c + b2 * s * s, xy: (a2 - b2) * c * s, yy: a2 * s * s + b2 * c * c };
}

/**
 * Eigenvalues (λ1 >= λ2, possibly negative for a difference of covariances) and the angle of
 * λ1's eigenvector in [0, π). For a circular Σ the angle is 0.
 */
export function eigenOf(cov: Cov2): { l1: number; l2: number; angle: number } {
  const mean = (cov.xx + cov.yy) / 2;
  const half = (cov.xx - cov.yy) / 2;
  const r = Math.hypot(half, cov.xy);
  const angle = r === 0 ? 0 : normalizeAngle(0.5 * Math.atan2(cov.xy, half));
  return { l1: mean + r, l2: mean - r, angle };
}

/** Axes of a covariance; negative eigenvalues (from rounding) count as 0. */
export function axesOf(cov: Cov2): EllipseAxes {
  const { l1, l2, angle } = eigenOf(cov);
  return { major: Math.sqrt(Math.max(0, l1)), minor: Math.sqrt(Math.max(0, l2)), angle };
}

/** M Σ Mᵀ: the covariance of a Gaussian after the linear map M. */
export function transform(cov: Cov2, m: Mat2): Cov2 {
  // Rows of M·Σ, then times Mᵀ.
  const p = m.a * cov.xx + m.b * cov.xy;
  const q = m.a * cov.xy + m.b * cov.yy;
  const r = m.c * cov.xx + m.d * cov.xy;
  const s = m.c * cov.xy + m.d * cov.yy;
  return { xx: p * m.a + q * m.b, xy: p * m.c + q * m.d, yy: r * m.c + s * m.d };
}

export function invert(m: Mat2): Mat2 {
  const det = m.a * m.d - m.b * m.c;
  return { a: m.d / det, b: -m.b / det, c: -m.c / det, d: m.a / det };
}

/** Length of M·(cos angle, sin angle): how much M stretches a unit vector along `angle`. */
export function stretchAlong(m: Mat2, angle: number): number {
  const u = Math.cos(angle);
  const v = Math.sin(angle);
  return Math.hypot(m.a * u + m.b * v, m.c * u + m.d * v);
}

/** Direction (radians) of M·(cos angle, sin angle). */
export function directionAfter(m: Mat2, angle: number): number {
  const u = Math.cos(angle);
  const v = Math.sin(angle);
  return Math.atan2(m.c * u + m.d * v, m.a * u + m.b * v);
}

/**
 * Source covariance minus beam covariance, split into axes: the intrinsic size of a source
 * whose observed shape is the convolution of that size with the beam. An axis whose
 * eigenvalue is not positive is unresolved and given as 0 (PyBDSF's convention for DC_Maj and
 * DC_Min); both 0 gives angle 0. Eigenvalues below `tiny` (a variance) also count as 0, so
 * that a fit that reproduces the beam to rounding error is reported as a point source.
 */
export function deconvolve(source: Cov2, beam: Cov2, tiny = 0): EllipseAxes {
  const diff = { xx: source.xx - beam.xx, xy: source.xy - beam.xy, yy: source.yy - beam.yy };
  const { l1, l2, angle } = eigenOf(diff);
  const major = l1 > tiny ? Math.sqrt(l1) : 0;
  const minor = l2 > tiny ? Math.sqrt(l2) : 0;
  return { major, minor, angle: major === 0 ? 0 : angle };
}

/** Angle reduced to [0, π): an axis has no sense of direction. */
export function normalizeAngle(angle: number): number {
  const r = angle % Math.PI;
  return r < 0 ? r + Math.PI : r;
}

/**
 * FWHM of a Gaussian with covariance Σ along the unit direction (cos angle, sin angle): the
 * chord of its half-maximum ellipse through the centre, FWHM_PER_SIGMA / √(nᵀ Σ⁻¹ n).
 */
export function fwhmAlong(cov: Cov2, angle: number): number {
  const u = Math.cos(angle);
  const v = Math.sin(angle);
  const det = cov.xx * cov.yy - cov.xy * cov.xy;
  const quad = (cov.yy * u * u - 2 * cov.xy * u * v + cov.xx * v * v) / det;
  return FWHM_PER_SIGMA / Math.sqrt(quad);
}
