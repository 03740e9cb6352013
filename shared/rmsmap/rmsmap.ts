/**
 * The VLASS rms image: CASA imdev as the pipeline runs it (hif_makermsimages), i.e.
 *
 *   imdev(imagename=<pbcor tt0>, grid=[10, 10], anchor='ref', xlength='60arcsec',
 *         ylength='60arcsec', interp='cubic', stattype='xmadm', statalg='chauvenet',
 *         zscore=-1, maxiter=-1)
 *
 * grid.ts places the boxes, tiles.ts sorts the pixels in grid-aligned tiles, strips.ts
 * merges them into the few sorted lists of each row of boxes, boxstat.ts computes each box's
 * statistic from those lists, interpolate.ts fills the pixels between nodes. Choices that are ours, not CASA's:
 * - Input pixels that are NaN, ±Infinity or (by default) exactly 0 are not data: CASA
 *   excludes masked pixels, and VLASS products mark blanked pixels with NaN or with 0.
 *   They are left out of every box and are NaN in the output.
 * - A box with fewer valid pixels than `minValidFraction` (default 0.1) of a full box gives a
 *   blank (NaN) node instead of a statistic from a handful of pixels: at 1" cells a 61 × 61
 *   box holds about 370 beams; a tenth of it (~37 beams, 372 pixels) still gives the MAD
 *   sigma to about ±20 %, fewer would not be an rms worth reporting. CASA computes a value
 *   from any non-empty box. Boxes cut by the image edge are kept when they pass the same test
 *   (a corner box is a quarter of a full one).
 * - The pipeline runs imdev on the full image and then cuts out the delivered .subim, so its
 *   boxes near the sub-image edge still see pixels beyond it; computed on a sub-image, the
 *   boxes there are truncated instead and the outermost 30" differ slightly.
 */
import { UsageError } from '../errors.js';
import type { FloatArray } from '../stats/index.js';
import { type BoxResult, BoxStatistic } from './boxstat.js';
import { type GridOptions, type RmsGridGeometry, boxSide, gridGeometry } from './grid.js';
import { type GridInterpolation, interpolateGrid } from './interpolate.js';
import { RowStrips } from './strips.js';
import { SortedTiles } from './tiles.js';

export interface RmsMapOptions extends GridOptions {
  /** 'cubic' (imdev interp='cubic', default) or 'linear' (what CASA actually applies; see interpolate.ts). */
  interpolation?: GridInterpolation;
  /** Treat exact zeros as blank (default true). */
  excludeZeros?: boolean;
  /** Smallest fraction of a full box that must be valid for a node to get a value (default 0.1). */
  minValidFraction?: number;
}

export interface RmsGrid {
  geometry: RmsGridGeometry;
  /** Statistic at each node (nx × ny, x fastest); NaN for blank nodes. */
  values: Float64Array;
  /** Valid pixels in each node's box, before clipping. */
  validCount: Int32Array;
  /** Values left after Chauvenet clipping (0 for blank nodes). */
  keptCount: Int32Array;
}

const DEFAULT_MIN_VALID_FRACTION = 0.1;

/** The statistic at every grid node (the image imdev computes before interpolating). */
export function computeRmsGrid(plane: FloatArray, width: number, height: number, options: RmsMapOptions): RmsGrid {
  const geometry = gridGeometry(width, height, options);
  checkPlane(plane, width, height);
  const excludeZeros = options.excludeZeros ?? true;
  const fraction = options.minValidFraction ?? DEFAULT_MIN_VALID_FRACTION;
  if (!(fraction >= 0 && fraction <= 1)) throw new UsageError(`rms map: minValidFraction ${fraction} must be between 0 and 1`);
  const side = boxSide(geometry);
  const minValid = Math.max(1, Math.ceil(fraction * side * side));

  const { nx, ny } = geometry;
  const values = new Float64Array(nx * ny);
  // The previous boxes' results, which predict their neighbours' (speed only).
  const results: BoxResult[] = new Array(nx * ny);
  const validCount = new Int32Array(nx * ny);
  const keptCount = new Int32Array(nx * ny);
  const tiles = new SortedTiles(plane, geometry, excludeZeros);
  const strips = new RowStrips(tiles, side);
  const statistic = new BoxStatistic(strips, side * side);
  const noHint = { median: NaN, sigma: NaN, mean: NaN, std: NaN };

  for (let gy = 0; gy < ny; gy++) {
    strips.moveTo(gy);
    for (let gx = 0; gx < nx; gx++) {
      const node = gy * nx + gx;
      // The neighbour's answer (left, else below) brackets this one; it only saves time.
      const neighbour = gx > 0 && values[node - 1] === values[node - 1] ? node - 1 : gy > 0 ? node - nx : -1;
      const result = statistic.measure(gx, minValid, neighbour >= 0 ? results[neighbour] : noHint);
      results[node] = result;
      values[node] = result.sigma;
      validCount[node] = result.validCount;
      keptCount[node] = result.keptCount;
    }
  }
  return { geometry, values, validCount, keptCount };
}

/**
 * The rms image: the statistic of the box around every grid node, interpolated to every
 * pixel (Float32Array, width × height, same pixel order as `plane`); NaN where the input
 * pixel is blank or no valid nodes are near enough.
 */
export function computeRmsMap(plane: FloatArray, width: number, height: number, options: RmsMapOptions): Float32Array {
  const grid = computeRmsGrid(plane, width, height, options);
  return interpolateRmsGrid(grid, plane, options);
}

/** Second half of computeRmsMap, for callers that also want the node values. */
export function interpolateRmsGrid(grid: RmsGrid, plane: FloatArray, options: Pick<RmsMapOptions, 'interpolation' | 'excludeZeros'> = {}): Float32Array {
  const { width, height } = grid.geometry;
  checkPlane(plane, width, height);
  const excludeZeros = options.excludeZeros ?? true;
  const method = options.interpolation ?? 'cubic';
  if (method !== 'cubic' && method !== 'linear') throw new UsageError(`rms map: interpolation '${String(method)}' is not 'cubic' or 'linear'`);
  const out = new Float32Array(width * height);
  interpolateGrid(grid.values, grid.geometry, method, out, (i) => {
    const v = plane[i];
    return v - v !== 0 || (excludeZeros && v === 0);
  });
  return out;
}

function checkPlane(plane: FloatArray, width: number, height: number): void {
  if (plane.length !== width * height)
    throw new UsageError(`rms map: the plane has ${plane.length} pixels, not ${width} x ${height} = ${width * height}; pass one 2-D plane and its NAXIS1, NAXIS2`);
}
