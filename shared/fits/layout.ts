/**
 * Where the pixels of a primary-HDU image are and how to turn them into physical values:
 * the mandatory keywords (SIMPLE, BITPIX, NAXIS, NAXISn) checked and turned into a shape,
 * byte counts and offsets, plus the BSCALE/BZERO/BLANK scaling.
 *
 * Axis order is FITS order throughout: naxis[0] is NAXIS1, the fastest-varying axis (image
 * columns), naxis[1] is NAXIS2 (rows). Everything beyond the second axis is a stack of
 * planes: a VLASS QL image is 3722x3722x1x1 (one plane), a VLASS cube window 6202x6202x1x3
 * (three Stokes planes I, Q, U along NAXIS4).
 */
import { DataError } from '../errors.js';
import { BLOCK_LENGTH } from './card.js';
import type { FitsHeader } from './header.js';

export type Bitpix = 8 | 16 | 32 | 64 | -32 | -64;
export const BITPIX_VALUES: readonly Bitpix[] = [8, 16, 32, 64, -32, -64];

/** Physical value = raw * bscale + bzero; integer pixels equal to `blank` are undefined (NaN). */
export interface Scaling {
  bscale: number;
  bzero: number;
  /** BLANK, only for integer BITPIX (float images mark undefined pixels with NaN). */
  blank?: number;
}

export interface ImageLayout {
  bitpix: Bitpix;
  /** NAXIS1..NAXISn in FITS order; [] when NAXIS = 0 (a header-only primary, e.g. before a table). */
  naxis: number[];
  /** NAXIS1: pixels per row (0 when NAXIS = 0). */
  width: number;
  /** NAXIS2: rows per plane (1 for a 1-D image, 0 when NAXIS = 0). */
  height: number;
  /** NAXIS3, NAXIS4, ...: the axes that index planes ([] for a 2-D image). */
  planeAxes: number[];
  /** Number of width x height planes: product of planeAxes (1 for 2-D, 0 without data). */
  planeCount: number;
  /** width x height. */
  planePixels: number;
  bytesPerPixel: number;
  /** Byte offset of the first pixel in the file: the header's size. */
  dataOffset: number;
  /** Bytes of pixel data, without the padding to a 2880-byte block. */
  dataBytes: number;
  /** dataBytes rounded up to whole 2880-byte blocks: where the next HDU would start. */
  paddedDataBytes: number;
  scaling: Scaling;
}

/** Bytes per pixel for a BITPIX. */
export function bytesPerPixel(bitpix: Bitpix): number {
  return Math.abs(bitpix) / 8;
}

/** "6202x6202x1x3" for messages. */
export function shapeText(naxis: readonly number[]): string {
  return naxis.length === 0 ? '(no axes)' : naxis.join('x');
}

/**
 * Checks the mandatory keywords of a primary header and computes the image layout.
 * DataError (naming `header.source`) for anything that makes the pixel data unreadable.
 */
export function imageLayout(header: FitsHeader, dataOffset: number): ImageLayout {
  const src = header.source;
  const first = header.cards[0];
  if (first === undefined || first.key !== 'SIMPLE')
    throw new DataError(`${src}: not a FITS file (the first card is not SIMPLE); check the path points at a FITS image`);
  if (first.value !== true)
    throw new DataError(`${src}: SIMPLE is not T, so the file declares it does not conform to FITS; it cannot be read as an image`);

  const bitpix = header.getInteger('BITPIX');
  if (bitpix === undefined) throw new DataError(`${src}: BITPIX keyword missing; the header is corrupt, regenerate the file`);
  if (!BITPIX_VALUES.includes(bitpix as Bitpix))
    throw new DataError(`${src}: BITPIX = ${bitpix} is not a FITS pixel type (8, 16, 32, 64, -32, -64); the header is corrupt, regenerate the file`);

  const n = header.getInteger('NAXIS');
  if (n === undefined) throw new DataError(`${src}: NAXIS keyword missing; the header is corrupt, regenerate the file`);
  if (n < 0 || n > 999) throw new DataError(`${src}: NAXIS = ${n} is outside 0-999; the header is corrupt, regenerate the file`);
  const naxis: number[] = [];
  for (let i = 1; i <= n; i++) {
    const len = header.getInteger(`NAXIS${i}`);
    if (len === undefined) throw new DataError(`${src}: NAXIS${i} missing although NAXIS = ${n}; the header is corrupt, regenerate the file`);
    if (len < 0) throw new DataError(`${src}: NAXIS${i} = ${len} is negative; the header is corrupt, regenerate the file`);
    naxis.push(len);
  }
  if (header.get('GROUPS') === true && naxis[0] === 0)
    throw new DataError(`${src}: random-groups data (GROUPS = T, NAXIS1 = 0) is visibility data, not an image; give an image file`);

  const bscale = header.getNumber('BSCALE') ?? 1;
  const bzero = header.getNumber('BZERO') ?? 0;
  if (bscale === 0) throw new DataError(`${src}: BSCALE = 0 would make every pixel equal BZERO; the header is corrupt, regenerate the file`);
  const scaling: Scaling = { bscale, bzero };
  if (bitpix > 0 && header.has('BLANK')) scaling.blank = header.getInteger('BLANK');

  const bpp = bytesPerPixel(bitpix as Bitpix);
  const pixels = n === 0 ? 0 : naxis.reduce((a, b) => a * b, 1);
  const dataBytes = pixels * bpp;
  const planeAxes = naxis.slice(2);
  const width = naxis[0] ?? 0;
  const height = n === 0 ? 0 : (naxis[1] ?? 1);
  return {
    bitpix: bitpix as Bitpix,
    naxis,
    width,
    height,
    planeAxes,
    planeCount: n === 0 ? 0 : planeAxes.reduce((a, b) => a * b, 1),
    planePixels: width * height,
    bytesPerPixel: bpp,
    dataOffset,
    dataBytes,
    paddedDataBytes: Math.ceil(dataBytes / BLOCK_LENGTH) * BLOCK_LENGTH,
    scaling,
  };
}

/**
 * Linear plane number for zero-based indices along NAXIS3, NAXIS4, ... (missing trailing
 * indices are 0). DataError when an index is outside its axis, e.g. Stokes U requested
 * from an I-only image.
 */
export function planeNumber(layout: ImageLayout, indices: readonly number[], source: string): number {
  if (layout.planeCount === 0) throw new DataError(`${source}: the primary HDU has no image data (shape ${shapeText(layout.naxis)}); give an image file`);
  if (indices.length > layout.planeAxes.length && indices.slice(layout.planeAxes.length).some((v) => v !== 0))
    throw new DataError(`${source}: plane index [${indices.join(', ')}] has more axes than the image's ${shapeText(layout.naxis)}`);
  let plane = 0;
  let stride = 1;
  for (let a = 0; a < layout.planeAxes.length; a++) {
    const i = indices[a] ?? 0;
    const len = layout.planeAxes[a];
    if (!Number.isInteger(i) || i < 0 || i >= len)
      throw new DataError(`${source}: index ${i} along NAXIS${a + 3} is outside the image (NAXIS${a + 3} = ${len}, indices are 0-based); ask for a plane the image has`);
    plane += i * stride;
    stride *= len;
  }
  return plane;
}
