import { describe, expect, it } from 'vitest';
import { type FitComponent, type FitSettings, fitPlane, skyCovariance, solveSpd } from '../../../shared/cubecatalog/index.js';
import { madStd } from '../../../shared/stats/index.js';
import { Wcs } from '../../../shared/wcs/index.js';
import { type Ellipse, addCovariance, covarianceOf, peakFromTotal } from '../../../fixtures/vlass/gaussian.js';
import { type Grid, centredGrid, phaseCentre, pixelToSky } from '../../../fixtures/vlass/grid.js';
import { CorrelatedNoise } from '../../../fixtures/vlass/noise.js';
import { BlobPainter } from '../../../fixtures/vlass/paint.js';
import { Rng } from '../../../fixtures/vlass/random.js';

const SETTINGS: FitSettings = { fitRadiusFwhm: 1, blendRadiusFwhm: 3, minCoverage: 0.5 };
const BEAM: Ellipse = { majArcsec: 4.262, minArcsec: 3.352, paDeg: -10.4 };
const CELL = 0.6;

interface Injected {
  x: number;
  y: number;
  flux: number;
  shape?: Ellipse;
}

function gridWcs(grid: Grid): Wcs {
  return Wcs.fromHeader({
    NAXIS: 2,
    NAXIS1: grid.width,
    NAXIS2: grid.height,
    CTYPE1: 'RA---SIN',
    CTYPE2: 'DEC--SIN',
    CRVAL1: grid.raDeg,
    CRVAL2: grid.decDeg,
    CRPIX1: grid.crpix1,
    CRPIX2: grid.crpix2,
    CDELT1: -grid.cellArcsec / 3600,
    CDELT2: grid.cellArcsec / 3600,
  });
}

/** A plane with the sources painted by the fixture painter, plus beam-correlated noise of `sigma`. */
function plane(size: number, sources: Injected[], options: { sigma?: number; seed?: number; beam?: Ellipse; blank?: (x: number, y: number) => boolean } = {}) {
  const beam = options.beam ?? BEAM;
  const grid = centredGrid(size, size, CELL, phaseCentre('J000200-003000'));
  const beamCov = covarianceOf(beam, CELL);
  const blobs = sources.map((s) => ({ x: s.x, y: s.y, cov: s.shape ? addCovariance(covarianceOf(s.shape, CELL), beamCov) : beamCov }));
  const amplitudes = sources.map((s, i) => peakFromTotal(s.flux, blobs[i].cov, beamCov));
  const painter = new BlobPainter(size, size, blobs);
  const data = new Float32Array(size * size);
  const row = new Float64Array(size);
  const noise = options.sigma ? new CorrelatedNoise(size, beamCov, new Rng(options.seed ?? 1, 'fit-test')) : undefined;
  for (let y = 0; y < size; y++) {
    row.fill(0);
    if (noise) {
      noise.next(row);
      for (let x = 0; x < size; x++) row[x] *= options.sigma!;
    }
    painter.paint(row, y, amplitudes);
    if (options.blank) for (let x = 0; x < size; x++) if (options.blank(x, y)) row[x] = NaN;
    data.set(row, y * size);
  }
  const components: FitComponent[] = sources.map((s) => {
    const sky = pixelToSky(grid, s.x, s.y);
    return { raDeg: sky.raDeg, decDeg: sky.decDeg, intrinsic: s.shape ? skyCovariance(s.shape.majArcsec / 3600, s.shape.minArcsec / 3600, s.shape.paDeg) : { xx: 0, xy: 0, yy: 0 } };
  });
  return { data, width: size, height: size, wcs: gridWcs(grid), beam: skyCovariance(beam.majArcsec / 3600, beam.minArcsec / 3600, beam.paDeg), components, grid };
}

