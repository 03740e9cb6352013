/**
 * The archive previews of a product: `<product>_prev.jpg` (longest side at most 1024 px) and
 * `<product>_prev_256.jpg` (at most 256 px; a smaller image is never enlarged), the names the NRAO archive and CADC use
 * for VLASS images, each written atomically, so a reader never sees half a JPEG. The 256 px
 * one is averaged from the 1024 px one's sums (downsample.ts), not from the full plane
 * again; each has its own stretch limits, taken on its own pixels.
 *
 * JPEG quality 90: grey noise texture is what JPEG compresses worst, and below ~85 its 8 × 8
 * block artefacts become visible in the noise at 1024 px; above 90 the file grows for no
 * visible gain. jpeg-js writes baseline YCbCr JPEGs; with R = G = B the chroma planes are
 * flat and cost almost nothing.
 */
import { join } from 'node:path';
import jpeg from 'jpeg-js';
import { writeFileAtomic } from '../io/atomic.js';
import { UsageError } from '../errors.js';
import type { FloatArray } from '../stats/index.js';
import { areaMeans, previewSize, resumAreas } from './downsample.js';
import { DEFAULT_MAX_SIZE, type PreviewImage, type PreviewOptions, checkPreviewOptions, renderValues, shrink } from './render.js';

export const THUMBNAIL_SIZE = 256;
export const DEFAULT_QUALITY = 90;

export interface WritePreviewOptions extends PreviewOptions {
  /** JPEG quality 1-100; default 90. */
  quality?: number;
}

/** Encodes a rendered preview as a JPEG file's bytes. */
export function encodeJpeg(preview: PreviewImage, quality = DEFAULT_QUALITY): Uint8Array {
  checkQuality(quality);
  return jpeg.encode({ data: preview.rgba, width: preview.width, height: preview.height }, quality).data;
}

/**
 * Writes `<productName>_prev.jpg` (longest side `maxSize`, default 1024) and
 * `<productName>_prev_256.jpg` into outDir; returns their paths. `productName` is the
 * product's file name without `.fits`.
 */
export function writePreviews(plane: FloatArray, width: number, height: number, outDir: string, productName: string, options: WritePreviewOptions = {}): string[] {
  if (productName === '' || /[/\\]/.test(productName))
    throw new UsageError(`preview: product name "${productName}" must be a plain file name (no directory part); the previews go into ${outDir}`);
  const quality = options.quality ?? DEFAULT_QUALITY;
  checkQuality(quality);
  checkPreviewOptions(plane, width, height, options);
  const excludeZeros = options.excludeZeros ?? false;
  const largeSize = previewSize(width, height, options.maxSize ?? DEFAULT_MAX_SIZE);
  const smallSize = previewSize(width, height, THUMBNAIL_SIZE);
  const large = shrink(plane, width, height, largeSize, excludeZeros);
  const smallFromLarge = large.sums !== null && smallSize.width <= largeSize.width && smallSize.height <= largeSize.height;
  const small = smallFromLarge ? areaMeans(resumAreas(large.sums!, smallSize.width, smallSize.height)) : shrink(plane, width, height, smallSize, excludeZeros).values;
  const outputs: [string, FloatArray, { width: number; height: number }][] = [
    [`${productName}_prev.jpg`, large.values, largeSize],
    [`${productName}_prev_256.jpg`, small, smallSize],
  ];
  return outputs.map(([name, values, size]) => {
    const path = join(outDir, name);
    writeFileAtomic(path, encodeJpeg(renderValues(values, size.width, size.height, options), quality));
    return path;
  });
}

function checkQuality(quality: number): void {
  if (!(Number.isInteger(quality) && quality >= 1 && quality <= 100)) throw new UsageError(`preview: JPEG quality ${quality} must be a whole number 1-100`);
}
