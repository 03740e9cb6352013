/**
 * The whole finder on synthetic images with known answers: analytic Gaussians convolved with
 * the beam, in beam-correlated noise, on SIN grids (one rotated). A failure means catalogue
 * positions, fluxes, sizes or angles are wrong by more than the measurement errors allow.
 */
import { describe, expect, it } from 'vitest';
import { DataError } from '../../../shared/errors.js';
import { findSources } from '../../../shared/sources/index.js';
import { FWHM_PER_SIGMA, axesOf, covarianceOf, invert, transform } from '../../../shared/sources/ellipse.js';
import { beamInPixels, localSkyJacobian, skyCovariance } from '../../../shared/sources/image.js';
import type { Component } from '../../../shared/sources/types.js';
import { Wcs } from '../../../shared/wcs/index.js';
import { type TrueGaussian, addGaussian, constantMap, correlatedNoise, sinHeader } from './synthetic.js';

const SIZE = 96;
const RMS = 1e-4;
/** VLASS SE-like: 0.6" pixels, 3.0" x 2.4" beam at PA 30°. */
const header = sinHeader({ width: SIZE, height: SIZE, cellArcsec: 0.6, bmajArcsec: 3.0, bminArcsec: 2.4, bpaDeg: 30 });
const wcs = Wcs.fromHeader(header);
const beam = beamInPixels({ majDeg: 3.0 / 3600, minDeg: 2.4 / 3600, paDeg: 30 }, wcs, SIZE, SIZE);

/** The beam convolved with an intrinsic Gaussian (σ axes in pixels, angle CCW from +x). */
function observed(x: number, y: number, peakSnr: number, intrinsic?: { major: number; minor: number; angle: number }): TrueGaussian {
  const c = intrinsic ? covarianceOf(intrinsic.major, intrinsic.minor, intrinsic.angle) : { xx: 0, xy: 0, yy: 0 };
  const axes = axesOf({ xx: beam.cov.xx + c.xx, xy: beam.cov.xy + c.xy, yy: beam.cov.yy + c.yy });
  return { x, y, peak: peakSnr * RMS, sigmaMajor: axes.major, sigmaMinor: axes.minor, angle: axes.angle };
}

function find(sources: TrueGaussian[], seed: number, withNoise = true, hdr: Record<string, number | string> = header) {
  const data = withNoise ? correlatedNoise(SIZE, SIZE, RMS, beam.sigmaMinor, seed) : new Float32Array(SIZE * SIZE);
  for (const s of sources) addGaussian(data, SIZE, SIZE, s);
  return findSources({ data, width: SIZE, height: SIZE, wcs: hdr }, { rmsMap: constantMap(SIZE * SIZE, RMS) });
}

const totalFluxOf = (g: TrueGaussian) => (g.peak * g.sigmaMajor * g.sigmaMinor) / (beam.sigmaMajor * beam.sigmaMinor);
const nearest = (components: Component[], x: number, y: number) =>
  components.reduce((a, b) => (Math.hypot(b.xPosn.value - x, b.yPosn.value - y) < Math.hypot(a.xPosn.value - x, a.yPosn.value - y) ? b : a));

