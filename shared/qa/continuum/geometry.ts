/** The image's beam and geometry as QA reports them (from the header; no pixel is read). */
import type { FitsHeader } from '../../fits/index.js';
import { type Wcs, beamFromHeader, headerSource, pixelScaleArcsec } from '../../wcs/index.js';
import type { BeamMetrics, ImageGeometry } from '../types.js';

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

export function imageGeometry(shape: readonly number[], wcs: Wcs | null): ImageGeometry {
  return {
    shape: [...shape],
    width: shape[0] ?? 0,
    height: shape[1] ?? 1,
    pixelScaleArcsec: wcs ? pixelScaleArcsec(wcs) : null,
  };
}
