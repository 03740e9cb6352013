/**
 * A preview image of one plane: shrunk by area averaging (downsample.ts), stretched
 * (stretch.ts), north up, as an RGBA buffer ready for the JPEG encoder.
 *
 * - Orientation: FITS row 0 is the bottom of the sky image (Dec increases with the row for
 *   the usual CDELT2 > 0), while image files start at the top, so rows are written in
 *   reverse: north up. East is left as the FITS columns give it (RA increases to the left
 *   for CDELT1 < 0), as every sky viewer shows it; no horizontal flip.
 * - Stretch limits are computed on the shrunk pixels, the ones shown: averaging lowers the
 *   noise, and limits taken on the full-resolution plane would wash the preview out.
 * - Blank pixels (NaN, ±Infinity, zeros if excludeZeros) are drawn in one flat colour,
 *   neutral mid grey (128, 128, 128) by default: noise is never flat, so a blank area reads
 *   as "no data", not as faint emission; give `blankColor` for a tint if wanted.
 */
import { UsageError } from '../errors.js';
import type { FloatArray } from '../stats/index.js';
import { type AreaSums, areaMeans, previewSize, sumAreas } from './downsample.js';
import { type StretchOptions, greyScale } from './stretch.js';
import type { Limits } from './zscale.js';

export interface PreviewOptions extends StretchOptions {
  /** Longest side of the preview in pixels (never enlarged); default 1024. */
  maxSize?: number;
  /** RGB of blank pixels; default neutral mid grey [128, 128, 128]. */
  blankColor?: readonly [number, number, number];
  /** Treat exact zeros as blank (CASA writes 0 in masked areas of some products); default false. */
  excludeZeros?: boolean;
}

export interface PreviewImage {
  /** width × height × 4 bytes, top row first. */
  rgba: Uint8Array;
  width: number;
  height: number;
  /** Data values mapped to black and white. */
  limits: Limits;
  /** The stretch: grey level 0..255 of a finite value (for a colour bar). */
  grey(value: number): number;
}

export const DEFAULT_MAX_SIZE = 1024;
export const DEFAULT_BLANK_COLOR: readonly [number, number, number] = [128, 128, 128];

export function renderPreview(plane: FloatArray, width: number, height: number, options: PreviewOptions = {}): PreviewImage {
  checkPreviewOptions(plane, width, height, options);
  const size = previewSize(width, height, options.maxSize ?? DEFAULT_MAX_SIZE);
  return renderValues(shrink(plane, width, height, size, options.excludeZeros ?? false).values, size.width, size.height, options);
}

/**
 * The plane at preview size: its area means (and the sums they came from, for a smaller
 * preview to reuse), or the plane itself when it is already small enough.
 */
export function shrink(plane: FloatArray, width: number, height: number, size: { width: number; height: number }, excludeZeros: boolean): { values: FloatArray; sums: AreaSums | null } {
  if (size.width === width && size.height === height && !excludeZeros) return { values: plane, sums: null };
  const sums = sumAreas(plane, width, height, size.width, size.height, excludeZeros);
  return { values: areaMeans(sums), sums };
}

/** Stretches values already at preview size (FITS row order, row 0 = south) into RGBA, north up. */
export function renderValues(values: FloatArray, width: number, height: number, options: PreviewOptions = {}): PreviewImage {
  const scale = greyScale(values, options);
  const [blankR, blankG, blankB] = options.blankColor ?? DEFAULT_BLANK_COLOR;
  const excludeZeros = options.excludeZeros ?? false;
  const rgba = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    const source = y * width;
    const target = (height - 1 - y) * width * 4; // north up
    for (let x = 0; x < width; x++) {
      const v = values[source + x];
      const o = target + 4 * x;
      if (v - v !== 0 || (excludeZeros && v === 0)) {
        rgba[o] = blankR;
        rgba[o + 1] = blankG;
        rgba[o + 2] = blankB;
      } else {
        const g = scale.grey(v);
        rgba[o] = g;
        rgba[o + 1] = g;
        rgba[o + 2] = g;
      }
      rgba[o + 3] = 255;
    }
  }
  return { rgba, width, height, limits: scale.limits, grey: scale.grey };
}

/** UsageError (one line) for options or a plane that cannot make a preview. */
export function checkPreviewOptions(plane: FloatArray, width: number, height: number, options: PreviewOptions): void {
  if (!(Number.isInteger(width) && Number.isInteger(height) && width >= 1 && height >= 1) || plane.length !== width * height)
    throw new UsageError(`preview: a plane of ${plane.length} pixels does not match ${width} x ${height}; pass one 2-D plane and its NAXIS1, NAXIS2`);
  const maxSize = options.maxSize ?? DEFAULT_MAX_SIZE;
  if (!(Number.isInteger(maxSize) && maxSize >= 1)) throw new UsageError(`preview: maxSize ${maxSize} must be a whole number of pixels >= 1`);
  if (options.stretch !== undefined && options.stretch !== 'asinh' && options.stretch !== 'zscale')
    throw new UsageError(`preview: stretch '${String(options.stretch)}' is not 'asinh' or 'zscale'`);
  const [lower, upper] = options.percentiles ?? [0, 100];
  if (!(lower >= 0 && upper <= 100 && lower < upper)) throw new UsageError(`preview: percentiles [${lower}, ${upper}] must satisfy 0 <= lower < upper <= 100`);
  const headroom = options.headroom ?? 1;
  if (!(headroom >= 1 && Number.isFinite(headroom))) throw new UsageError(`preview: headroom ${headroom} must be a number >= 1 (1 = the plain percentile interval)`);
  const a = options.asinhA ?? 0.1;
  if (!(a > 0 && a <= 1)) throw new UsageError(`preview: asinhA ${a} must be in (0, 1], as astropy's AsinhStretch requires`);
  const colour = options.blankColor ?? DEFAULT_BLANK_COLOR;
  if (colour.length !== 3 || !colour.every((c) => Number.isInteger(c) && c >= 0 && c <= 255))
    throw new UsageError(`preview: blankColor [${colour.join(', ')}] must be three whole numbers 0-255`);
}