describe('a single isolated Gaussian at S/N 100', () => {
  const truth = observed(47.3, 50.6, 100, { major: 1.6, minor: 0.8, angle: 1.0 });
  const result = find([truth], 1);

  it('is one component in one island, labelled S, with no fit flags', () => {
    expect(result.islands).toHaveLength(1);
    expect(result.components).toHaveLength(1);
    expect(result.components[0]).toMatchObject({ gausId: 0, islId: 0, sourceId: 0, waveId: 0, sCode: 'S', fitFlags: [] });
  });

  it('has its position within 0.05 beam and within 3σ of its Condon errors', () => {
    const c = result.components[0];
    const offset = Math.hypot(c.xPosn.value - truth.x, c.yPosn.value - truth.y);
    expect(offset).toBeLessThan(0.05 * beam.fwhmMinor);
    expect(Math.abs(c.xPosn.value - truth.x)).toBeLessThan(3 * c.xPosn.error);
    expect(Math.abs(c.yPosn.value - truth.y)).toBeLessThan(3 * c.yPosn.error);
    const [ra, dec] = wcs.pixelToSky(c.xPosn.value, c.yPosn.value);
    expect(c.ra.value).toBe(ra);
    expect(c.dec.value).toBe(dec);
  });

  it('has its total flux within 2% (Jy, from peak x area / beam area) and within its error', () => {
    const c = result.components[0];
    const total = totalFluxOf(truth);
    expect(Math.abs(c.totalFlux.value / total - 1)).toBeLessThan(0.02);
    expect(Math.abs(c.totalFlux.value - total)).toBeLessThan(3 * c.totalFlux.error);
    expect(Math.abs(c.peakFlux.value - truth.peak)).toBeLessThan(3 * c.peakFlux.error);
  });

  it('has its sizes and PA within 3σ of their errors, on the sky and in the image plane', () => {
    const c = result.components[0];
    const cell = 0.6 / 3600;
    const majDeg = truth.sigmaMajor * FWHM_PER_SIGMA * cell;
    const minDeg = truth.sigmaMinor * FWHM_PER_SIGMA * cell;
    expect(Math.abs(c.shape.maj.value - majDeg)).toBeLessThan(3 * c.shape.maj.error);
    expect(Math.abs(c.shape.min.value - minDeg)).toBeLessThan(3 * c.shape.min.error);
    expect(Math.abs(c.shapeImagePlane.maj.value - majDeg)).toBeLessThan(3 * c.shapeImagePlane.maj.error);
    // Unrotated north-up grid: the image-plane PA (CCW from +y) is the sky PA (east of north).
    const paImage = (((truth.angle * 180) / Math.PI - 90) % 180 + 180) % 180;
    expect(Math.abs(c.shapeImagePlane.pa.value - paImage)).toBeLessThan(3 * c.shape.pa.error);
    expect(Math.abs(c.shape.pa.value - paImage)).toBeLessThan(3 * c.shape.pa.error);
  });

  it('has deconvolved sizes near the intrinsic ones', () => {
    const c = result.components[0];
    const cell = 0.6 / 3600;
    expect(c.deconvolved.maj.value / (1.6 * FWHM_PER_SIGMA * cell)).toBeGreaterThan(0.9);
    expect(c.deconvolved.maj.value / (1.6 * FWHM_PER_SIGMA * cell)).toBeLessThan(1.1);
    expect(c.deconvolved.min.value / (0.8 * FWHM_PER_SIGMA * cell)).toBeGreaterThan(0.75);
    expect(c.deconvolved.min.value / (0.8 * FWHM_PER_SIGMA * cell)).toBeLessThan(1.25);
  });

  it('reports the island statistics, the residual, the quality measures and the per-stage timings', () => {
    const c = result.components[0];
    expect(c.islRms).toBeCloseTo(RMS, 10);
    expect(c.islMean).toBe(0);
    expect(c.residIslRms).toBeLessThan(1.5 * RMS);
    expect(Math.abs(c.residIslMean)).toBeLessThan(RMS);
    expect(c.islTotalFlux.value / totalFluxOf(truth)).toBeGreaterThan(0.85); // only pixels above 3σ are summed
    expect(c.quality).toMatchObject({ nnDistArcsec: Infinity, qualityFlag: 0 });
    expect(c.quality!.peakToRing).toBeGreaterThan(5);
    expect(result.timings.map((t) => t.stage)).toEqual(['background', 'islands', 'fit', 'measure', 'quality']);
    for (const t of result.timings) expect(t.ms).toBeGreaterThanOrEqual(0);
    expect(result.islandMask[Math.round(c.yPosn.value) * SIZE + Math.round(c.xPosn.value)]).toBe(c.islId + 1);
  });
});

describe('two blended Gaussians in one island', () => {
  // 1.3 beam FWHM apart along x: one island, a dip of ~10σ between the peaks.
  const a = observed(40.2, 48.4, 60);
  const b = observed(40.2 + 1.3 * beam.fwhmMajor, 48.9, 40);
  const result = find([a, b], 2);

  it('is split into two components, each recovered', () => {
    expect(result.islands).toHaveLength(1);
    expect(result.components).toHaveLength(2);
    for (const truth of [a, b]) {
      const c = nearest(result.components, truth.x, truth.y);
      expect(Math.hypot(c.xPosn.value - truth.x, c.yPosn.value - truth.y)).toBeLessThan(0.1 * beam.fwhmMinor);
      // At S/N 40-60, σ_S/S ≈ √3/SNR ≈ 3-4%; blending adds covariance between the two.
      expect(Math.abs(c.totalFlux.value - totalFluxOf(truth))).toBeLessThan(3 * c.totalFlux.error);
      expect(Math.abs(c.totalFlux.value / totalFluxOf(truth) - 1)).toBeLessThan(0.1);
      expect(c.fitFlags).toEqual([]);
    }
    expect(result.components[0].peakFlux.value).toBeGreaterThan(result.components[1].peakFlux.value);
  });

  it('lists them as two sources of one island (S_Code C: the dip between them is deep)', () => {
    expect(result.components.map((c) => c.sCode)).toEqual(['C', 'C']);
    expect(new Set(result.components.map((c) => c.sourceId)).size).toBe(2);
    expect(new Set(result.components.map((c) => c.islId)).size).toBe(1);
    expect(result.components[0].quality!.nnDistArcsec).toBeCloseTo(result.components[1].quality!.nnDistArcsec, 9);
  });
});

