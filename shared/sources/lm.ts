/**
 * Levenberg–Marquardt non-linear least squares with box bounds, sized for Gaussian fitting
 * (6 parameters per component, a few tens at most).
 *
 * Minimises χ²(p) = Σᵢ wᵢ (dᵢ − mᵢ(p))². The problem evaluates, at any p, χ² together with the
 * normal-equation terms H = Jᵀ W J and g = Jᵀ W r (r = d − m, J = ∂m/∂p, W = diag w),
 * accumulated pixel by pixel so the n_pixels x n_params Jacobian is never stored.
 *
 * Each iteration solves (H + λ D) δ = g by Cholesky. D is Marquardt's diagonal scaling, the
 * running maximum of diag H as in MINPACK's lmder, so the damping does not depend on the
 * parameters' units; a column that vanishes (a Gaussian's angle while it is circular) gets a
 * small floor so the system stays definite and that parameter simply does not move.
 * Bounds are handled by an active set: a parameter sitting on a bound whose gradient points
 * out of the box is held fixed for the iteration (its row and column are dropped from the
 * system), and the step of the others is projected onto the box. Without the active set the
 * projected steps zig-zag along a bound and never meet the convergence tests. The step is
 * accepted when χ² decreases; λ follows Nielsen's (1999)
 * gain-ratio rule: on success λ ← λ·max(⅓, 1 − (2ρ − 1)³) with ρ = actual / predicted
 * reduction, on failure λ ← λ·ν, ν ← 2ν.
 *
 * Convergence, as MINPACK:
 *  - 'ftol': the actual and the predicted relative reductions of χ² are both <= ftol;
 *  - 'xtol': every |δᵢ| <= xtol · scaleᵢ (the problem's typical parameter scale);
 *  - 'gtol': the residual is orthogonal to every free parameter's Jacobian column to within
 *            gtol (|gᵢ| <= gtol · √(Hᵢᵢ χ²));
 *  - 'stalled': no step reduces χ² even with λ at its cap (a minimum to machine precision,
 *            possibly on a bound).
 * 'max-iterations' is the one outcome reported as not converged.
 */
import { choleskyInPlace, solveFactored } from '../linalg/cholesky.js';

export interface LeastSquaresProblem {
  /** Number of parameters. */
  readonly size: number;
  /** Bounds per parameter (±Infinity for none). */
  readonly lower: Float64Array;
  readonly upper: Float64Array;
  /** Typical magnitude of each parameter's changes, for the xtol test. */
  readonly scale: Float64Array;
  /**
   * χ² at p; fills h (size², row-major, both triangles) with JᵀWJ and g (size) with JᵀW r.
   * Returns NaN when the model cannot be evaluated at p.
   */
  evaluate(p: Float64Array, h: Float64Array, g: Float64Array): number;
}

export interface LmOptions {
  maxIterations?: number;
  ftol?: number;
  xtol?: number;
  gtol?: number;
}

export type LmOutcome = 'ftol' | 'xtol' | 'gtol' | 'stalled' | 'max-iterations' | 'not-finite';

export interface LmResult {
  chi2: number;
  iterations: number;
  converged: boolean;
  outcome: LmOutcome;
}

const LAMBDA_START = 1e-3;
const LAMBDA_CAP = 1e16;
/** Floor of D relative to its largest entry. */
const SCALING_FLOOR = 1e-10;

/** Reusable buffers for problems up to a given size. */
export class LmWorkspace {
  private capacity = 0;
  h = new Float64Array(0);
  g = new Float64Array(0);
  hTrial = new Float64Array(0);
  gTrial = new Float64Array(0);
  a = new Float64Array(0);
  step = new Float64Array(0);
  trial = new Float64Array(0);
  diag = new Float64Array(0);
  fixed = new Uint8Array(0);

  ensure(n: number): void {
    if (n <= this.capacity) return;
    this.capacity = n;
    this.h = new Float64Array(n * n);
    this.g = new Float64Array(n);
    this.hTrial = new Float64Array(n * n);
    this.gTrial = new Float64Array(n);
    this.a = new Float64Array(n * n);
    this.step = new Float64Array(n);
    this.trial = new Float64Array(n);
    this.diag = new Float64Array(n);
    this.fixed = new Uint8Array(n);
  }
}

