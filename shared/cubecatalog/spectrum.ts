/**
 * Spectral index of one component from its per-plane flux densities: a weighted straight-line
 * fit of y = log10 S against x = log10(ν / ν0),
 *   y = a + α x,  weights w = 1 / σ_y²,  σ_y = σ_S / (S ln 10)   (first-order error propagation),
 * over the planes with a finite S > 0 and S / σ_S >= minSnr. With Δ = Σw Σwx² − (Σwx)²,
 *   α = (Σw Σwxy − Σwx Σwy) / Δ,  Var(α) = Σw / Δ   (the fit covariance).
 * When the points scatter more than their errors allow (χ²/dof > 1, dof = N − 2 ≥ 1), the
 * variance is multiplied by χ²/dof (the Birge ratio), so E_Alpha is never smaller than the
 * scatter shows; below 1 it is left alone (errors are not shrunk on luck). Fewer than
 * `minPlanes` usable planes: α and its error are NaN (nPlanes still says how many there were).
 */

export interface SpectralSettings {
  /** ν0, Hz (VLASS: 3 GHz, the SE images' reference). */
  referenceFreqHz: number;
  minSnr: number;
  minPlanes: number;
}

export interface SpectralFit {
  alpha: number;
  alphaError: number;
  /** Planes used in the fit. */
  nPlanes: number;
  /** Fitted S(ν0), Jy (NaN without a fit). */
  fluxAtReference: number;
  /** χ² / dof of the fit (NaN when dof < 1). */
  reducedChi2: number;
}

export function fitSpectralIndex(freqHz: ArrayLike<number>, flux: ArrayLike<number>, error: ArrayLike<number>, settings: SpectralSettings): SpectralFit {
  const xs: number[] = [];
  const ys: number[] = [];
  const ws: number[] = [];
  for (let k = 0; k < freqHz.length; k++) {
    const s = flux[k];
    const e = error[k];
    if (!(Number.isFinite(s) && Number.isFinite(e) && s > 0 && e > 0 && s / e >= settings.minSnr)) continue;
    const sy = e / (s * Math.LN10);
    xs.push(Math.log10(freqHz[k] / settings.referenceFreqHz));
    ys.push(Math.log10(s));
    ws.push(1 / (sy * sy));
  }
  const n = xs.length;
  const none: SpectralFit = { alpha: NaN, alphaError: NaN, nPlanes: n, fluxAtReference: NaN, reducedChi2: NaN };
  if (n < Math.max(2, settings.minPlanes)) return none;
  let sw = 0;
  let sx = 0;
  let sy = 0;
  let sxx = 0;
  let sxy = 0;
  for (let k = 0; k < n; k++) {
    sw += ws[k];
    sx += ws[k] * xs[k];
    sy += ws[k] * ys[k];
    sxx += ws[k] * xs[k] * xs[k];
    sxy += ws[k] * xs[k] * ys[k];
  }
  const delta = sw * sxx - sx * sx;
  if (!(delta > 0)) return none; // every plane at one frequency
  const alpha = (sw * sxy - sx * sy) / delta;
  const a = (sxx * sy - sx * sxy) / delta;
  let chi2 = 0;
  for (let k = 0; k < n; k++) chi2 += ws[k] * (ys[k] - a - alpha * xs[k]) ** 2;
  const dof = n - 2;
  const reducedChi2 = dof >= 1 ? chi2 / dof : NaN;
  const variance = (sw / delta) * (reducedChi2 > 1 ? reducedChi2 : 1);
  return { alpha, alphaError: Math.sqrt(variance), nPlanes: n, fluxAtReference: 10 ** a, reducedChi2 };
}
