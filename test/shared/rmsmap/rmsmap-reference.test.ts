/**
 * shared/rmsmap against an independent numpy/scipy computation of the same imdev recipe
 * (test/reference/rmsmap_reference.py → rmsmap_reference.json): node geometry and counts
 * exactly, node statistics to 1e-6 relative, the interpolated map to 1e-5 relative, blanks
 * (NaN) in the same places. Cases: QL-like 1" cells with a noise gradient, sources, NaN and
 * zero-masked blocks (cubic); a valid island inside a blank block (linear); SE-like 0.6"
 * cells with 101 px boxes and a negative anchor (cubic).
 */
import { describe, expect, it } from 'vitest';
import { computeRmsGrid, interpolateRmsGrid } from '../../../shared/rmsmap/index.js';
import { loadRmsReference, relativeError } from './reference.js';

const GRID_REL = 1e-6;
const MAP_REL = 1e-5;

describe.each(loadRmsReference())('reference case $name', (ref) => {
  const options = {
    cellArcsec: ref.cellArcsec,
    boxArcsec: ref.boxArcsec,
    gridStep: ref.gridStep,
    anchor: ref.anchor,
    interpolation: ref.interpolation,
    minValidFraction: ref.minValidFraction,
  };
  const grid = computeRmsGrid(ref.image, ref.width, ref.height, options);

  it('places the same grid and boxes', () => {
    const { halfWidth, x0, y0, nx, ny } = grid.geometry;
    expect({ halfWidth, x0, y0, nx, ny }).toEqual({ halfWidth: ref.grid.halfWidth, x0: ref.grid.x0, y0: ref.grid.y0, nx: ref.grid.nx, ny: ref.grid.ny });
    expect([...grid.validCount]).toEqual([...ref.grid.validCount]);
  });

  it('keeps the same values after Chauvenet clipping', () => {
    expect([...grid.keptCount]).toEqual([...ref.grid.keptCount]);
    // The case must exercise clipping, or this test would prove nothing.
    expect(ref.summary.clippedNodes).toBeGreaterThan(50);
  });

  it('computes the same Chauvenet-clipped MAD sigma at every node (1e-6)', () => {
    let worst = 0;
    for (let i = 0; i < ref.grid.values.length; i++) {
      const expected = ref.grid.values[i];
      const actual = grid.values[i];
      if (Number.isNaN(expected)) {
        expect(actual, `node ${i}`).toBeNaN();
        continue;
      }
      worst = Math.max(worst, relativeError(actual, expected));
    }
    expect(worst).toBeLessThanOrEqual(GRID_REL);
  });

  it('interpolates to the same map, blanks included (1e-5)', () => {
    const map = interpolateRmsGrid(grid, ref.image, options);
    let worst = 0;
    for (let k = 0; k < ref.map.pixels.length; k++) {
      const p = ref.map.pixels[k];
      const expected = ref.map.values[k];
      if (Number.isNaN(expected)) {
        expect(map[p], `pixel ${p % ref.width}, ${Math.floor(p / ref.width)}`).toBeNaN();
        continue;
      }
      expect(map[p], `pixel ${p % ref.width}, ${Math.floor(p / ref.width)}`).not.toBeNaN();
      worst = Math.max(worst, relativeError(map[p], expected));
    }
    expect(worst).toBeLessThanOrEqual(MAP_REL);
  });
});
