/**
 * Where a product's rms plane comes from: its rms image when the export has one (checked to
 * be on the image's grid), else computed here from the pbcor plane with shared/rmsmap (the
 * pipeline's imdev recipe), so QA never judges noise it did not measure.
 */
import { DataError } from '../../errors.js';
import type { FitsHeader } from '../../fits/index.js';
import { computeRmsMap, referencePixelAnchor, writeRmsImage } from '../../rmsmap/index.js';
import type { RmsPlane } from './measure.js';
import { readSinglePlane, type ImagePlane } from '../../vlass/image.js';

/** Reads the product's rms image; DataError (65) naming both files when its grid differs. */
export function readRmsPlane(image: ImagePlane, rmsPath: string): RmsPlane {
  const rms = readSinglePlane(rmsPath, 'rms image', image);
  return { data: rms.data, source: 'file', file: rmsPath };
}

/**
 * Computes the rms plane from the pbcor plane; `cellArcsec` is the pixel size on the sky. The
 * grid is anchored at the reference pixel (imdev anchor='ref', as the pipeline runs it) when
 * the header has CRPIX1/CRPIX2, else at pixel (0, 0).
 */
export function computeRmsPlane(image: ImagePlane, cellArcsec: number): RmsPlane {
  if (!(cellArcsec > 0)) throw new DataError(`${image.path}: pixel size ${cellArcsec}" is not positive, so no rms box can be sized; check CDELT1/CDELT2`);
  const anchor = image.header.has('CRPIX1') && image.header.has('CRPIX2') ? referencePixelAnchor(image.header) : undefined;
  const data = computeRmsMap(image.data, image.width, image.height, { cellArcsec, ...(anchor ? { anchor } : {}) });
  return { data, source: 'computed', file: null };
}

/** HISTORY lines saying how a computed rms image was made. */
export const COMPUTED_RMS_HISTORY: readonly string[] = [
  'rms image computed by VLASS image QA (shared/rmsmap), as CASA imdev in the pipeline:',
  "60 arcsec boxes every 10 pixels anchored at the reference pixel, stattype 'xmadm',",
  "statalg 'chauvenet', cubic interpolation; NaN/zero pixels of the image excluded.",
];

/** Writes a computed rms plane as FITS on the image's header (atomic, via shared/rmsmap). */
export function writeComputedRms(path: string, rms: RmsPlane, header: FitsHeader): RmsPlane {
  writeRmsImage(path, rms.data as Float32Array, header, { history: COMPUTED_RMS_HISTORY });
  return { ...rms, file: path };
}
