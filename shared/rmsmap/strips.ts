/**
 * The sorted lists that make up the boxes of one row of grid nodes.
 *
 * All boxes of node row ky span the same image rows, so for each tile column the sorted tiles
 * (tiles.ts) covering those rows form one sorted column strip (s columns × box height), and
 * the first r columns of the tile column one edge strip. Box kx is then exactly the q column
 * strips kx .. kx+q−1 plus the edge strip of column kx+q: 7 sorted lists for a 61 px box on a
 * 10 px grid, instead of 49 tile lists, so each range count is 7 binary searches.
 *
 * Moving to the next node row slides every strip up by one tile: one merge walk drops the
 * bottom tile and adds the next one (a sorted multiset update, ~1.4 steps per value), rather
 * than rebuilding the strip from its 7 tiles.
 *
 * Each list keeps Σ(v − c) and Σ(v − c)² about a value c near its middle, so that moments of a
 * union of lists can be moved to a common shift and added without cancellation.
 */
import type { FloatArray } from '../stats/index.js';
import { type SortedTiles, TilePart } from './tiles.js';

/** One generation of strips (two are kept and swapped when sliding). */
interface StripSet {
  values: FloatArray;
  start: Int32Array;
  end: Int32Array;
  centre: Float64Array;
  sum: Float64Array;
  sumSquares: Float64Array;
}

/** Parts of the tiles forming a strip: `body` of q tiles, then `cap` of the next tile. */
const COLUMN_STRIP = { body: TilePart.Whole, cap: TilePart.FirstRows } as const;
const EDGE_STRIP = { body: TilePart.FirstColumns, cap: TilePart.Corner } as const;

export class RowStrips {
  readonly tiles: SortedTiles;
  /** Lists per box: q column strips, plus one edge strip when r > 0. */
  readonly listsPerBox: number;
  private current: StripSet;
  private next: StripSet;
  private row = -1;
  private readonly removed: FloatArray;
  private readonly added: FloatArray;
  private readonly scratch: [FloatArray, FloatArray];

  constructor(tiles: SortedTiles, boxSide: number) {
    this.tiles = tiles;
    this.listsPerBox = tiles.q + (tiles.r > 0 ? 1 : 0);
    const lists = 2 * tiles.tilesX;
    // A column strip holds at most step × boxSide values, an edge strip r × boxSide.
    const capacity = tiles.tilesX * boxSide * (tiles.step + tiles.r);
    const make = (n: number): FloatArray => (tiles.values instanceof Float32Array ? new Float32Array(n) : new Float64Array(n));
    const set = (): StripSet => ({
      values: make(capacity),
      start: new Int32Array(lists),
      end: new Int32Array(lists),
      centre: new Float64Array(lists),
      sum: new Float64Array(lists),
      sumSquares: new Float64Array(lists),
    });
    this.current = set();
    this.next = set();
    const tileAndCap = tiles.step * (tiles.step + tiles.r);
    this.removed = make(tileAndCap);
    this.added = make(tileAndCap);
    this.scratch = [make(tiles.step * boxSide), make(tiles.step * boxSide)];
  }

  /** Column strip tx is list tx, edge strip tx is list tilesX + tx. List i is values[start[i], end[i]). */
  get values(): FloatArray {
    return this.current.values;
  }
  get start(): Int32Array {
    return this.current.start;
  }
  get end(): Int32Array {
    return this.current.end;
  }
  get centre(): Float64Array {
    return this.current.centre;
  }
  get sum(): Float64Array {
    return this.current.sum;
  }
  get sumSquares(): Float64Array {
    return this.current.sumSquares;
  }

  /** Makes the strips those of node row ky (slid from the previous row when it is ky − 1). */
  moveTo(ky: number): void {
    if (ky === this.row) return;
    if (ky === this.row + 1 && this.row >= 0) this.slide(ky);
    else this.build(ky);
    this.row = ky;
  }

  /** The lists of box kx of the current node row, written to `out`; returns how many. */
  boxLists(kx: number, out: Int32Array): number {
    const { q, r, tilesX } = this.tiles;
    let k = 0;
    for (let tx = kx; tx < kx + q; tx++) out[k++] = tx;
    if (r > 0) out[k++] = tilesX + kx + q;
    return k;
  }

  private build(ky: number): void {
    const { tilesX } = this.tiles;
    let offset = 0;
    for (let tx = 0; tx < tilesX; tx++) offset = this.buildStrip(tx, COLUMN_STRIP, tx, ky, offset);
    for (let tx = 0; tx < tilesX; tx++) offset = this.buildStrip(tilesX + tx, EDGE_STRIP, tx, ky, offset);
  }

