/**
 * Cholesky factorisation of small dense symmetric positive-definite systems (n x n, row-major
 * Float64Array), for the normal equations of the fitters: the Levenberg–Marquardt steps of
 * the source finder (shared/sources/lm.ts) and the linear amplitude fits of the cube catalog
 * (shared/cubecatalog/fit.ts).
 */

/**
 * Factors A = L Lᵀ in place: the lower triangle of `a` becomes L (the upper is not used).
 *
 * Without `dropBelow`, a pivot that is not positive means A is not numerically positive
 * definite: the result is null. With it, a member whose pivot is not above `dropBelow` times
 * its diagonal (no data, or a combination of the others) is dropped instead: its row and
 * column of L become the identity's, so that with its right-hand side set to 0 a solve gives
 * it 0 and the others as if it were absent. The result flags the dropped members.
 */
export function choleskyInPlace(a: Float64Array, n: number, dropBelow?: number): boolean[] | null {
  const dropped = new Array<boolean>(n).fill(false);
  for (let j = 0; j < n; j++) {
    const diagonal = a[j * n + j];
    let pivot = diagonal;
    for (let k = 0; k < j; k++) pivot -= a[j * n + k] * a[j * n + k];
    if (dropBelow === undefined) {
      if (!(pivot > 0)) return null;
    } else if (!(diagonal > 0) || !(pivot > dropBelow * diagonal)) {
      dropped[j] = true;
      for (let k = 0; k < j; k++) a[j * n + k] = 0;
      a[j * n + j] = 1;
      for (let i = j + 1; i < n; i++) a[i * n + j] = 0;
      continue;
    }
    const ljj = Math.sqrt(pivot);
    a[j * n + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      let s = a[i * n + j];
      for (let k = 0; k < j; k++) s -= a[i * n + k] * a[j * n + k];
      a[i * n + j] = s / ljj;
    }
  }
  return dropped;
}

/** Solves L Lᵀ x = b with L from choleskyInPlace (forward, then back substitution). */
export function solveFactored(l: Float64Array, b: Float64Array, x: Float64Array, n: number): void {
  for (let i = 0; i < n; i++) {
    let s = b[i];
    for (let k = 0; k < i; k++) s -= l[i * n + k] * x[k];
    x[i] = s / l[i * n + i];
  }
  for (let i = n - 1; i >= 0; i--) {
    let s = x[i];
    for (let k = i + 1; k < n; k++) s -= l[k * n + i] * x[k];
    x[i] = s / l[i * n + i];
  }
}

/** diag(A⁻¹) from L: the column sums of squares of L⁻¹ (solve L w = e_j for each j). */
export function inverseDiagonal(l: Float64Array, n: number): Float64Array {
  const out = new Float64Array(n);
  const w = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    w.fill(0);
    for (let i = j; i < n; i++) {
      let s = i === j ? 1 : 0;
      for (let k = j; k < i; k++) s -= l[i * n + k] * w[k];
      w[i] = s / l[i * n + i];
    }
    for (let i = j; i < n; i++) out[j] += w[i] * w[i];
  }
  return out;
}
