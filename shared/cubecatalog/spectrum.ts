/**
 * Spectral index of one component from its per-plane flux densities: a power law
 *   S(ν) = A (ν / ν0)^α
 * fitted in linear space by weighted least squares (weights 1 / σ_S²) to every measured
 * plane, negative and insignificant fluxes included. Nothing is censored: a log-space fit
 * must drop planes with S <= 0, and for a steep faint spectrum those are the high-frequency
 * ones, so the planes it keeps there are the upward fluctuations and α comes out too flat
 * (docs/create-cube-component-list.md, "Spectral index").
 *
 * For a fixed α the model is linear in A, so A is profiled out:
 *   f_k = (ν_k / ν0)^α,  A(α) = Σ w f S / Σ w f²,  χ²(α) = Σ w (S − A(α) f)²,
 * and χ²(α) is minimised over α in [−ALPHA_LIMIT, ALPHA_LIMIT]: a grid of GRID_STEP finds the
 * global minimum's basin, golden-section search and Newton steps refine it. A minimum on the limit (no
 * spectral shape in the data) gives no α.
 *
 * Errors from the fit's covariance (the inverse of the Fisher matrix JᵀWJ, J the model's
 * derivatives in A and α); when the points scatter more than their errors allow (χ²/dof > 1,
 * dof = N − 2 ≥ 1) the variance is multiplied by χ²/dof (the Birge ratio), so E_Alpha is
 * never smaller than the scatter shows; below 1 it is left alone.
 *
 * No α (NaN) with fewer than `minPlanes` measured planes, or when the fitted S(ν0) is not
 * detected: A / σ_A below `minSnr` (the power law's amplitude over all planes together, not
 * a per-plane cut).
 */

export interface SpectralSettings {
  /** ν0, Hz (VLASS: 3 GHz, the SE images' reference). */
  referenceFreqHz: number;
  /** Least S/N of the fitted S(ν0) for an α to be given. */
  minSnr: number;
  minPlanes: number;
}

export interface SpectralFit {
  alpha: number;
  alphaError: number;
  /** Planes used in the fit (every plane with a finite flux and a positive error). */
  nPlanes: number;
  /** Fitted S(ν0), Jy, and its error (NaN without a fit). */
  fluxAtReference: number;
  fluxAtReferenceError: number;
  /** χ² / dof of the fit (NaN when dof < 1). */
  reducedChi2: number;
}

/** Spectral indices beyond this are not physical for continuum sources; a minimum there is no minimum. */
const ALPHA_LIMIT = 8;
const GRID_STEP = 0.05;
const TOLERANCE = 1e-7;
const GOLDEN = (Math.sqrt(5) - 1) / 2;

export function fitSpectralIndex(freqHz: ArrayLike<number>, flux: ArrayLike<number>, error: ArrayLike<number>, settings: SpectralSettings): SpectralFit {
  const logNu: number[] = [];
  const s: number[] = [];
  const w: number[] = [];
  for (let k = 0; k < freqHz.length; k++) {
    const e = error[k];
    if (!(Number.isFinite(flux[k]) && Number.isFinite(e) && e > 0 && freqHz[k] > 0)) continue;
    logNu.push(Math.log(freqHz[k] / settings.referenceFreqHz));
    s.push(flux[k]);
    w.push(1 / (e * e));
  }
  const n = s.length;
  const none: SpectralFit = { alpha: NaN, alphaError: NaN, nPlanes: n, fluxAtReference: NaN, fluxAtReferenceError: NaN, reducedChi2: NaN };
  if (n < Math.max(2, settings.minPlanes)) return none;
  if (Math.max(...logNu) - Math.min(...logNu) <= 0) return none; // every plane at one frequency

  const profile = (alpha: number) => profileChi2(alpha, logNu, s, w);
  const alpha = polish(minimise(profile), logNu, s, w);
  if (!(Math.abs(alpha) < ALPHA_LIMIT - GRID_STEP)) return none;
  const { amplitude, chi2 } = profile(alpha);

  // Fisher matrix of (A, α): ∂S/∂A = f, ∂S/∂α = A f ln(ν/ν0).
  let faa = 0;
  let fab = 0;
  let fbb = 0;
  for (let k = 0; k < n; k++) {
    const f = Math.exp(alpha * logNu[k]);
    const dA = f;
    const dAlpha = amplitude * f * logNu[k];
    faa += w[k] * dA * dA;
    fab += w[k] * dA * dAlpha;
    fbb += w[k] * dAlpha * dAlpha;
  }
  const det = faa * fbb - fab * fab;
  if (!(det > 0)) return none;
  const dof = n - 2;
  const reducedChi2 = dof >= 1 ? chi2 / dof : NaN;
  const birge = reducedChi2 > 1 ? reducedChi2 : 1;
  const amplitudeError = Math.sqrt((fbb / det) * birge);
  if (!(amplitude > 0 && amplitude >= settings.minSnr * amplitudeError)) return { ...none, fluxAtReference: amplitude, fluxAtReferenceError: amplitudeError, reducedChi2 };
  return { alpha, alphaError: Math.sqrt((faa / det) * birge), nPlanes: n, fluxAtReference: amplitude, fluxAtReferenceError: amplitudeError, reducedChi2 };
}

