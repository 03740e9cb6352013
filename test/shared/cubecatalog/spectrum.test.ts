import { describe, expect, it } from 'vitest';
import { fitSpectralIndex } from '../../../shared/cubecatalog/index.js';

const NU0 = 3e9;
const FREQS = Array.from({ length: 16 }, (_, i) => 2.028e9 + 128e6 * i);
const SETTINGS = { referenceFreqHz: NU0, minSnr: 3, minPlanes: 3 };

/** Deterministic standard normals (Box-Muller on a fixed LCG), so failures reproduce. */
function normals(seed: number): () => number {
  let s = seed >>> 0;
  const u = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) + 0.5) / 4294967296;
  return () => Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u());
}

describe('fitSpectralIndex: weighted least squares of log10 S on log10(nu / nu0)', () => {
  it('an exact power law gives its alpha and S(nu0); the error is the fit covariance', () => {
    const flux = FREQS.map((f) => 0.02 * (f / NU0) ** -0.8);
    const error = flux.map((s) => s / 100);
    const fit = fitSpectralIndex(FREQS, flux, error, SETTINGS);
    expect(fit.alpha).toBeCloseTo(-0.8, 10);
    expect(fit.fluxAtReference).toBeCloseTo(0.02, 12);
    expect(fit.nPlanes).toBe(16);
    expect(fit.reducedChi2).toBeCloseTo(0, 10);
    // sigma_y = 0.01 / ln 10 at every plane: Var(alpha) = sigma_y^2 / sum (x - mean x)^2.
    const xs = FREQS.map((f) => Math.log10(f / NU0));
    const mean = xs.reduce((a, b) => a + b) / xs.length;
    const sxx = xs.reduce((a, x) => a + (x - mean) ** 2, 0);
    expect(fit.alphaError).toBeCloseTo(0.01 / Math.LN10 / Math.sqrt(sxx), 10);
  });

  it('planes below the S/N cut, negative or NaN are left out; too few planes give NaN', () => {
    const flux = FREQS.map((f) => 0.01 * (f / NU0) ** 0.5);
    const error = flux.map(() => 1e-3);
    flux[0] = -0.002;
    flux[1] = NaN;
    error[2] = 0.004; // S/N 2.6
    const fit = fitSpectralIndex(FREQS, flux, error, SETTINGS);
    expect(fit.nPlanes).toBe(13);
    expect(fit.alpha).toBeCloseTo(0.5, 10);
    const few = fitSpectralIndex(FREQS.slice(0, 4), [0.01, NaN, -1, 0.01], [1e-3, 1e-3, 1e-3, 1e-3], SETTINGS);
    expect(few.nPlanes).toBe(2);
    expect(few.alpha).toBeNaN();
    expect(few.alphaError).toBeNaN();
  });

  it('inflates the error by chi2/dof when the points scatter more than their errors say, never shrinks it', () => {
    const gauss = normals(3);
    const truth = FREQS.map((f) => 0.05 * (f / NU0) ** -0.7);
    // Real scatter 3% but quoted errors 1%: chi2/dof ~ 9.
    const flux = truth.map((s) => s * (1 + 0.03 * gauss()));
    const error = truth.map((s) => 0.01 * s);
    const fit = fitSpectralIndex(FREQS, flux, error, SETTINGS);
    expect(fit.reducedChi2).toBeGreaterThan(3);
    const noCut = fitSpectralIndex(FREQS, flux, error, { ...SETTINGS, minSnr: 0 });
    expect(noCut.alphaError).toBeCloseTo(fit.alphaError, 12);
    const xs = FREQS.map((f) => Math.log10(f / NU0));
    const mean = xs.reduce((a, b) => a + b) / xs.length;
    const sxx = xs.reduce((a, x) => a + (x - mean) ** 2, 0);
    const covarianceOnly = 0.01 / Math.LN10 / Math.sqrt(sxx);
    expect(fit.alphaError / covarianceOnly).toBeCloseTo(Math.sqrt(fit.reducedChi2), 1);
    // Errors honest (chi2/dof near 1 or below): no scaling.
    const exact = fitSpectralIndex(FREQS, truth, error, SETTINGS);
    expect(exact.alphaError).toBeCloseTo(covarianceOnly, 10);
  });

  it('alpha scatter over many noisy spectra matches E_Alpha (S/N 30 per plane)', () => {
    const gauss = normals(11);
    const pulls: number[] = [];
    for (let t = 0; t < 400; t++) {
      const alpha = -1.5 + 2.5 * (t / 400);
      const truth = FREQS.map((f) => 0.01 * (f / NU0) ** alpha);
      const sigma = 0.01 / 30;
      const flux = truth.map((s) => s + sigma * gauss());
      const fit = fitSpectralIndex(FREQS, flux, flux.map(() => sigma), SETTINGS);
      pulls.push((fit.alpha - alpha) / fit.alphaError);
    }
    const mean = pulls.reduce((a, b) => a + b) / pulls.length;
    const std = Math.sqrt(pulls.reduce((a, b) => a + (b - mean) ** 2, 0) / (pulls.length - 1));
    expect(Math.abs(mean)).toBeLessThan(0.2);
    expect(std).toBeGreaterThan(0.8);
    expect(std).toBeLessThan(1.15);
  });
});
