import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fitSpectralIndex } from '../../../shared/cubecatalog/index.js';

const NU0 = 3e9;
/** The 14 windows a VLASS cube keeps when cube QA rejects spw3 and spw11. */
const FREQS = [2, 4, 5, 6, 7, 8, 9, 10, 12, 13, 14, 15, 16, 17].map((spw) => 2.028e9 + 128e6 * (spw - 2));
const SETTINGS = { referenceFreqHz: NU0, minSnr: 3, minPlanes: 3 };

/** Deterministic standard normals (Box-Muller on a fixed LCG), so failures reproduce. */
function normals(seed: number): () => number {
  let s = seed >>> 0;
  const u = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) + 0.5) / 4294967296;
  return () => Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u());
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Fits of `count` noisy spectra S = A (nu/nu0)^alpha with per-plane noise A / snr. */
function simulate(count: number, alpha: number, snr: number, seed: number): { dAlpha: number[]; pulls: number[]; fitted: number } {
  const gauss = normals(seed);
  const dAlpha: number[] = [];
  const pulls: number[] = [];
  for (let t = 0; t < count; t++) {
    const sigma = 0.01 / snr;
    const flux = FREQS.map((f) => 0.01 * (f / NU0) ** alpha + sigma * gauss());
    const fit = fitSpectralIndex(FREQS, flux, flux.map(() => sigma), SETTINGS);
    if (!Number.isFinite(fit.alpha)) continue;
    dAlpha.push(fit.alpha - alpha);
    pulls.push(Math.abs(fit.alpha - alpha) / fit.alphaError);
  }
  return { dAlpha, pulls, fitted: dAlpha.length };
}

