/**
 * The Levenberg–Marquardt solver on problems with known answers. A failure means Gaussian
 * fits may stop early, ignore bounds, or report convergence they did not reach.
 */
import { describe, expect, it } from 'vitest';
import { type LeastSquaresProblem, levenbergMarquardt, solveCholesky } from '../../../shared/sources/lm.js';

/** y = a·exp(−b·t) + c sampled at t = 0..n−1, with analytic derivatives. */
function decay(ts: number[], ys: number[], lower = [-Infinity, -Infinity, -Infinity], upper = [Infinity, Infinity, Infinity]): LeastSquaresProblem & { evaluations: number } {
  const problem = {
    size: 3,
    lower: Float64Array.from(lower),
    upper: Float64Array.from(upper),
    scale: Float64Array.from([1, 1, 1]),
    evaluations: 0,
    evaluate(p: Float64Array, h: Float64Array, g: Float64Array): number {
      problem.evaluations++;
      h.fill(0, 0, 9);
      g.fill(0, 0, 3);
      let chi2 = 0;
      ts.forEach((t, i) => {
        const e = Math.exp(-p[1] * t);
        const r = ys[i] - (p[0] * e + p[2]);
        const j = [e, -p[0] * t * e, 1];
        chi2 += r * r;
        for (let a = 0; a < 3; a++) {
          g[a] += j[a] * r;
          for (let b = 0; b < 3; b++) h[a * 3 + b] += j[a] * j[b];
        }
      });
      return chi2;
    },
  };
  return problem;
}

const ts = Array.from({ length: 30 }, (_, i) => i * 0.2);

describe('levenbergMarquardt', () => {
  it('recovers exact parameters from noiseless data and reports convergence', () => {
    const ys = ts.map((t) => 2.5 * Math.exp(-0.7 * t) + 0.3);
    const p = Float64Array.from([1, 0.1, 0]);
    const result = levenbergMarquardt(decay(ts, ys), p);
    expect(result.converged).toBe(true);
    expect(result.chi2).toBeLessThan(1e-20);
    expect(p[0]).toBeCloseTo(2.5, 8);
    expect(p[1]).toBeCloseTo(0.7, 8);
    expect(p[2]).toBeCloseTo(0.3, 8);
  });

  it('reaches the least-squares minimum on noisy data (gradient zero there)', () => {
    const ys = ts.map((t, i) => 2.5 * Math.exp(-0.7 * t) + 0.3 + 0.01 * Math.sin(7 * i));
    const problem = decay(ts, ys);
    const p = Float64Array.from([1, 0.1, 0]);
    const result = levenbergMarquardt(problem, p);
    expect(result.converged).toBe(true);
    const h = new Float64Array(9);
    const g = new Float64Array(3);
    problem.evaluate(p, h, g);
    for (let i = 0; i < 3; i++) expect(Math.abs(g[i])).toBeLessThan(1e-6);
  });

  it('stops on a bound the unconstrained minimum lies beyond, and converges there', () => {
    const ys = ts.map((t) => 2.5 * Math.exp(-0.7 * t) + 0.3);
    const p = Float64Array.from([1, 0.1, 0]);
    const result = levenbergMarquardt(decay(ts, ys, [-Infinity, -Infinity, -Infinity], [Infinity, 0.5, Infinity]), p);
    expect(result.converged).toBe(true);
    expect(p[1]).toBe(0.5);
    expect(result.iterations).toBeLessThan(100);
  });

  it('holds a parameter whose bounds meet fixed', () => {
    const ys = ts.map((t) => 2.5 * Math.exp(-0.7 * t) + 0.3);
    const p = Float64Array.from([1, 0.7, 0]);
    levenbergMarquardt(decay(ts, ys, [-Infinity, 0.7, -Infinity], [Infinity, 0.7, Infinity]), p);
    expect(p[1]).toBe(0.7);
    expect(p[0]).toBeCloseTo(2.5, 8);
  });

  it('reports not converged when the iteration cap is hit', () => {
    const ys = ts.map((t) => 2.5 * Math.exp(-0.7 * t) + 0.3);
    const p = Float64Array.from([1, 0.1, 0]);
    const result = levenbergMarquardt(decay(ts, ys), p, { maxIterations: 2 });
    expect(result).toMatchObject({ converged: false, outcome: 'max-iterations', iterations: 2 });
  });

  it('reports a model that cannot be evaluated at the start', () => {
    const problem = decay(ts, ts);
    problem.evaluate = () => NaN;
    expect(levenbergMarquardt(problem, Float64Array.from([1, 1, 1]))).toMatchObject({ converged: false, outcome: 'not-finite' });
  });
});

describe('solveCholesky', () => {
  it('solves a symmetric positive-definite system', () => {
    const a = Float64Array.from([4, 2, 0.6, 2, 5, 1, 0.6, 1, 3]);
    const x = new Float64Array(3);
    expect(solveCholesky(Float64Array.from(a), Float64Array.from([1, 2, 3]), x, 3)).toBe(true);
    for (let i = 0; i < 3; i++) expect(a[i * 3] * x[0] + a[i * 3 + 1] * x[1] + a[i * 3 + 2] * x[2]).toBeCloseTo([1, 2, 3][i], 12);
  });

  it('refuses a matrix that is not positive definite', () => {
    expect(solveCholesky(Float64Array.from([1, 2, 2, 1]), Float64Array.from([1, 1]), new Float64Array(2), 2)).toBe(false);
  });
});
