/**
 * The one Cholesky of the fitters: solutions checked by their residual A x − b, the inverse's
 * diagonal against the closed-form 2 x 2 inverse, and the two ways a bad pivot is handled.
 */
import { describe, expect, it } from 'vitest';
import { choleskyInPlace, inverseDiagonal, solveFactored } from '../../../shared/linalg/cholesky.js';

/** A = Mᵀ M + I for a fixed pseudo-random M: symmetric positive definite. */
function spd(n: number, seed: number): Float64Array {
  let s = seed;
  const rand = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648) * 2 - 1;
  const m = Array.from({ length: n * n }, rand);
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      let sum = i === j ? 1 : 0;
      for (let k = 0; k < n; k++) sum += m[k * n + i] * m[k * n + j];
      a[i * n + j] = sum;
    }
  return a;
}

describe('choleskyInPlace and solveFactored', () => {
  it.each([1, 2, 6, 12])('solve A x = b to rounding for a %i x %i SPD matrix', (n) => {
    const a = spd(n, n);
    const b = Float64Array.from({ length: n }, (_, i) => i - n / 3);
    const l = Float64Array.from(a);
    expect(choleskyInPlace(l, n)).toEqual(new Array(n).fill(false));
    const x = new Float64Array(n);
    solveFactored(l, b, x, n);
    for (let i = 0; i < n; i++) {
      let r = -b[i];
      for (let j = 0; j < n; j++) r += a[i * n + j] * x[j];
      expect(Math.abs(r)).toBeLessThan(1e-12 * (1 + Math.abs(b[i])) * n);
    }
  });

  it('gives the diagonal of the inverse: [[4, 2], [2, 3]]⁻¹ = [[3, −2], [−2, 4]] / 8', () => {
    const l = Float64Array.from([4, 2, 2, 3]);
    choleskyInPlace(l, 2);
    const d = inverseDiagonal(l, 2);
    expect(d[0]).toBeCloseTo(3 / 8, 14);
    expect(d[1]).toBeCloseTo(4 / 8, 14);
  });

  it('refuses a matrix that is not positive definite unless asked to drop members', () => {
    expect(choleskyInPlace(Float64Array.from([1, 2, 2, 1]), 2)).toBeNull();
    // The second row is twice the first: with dropBelow the dependent member is dropped and,
    // its right-hand side zeroed, solves to 0, the other as if alone (2 x = 2).
    const l = Float64Array.from([2, 4, 4, 8]);
    expect(choleskyInPlace(l, 2, 1e-10)).toEqual([false, true]);
    const x = new Float64Array(2);
    solveFactored(l, Float64Array.from([2, 0]), x, 2);
    expect(x[0]).toBeCloseTo(1, 14);
    expect(x[1]).toBe(0);
  });
});
