/**
 * The zenithal projections used by radio images (WCS Paper II, Calabretta & Greisen 2002,
 * §5.1): between projection-plane coordinates (x, y) in degrees and native spherical
 * coordinates (φ, θ) in degrees. All three have their native reference point at the native
 * pole, (φ0, θ0) = (0°, 90°). Points with no valid image give NaN.
 */
import { D2R, R2D, atan2d, cosd, sind } from './angles.js';

export type ProjectionCode = 'SIN' | 'TAN' | 'ARC';

export interface Projection {
  readonly code: ProjectionCode;
  /** (x, y) → [φ, θ]. */
  toNative(x: number, y: number): [number, number];
  /** (φ, θ) → [x, y]. */
  toPlane(phi: number, theta: number): [number, number];
}

/** Values this far past ±1 are taken as ±1 (rounding), further ones as off the sphere. */
const ROUNDING = 1e-13;

export const SUPPORTED_PROJECTIONS: readonly ProjectionCode[] = ['SIN', 'TAN', 'ARC'];

/**
 * `pv` holds PVi_1 and PVi_2 of the latitude axis; only SIN uses them (ξ, η: the slant of
 * the generalised orthographic projection, both 0 for a plain SIN image such as VLASS's).
 */
export function makeProjection(code: ProjectionCode, pv: { xi: number; eta: number }): Projection {
  switch (code) {
    case 'SIN':
      return pv.xi === 0 && pv.eta === 0 ? orthographic : slantOrthographic(pv.xi, pv.eta);
    case 'TAN':
      return gnomonic;
    case 'ARC':
      return zenithalEquidistant;
  }
}

/** φ from projection-plane coordinates: arg(−y, x), with φ = 0 at the reference point. */
function nativeLongitude(x: number, y: number): number {
  return x === 0 && y === 0 ? 0 : atan2d(x, -y);
}

/** SIN with ξ = η = 0: R = cos θ (Paper II eqs 54–55, in radians of R). */
const orthographic: Projection = {
  code: 'SIN',
  toNative(x, y) {
    const r = Math.hypot(x, y) * D2R;
    if (r > 1) return [NaN, NaN];
    return [nativeLongitude(x, y), Math.acos(r) * R2D];
  },
  toPlane(phi, theta) {
    if (theta < 0) return [NaN, NaN]; // far hemisphere
    const r = cosd(theta) * R2D;
    return [r * sind(phi), -r * cosd(phi)];
  },
};

/**
 * Generalised SIN (Paper II eqs 38–45): the sphere is projected along the direction
 * (ξ, η, 1); of the two intersections of that line with the sphere the one nearer the
 * native pole is taken, and points facing away from the viewing direction are invalid.
 */
function slantOrthographic(xi: number, eta: number): Projection {
  return {
    code: 'SIN',
    toNative(x, y) {
      const X = x * D2R;
      const Y = y * D2R;
      const a = xi * xi + eta * eta + 1;
      const b = xi * (X - xi) + eta * (Y - eta);
      const c = (X - xi) ** 2 + (Y - eta) ** 2 - 1;
      const disc = b * b - a * c;
      if (disc < 0) return [NaN, NaN];
      const root = Math.sqrt(disc);
      const nearer = (-b + root) / a;
      const farther = (-b - root) / a;
      let oneMinusSin: number;
      if (nearer > 1 + ROUNDING && farther >= -1 - ROUNDING) {
        // The root nearer the pole is off the sphere: take the other one (as WCSLIB's sinx2s).
        oneMinusSin = 1 - Math.max(-1, farther);
      } else if (Math.abs(nearer) > 1 + ROUNDING) {
        return [NaN, NaN];
      } else {
        // For the nearer root 1 − sin θ = (X² + Y²)/(a + b + √D) exactly; taking θ from this
        // rather than asin(sin θ) keeps full precision next to the reference point.
        oneMinusSin = Math.min(2, (X * X + Y * Y) / (a + b + root));
      }
      const phi = nativeLongitude(X - xi * oneMinusSin, Y - eta * oneMinusSin);
      // 1 − sin θ = 2 sin²((90° − θ)/2)
      return [phi, 90 - 2 * Math.asin(Math.sqrt(oneMinusSin / 2)) * R2D];
    },
    toPlane(phi, theta) {
      const sinPhi = sind(phi);
      const cosPhi = cosd(phi);
      if (theta < -Math.atan(xi * sinPhi - eta * cosPhi) * R2D) return [NaN, NaN];
      const cosTheta = cosd(theta);
      const z = 2 * sind((90 - theta) / 2) ** 2; // 1 − sin θ without cancellation near the pole
      return [(cosTheta * sinPhi + xi * z) * R2D, (-cosTheta * cosPhi + eta * z) * R2D];
    },
  };
}

/** TAN: R = (180/π)·cot θ (Paper II eqs 54, 56). Valid for θ > 0. */
const gnomonic: Projection = {
  code: 'TAN',
  toNative(x, y) {
    return [nativeLongitude(x, y), atan2d(R2D, Math.hypot(x, y))];
  },
  toPlane(phi, theta) {
    if (!(theta > 0)) return [NaN, NaN];
    const r = (R2D * cosd(theta)) / sind(theta);
    return [r * sind(phi), -r * cosd(phi)];
  },
};

/** ARC: R = 90° − θ (Paper II eqs 62–63). */
const zenithalEquidistant: Projection = {
  code: 'ARC',
  toNative(x, y) {
    const r = Math.hypot(x, y);
    if (r > 180) return [NaN, NaN];
    return [nativeLongitude(x, y), 90 - r];
  },
  toPlane(phi, theta) {
    const r = 90 - theta;
    return [r * sind(phi), -r * cosd(phi)];
  },
};
