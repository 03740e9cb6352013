/**
 * From the statistic at the grid nodes to a value at every pixel, as imdev's interp='cubic'
 * asks casacore's Interpolate2D to do:
 *
 * - CUBIC in casacore is a bicubic Hermite patch whose corner derivatives are central
 *   differences of the grid ((f[i+1] − f[i−1])/2, and the cross derivative likewise), fed to
 *   Numerical Recipes' bcucof. That is exactly the tensor product of 1-D Catmull-Rom splines,
 *   i.e. Keys' cubic convolution with a = −0.5, which is what is evaluated here (4 × 4 nodes,
 *   weights below). It interpolates the nodes, is C1, and needs no global solve, unlike a
 *   cubic B-spline (scipy.ndimage order=3), which would smooth the node values.
 * - Where the 4 × 4 stencil does not fit (the first and last grid cell along an axis) casacore
 *   falls back to bilinear on the surrounding 2 × 2 nodes, and pixels beyond the outermost
 *   nodes are extrapolated linearly from the last cell; both are reproduced.
 *
 * Blank nodes (NaN: boxes with too few pixels) are handled so that every value comes from
 * valid nodes only: bicubic when all 16 nodes are valid, else bilinear when the nodes with
 * non-zero weight of the 2 × 2 cell are valid (on a node that is the node itself), else NaN.
 * CASA instead leaves such pixels unset; this choice only matters next to large blank areas.
 *
 * Note: in the CASA sources examined (StatImageCreator in CASA 5 and 6),
 * setInterpAlgorithm returns before storing the method, so imdev interpolates bilinearly
 * whatever `interp` says while logging "CUBIC". `method: 'linear'` reproduces that output.
 *
 * The evaluation is separable: each output row first interpolates the grid along y (once
 * per grid column), then each pixel combines 4 (or 2) of those values along x.
 */
import type { RmsGridGeometry } from './grid.js';

export type GridInterpolation = 'cubic' | 'linear';

/** Per-pixel interpolation weights along one axis. */
interface AxisWeights {
  /** Cubic possible: node index of the first of the 4 nodes, else −1. */
  cubicStart: Int32Array;
  cubic: Float64Array; // 4 weights per pixel
  /** Linear: first of the 2 nodes and the weight of the second (t; the first gets 1 − t). */
  linearStart: Int32Array;
  linearT: Float64Array;
}

/** Catmull-Rom (Keys a = −0.5) weights of nodes i−1, i, i+1, i+2 at fraction t of cell i. */
export function catmullRomWeights(t: number, out: Float64Array, offset: number): void {
  const t2 = t * t;
  const t3 = t2 * t;
  out[offset] = 0.5 * (-t3 + 2 * t2 - t);
  out[offset + 1] = 0.5 * (3 * t3 - 5 * t2 + 2);
  out[offset + 2] = 0.5 * (-3 * t3 + 4 * t2 + t);
  out[offset + 3] = 0.5 * (t3 - t2);
}

function axisWeights(length: number, start: number, step: number, nodes: number): AxisWeights {
  const w: AxisWeights = {
    cubicStart: new Int32Array(length),
    cubic: new Float64Array(4 * length),
    linearStart: new Int32Array(length),
    linearT: new Float64Array(length),
  };
  for (let p = 0; p < length; p++) {
    const g = (p - start) / step; // position in node units
    const cell = Math.floor(g);
    // Bilinear cell, clamped so that pixels outside the node span are extrapolated.
    const i = nodes >= 2 ? Math.min(Math.max(cell, 0), nodes - 2) : 0;
    w.linearStart[p] = i;
    w.linearT[p] = nodes >= 2 ? g - i : 0;
    // casacore uses the 4 x 4 stencil only when nodes i-1 .. i+2 all exist.
    if (cell >= 1 && cell <= nodes - 3) {
      w.cubicStart[p] = cell - 1;
      catmullRomWeights(g - cell, w.cubic, 4 * p);
    } else w.cubicStart[p] = -1;
  }
  return w;
}

/**
 * Interpolates `grid` (nx × ny node values, x fastest, NaN = blank node) to every pixel of
 * the image, writing into `out` (width × height). `isBlankPixel(index)` pixels get NaN
 * without being interpolated.
 */
export function interpolateGrid(
  grid: Float64Array,
  geometry: RmsGridGeometry,
  method: GridInterpolation,
  out: Float32Array,
  isBlankPixel: (index: number) => boolean,
): void {
  const { width, height, nx, ny, x0, y0, step } = geometry;
  const ax = axisWeights(width, x0, step, nx);
  const ay = axisWeights(height, y0, step, ny);
  const useCubic = method === 'cubic';
  const alongYCubic = new Float64Array(nx);
  const alongYLinear = new Float64Array(nx);

  for (let y = 0; y < height; y++) {
    const cubicRow = useCubic && ay.cubicStart[y] >= 0;
    if (cubicRow) {
      const j = ay.cubicStart[y];
      const w0 = ay.cubic[4 * y];
      const w1 = ay.cubic[4 * y + 1];
      const w2 = ay.cubic[4 * y + 2];
      const w3 = ay.cubic[4 * y + 3];
      const r0 = j * nx;
      for (let i = 0; i < nx; i++) {
        alongYCubic[i] = w0 * grid[r0 + i] + w1 * grid[r0 + nx + i] + w2 * grid[r0 + 2 * nx + i] + w3 * grid[r0 + 3 * nx + i];
      }
    }
    linearAlong(grid, nx, ay.linearStart[y], ay.linearT[y], alongYLinear);

    const rowOffset = y * width;
    for (let x = 0; x < width; x++) {
      const index = rowOffset + x;
      if (isBlankPixel(index)) {
        out[index] = NaN;
        continue;
      }
      let value = NaN;
      if (cubicRow && ax.cubicStart[x] >= 0) {
        const i = ax.cubicStart[x];
        const k = 4 * x;
        value = ax.cubic[k] * alongYCubic[i] + ax.cubic[k + 1] * alongYCubic[i + 1] + ax.cubic[k + 2] * alongYCubic[i + 2] + ax.cubic[k + 3] * alongYCubic[i + 3];
      }
      if (value !== value) {
        const i = ax.linearStart[x];
        const t = ax.linearT[x];
        value = lerpNodes(alongYLinear[i], alongYLinear[i + 1], t);
      }
      out[index] = value;
    }
  }
}

/** Linear interpolation between node rows j and j+1 at fraction t (one row when nodes are 1). */
function linearAlong(grid: Float64Array, nx: number, j: number, t: number, out: Float64Array): void {
  const r0 = j * nx;
  if (t === 0) {
    for (let i = 0; i < nx; i++) out[i] = grid[r0 + i];
    return;
  }
  const r1 = r0 + nx;
  for (let i = 0; i < nx; i++) out[i] = lerpNodes(grid[r0 + i], grid[r1 + i], t);
}

/** (1 − t)·a + t·b, where a node of zero weight is left out so that a blank one cannot spoil it. */
function lerpNodes(a: number, b: number, t: number): number {
  if (t === 0) return a;
  if (t === 1) return b;
  return (1 - t) * a + t * b;
}
