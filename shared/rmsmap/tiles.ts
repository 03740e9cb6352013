/**
 * The image's valid pixels, sorted once in tiles aligned with the rms boxes. strips.ts merges
 * them into the few sorted lists that make up each box, on which every box statistic is a
 * handful of binary searches instead of passes over the box's pixels.
 *
 * A box is 2h + 1 pixels on a side and its left edge moves by the grid step s from node to
 * node. Tiles are s × s squares starting at the left/bottom edge of box 0, so each box is
 * exactly q × q whole tiles (q = floor((2h + 1)/s)) plus, when r = (2h + 1) − q·s > 0, the
 * first r columns of the q tiles to its right, the first r rows of the q tiles above, and the
 * r × r corner of the tile diagonally beyond (for 61 px boxes on a 10 px grid: 36 tiles, two
 * strips of 6 × 10 values and one pixel). Each of these four kinds of list is sorted here
 * once: every pixel is sorted once for the whole tiles (and ~2r/s more for the strips),
 * where sorting or selecting per box would touch it ~37 times. Tiles are clipped to the
 * image, so boxes cut by the image edge come out truncated, as in CASA. Pixels that are not
 * valid (NaN, ±Infinity, and exact zeros when they are excluded) are left out.
 */
import type { FloatArray } from '../stats/index.js';
import type { RmsGridGeometry } from './grid.js';

/** The four sorted lists kept per tile. */
export const TilePart = {
  Whole: 0,
  /** The first r columns (the extra columns of the box to the left). */
  FirstColumns: 1,
  /** The first r rows (the extra rows of the box below). */
  FirstRows: 2,
  /** The first r rows of the first r columns. */
  Corner: 3,
} as const;
export type TilePart = (typeof TilePart)[keyof typeof TilePart];

export class SortedTiles {
  /** All lists' values, each list sorted ascending; list j is values[start[j], start[j+1]). */
  readonly values: FloatArray;
  readonly start: Int32Array;
  /** Tile side: the grid step. */
  readonly step: number;
  /** Tile columns and rows (tile t covers columns x0 − h + t·s ... + s − 1, clipped). */
  readonly tilesX: number;
  readonly tilesY: number;
  /** Whole tiles per box side, and the columns/rows of the next tile a box also covers. */
  readonly q: number;
  readonly r: number;

  constructor(plane: FloatArray, geometry: RmsGridGeometry, excludeZeros: boolean) {
    const { step: s, halfWidth: h, nx, ny } = geometry;
    const side = 2 * h + 1;
    this.step = s;
    this.q = Math.floor(side / s);
    this.r = side - this.q * s;
    this.tilesX = nx + this.q;
    this.tilesY = ny + this.q;
    const lists = 4 * this.tilesX * this.tilesY;

    const layout = new TileLayout(geometry, this.tilesX, this.tilesY);
    const sizes = new Int32Array(lists);
    layout.scan(plane, excludeZeros, this.r, sizes, null, null);
    this.start = new Int32Array(lists + 1);
    for (let j = 0; j < lists; j++) this.start[j + 1] = this.start[j] + sizes[j];
    this.values = plane instanceof Float32Array ? new Float32Array(this.start[lists]) : new Float64Array(this.start[lists]);
    layout.scan(plane, excludeZeros, this.r, null, this.start.slice(0, lists), this.values);
    for (let j = 0; j < lists; j++) sortRange(this.values, this.start[j], this.start[j + 1]);
  }

  /** Index of the list of one part of tile (tx, ty). */
  list(part: TilePart, tx: number, ty: number): number {
    return 4 * (ty * this.tilesX + tx) + part;
  }
}

/** Which tile, and where in it, each image column and row falls. */
class TileLayout {
  private readonly width: number;
  private readonly height: number;
  private readonly tilesX: number;
  private readonly tileOfX: Int32Array;
  private readonly offsetOfX: Int32Array;
  private readonly tileOfY: Int32Array;
  private readonly offsetOfY: Int32Array;

  constructor(geometry: RmsGridGeometry, tilesX: number, tilesY: number) {
    const { width, height, step, halfWidth, x0, y0 } = geometry;
    this.width = width;
    this.height = height;
    this.tilesX = tilesX;
    [this.tileOfX, this.offsetOfX] = axisTiles(width, x0 - halfWidth, step, tilesX);
    [this.tileOfY, this.offsetOfY] = axisTiles(height, y0 - halfWidth, step, tilesY);
  }

  /**
   * One pass over the valid pixels: counts them per list into `sizes`, or, when `values` is
   * given, writes each at fill[list]++ for every list it belongs to.
   */
  scan(plane: FloatArray, excludeZeros: boolean, r: number, sizes: Int32Array | null, fill: Int32Array | null, values: FloatArray | null): void {
    const { width, tilesX, tileOfX, offsetOfX } = this;
    for (let y = 0; y < this.height; y++) {
      const ty = this.tileOfY[y];
      if (ty < 0) continue; // in no box
      const inFirstRows = this.offsetOfY[y] < r;
      const row = y * width;
      for (let x = 0; x < width; x++) {
        const v = plane[row + x];
        // v − v is 0 exactly for finite v (NaN and ±Infinity give NaN).
        if (v - v !== 0 || (excludeZeros && v === 0)) continue;
        const tx = tileOfX[x];
        if (tx < 0) continue;
        const base = 4 * (ty * tilesX + tx);
        const inFirstColumns = offsetOfX[x] < r;
        if (values === null) {
          sizes![base]++;
          if (inFirstColumns) sizes![base + 1]++;
          if (inFirstRows) sizes![base + 2]++;
          if (inFirstColumns && inFirstRows) sizes![base + 3]++;
        } else {
          values[fill![base]++] = v;
          if (inFirstColumns) values[fill![base + 1]++] = v;
          if (inFirstRows) values[fill![base + 2]++] = v;
          if (inFirstColumns && inFirstRows) values[fill![base + 3]++] = v;
        }
      }
    }
  }
}

/** Per pixel along one axis: its tile (−1 when before the first or beyond the last) and offset in it. */
function axisTiles(length: number, origin: number, step: number, tiles: number): [Int32Array, Int32Array] {
  const tile = new Int32Array(length);
  const offset = new Int32Array(length);
  for (let p = 0; p < length; p++) {
    const u = p - origin;
    const t = Math.floor(u / step);
    tile[p] = t >= 0 && t < tiles ? t : -1;
    offset[p] = u - t * step;
  }
  return [tile, offset];
}

/** Sorts values[lo, hi) ascending: insertion sort for short ranges, the native sort otherwise. */
function sortRange(values: FloatArray, lo: number, hi: number): void {
  if (hi - lo > 24) {
    values.subarray(lo, hi).sort();
    return;
  }
  for (let i = lo + 1; i < hi; i++) {
    const x = values[i];
    let j = i - 1;
    while (j >= lo && values[j] > x) {
      values[j + 1] = values[j];
      j--;
    }
    values[j + 1] = x;
  }
}