  /** Merges the strip's q + 1 tile lists one after another into list `list` at `offset`. */
  private buildStrip(list: number, parts: { body: TilePart; cap: TilePart }, tx: number, ky: number, offset: number): number {
    const { tiles } = this;
    let [merged, spare] = this.scratch;
    let length = 0;
    for (let k = 0; k <= tiles.q; k++) {
      const j = k < tiles.q ? tiles.list(parts.body, tx, ky + k) : tiles.list(parts.cap, tx, ky + tiles.q);
      length = mergeSorted(merged, 0, length, tiles.values, tiles.start[j], tiles.start[j + 1], spare);
      [merged, spare] = [spare, merged];
    }
    const set = this.current;
    set.values.set(merged.subarray(0, length), offset);
    const centre = length > 0 ? merged[length >> 1] : 0;
    storeList(set, list, offset, length, centre);
    return offset + length;
  }

  /** Slides every strip from node row ky − 1 to ky into the other generation, then swaps. */
  private slide(ky: number): void {
    const { tilesX } = this.tiles;
    let offset = 0;
    for (let tx = 0; tx < tilesX; tx++) offset = this.slideStrip(tx, COLUMN_STRIP, tx, ky, offset);
    for (let tx = 0; tx < tilesX; tx++) offset = this.slideStrip(tilesX + tx, EDGE_STRIP, tx, ky, offset);
    [this.current, this.next] = [this.next, this.current];
  }

  /**
   * Strip at row ky = strip at ky − 1 − (body of tile ky − 1) − (cap of tile ky − 1 + q)
   * + (body of tile ky − 1 + q) + (cap of tile ky + q), as sorted multisets in one walk.
   */
  private slideStrip(list: number, parts: { body: TilePart; cap: TilePart }, tx: number, ky: number, offset: number): number {
    const { tiles, current: old, next } = this;
    const { values: t, start: ts } = tiles;
    const bodyOut = tiles.list(parts.body, tx, ky - 1);
    const capOut = tiles.list(parts.cap, tx, ky - 1 + tiles.q);
    const bodyIn = tiles.list(parts.body, tx, ky - 1 + tiles.q);
    const capIn = tiles.list(parts.cap, tx, ky + tiles.q);
    const removedCount = mergeSorted(t, ts[bodyOut], ts[bodyOut + 1], t, ts[capOut], ts[capOut + 1], this.removed);
    const addedCount = mergeSorted(t, ts[bodyIn], ts[bodyIn + 1], t, ts[capIn], ts[capIn + 1], this.added);

    const src = old.values;
    const out = next.values;
    const removed = this.removed;
    const added = this.added;
    const centre = old.centre[list];
    let i = old.start[list];
    const iEnd = old.end[list];
    let a = 0;
    let r = 0;
    let o = offset;
    let sum = 0;
    let sumSquares = 0;
    while (i < iEnd || a < addedCount) {
      const x = a >= addedCount || (i < iEnd && src[i] <= added[a]) ? src[i++] : added[a++];
      if (r < removedCount && removed[r] === x) {
        r++;
        continue;
      }
      out[o++] = x;
      const d = x - centre;
      sum += d;
      sumSquares += d * d;
    }
    if (r !== removedCount) throw new Error(`rms map internal error: strip ${list} lost track of ${removedCount - r} values at node row ${ky}`);
    next.start[list] = offset;
    next.end[list] = o;
    next.centre[list] = centre;
    next.sum[list] = sum;
    next.sumSquares[list] = sumSquares;
    return o;
  }
}

/** Records list `list` at values[offset, offset + length) with its sums about `centre`. */
function storeList(set: StripSet, list: number, offset: number, length: number, centre: number): void {
  const v = set.values;
  let sum = 0;
  let sumSquares = 0;
  for (let i = offset; i < offset + length; i++) {
    const d = v[i] - centre;
    sum += d;
    sumSquares += d * d;
  }
  set.start[list] = offset;
  set.end[list] = offset + length;
  set.centre[list] = centre;
  set.sum[list] = sum;
  set.sumSquares[list] = sumSquares;
}

/**
 * Merges sorted a[aLo, aHi) with sorted b[bLo, bHi) into out[0, ...); returns the length.
 * (Called with a = the merged-so-far buffer, aLo = 0, aHi = its length, when building.)
 */
function mergeSorted(a: FloatArray, aLo: number, aHi: number, b: FloatArray, bLo: number, bHi: number, out: FloatArray): number {
  let i = aLo;
  let j = bLo;
  let k = 0;
  while (i < aHi && j < bHi) out[k++] = a[i] <= b[j] ? a[i++] : b[j++];
  while (i < aHi) out[k++] = a[i++];
  while (j < bHi) out[k++] = b[j++];
  return k;
}