/**
 * Newton steps on dχ²/dα = 0 of the profile from the golden-section estimate, to full
 * precision. With A = A(α) profiled, dχ²/dα = −2 Σ w r A f ln ν', r = S − A f; the Gauss-Newton
 * curvature Σ w (A f ln ν')² − (Σ w A f² ln ν')² / Σ w f² stands in for the second derivative.
 * A step that does not lower χ² is not taken.
 */
function polish(alpha: number, logNu: readonly number[], s: readonly number[], w: readonly number[]): number {
  for (let iteration = 0; iteration < 5; iteration++) {
    const { amplitude, chi2 } = profileChi2(alpha, logNu, s, w);
    let gradient = 0;
    let curvature = 0;
    let cross = 0;
    let wff = 0;
    for (let k = 0; k < s.length; k++) {
      const f = Math.exp(alpha * logNu[k]);
      const d = amplitude * f * logNu[k];
      gradient -= w[k] * (s[k] - amplitude * f) * d;
      curvature += w[k] * d * d;
      cross += w[k] * f * d;
      wff += w[k] * f * f;
    }
    const reduced = curvature - (cross * cross) / wff;
    if (!(reduced > 0)) return alpha;
    const next = alpha - gradient / reduced;
    if (!(profileChi2(next, logNu, s, w).chi2 <= chi2)) return alpha;
    if (Math.abs(next - alpha) < 1e-13) return next;
    alpha = next;
  }
  return alpha;
}

/**
 * χ² of the best amplitude for a given α, and that amplitude. χ² is summed from the
 * residuals, not as Σ w S² − (Σ w f S)² / Σ w f², whose cancellation at high S/N would lose the
 * digits the minimisation needs.
 */
function profileChi2(alpha: number, logNu: readonly number[], s: readonly number[], w: readonly number[]): { chi2: number; amplitude: number } {
  let wff = 0;
  let wfs = 0;
  for (let k = 0; k < s.length; k++) {
    const f = Math.exp(alpha * logNu[k]);
    wff += w[k] * f * f;
    wfs += w[k] * f * s[k];
  }
  const amplitude = wfs / wff;
  let chi2 = 0;
  for (let k = 0; k < s.length; k++) chi2 += w[k] * (s[k] - amplitude * Math.exp(alpha * logNu[k])) ** 2;
  return { chi2, amplitude };
}

/** The α of least χ²: the best grid point, then golden-section search between its neighbours. */
function minimise(profile: (alpha: number) => { chi2: number }): number {
  let best = -ALPHA_LIMIT;
  let bestChi2 = Infinity;
  for (let a = -ALPHA_LIMIT; a <= ALPHA_LIMIT + 1e-9; a += GRID_STEP) {
    const c = profile(a).chi2;
    if (c < bestChi2) {
      bestChi2 = c;
      best = a;
    }
  }
  let lo = Math.max(-ALPHA_LIMIT, best - GRID_STEP);
  let hi = Math.min(ALPHA_LIMIT, best + GRID_STEP);
  let x1 = hi - GOLDEN * (hi - lo);
  let x2 = lo + GOLDEN * (hi - lo);
  let f1 = profile(x1).chi2;
  let f2 = profile(x2).chi2;
  while (hi - lo > TOLERANCE) {
    if (f1 <= f2) {
      hi = x2;
      x2 = x1;
      f2 = f1;
      x1 = hi - GOLDEN * (hi - lo);
      f1 = profile(x1).chi2;
    } else {
      lo = x1;
      x1 = x2;
      f1 = f2;
      x2 = lo + GOLDEN * (hi - lo);
      f2 = profile(x2).chi2;
    }
  }
  return (lo + hi) / 2;
}