describe('fitPlane: amplitude-only least squares with position and shape fixed', () => {
  it('recovers the total flux of point, resolved and rotated components exactly without noise', () => {
    const sources: Injected[] = [
      { x: 30.3, y: 40.7, flux: 0.012 },
      { x: 90.6, y: 35.2, flux: 0.03, shape: { majArcsec: 8, minArcsec: 3, paDeg: 35 } },
      { x: 60.1, y: 100.9, flux: 0.005, shape: { majArcsec: 2, minArcsec: 2, paDeg: 0 } },
      { x: 110.5, y: 110.5, flux: 0.2, shape: { majArcsec: 12, minArcsec: 5, paDeg: -70 } },
    ];
    const p = plane(140, sources);
    const fit = fitPlane(p, p.components, SETTINGS);
    sources.forEach((s, i) => {
      expect(fit.status[i]).toBe('ok');
      expect(fit.flux[i] / s.flux).toBeCloseTo(1, 5);
      expect(fit.x[i]).toBeCloseTo(s.x, 6);
      expect(fit.y[i]).toBeCloseTo(s.y, 6);
    });
    expect(fit.groups).toBe(4);
  });

  it('fits a blend jointly: each member gets its own flux, the pair is not double counted', () => {
    // Two point sources 1.2 beam FWHM apart (8.5 pixels), fluxes 3:1.
    const sources: Injected[] = [
      { x: 60, y: 60, flux: 0.03 },
      { x: 68.5, y: 60, flux: 0.01 },
    ];
    const p = plane(120, sources);
    const joint = fitPlane(p, p.components, SETTINGS);
    expect(joint.groups).toBe(1);
    expect(joint.largestGroup).toBe(2);
    expect(joint.flux[0] / 0.03).toBeCloseTo(1, 5);
    expect(joint.flux[1] / 0.01).toBeCloseTo(1, 5);
    // Fitted one by one (blend radius ~0), each would take some of the other's light.
    const alone = fitPlane(p, p.components, { ...SETTINGS, blendRadiusFwhm: 1e-6 });
    expect(alone.groups).toBe(2);
    expect(alone.flux[1]).toBeGreaterThan(1.08 * 0.01);
    expect(alone.flux[0] + alone.flux[1]).toBeGreaterThan(1.02 * 0.04);
    // The joint errors are larger than the isolated ones: the blend's flux split is uncertain.
    expect(joint.unitError[1]).toBeGreaterThan(alone.unitError[1]);
  });

  it('gives NaN, not a crash, for components off the plane, on blanks or mostly off the data', () => {
    const sources: Injected[] = [
      { x: 50, y: 50, flux: 0.01 },
      { x: -40, y: 50, flux: 0.01 }, // far off the plane
      { x: 100.2, y: -1.5, flux: 0.01 }, // centre just off the edge: wings on the plane
      { x: 20, y: 90, flux: 0.01 }, // centre on a blanked patch
      { x: 79, y: 60, flux: 0.01 }, // its wings on a blank: measured
    ];
    const blank = (x: number, y: number) => (x - 20) ** 2 + (y - 90) ** 2 < 16 || (x > 82 && y > 55 && y < 65);
    const p = plane(110, sources, { blank });
    const fit = fitPlane(p, p.components, SETTINGS);
    expect(fit.status).toEqual(['ok', 'off-plane', 'off-plane', 'blank', 'ok']);
    expect(Number.isNaN(fit.flux[1]) && Number.isNaN(fit.flux[2]) && Number.isNaN(fit.flux[3])).toBe(true);
    expect(fit.flux[0] / 0.01).toBeCloseTo(1, 5);
    expect(fit.flux[4] / 0.01).toBeCloseTo(1, 5);
    // A sky position beyond the projection's horizon has no pixel at all.
    const nowhere = fitPlane(p, [{ raDeg: 180, decDeg: 60, intrinsic: { xx: 0, xy: 0, yy: 0 } }], SETTINGS);
    expect(nowhere.status).toEqual(['off-plane']);
    expect(nowhere.flux[0]).toBeNaN();
    // Less than minCoverage of the model on valid pixels: not measured.
    const half = plane(110, [{ x: 50, y: 50, flux: 0.01 }], { blank: (x, y) => y > 50 && !(x === 50 && y === 50) });
    expect(fitPlane(half, half.components, { ...SETTINGS, minCoverage: 0.6 }).status).toEqual(['low-coverage']);
    expect(fitPlane(half, half.components, { ...SETTINGS, minCoverage: 0.4 }).status).toEqual(['ok']);
  });

  it('drops a component whose model duplicates another (same position) instead of failing', () => {
    const p = plane(80, [{ x: 40, y: 40, flux: 0.02 }]);
    const twice = [p.components[0], p.components[0]];
    const fit = fitPlane(p, twice, SETTINGS);
    expect(fit.status).toEqual(['ok', 'degenerate']);
    expect(fit.flux[0] / 0.02).toBeCloseTo(1, 5);
    const { solution, dropped } = solveSpd(Float64Array.from([4, 2, 2, 1]), Float64Array.from([2, 1]), 2);
    expect(dropped).toEqual([false, true]);
    expect(solution[0]).toBeCloseTo(0.5, 12);
  });

  it('errors match the scatter of fluxes in beam-correlated noise (point and resolved, large and small beams)', () => {
    const shapes: (Ellipse | undefined)[] = [undefined, { majArcsec: 3, minArcsec: 2, paDeg: 40 }, { majArcsec: 8, minArcsec: 4, paDeg: -20 }];
    const sources: Injected[] = [];
    for (let i = 0; i < 4; i++) for (let j = 0; j < 3; j++) sources.push({ x: 25 + i * 40 + 0.3 * j, y: 30 + j * 50 + 0.37 * i, flux: 0, shape: shapes[j] });
    for (const beam of [BEAM, { majArcsec: 2.2, minArcsec: 1.7, paDeg: -10.4 }]) {
      const pulls: number[] = [];
      for (let seed = 1; seed <= 40; seed++) {
        const p = plane(180, sources, { sigma: 1, seed, beam });
        const fit = fitPlane(p, p.components, SETTINGS);
        const sigma = madStd(p.data, { excludeZeros: true });
        for (let i = 0; i < sources.length; i++) pulls.push(fit.flux[i] / (fit.unitError[i] * sigma));
      }
      const mean = pulls.reduce((a, b) => a + b, 0) / pulls.length;
      const std = Math.sqrt(pulls.reduce((a, b) => a + (b - mean) ** 2, 0) / (pulls.length - 1));
      expect(Math.abs(mean)).toBeLessThan(0.15);
      // 480 pulls: the std of a unit normal sample is known to about 3%.
      expect(std).toBeGreaterThan(0.85);
      expect(std).toBeLessThan(1.12);
    }
  });
});
