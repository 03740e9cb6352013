/**
 * Island detection: PyBDSF's thresholds (island pixels >= thresh_isl·rms, a peak > thresh_pix·rms,
 * at least minpix_isl pixels), 8-connectivity, and the one-pass labelling checked against a
 * plain flood fill. A failure means sources are merged, split, missed or invented.
 */
import { describe, expect, it } from 'vitest';
import type { Background } from '../../../shared/sources/background.js';
import type { PixelBeam } from '../../../shared/sources/image.js';
import { defaultMinPixels, findIslands } from '../../../shared/sources/islands.js';
import { mulberry32, whiteNoise } from './synthetic.js';

const beam: PixelBeam = { cov: { xx: 1, xy: 0, yy: 1 }, sigmaMajor: 1, sigmaMinor: 1, angle: 0, fwhmMajor: 2.35, fwhmMinor: 2.35, areaPixels: 2 * Math.PI };
const unitNoise = (n: number): Background => ({ rms: new Float32Array(n).fill(1), mean: 0, rmsSource: 'given' });

/** An image from rows of numbers (row 0 first = y 0), rms 1, mean 0. */
function image(rows: number[][]): { data: Float32Array; width: number; height: number } {
  const height = rows.length;
  const width = rows[0].length;
  const data = new Float32Array(width * height);
  rows.forEach((row, y) => row.forEach((v, x) => (data[y * width + x] = v)));
  return { data, width, height };
}

function islandsOf(rows: number[][], options: { threshIsl?: number; threshPix?: number; minpixIsl?: number } = {}) {
  const { data, width, height } = image(rows);
  return findIslands(data, width, height, unitNoise(width * height), beam, { minpixIsl: 1, ...options });
}

describe('island thresholds (rms 1, mean 0)', () => {
  it('takes a pixel exactly at thresh_isl·rms into the island and leaves one just below out', () => {
    const { islands } = islandsOf([
      [0, 0, 0, 0, 0],
      [0, 3, 6, 2.9999, 0],
      [0, 0, 0, 0, 0],
    ]);
    expect(islands).toHaveLength(1);
    expect(islands[0].pixels.length).toBe(2);
  });

  it('needs a peak strictly above thresh_pix·rms (PyBDSF: (peak − mean)/thresh_pix > rms)', () => {
    expect(islandsOf([[0, 4, 5, 4, 0]]).islands).toHaveLength(0);
    expect(islandsOf([[0, 4, 5.0001, 4, 0]]).islands).toHaveLength(1);
    expect(islandsOf([[0, 4, 4.9, 4, 0]]).islands).toHaveLength(0);
  });

  it('keeps an island of exactly minpix_isl pixels and drops one pixel fewer', () => {
    const row = [0, 6, 6, 6, 6, 0];
    expect(islandsOf([row], { minpixIsl: 4 }).islands).toHaveLength(1);
    expect(islandsOf([row], { minpixIsl: 5 }).islands).toHaveLength(0);
  });

  it('scales the thresholds with the rms map and measures from the mean', () => {
    const { data, width, height } = image([[0, 10, 13, 10, 0]]);
    const rms = Float32Array.from([2, 2, 2, 2, 2]);
    const atMean = findIslands(data, width, height, { rms, mean: 3, rmsSource: 'given' }, beam, { minpixIsl: 1 });
    expect(atMean.islands).toHaveLength(0); // 13 − 3 = 10 is not > 5·2
    const noMean = findIslands(data, width, height, { rms, mean: 0, rmsSource: 'given' }, beam, { minpixIsl: 1 });
    expect(noMean.islands).toHaveLength(1);
    expect(noMean.islands[0].pixels.length).toBe(3);
  });

  it('never takes NaN values or pixels with non-positive rms', () => {
    const { data, width, height } = image([[0, 6, NaN, 6, 0]]);
    const rms = Float32Array.from([1, 1, 1, 0, 1]);
    const { islands } = findIslands(data, width, height, { rms, mean: 0, rmsSource: 'given' }, beam, { minpixIsl: 1 });
    expect(islands).toHaveLength(1);
    expect(Array.from(islands[0].pixels)).toEqual([1]);
  });

  it('finds nothing in empty sky (pure noise, 5σ peaks absent)', () => {
    const data = whiteNoise(200, 200, 1, 11).map((v) => Math.max(-4.5, Math.min(4.5, v)));
    expect(findIslands(data, 200, 200, unitNoise(200 * 200), beam).islands).toHaveLength(0);
  });
});

