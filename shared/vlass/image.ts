/**
 * Reading a continuum product's image (QL, SE: QA and the component list), with the shape
 * checks that make a measurement meaningful, and what its header says about the sky. A
 * continuum image is one plane: 2-D, or 4-D with degenerate FREQ and STOKES axes
 * (3722x3722x1x1). Anything else is bad input data (DataError, 65) naming the file and its shape.
 */
import type { FitsHeader, ImageLayout } from '../fits/index.js';
import { closeSync } from 'node:fs';
import { FitsReader, decodePixels, shapeText } from '../fits/index.js';
import { openForReading, readExactlyInto } from '../io/open.js';
import { DataError } from '../errors.js';
import type { FloatArray } from '../stats/index.js';
import { Wcs, headerSource, pixelScaleArcsec } from '../wcs/index.js';

/** Smallest plane side worth measuring: below it there is no image, only a few pixels. */
export const MIN_PLANE_SIDE = 2;

export interface ImagePlane {
  path: string;
  header: FitsHeader;
  layout: ImageLayout;
  /** NAXIS1..n. */
  shape: number[];
  width: number;
  height: number;
  /** Row-major pixels, NAXIS1 fastest, scaled to physical values, blanks as NaN. */
  data: FloatArray;
}

/**
 * Header and the single plane of a continuum image; `what` names it in errors ("pbcor image").
 * With `sameGridAs`, the file must also cover that image pixel for pixel (checked from the
 * header, before any pixel is read), else the DataError names both files.
 */
export function readSinglePlane(path: string, what: string, sameGridAs?: ImagePlane): ImagePlane {
  const reader = FitsReader.open(path);
  try {
    const { layout } = reader;
    const shape = checkPlaneShape(path, what, layout, sameGridAs);
    return { path, header: reader.header, layout, shape, width: layout.width, height: layout.height, data: reader.readPlane() };
  } finally {
    reader.close();
  }
}

/**
 * The header of a file that must be one plane on `image`'s grid, checked as readSinglePlane
 * checks it but without reading a pixel: a product's companion images can all be checked
 * before minutes of reading.
 */
export function readPlaneHeader(path: string, what: string, sameGridAs: ImagePlane): FitsHeader {
  const reader = FitsReader.open(path);
  try {
    checkPlaneShape(path, what, reader.layout, sameGridAs);
    return reader.header;
  } finally {
    reader.close();
  }
}

function checkPlaneShape(path: string, what: string, layout: ImageLayout, sameGridAs: ImagePlane | undefined): number[] {
  const shape = [...layout.naxis];
  if (sameGridAs && (shape.length < 2 || layout.width !== sameGridAs.width || layout.height !== sameGridAs.height || layout.planeCount !== 1))
    throw new DataError(
      `${what} ${path} has shape ${shapeText(shape)} but the image ${sameGridAs.path} has shape ${shapeText(sameGridAs.shape)}; the ${what} must be one ${sameGridAs.width}x${sameGridAs.height} plane on the image's grid, regenerate it`,
    );
  if (shape.length < 2 || layout.width < MIN_PLANE_SIDE || layout.height < MIN_PLANE_SIDE)
    throw new DataError(`${path}: the ${what} has shape ${shapeText(shape)}; expected a 2-D image of at least ${MIN_PLANE_SIDE}x${MIN_PLANE_SIDE} pixels (or 4-D with 1 frequency and 1 Stokes plane)`);
  if (layout.planeCount !== 1)
    throw new DataError(`${path}: the ${what} has shape ${shapeText(shape)}, ${layout.planeCount} planes; a continuum image has one (NAXIS3 = NAXIS4 = 1)`);
  return shape;
}

/**
 * The image's WCS when it has celestial axes, else null (a plain test image). A header whose
 * WCS keywords are malformed raises DataError: positions from it would be wrong.
 */
export function celestialWcs(header: FitsHeader): Wcs | null {
  const wcs = Wcs.fromHeader(headerSource(header));
  return wcs.celestial ? wcs : null;
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

/** Values of an image at chosen pixels, read one by one: for images needed only at a few places. */
export interface PixelSampler {
  /** The value at the pixel nearest (x, y), 0-based; NaN off the image. */
  nearest(x: number, y: number): number;
  close(): void;
}

/**
 * Opens `path` for sampling, its shape checked against `sameGridAs` now (before any work that
 * would be wasted on a bad file). The spectral index images of an SE product are needed only at
 * each component's pixel: a few thousand 4-byte reads instead of two 147 MiB planes.
 */
export function openPixelSampler(path: string, what: string, sameGridAs: ImagePlane): PixelSampler {
  const reader = FitsReader.open(path);
  let layout: ImageLayout;
  try {
    checkPlaneShape(path, what, reader.layout, sameGridAs);
    layout = reader.layout;
  } finally {
    reader.close();
  }
  const fd = openForReading(path);
  const pixel = Buffer.allocUnsafeSlow(8);
  return {
    nearest(x, y) {
      const ix = Math.round(x);
      const iy = Math.round(y);
      if (!(ix >= 0 && iy >= 0 && ix < layout.width && iy < layout.height)) return NaN;
      const bytes = layout.bytesPerPixel;
      readExactlyInto(fd, pixel, bytes, layout.dataOffset + (iy * layout.width + ix) * bytes, path);
      return decodePixels(pixel.subarray(0, bytes), layout.bitpix, layout.scaling)[0];
    },
    close: () => closeSync(fd),
  };
}
