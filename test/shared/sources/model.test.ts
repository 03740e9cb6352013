/**
 * The sum-of-Gaussians model's analytic Jacobian against finite differences. A mismatch means
 * the normal equations point the fit the wrong way: slow or wrong convergence.
 */
import { describe, expect, it } from 'vitest';
import { GaussianSumProblem, IslandPixels } from '../../../shared/sources/model.js';

function grid(n: number, value: (x: number, y: number) => number): IslandPixels {
  const pixels = new IslandPixels();
  pixels.reset(n * n);
  for (let y = 0; y < n; y++)
    for (let x = 0; x < n; x++) {
      const k = y * n + x;
      pixels.x[k] = x;
      pixels.y[k] = y;
      pixels.value[k] = value(x, y);
      pixels.weight[k] = 1 + 0.1 * ((x + y) % 3);
    }
  return pixels;
}

describe('GaussianSumProblem', () => {
  const pixels = grid(14, (x, y) => Math.exp(-((x - 6.3) ** 2 + (y - 7.1) ** 2) / 8) + 0.4 * Math.exp(-((x - 9) ** 2 + (y - 4) ** 2) / 5));
  const problem = new GaussianSumProblem(pixels, 2, 0.9, 1.7);
  // Two components (internal units: amplitude / 0.9, sizes / 1.7), one elongated and turned.
  const p = Float64Array.from([6.1, 7.3, 1.05, 1.3, 0.9, 0.4, 9.2, 3.8, 0.5, 1.1, 0.8, 2.0]);

  it('has g = JᵀWr matching the central-difference gradient of χ² (dχ²/dp = −2g)', () => {
    const n = problem.size;
    const h = new Float64Array(n * n);
    const g = new Float64Array(n);
    problem.evaluate(p, h, g);
    for (let i = 0; i < n; i++) {
      const step = 1e-6;
      const up = Float64Array.from(p);
      const down = Float64Array.from(p);
      up[i] += step;
      down[i] -= step;
      const hu = new Float64Array(n * n);
      const gu = new Float64Array(n);
      const hd = new Float64Array(n * n);
      const gd = new Float64Array(n);
      const chiUp = problem.evaluate(up, hu, gu);
      const chiDown = problem.evaluate(down, hd, gd);
      expect((chiUp - chiDown) / (2 * step)).toBeCloseTo(-2 * g[i], 5);
    }
  });

  it('has H symmetric and equal to Jᵀ W J from finite-difference model columns', () => {
    const n = problem.size;
    const h = new Float64Array(n * n);
    problem.evaluate(p, h, new Float64Array(n));
    const columns: Float64Array[] = [];
    for (let i = 0; i < n; i++) {
      const up = Float64Array.from(p);
      const down = Float64Array.from(p);
      up[i] += 1e-6;
      down[i] -= 1e-6;
      const mu = Float64Array.from(problem.modelValues(up).subarray(0, pixels.count));
      const md = Float64Array.from(problem.modelValues(down).subarray(0, pixels.count));
      columns.push(mu.map((v, k) => (v - md[k]) / 2e-6));
    }
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) {
        let expected = 0;
        for (let k = 0; k < pixels.count; k++) expected += pixels.weight[k] * columns[i][k] * columns[j][k];
        expect(h[i * n + j]).toBeCloseTo(expected, 5);
        expect(h[i * n + j]).toBe(h[j * n + i]);
      }
  });

  it('returns NaN for a non-positive size instead of a meaningless χ²', () => {
    const bad = Float64Array.from(p);
    bad[3] = 0;
    expect(problem.evaluate(bad, new Float64Array(144), new Float64Array(12))).toBeNaN();
  });
});
