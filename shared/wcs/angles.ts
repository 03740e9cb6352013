/**
 * Trigonometry in degrees. Multiples of 90° return exact 0 and ±1 (as WCSLIB's sind/cosd do)
 * so that a reference point on a pole or on the equator carries no 6e-17 residue.
 */

export const D2R = Math.PI / 180;
export const R2D = 180 / Math.PI;

export function sind(deg: number): number {
  const quadrant = deg / 90;
  if (Number.isInteger(quadrant)) return [0, 1, 0, -1][((quadrant % 4) + 4) % 4];
  return Math.sin(deg * D2R);
}

export function cosd(deg: number): number {
  const quadrant = deg / 90;
  if (Number.isInteger(quadrant)) return [1, 0, -1, 0][((quadrant % 4) + 4) % 4];
  return Math.cos(deg * D2R);
}

/** atan2 in degrees. */
export function atan2d(y: number, x: number): number {
  return Math.atan2(y, x) * R2D;
}

/** Longitude folded into [0, 360). */
export function normalizeLongitude(deg: number): number {
  const folded = deg % 360;
  const result = folded < 0 ? folded + 360 : folded;
  return result === 360 ? 0 : result;
}
