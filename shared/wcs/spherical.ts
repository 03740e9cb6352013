/**
 * Spherical rotation between native (φ, θ) and celestial (α, δ) coordinates (WCS Paper II
 * eqs 2 and 5), and angular separation. Angles in degrees. Latitudes are taken with atan2
 * of the rotated unit vector rather than asin, which keeps full precision near the poles.
 */
import { atan2d, cosd, sind } from './angles.js';

/** Celestial coordinates of the native pole (αp, δp) and native longitude of the celestial pole φp. */
export interface NativePole {
  alphaP: number;
  deltaP: number;
  phiP: number;
}

/** Native (φ, θ) → celestial [α, δ]; α is not normalised. */
export function nativeToCelestial(phi: number, theta: number, pole: NativePole): [number, number] {
  return rotate(phi, theta, pole.phiP, pole.deltaP, pole.alphaP);
}

/** Celestial (α, δ) → native [φ, θ]. */
export function celestialToNative(alpha: number, delta: number, pole: NativePole): [number, number] {
  return rotate(alpha, delta, pole.alphaP, pole.deltaP, pole.phiP);
}

/**
 * The rotation both ways share (Paper II eqs 2 and 5 are the same formula with the poles'
 * longitudes swapped): `lon0` is the input frame's longitude of the other frame's pole,
 * `deltaP` the pole's latitude, `lonOut0` the output frame's longitude of the input frame's pole.
 */
function rotate(lon: number, lat: number, lon0: number, deltaP: number, lonOut0: number): [number, number] {
  const dLon = lon - lon0;
  const sinLat = sind(lat);
  const cosLat = cosd(lat);
  const sinDp = sind(deltaP);
  const cosDp = cosd(deltaP);
  const cosDLon = cosd(dLon);
  const a = -cosLat * sind(dLon);
  const b = sinLat * cosDp - cosLat * sinDp * cosDLon;
  const c = sinLat * sinDp + cosLat * cosDp * cosDLon;
  return [lonOut0 + atan2d(a, b), atan2d(c, Math.hypot(a, b))];
}

/**
 * Great-circle distance in degrees between (lon1, lat1) and (lon2, lat2), by Vincenty's
 * formula: accurate at all separations, unlike the haversine near 180° or acos near 0°.
 */
export function angularSeparation(lon1: number, lat1: number, lon2: number, lat2: number): number {
  const dLon = lon2 - lon1;
  const sinLat1 = sind(lat1);
  const cosLat1 = cosd(lat1);
  const sinLat2 = sind(lat2);
  const cosLat2 = cosd(lat2);
  const cosDLon = cosd(dLon);
  const num = Math.hypot(cosLat2 * sind(dLon), cosLat1 * sinLat2 - sinLat1 * cosLat2 * cosDLon);
  const den = sinLat1 * sinLat2 + cosLat1 * cosLat2 * cosDLon;
  return atan2d(num, den);
}
