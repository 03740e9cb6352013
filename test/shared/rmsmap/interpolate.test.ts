/**
 * Interpolation between grid nodes: Catmull-Rom (casacore CUBIC) reproduces quadratics
 * exactly, bilinear reproduces linear functions including the extrapolated margins, and the
 * nodes themselves are returned unchanged.
 */
import { describe, expect, it } from 'vitest';
import { catmullRomWeights, gridGeometry, interpolateGrid } from '../../../shared/rmsmap/index.js';

const width = 95;
const height = 83;
const geometry = gridGeometry(width, height, { cellArcsec: 1, anchor: [4, 7] }); // nodes at 4, 14, ...; 7, 17, ...

/** Fills the grid with f(node x, node y) in pixel coordinates and interpolates it everywhere. */
function interpolated(f: (x: number, y: number) => number, method: 'cubic' | 'linear', grid?: Float64Array): Float32Array {
  const { nx, ny, x0, y0, step } = geometry;
  const values = grid ?? new Float64Array(nx * ny);
  if (!grid) for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++) values[j * nx + i] = f(x0 + i * step, y0 + j * step);
  const out = new Float32Array(width * height);
  interpolateGrid(values, geometry, method, out, () => false);
  return out;
}

describe('catmullRomWeights', () => {
  it('sums to 1 and reproduces the nodes at t = 0', () => {
    const w = new Float64Array(4);
    for (const t of [0, 0.1, 0.5, 0.93]) {
      catmullRomWeights(t, w, 0);
      expect(w[0] + w[1] + w[2] + w[3]).toBeCloseTo(1, 15);
    }
    catmullRomWeights(0, w, 0);
    expect([...w].map((v) => v + 0)).toEqual([0, 1, 0, 0]);
  });
});

describe('interpolateGrid', () => {
  const quadratic = (x: number, y: number): number => 3 + 0.02 * x - 0.03 * y + 1e-4 * x * x + 2e-4 * x * y - 3e-4 * y * y;
  const linear = (x: number, y: number): number => 2 + 0.01 * x + 0.02 * y;

  it('cubic: exact for a quadratic wherever the 4 x 4 stencil fits', () => {
    const out = interpolated(quadratic, 'cubic');
    const { x0, y0, nx, ny, step } = geometry;
    let checked = 0;
    for (let y = y0 + step; y < y0 + (ny - 2) * step; y++)
      for (let x = x0 + step; x < x0 + (nx - 2) * step; x++) {
        expect(out[y * width + x]).toBeCloseTo(quadratic(x, y), 4);
        checked++;
      }
    expect(checked).toBeGreaterThan(3000);
  });

  it('cubic differs from bilinear between nodes (so the cubic path is really taken)', () => {
    const cubic = interpolated(quadratic, 'cubic');
    const bilinear = interpolated(quadratic, 'linear');
    const p = 40 * width + 40; // a pixel inside the cubic region, off the nodes
    expect(Math.abs(cubic[p] - quadratic(40, 40))).toBeLessThan(1e-5);
    expect(Math.abs(bilinear[p] - quadratic(40, 40))).toBeGreaterThan(1e-4);
  });

  it('both: exact for a linear function everywhere, extrapolated margins included', () => {
    for (const method of ['cubic', 'linear'] as const) {
      const out = interpolated(linear, method);
      for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) expect(out[y * width + x]).toBeCloseTo(linear(x, y), 5);
    }
  });

  it('returns node values unchanged even next to a blank node', () => {
    const { nx, ny } = geometry;
    const grid = new Float64Array(nx * ny).fill(5);
    grid[3 * nx + 4] = Number.NaN;
    grid[3 * nx + 3] = 7;
    const out = interpolated(() => 0, 'cubic', grid);
    expect(out[(7 + 30) * width + (4 + 30)]).toBe(7); // node (3, 3)
    expect(out[(7 + 30) * width + (4 + 40)]).toBeNaN(); // the blank node itself
    expect(out[(7 + 30) * width + (4 + 45)]).toBeNaN(); // between it and a valid node
    expect(out[(7 + 35) * width + (4 + 25)]).toBeCloseTo(5.5, 5); // bilinear fallback, blank node out of the 2 x 2 cell
  });
});
