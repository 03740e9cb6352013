/** Restoring beam and pixel scale, in the units QA reports use (arcsec, degrees). */
import { DataError } from '../errors.js';
import { HeaderReader, type HeaderSource } from './header.js';
import type { Wcs } from './wcs.js';

export interface Beam {
  /** FWHM of the major axis, arcsec. */
  majorArcsec: number;
  /** FWHM of the minor axis, arcsec. */
  minorArcsec: number;
  /** Position angle of the major axis, degrees east of north (as BPA). */
  positionAngleDeg: number;
}

/**
 * The beam from BMAJ/BMIN (degrees, as CASA writes them) and BPA (degrees, default 0), or
 * undefined when the header has no BMAJ (images with a per-channel beam table, models).
 */
export function beamFromHeader(source: HeaderSource): Beam | undefined {
  const header = new HeaderReader(source);
  const bmaj = header.number('BMAJ');
  if (bmaj === undefined) return undefined;
  const bmin = header.number('BMIN');
  if (bmin === undefined) throw new DataError('header has BMAJ but no BMIN');
  if (!(bmaj > 0 && bmin > 0)) throw new DataError(`beam BMAJ=${bmaj} BMIN=${bmin} is not positive`);
  return { majorArcsec: bmaj * 3600, minorArcsec: bmin * 3600, positionAngleDeg: header.numberOr('BPA', 0) };
}

/** Area of the Gaussian beam, π·bmaj·bmin/(4 ln 2), in arcsec². */
export function beamAreaArcsec2(beam: Beam): number {
  return (Math.PI * beam.majorArcsec * beam.minorArcsec) / (4 * Math.LN2);
}

/**
 * Size of a pixel on the sky along each celestial pixel axis, in arcsec: the length of the
 * matrix column of that pixel axis restricted to the celestial rows (astropy's
 * proj_plane_pixel_scales), i.e. |CDELT| for an unrotated PC image.
 */
export function pixelScaleArcsec(wcs: Wcs): { x: number; y: number } {
  const celestial = wcs.celestial;
  if (!celestial) throw new DataError('image has no celestial axes, so no pixel scale on the sky');
  const { lon, lat } = celestial;
  const column = (j: number) => Math.hypot(wcs.matrix[lon][j], wcs.matrix[lat][j]) * 3600;
  return { x: column(lon), y: column(lat) };
}
