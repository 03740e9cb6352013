import { describe, expect, it } from 'vitest';
import { noiseMap } from '../../../shared/cubecatalog/index.js';

/** Deterministic standard normals (Box-Muller on a fixed LCG). */
function normals(seed: number): () => number {
  let s = seed >>> 0;
  const u = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) + 0.5) / 4294967296;
  return () => Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u());
}

const SIZE = 600;
/** The noise the plane is drawn with: rising threefold from left to right, as towards a pbcor edge. */
const truthSigma = (x: number) => 1e-3 * (1 + (2 * x) / (SIZE - 1));

function plane(seed: number): Float32Array {
  const gauss = normals(seed);
  const data = new Float32Array(SIZE * SIZE);
  for (let y = 0; y < SIZE; y++) for (let x = 0; x < SIZE; x++) data[y * SIZE + x] = truthSigma(x) * gauss();
  return data;
}

describe('noiseMap: local MAD sigma in boxes, bilinear between box centres', () => {
  it('follows a noise that varies across the plane to within a few percent', () => {
    const map = noiseMap(plane(1), SIZE, SIZE, 60, 1);
    expect([map.boxesX, map.boxesY]).toEqual([10, 10]);
    for (const x of [40, 150, 299.5, 420, 555]) {
      for (const y of [35, 300, 560]) expect(map.at(x, y) / truthSigma(x), `(${x}, ${y})`).toBeCloseTo(1, 1);
    }
    // One plane-wide sigma would be 2x off at the edges.
    expect(map.at(10, 300) / map.at(590, 300)).toBeLessThan(0.45);
  });

  it('sampling every other pixel keeps the estimate (independent pixels here: within the sampling error)', () => {
    const data = plane(2);
    const full = noiseMap(data, SIZE, SIZE, 100, 1);
    const sampled = noiseMap(data, SIZE, SIZE, 100, 2);
    for (const x of [50, 300, 550]) expect(sampled.at(x, 300) / full.at(x, 300)).toBeCloseTo(1, 1);
  });

  it('leaves out blanks (NaN, 0) and fills boxes that are mostly blank from their neighbours', () => {
    const data = plane(3);
    // The bottom-left 150 x 150 pixels blank, half NaN and half 0, and a few zeros scattered elsewhere.
    for (let y = 0; y < 150; y++) for (let x = 0; x < 150; x++) data[y * SIZE + x] = x < 75 ? NaN : 0;
    for (let i = 0; i < SIZE * SIZE; i += 97) data[i] = 0;
    const map = noiseMap(data, SIZE, SIZE, 60, 1);
    const corner = map.at(30, 30);
    expect(Number.isFinite(corner)).toBe(true);
    // Filled from the valid boxes around it, so close to the noise just outside the blank area.
    expect(corner / truthSigma(160)).toBeGreaterThan(0.8);
    expect(corner / truthSigma(160)).toBeLessThan(1.3);
    expect(map.at(400, 400) / truthSigma(400)).toBeCloseTo(1, 1);
  });

  it('is NaN everywhere for a plane with no valid pixel', () => {
    const map = noiseMap(new Float32Array(100 * 100).fill(NaN), 100, 100, 32, 1);
    expect(map.at(50, 50)).toBeNaN();
  });
});
