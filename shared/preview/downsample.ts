/**
 * Shrinking an image plane for a preview: NaN-aware area averaging (a box filter with
 * fractional pixel overlap, as Pillow's BOX resampling), so that any output size can be
 * reached exactly (1024 px from 3722 px is a factor 3.63).
 *
 * Why averaging and not keeping the largest |value| of each block (which would preserve the
 * peak of an unresolved source): averaging keeps the surface brightness and the noise
 * Gaussian, so extended emission, sidelobes and negative bowls look as they are and the
 * stretch limits (percentiles, zscale) describe noise that is really there. Max-|value|
 * sampling turns every noise block into its most extreme pixel (±2.5 sigma for a 3.6 x 3.6
 * block, ±3 sigma at 256 px), so a field of pure noise shows as salt-and-pepper with no
 * pixel near zero and artefacts are exaggerated. For the sizes used, point sources survive
 * averaging: at 1024 px from a QL image a block (3.6") is about the beam (~2.5-3"), so the
 * peak drops by a factor ~2 while the noise drops by about as much; a source that is
 * invisible at 256 px would be a few pixels wide on the sky anyway.
 *
 * Blank pixels (NaN, ±Infinity, and exact zeros when asked) carry no weight. An output pixel
 * is blank when less than half of its area holds valid pixels, so blank borders keep their
 * shape instead of growing a fringe of averages over a sliver of data.
 *
 * The work is kept as sums (Σ weight·value and Σ weight over each output pixel), so a
 * smaller preview can be made from a larger one's sums (resumAreas) instead of from the full
 * plane again: when the sizes divide (1024 → 256) that is the same average; otherwise each
 * larger-preview pixel is split between the smaller ones it straddles in proportion to area.
 */
import type { FloatArray } from '../stats/index.js';

/** Fraction of an output pixel's area that must be valid for it to get a value. */
const MIN_COVERAGE = 0.5;

/** Valid-pixel sums over a grid of equal rectangles covering the original plane. */
export interface AreaSums {
  width: number;
  height: number;
  /** Σ overlap·value and Σ overlap (in original pixels) of the valid pixels in each cell. */
  sum: Float64Array;
  weight: Float64Array;
  /** Original pixels per cell (the cell's full area). */
  cellArea: number;
}