describe('empty sky', () => {
  it('gives no islands and no components', () => {
    const result = find([], 3);
    expect(result.islands).toHaveLength(0);
    expect(result.components).toHaveLength(0);
    expect(result.islandMask.every((v) => v === 0)).toBe(true);
  });
});

describe('a point source', () => {
  it('fits the beam, and deconvolves to 0 x 0 (PA 0) as PyBDSF writes unresolved sources', () => {
    const result = find([observed(48, 47.5, 200)], 0, false);
    const c = result.components[0];
    expect(c.shape.maj.value * 3600).toBeCloseTo(3.0, 4);
    expect(c.shape.min.value * 3600).toBeCloseTo(2.4, 4);
    expect(c.shape.pa.value).toBeCloseTo(30, 3);
    expect(c.deconvolved.maj.value).toBe(0);
    expect(c.deconvolved.min.value).toBe(0);
    expect(c.deconvolved.pa.value).toBe(0);
    expect(c.deconvolvedImagePlane.maj.value).toBe(0);
    expect(c.totalFlux.value).toBeCloseTo(c.peakFlux.value, 6);
  });
});

describe('a rotated grid (PC matrix at 35°)', () => {
  it('reports the PA east of north from the local WCS orientation, not the pixel axes', () => {
    const rotated = sinHeader({ width: SIZE, height: SIZE, cellArcsec: 0.6, bmajArcsec: 2.4, bminArcsec: 2.4, rotationDeg: 35 });
    const rwcs = Wcs.fromHeader(rotated);
    // An elongated source with PA 60° east of north on the sky, drawn on the rotated grid.
    const sky = skyCovariance(6 / 3600, 2.4 / 3600, 60);
    const pixel = axesOf(transform(sky, invert(localSkyJacobian(rwcs, 48, 48))));
    const data = correlatedNoise(SIZE, SIZE, RMS, 1.7, 4);
    addGaussian(data, SIZE, SIZE, { x: 48, y: 48, peak: 80 * RMS, sigmaMajor: pixel.major, sigmaMinor: pixel.minor, angle: pixel.angle });
    const { components } = findSources({ data, width: SIZE, height: SIZE, wcs: rotated }, { rmsMap: constantMap(SIZE * SIZE, RMS) });
    expect(components).toHaveLength(1);
    const c = components[0];
    expect(Math.abs(c.shape.pa.value - 60)).toBeLessThan(3 * c.shape.pa.error);
    expect(c.shape.maj.value * 3600).toBeCloseTo(6, 0);
    // North on this grid, measured CCW from +y, independently of measure.ts:
    const [ra, dec] = rwcs.pixelToSky(48, 48);
    const [nx, ny] = rwcs.skyToPixel(ra, dec + 1e-4);
    const northFromY = (Math.atan2(-(nx - 48), ny - 48) * 180) / Math.PI;
    const expectedImagePa = (((60 + northFromY) % 180) + 180) % 180;
    expect(Math.abs(northFromY)).toBeGreaterThan(30);
    expect(Math.abs(c.shapeImagePlane.pa.value - expectedImagePa)).toBeLessThan(3 * c.shape.pa.error);
  });
});

describe('input checks', () => {
  it('takes a Wcs with an explicit beam, giving what the header gives', () => {
    const data = correlatedNoise(SIZE, SIZE, RMS, beam.sigmaMinor, 5);
    addGaussian(data, SIZE, SIZE, observed(40, 52, 50));
    const options = { rmsMap: constantMap(SIZE * SIZE, RMS) };
    const fromHeader = findSources({ data, width: SIZE, height: SIZE, wcs: header }, options).components;
    const fromWcs = findSources({ data, width: SIZE, height: SIZE, wcs, beam: { majDeg: 3.0 / 3600, minDeg: 2.4 / 3600, paDeg: 30 } }, options).components;
    expect(fromWcs).toEqual(fromHeader);
    expect(() => findSources({ data, width: SIZE, height: SIZE, wcs }, options)).toThrow(/give `beam` with a Wcs/);
  });

  it('refuses data whose length is not width x height, and images without a beam', () => {
    expect(() => findSources({ data: new Float32Array(10), width: 4, height: 4, wcs: header })).toThrow(DataError);
    const { BMAJ: _a, BMIN: _b, ...noBeam } = header;
    expect(() => findSources({ data: new Float32Array(16), width: 4, height: 4, wcs: noBeam })).toThrow(/no restoring beam/);
  });
});
