/**
 * Condon (1997) errors: the closed forms for a point source, the 1/SNR scaling, and a Monte
 * Carlo check that they describe the actual scatter of our fits in beam-correlated noise.
 * A failure means the catalogue's E_* columns misstate the measurement uncertainty.
 */
import { describe, expect, it } from 'vitest';
import { condonErrors } from '../../../shared/sources/condon.js';
import { findSources } from '../../../shared/sources/index.js';
import { addGaussian, constantMap, correlatedNoise, sinHeader } from './synthetic.js';

const SQRT_8LN2 = Math.sqrt(8 * Math.LN2);

describe('condonErrors', () => {
  const beam = 4;
  const pointSource = (snr: number) => condonErrors({ peak: snr, rms: 1, fwhmMajor: beam, fwhmMinor: beam, beamFwhmMajor: beam, beamFwhmMinor: beam });

  it('gives the textbook point-source values: σ_A = rms, σ_θ/θ = 1/SNR, σ_x0 = σ_beam/SNR, σ_S/S = √3/SNR', () => {
    const e = pointSource(20);
    expect(e.peak).toBeCloseTo(1, 12);
    expect(e.fwhmMajor / beam).toBeCloseTo(1 / 20, 12);
    expect(e.fwhmMinor / beam).toBeCloseTo(1 / 20, 12);
    expect(e.alongMajor).toBeCloseTo(beam / SQRT_8LN2 / 20, 12);
    expect(e.totalRelative).toBeCloseTo(Math.sqrt(3) / 20, 12);
    expect(e.angleDeg).toBe(180); // a circle has no position angle
  });

  it('scales every relative error as 1/SNR', () => {
    const shape = { fwhmMajor: 6, fwhmMinor: 4.5, beamFwhmMajor: 4.2, beamFwhmMinor: 3.6 };
    const low = condonErrors({ ...shape, peak: 10, rms: 1 });
    const high = condonErrors({ ...shape, peak: 40, rms: 1 });
    expect(high.peak / 40 / (low.peak / 10)).toBeCloseTo(0.25, 12);
    for (const key of ['fwhmMajor', 'fwhmMinor', 'angleDeg', 'alongMajor', 'alongMinor', 'totalRelative'] as const)
      expect(high[key] / low[key]).toBeCloseTo(0.25, 12);
  });

  it('gives larger size errors for sources larger than the beam (fewer beams of signal per pixel)', () => {
    const point = condonErrors({ peak: 20, rms: 1, fwhmMajor: 4, fwhmMinor: 4, beamFwhmMajor: 4, beamFwhmMinor: 4 });
    const extended = condonErrors({ peak: 20, rms: 1, fwhmMajor: 8, fwhmMinor: 4, beamFwhmMajor: 4, beamFwhmMinor: 4 });
    expect(extended.fwhmMajor).toBeGreaterThan(point.fwhmMajor);
    expect(extended.angleDeg).toBeLessThan(180);
  });

  it('returns NaN for a degenerate input rather than a number', () => {
    expect(condonErrors({ peak: 5, rms: 0, fwhmMajor: 4, fwhmMinor: 4, beamFwhmMajor: 4, beamFwhmMinor: 4 }).peak).toBeNaN();
  });
});

describe('Condon errors against the scatter of repeated fits in beam-correlated noise', () => {
  it('predicts the scatter of position, peak and total flux to within ~25%', () => {
    const size = 48;
    const header = sinHeader({ width: size, height: size, cellArcsec: 0.6, bmajArcsec: 2.4, bminArcsec: 2.4 });
    const sigmaBeam = 2.4 / 0.6 / SQRT_8LN2;
    const trials = 150;
    const xs: number[] = [];
    const peaks: number[] = [];
    const totals: number[] = [];
    let predictedX = 0;
    let predictedPeak = 0;
    let predictedTotal = 0;
    for (let t = 0; t < trials; t++) {
      const data = correlatedNoise(size, size, 1, sigmaBeam, 1000 + t);
      addGaussian(data, size, size, { x: 23.3, y: 24.6, peak: 20, sigmaMajor: sigmaBeam, sigmaMinor: sigmaBeam, angle: 0 });
      const { components } = findSources({ data, width: size, height: size, wcs: header }, { rmsMap: constantMap(size * size, 1), quality: false });
      const c = components.reduce((a, b) => (b.peakFlux.value > a.peakFlux.value ? b : a));
      xs.push(c.xPosn.value);
      peaks.push(c.peakFlux.value);
      totals.push(c.totalFlux.value);
      predictedX += c.xPosn.error / trials;
      predictedPeak += c.peakFlux.error / trials;
      predictedTotal += c.totalFlux.error / trials;
    }
    const std = (v: number[]) => {
      const m = v.reduce((a, b) => a + b) / v.length;
      return Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / (v.length - 1));
    };
    // 150 trials pin each std to ~6%. Condon's correlated-noise formulas are approximate: in
    // 300-trial runs the position scatter is 1.15-1.3x the prediction, the peak 1.04-1.07x and
    // the total flux 0.91x. The bounds would catch a formula off by √2 or a beam/σ mix-up.
    expect(std(xs) / predictedX).toBeGreaterThan(1.0);
    expect(std(xs) / predictedX).toBeLessThan(1.45);
    expect(std(peaks) / predictedPeak).toBeGreaterThan(0.85);
    expect(std(peaks) / predictedPeak).toBeLessThan(1.25);
    expect(std(totals) / predictedTotal).toBeGreaterThan(0.75);
    expect(std(totals) / predictedTotal).toBeLessThan(1.1);
  });
});