/** Output size for a longest side of at most `maxSize`, aspect kept; never enlarged. */
export function previewSize(width: number, height: number, maxSize: number): { width: number; height: number } {
  const scale = Math.min(1, maxSize / Math.max(width, height));
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

/** Area-weighted mean of `plane` over an outWidth × outHeight grid; NaN under half coverage. Same row order. */
export function downsampleMean(plane: FloatArray, width: number, height: number, outWidth: number, outHeight: number, excludeZeros = false): Float32Array {
  return areaMeans(sumAreas(plane, width, height, outWidth, outHeight, excludeZeros));
}

/** The sums of the valid pixels of `plane` over an outWidth × outHeight grid. */
export function sumAreas(plane: FloatArray, width: number, height: number, outWidth: number, outHeight: number, excludeZeros = false): AreaSums {
  return scatter(width, height, outWidth, outHeight, (width * height) / (outWidth * outHeight), (y, rowSum, rowWeight, columns) => {
    // The input columns of output column o are runStart[o] .. runStart[o+1] − 1, all wholly
    // inside it except perhaps the last, which may lend a share to o + 1: so the run is a
    // plain sum (the hot loop, 14 million pixels for a QL image), and only its last pixel is
    // split.
    const offset = y * width;
    const { runStart, first } = columns;
    let carrySum = 0;
    let carryWeight = 0;
    for (let o = 0; o < outWidth; o++) {
      let s = carrySum;
      let c = carryWeight;
      const last = offset + runStart[o + 1] - 1;
      for (let i = offset + runStart[o]; i < last; i++) {
        const v = plane[i];
        // v − v is 0 exactly for finite v (NaN and ±Infinity give NaN).
        if (v - v === 0 && !(excludeZeros && v === 0)) {
          s += v;
          c++;
        }
      }
      carrySum = 0;
      carryWeight = 0;
      const v = plane[last];
      if (v - v === 0 && !(excludeZeros && v === 0)) {
        const w = first[last - offset];
        s += w * v;
        c += w;
        carrySum = (1 - w) * v;
        carryWeight = 1 - w;
      }
      rowSum[o] = s;
      rowWeight[o] = c;
    }
  });
}

/** The sums of a finer grid regathered over a coarser outWidth × outHeight grid. */
export function resumAreas(fine: AreaSums, outWidth: number, outHeight: number): AreaSums {
  const { width, height, sum, weight } = fine;
  return scatter(width, height, outWidth, outHeight, (fine.cellArea * width * height) / (outWidth * outHeight), (y, rowSum, rowWeight, columns) => {
    const offset = y * width;
    for (let x = 0; x < width; x++) {
      const s = sum[offset + x];
      const c = weight[offset + x];
      const o = columns.index[x];
      const w = columns.first[x];
      rowSum[o] += w * s;
      rowWeight[o] += w * c;
      rowSum[o + 1] += (1 - w) * s;
      rowWeight[o + 1] += (1 - w) * c;
    }
  });
}

/** Means of the cells; NaN where valid pixels cover less than half of a cell. */
export function areaMeans({ sum, weight, cellArea }: AreaSums): Float32Array {
  const out = new Float32Array(sum.length);
  const minWeight = MIN_COVERAGE * cellArea;
  for (let i = 0; i < out.length; i++) out[i] = weight[i] >= minWeight && weight[i] > 0 ? sum[i] / weight[i] : NaN;
  return out;
}

interface Overlap {
  /** Output cell of each input column's left part, and the fraction of the column in it. */
  index: Int32Array;
  first: Float64Array;
  /** First input column whose left part is in output cell o (outLength + 1 entries). */
  runStart: Int32Array;
}

/**
 * Shared loop: `addRow(y, rowSum, rowWeight, columns)` spreads input row y over the output
 * columns (rowSum/rowWeight have one spare slot at the end); the row is then spread over the
 * output rows it overlaps.
 */
function scatter(
  width: number,
  height: number,
  outWidth: number,
  outHeight: number,
  cellArea: number,
  addRow: (y: number, rowSum: Float64Array, rowWeight: Float64Array, columns: Overlap) => void,
): AreaSums {
  const columns = axisOverlap(width, outWidth);
  const rows = axisOverlap(height, outHeight);
  const sum = new Float64Array(outWidth * outHeight);
  const weight = new Float64Array(outWidth * outHeight);
  const rowSum = new Float64Array(outWidth + 1);
  const rowWeight = new Float64Array(outWidth + 1);
  for (let y = 0; y < height; y++) {
    rowSum.fill(0);
    rowWeight.fill(0);
    addRow(y, rowSum, rowWeight, columns);
    const o = rows.index[y];
    const w = rows.first[y];
    addScaled(sum, weight, o * outWidth, rowSum, rowWeight, outWidth, w);
    if (w < 1) addScaled(sum, weight, (o + 1) * outWidth, rowSum, rowWeight, outWidth, 1 - w);
  }
  return { width: outWidth, height: outHeight, sum, weight, cellArea };
}

function addScaled(sum: Float64Array, weight: Float64Array, at: number, rowSum: Float64Array, rowWeight: Float64Array, n: number, w: number): void {
  for (let o = 0; o < n; o++) {
    sum[at + o] += w * rowSum[o];
    weight[at + o] += w * rowWeight[o];
  }
}

/**
 * For each input pixel p along an axis of `length` shrunk to `outLength`: the output pixel
 * its left part falls in, and the fraction of it that does (the rest, if any, falls in the
 * next one: an output pixel is at least one input pixel wide).
 */
function axisOverlap(length: number, outLength: number): Overlap {
  const factor = length / outLength;
  const index = new Int32Array(length);
  const first = new Float64Array(length);
  const runStart = new Int32Array(outLength + 1);
  for (let p = 0; p < length; p++) {
    const o = Math.min(outLength - 1, Math.floor(p / factor));
    index[p] = o;
    // Clamped: rounding can put a pixel starting on a boundary a hair before or after it.
    first[p] = o === outLength - 1 ? 1 : Math.max(0, Math.min(1, (o + 1) * factor - p));
  }
  // index is non-decreasing and every cell gets at least one column (factor >= 1).
  for (let o = 0, p = 0; o <= outLength; o++) {
    while (p < length && index[p] < o) p++;
    runStart[o] = p;
  }
  return { index, first, runStart };
}
