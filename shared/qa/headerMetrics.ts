/**
 * What QA reads from an image's header: the restoring beam, the pixel scale, and the WCS to
 * place the peak on the sky.
 */
import type { FitsHeader } from '../fits/index.js';
import { Wcs, beamFromHeader, pixelScaleArcsec, type HeaderSource } from '../wcs/index.js';
import type { ImagePlane } from './planes.js';
import type { BeamMetrics, ImageGeometry } from './types.js';

/** The header as the WCS code reads it: scalar values only (no complex, no undefined-value cards). */
export function headerSource(header: FitsHeader): HeaderSource {
  return (key: string) => {
    const v = header.get(key);
    return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? v : undefined;
  };
}

/** BMAJ/BMIN/BPA in arcsec and degrees, or null when the header has no BMAJ. */
export function beamMetrics(header: FitsHeader): BeamMetrics | null {
  const beam = beamFromHeader(headerSource(header));
  if (!beam) return null;
  return {
    bmajArcsec: beam.majorArcsec,
    bminArcsec: beam.minorArcsec,
    bpaDeg: beam.positionAngleDeg,
    axisRatio: beam.majorArcsec / beam.minorArcsec,
  };
}

/**
 * The image's WCS when it has celestial axes, else null (a plain test image). A header whose
 * WCS keywords are malformed raises DataError: positions from it would be wrong.
 */
export function celestialWcs(header: FitsHeader): Wcs | null {
  const wcs = Wcs.fromHeader(headerSource(header));
  return wcs.celestial ? wcs : null;
}

export function imageGeometry(shape: readonly number[], wcs: Wcs | null): ImageGeometry {
  return {
    shape: [...shape],
    width: shape[0] ?? 0,
    height: shape[1] ?? 1,
    pixelScaleArcsec: wcs ? pixelScaleArcsec(wcs) : null,
  };
}

/**
 * Pixel size on the sky (the geometric mean of the two axes), for computed rms boxes: from the
 * WCS, else `fallbackArcsec` (the name's cell token, or the product type's cell).
 */
export function imageCellArcsec(image: ImagePlane, fallbackArcsec: number): number {
  const wcs = celestialWcs(image.header);
  if (wcs) {
    const { x, y } = pixelScaleArcsec(wcs);
    return Math.sqrt(x * y);
  }
  return fallbackArcsec;
}