describe('fitSpectralIndex: power law S = A (nu/nu0)^alpha, least squares in linear space', () => {
  it('matches scipy curve_fit (absolute_sigma) on 60 noisy spectra: alpha, S(nu0), errors (scaled by chi2/dof above 1), chi2/dof', () => {
    // test/reference/spectrum_reference.py writes the oracle.
    const ref = JSON.parse(readFileSync('test/reference/spectrum_reference.json', 'utf8')) as {
      nu0: number;
      freqHz: number[];
      cases: { flux: (number | null)[]; error: number[]; amplitude: number; alpha: number; amplitudeError: number; alphaError: number; reducedChi2: number; nPlanes: number }[];
    };
    expect(ref.cases.length).toBe(60);
    for (const [i, c] of ref.cases.entries()) {
      const fit = fitSpectralIndex(ref.freqHz, c.flux.map((v) => v ?? NaN), c.error, { referenceFreqHz: ref.nu0, minSnr: 0, minPlanes: 3 });
      const birge = Math.sqrt(Math.max(1, c.reducedChi2));
      expect(fit.nPlanes, `case ${i}`).toBe(c.nPlanes);
      expect(fit.alpha, `case ${i}`).toBeCloseTo(c.alpha, 6);
      expect(fit.fluxAtReference / c.amplitude, `case ${i}`).toBeCloseTo(1, 6);
      expect(fit.reducedChi2 / c.reducedChi2, `case ${i}`).toBeCloseTo(1, 5);
      expect(fit.alphaError / (c.alphaError * birge), `case ${i}`).toBeCloseTo(1, 4);
      expect(fit.fluxAtReferenceError / (c.amplitudeError * birge), `case ${i}`).toBeCloseTo(1, 4);
    }
  });

  it('an exact power law gives its alpha and S(nu0) to full precision', () => {
    const flux = FREQS.map((f) => 0.02 * (f / NU0) ** -0.8);
    const fit = fitSpectralIndex(FREQS, flux, flux.map((s) => s / 100), SETTINGS);
    expect(fit.alpha).toBeCloseTo(-0.8, 10);
    expect(fit.fluxAtReference).toBeCloseTo(0.02, 12);
    expect(fit.nPlanes).toBe(14);
    expect(fit.reducedChi2).toBeCloseTo(0, 10);
  });

  it('uses every measured plane, negative and insignificant fluxes included; NaN planes are left out; too few planes give NaN', () => {
    const flux = FREQS.map((f) => 0.01 * (f / NU0) ** 0.5);
    const error = flux.map(() => 1e-3);
    flux[0] = -0.002;
    flux[1] = NaN;
    flux[2] = 0.0005; // S/N 0.5
    const fit = fitSpectralIndex(FREQS, flux, error, SETTINGS);
    expect(fit.nPlanes).toBe(13);
    expect(Number.isFinite(fit.alpha)).toBe(true);
    const few = fitSpectralIndex(FREQS.slice(0, 4), [0.01, NaN, NaN, 0.01], [1e-3, 1e-3, 1e-3, 1e-3], SETTINGS);
    expect(few.nPlanes).toBe(2);
    expect(few.alpha).toBeNaN();
    expect(few.alphaError).toBeNaN();
  });

  it('is unbiased at low S/N, where a log-space fit over the positive planes comes out too flat', () => {
    // Per-plane S/N 3 at nu0: a steep spectrum's high-frequency planes are often negative.
    for (const alpha of [-0.7, -1.5]) {
      const { dAlpha, fitted } = simulate(3000, alpha, 3, alpha === -0.7 ? 5 : 6);
      expect(fitted).toBeGreaterThan(2500);
      expect(Math.abs(median(dAlpha)), `alpha ${alpha}`).toBeLessThan(0.03);
    }
    // The censored log fit this replaces, on the same spectra: biased flat by far more.
    const gauss = normals(5);
    const logBias: number[] = [];
    for (let t = 0; t < 3000; t++) {
      const flux = FREQS.map((f) => 0.01 * (f / NU0) ** -1.5 + (0.01 / 3) * gauss());
      const keep = FREQS.map((f, k) => ({ x: Math.log(f / NU0), y: flux[k] })).filter((p) => p.y / (0.01 / 3) >= 3);
      if (keep.length < 3) continue;
      const mx = keep.reduce((a, p) => a + p.x, 0) / keep.length;
      const my = keep.reduce((a, p) => a + Math.log(p.y), 0) / keep.length;
      logBias.push(keep.reduce((a, p) => a + (p.x - mx) * (Math.log(p.y) - my), 0) / keep.reduce((a, p) => a + (p.x - mx) ** 2, 0) + 1.5);
    }
    expect(median(logBias)).toBeGreaterThan(0.1);
  });

  it('quoted errors match the scatter: median |alpha - truth| / E_Alpha near 0.674 (Gaussian) at per-plane S/N 5 and 50', () => {
    for (const [snr, seed] of [[5, 11], [50, 12]]) {
      const { pulls } = simulate(2000, -0.7, snr, seed);
      expect(median(pulls), `S/N ${snr}`).toBeGreaterThan(0.6);
      expect(median(pulls), `S/N ${snr}`).toBeLessThan(0.75);
    }
  });

  it('gives no alpha for an undetected source: S(nu0) under minSnr of its error (pure noise: at most a few percent)', () => {
    const gauss = normals(21);
    let fitted = 0;
    for (let t = 0; t < 1000; t++) {
      const flux = FREQS.map(() => 1e-3 * gauss());
      if (Number.isFinite(fitSpectralIndex(FREQS, flux, flux.map(() => 1e-3), SETTINGS).alpha)) fitted++;
    }
    expect(fitted).toBeLessThan(30);
  });

  it('inflates the error by sqrt(chi2/dof) when the points scatter more than their errors say, never shrinks it', () => {
    const gauss = normals(3);
    const truth = FREQS.map((f) => 0.05 * (f / NU0) ** -0.7);
    // Real scatter 3% but quoted errors 1%: chi2/dof ~ 9.
    const flux = truth.map((s) => s * (1 + 0.03 * gauss()));
    const fit = fitSpectralIndex(FREQS, flux, truth.map((s) => 0.01 * s), SETTINGS);
    expect(fit.reducedChi2).toBeGreaterThan(3);
    // The same spectrum with errors 10x larger: chi2/dof below 1, so its error is the bare
    // fit covariance, 10x the bare covariance of the first fit.
    const loose = fitSpectralIndex(FREQS, flux, truth.map((s) => 0.1 * s), SETTINGS);
    expect(loose.reducedChi2).toBeLessThan(1);
    expect(loose.alpha).toBeCloseTo(fit.alpha, 9);
    expect(fit.alphaError / (loose.alphaError / 10)).toBeCloseTo(Math.sqrt(fit.reducedChi2), 6);
  });
});