/** Minimises the problem from p (updated in place, always within the bounds). */
export function levenbergMarquardt(problem: LeastSquaresProblem, p: Float64Array, options: LmOptions = {}, work = new LmWorkspace()): LmResult {
  const n = problem.size;
  const maxIterations = options.maxIterations ?? 200;
  const ftol = options.ftol ?? 1e-10;
  const xtol = options.xtol ?? 1e-8;
  const gtol = options.gtol ?? 1e-10;
  const { lower, upper, scale } = problem;
  work.ensure(n);
  let { h, g, hTrial, gTrial } = work;
  const { a, step, trial, diag, fixed } = work;

  for (let i = 0; i < n; i++) p[i] = clamp(p[i], lower[i], upper[i]);
  let chi2 = problem.evaluate(p, h, g);
  if (!Number.isFinite(chi2)) return { chi2, iterations: 0, converged: false, outcome: 'not-finite' };
  diag.fill(0, 0, n);
  let lambda = LAMBDA_START;
  let nu = 2;

  for (let iteration = 1; iteration <= maxIterations; iteration++) {
    // Active set: on a bound, and the descent direction (+g) points out of the box.
    for (let i = 0; i < n; i++) fixed[i] = (p[i] <= lower[i] && g[i] <= 0) || (p[i] >= upper[i] && g[i] >= 0) ? 1 : 0;
    if (chi2 === 0 || gradientOrthogonal(h, g, fixed, chi2, n, gtol)) return { chi2, iterations: iteration - 1, converged: true, outcome: 'gtol' };
    let dMax = 0;
    for (let i = 0; i < n; i++) {
      if (h[i * n + i] > diag[i]) diag[i] = h[i * n + i];
      if (diag[i] > dMax) dMax = diag[i];
    }
    for (let i = 0; i < n; i++) if (diag[i] < SCALING_FLOOR * dMax) diag[i] = SCALING_FLOOR * dMax;

    // Inner loop: raise λ until a step reduces χ².
    for (;;) {
      for (let k = 0; k < n * n; k++) a[k] = h[k];
      for (let i = 0; i < n; i++) a[i * n + i] += lambda * diag[i];
      for (let i = 0; i < n; i++) {
        if (!fixed[i]) continue;
        for (let j = 0; j < n; j++) a[i * n + j] = a[j * n + i] = 0;
        a[i * n + i] = 1;
      }
      for (let i = 0; i < n; i++) trial[i] = fixed[i] ? 0 : g[i];
      if (!solveCholesky(a, trial, step, n)) {
        if (!raise()) return { chi2, iterations: iteration, converged: true, outcome: 'stalled' };
        continue;
      }
      let maxRelStep = 0;
      for (let i = 0; i < n; i++) {
        trial[i] = clamp(p[i] + step[i], lower[i], upper[i]);
        step[i] = trial[i] - p[i];
        const rel = Math.abs(step[i]) / scale[i];
        if (rel > maxRelStep) maxRelStep = rel;
      }
      // Quadratic model: χ²(p + δ) ≈ χ² − 2 δ·g + δᵀ H δ.
      let predicted = 0;
      for (let i = 0; i < n; i++) {
        let hd = 0;
        for (let j = 0; j < n; j++) hd += h[i * n + j] * step[j];
        predicted += 2 * step[i] * g[i] - step[i] * hd;
      }
      const chi2Trial = problem.evaluate(trial, hTrial, gTrial);
      const actual = chi2 - chi2Trial;
      if (Number.isFinite(chi2Trial) && actual > 0) {
        const rho = predicted > 0 ? actual / predicted : 0;
        lambda *= Math.max(1 / 3, 1 - (2 * rho - 1) ** 3);
        nu = 2;
        p.set(trial.subarray(0, n));
        const previous = chi2;
        chi2 = chi2Trial;
        [h, hTrial] = [hTrial, h];
        [g, gTrial] = [gTrial, g];
        work.h = h;
        work.hTrial = hTrial;
        work.g = g;
        work.gTrial = gTrial;
        if (actual <= ftol * previous && Math.abs(predicted) <= ftol * previous) return { chi2, iterations: iteration, converged: true, outcome: 'ftol' };
        if (maxRelStep <= xtol) return { chi2, iterations: iteration, converged: true, outcome: 'xtol' };
        break;
      }
      if (maxRelStep <= xtol) return { chi2, iterations: iteration, converged: true, outcome: 'xtol' };
      if (!raise()) return { chi2, iterations: iteration, converged: true, outcome: 'stalled' };
    }
  }
  return { chi2, iterations: maxIterations, converged: false, outcome: 'max-iterations' };

  function raise(): boolean {
    lambda *= nu;
    nu *= 2;
    return lambda <= LAMBDA_CAP;
  }
}

function clamp(v: number, lo: number, hi: number): number {
  return v < lo ? lo : v > hi ? hi : v;
}

function gradientOrthogonal(h: Float64Array, g: Float64Array, fixed: Uint8Array, chi2: number, n: number, gtol: number): boolean {
  for (let i = 0; i < n; i++) {
    if (fixed[i]) continue;
    const norm = Math.sqrt(h[i * n + i] * chi2);
    if (norm > 0 && Math.abs(g[i]) > gtol * norm) return false;
  }
  return true;
}

/**
 * Solves A x = b for symmetric positive-definite A (n x n, row-major; overwritten by its
 * Cholesky factor). False when A is not numerically positive definite.
 */
export function solveCholesky(a: Float64Array, b: Float64Array, x: Float64Array, n: number): boolean {
  if (!choleskyInPlace(a, n)) return false;
  solveFactored(a, b, x, n);
  return true;
}