describe('connectivity', () => {
  it('refuses a connectivity other than 4 or 8', () => {
    const data = new Float32Array(9).fill(6);
    expect(() => findIslands(data, 3, 3, unitNoise(9), beam, { connectivity: 6 as 8 })).toThrow(/connectivity 6 must be 4 or 8/);
  });

  it('joins pixels touching at a corner (8-connectivity) and separates a one-pixel gap', () => {
    const diagonal = islandsOf([
      [6, 0, 0],
      [0, 6, 0],
      [0, 0, 6],
    ]);
    expect(diagonal.islands).toHaveLength(1);
    const gap = islandsOf([[6, 0, 6]]);
    expect(gap.islands).toHaveLength(2);
  });

  it('merges branches that meet only later in the scan (a U, and a W needing chained unions)', () => {
    const u = islandsOf([
      [6, 0, 0, 0, 6],
      [6, 0, 0, 0, 6],
      [6, 6, 6, 6, 6],
    ]);
    expect(u.islands).toHaveLength(1);
    expect(u.islands[0].pixels.length).toBe(9);
    const w = islandsOf([
      [6, 0, 6, 0, 6, 0, 6],
      [6, 0, 6, 0, 6, 0, 6],
      [0, 6, 0, 6, 0, 6, 0],
    ]);
    expect(w.islands).toHaveLength(1);
  });

  it('labels pixels with island id + 1, lists them in raster order, and summarises each island', () => {
    const { data, width, height } = image([
      [0, 0, 0, 0, 0, 0],
      [0, 6, 7, 0, 0, 0],
      [0, 0, 0, 0, 9, 0],
      [0, 0, 0, 0, 8, 0],
    ]);
    const { labels, islands } = findIslands(data, width, height, unitNoise(width * height), beam, { minpixIsl: 1 });
    expect(islands.map((i) => i.id)).toEqual([0, 1]);
    expect(Array.from(islands[0].pixels)).toEqual([7, 8]);
    expect(Array.from(islands[1].pixels)).toEqual([16, 22]);
    for (const island of islands) for (const i of island.pixels) expect(labels[i]).toBe(island.id + 1);
    expect(labels.filter((l) => l !== 0)).toHaveLength(4);
    expect(islands[1]).toMatchObject({ xMin: 4, xMax: 4, yMin: 2, yMax: 3, peakIndex: 16, peakValue: 9, rms: 1, mean: 0 });
    expect(islands[1].totalFlux.value).toBeCloseTo(17 / beam.areaPixels, 12);
    expect(islands[1].totalFlux.error).toBeCloseTo(Math.sqrt(2 / beam.areaPixels), 12);
  });

  it.each([8, 4] as const)('partitions random images exactly as a flood fill with %i-connectivity does', (connectivity) => {
    const rand = mulberry32(99);
    for (let trial = 0; trial < 20; trial++) {
      const width = 37;
      const height = 23;
      const data = Float32Array.from({ length: width * height }, () => (rand() < 0.45 ? 6 : 0));
      const { labels } = findIslands(data, width, height, unitNoise(width * height), beam, { minpixIsl: 1, connectivity });
      const reference = floodFill(data, width, height, 3, connectivity);
      // Same partition: a bijection between our labels and the reference's.
      const map = new Map<number, number>();
      for (let i = 0; i < labels.length; i++) {
        expect(labels[i] === 0).toBe(reference[i] === 0);
        if (!labels[i]) continue;
        if (!map.has(labels[i])) map.set(labels[i], reference[i]);
        expect(map.get(labels[i])).toBe(reference[i]);
      }
      expect(new Set(map.values()).size).toBe(map.size);
    }
  });
});

describe('defaultMinPixels', () => {
  it('is a third of the beam area in pixels, at least 6 (PyBDSF)', () => {
    expect(defaultMinPixels({ ...beam, areaPixels: 60 })).toBe(20);
    expect(defaultMinPixels({ ...beam, areaPixels: 17.6 })).toBe(6);
    expect(defaultMinPixels({ ...beam, areaPixels: 0.2 })).toBe(6);
  });
});

function floodFill(data: Float32Array, width: number, height: number, threshold: number, connectivity: 4 | 8): Int32Array {
  const labels = new Int32Array(width * height);
  let next = 0;
  for (let start = 0; start < data.length; start++) {
    if (labels[start] || !(data[start] >= threshold)) continue;
    next++;
    const stack = [start];
    labels[start] = next;
    while (stack.length) {
      const i = stack.pop()!;
      const x = i % width;
      const y = (i / width) | 0;
      for (let dy = -1; dy <= 1; dy++)
        for (let dx = -1; dx <= 1; dx++) {
          if (connectivity === 4 && dx !== 0 && dy !== 0) continue;
          const xx = x + dx;
          const yy = y + dy;
          if (xx < 0 || yy < 0 || xx >= width || yy >= height) continue;
          const j = yy * width + xx;
          if (!labels[j] && data[j] >= threshold) {
            labels[j] = next;
            stack.push(j);
          }
        }
    }
  }
  return labels;
}
