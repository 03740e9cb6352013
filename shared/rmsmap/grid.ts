/**
 * Where CASA imdev evaluates its statistic: the grid of box centres and the box around each.
 *
 * Grid (StatImageCreator::compute): nodes lie every `step` pixels along both axes, on the
 * lattice through the anchor pixel (the reference pixel for imdev anchor='ref'), starting at
 * the first non-negative position, x0 = anchor mod step, and running to the last pixel that
 * is still inside the image.
 *
 * Box: imdev turns xlength = ylength = 60arcsec into a region centred on a pixel and uses its
 * bounding box. casacore rounds the two corners, centre ∓ 30", to the nearest pixel and keeps
 * both (LCBox, or the polygon mask for newer CASA), so the box is 2·round(30"/cell) + 1 pixels
 * on a side and symmetric about its grid node: 61 px at 1" (QL), 101 px at 0.6" (SE). An even
 * width such as round(60"/cell) = 60 could not be centred on a pixel. Boxes are truncated where
 * they cross the image edge, as in CASA.
 */
import { DataError, UsageError } from '../errors.js';
import type { FitsHeader } from '../fits/index.js';

export interface RmsGridGeometry {
  width: number;
  height: number;
  /** Grid spacing in pixels along both axes. */
  step: number;
  /** Pixel (0-based) of grid node 0 along x and y. */
  x0: number;
  y0: number;
  /** Nodes along x and y. */
  nx: number;
  ny: number;
  /** Box half-width in pixels: the box around a node is (2·halfWidth + 1) pixels square. */
  halfWidth: number;
}

export interface GridOptions {
  /** Pixel size in arcsec (|CDELT| × 3600). */
  cellArcsec: number;
  /** Full box side in arcsec (imdev xlength = ylength); default 60. */
  boxArcsec?: number;
  /** Grid spacing in pixels (imdev grid); default 10. */
  gridStep?: number;
  /**
   * Any pixel (0-based x, y) on the grid; default [0, 0]. Pass the reference pixel,
   * (CRPIX1 − 1, CRPIX2 − 1), to reproduce imdev anchor='ref'; see referencePixelAnchor.
   */
  anchor?: readonly [number, number];
}

export function gridGeometry(width: number, height: number, options: GridOptions): RmsGridGeometry {
  const { cellArcsec } = options;
  const boxArcsec = options.boxArcsec ?? 60;
  const step = options.gridStep ?? 10;
  if (!(Number.isInteger(width) && Number.isInteger(height) && width >= 1 && height >= 1))
    throw new UsageError(`rms map: image size ${width} x ${height} is not a positive whole number of pixels`);
  if (!(cellArcsec > 0 && Number.isFinite(cellArcsec)))
    throw new UsageError(`rms map: cell size ${cellArcsec} arcsec must be a positive number; take it from |CDELT2| x 3600`);
  if (!(boxArcsec > 0 && Number.isFinite(boxArcsec))) throw new UsageError(`rms map: box size ${boxArcsec} arcsec must be a positive number`);
  if (!(Number.isInteger(step) && step >= 1)) throw new UsageError(`rms map: grid step ${step} must be a whole number of pixels >= 1`);
  const halfWidth = Math.round(boxArcsec / 2 / cellArcsec);
  if (halfWidth < 1)
    throw new UsageError(`rms map: a ${boxArcsec}" box is under 3 pixels of ${cellArcsec}"; give a larger box or check the cell size`);
  const [ax, ay] = (options.anchor ?? [0, 0]).map(roundHalfEven);
  if (!Number.isFinite(ax) || !Number.isFinite(ay)) throw new UsageError(`rms map: anchor pixel ${String(options.anchor)} is not a pair of numbers`);
  const x0 = ((ax % step) + step) % step;
  const y0 = ((ay % step) + step) % step;
  const nx = x0 < width ? Math.ceil((width - x0) / step) : 0;
  const ny = y0 < height ? Math.ceil((height - y0) / step) : 0;
  if (nx === 0 || ny === 0)
    throw new UsageError(`rms map: a ${width} x ${height} image holds no grid node at step ${step} from anchor (${ax}, ${ay}); use a smaller grid step`);
  return { width, height, step, x0, y0, nx, ny, halfWidth };
}

/** The box side in pixels (2·halfWidth + 1). */
export function boxSide(geometry: RmsGridGeometry): number {
  return 2 * geometry.halfWidth + 1;
}

/**
 * imdev anchor='ref': the reference pixel as a 0-based (x, y) anchor. CASA rounds it with
 * rint (half to even), which is done when the grid is built.
 */
export function referencePixelAnchor(header: FitsHeader): [number, number] {
  const crpix1 = header.getNumber('CRPIX1');
  const crpix2 = header.getNumber('CRPIX2');
  if (crpix1 === undefined || crpix2 === undefined)
    throw new DataError(`${header.source}: no CRPIX1/CRPIX2, so the rms grid cannot be anchored at the reference pixel; pass an explicit anchor`);
  return [crpix1 - 1, crpix2 - 1];
}

/** C rint() in the default rounding mode: to the nearest integer, halves to even. */
function roundHalfEven(v: number): number {
  const r = Math.round(v);
  return r - v === 0.5 && r % 2 !== 0 ? r - 1 : r;
}
