/**
 * Test (and benchmark) helpers for the cube component list:
 *  - a continuum catalog written with shared/catalog's writer from a fixture truth table
 *    (the cube fixture's sky is its own: the SE fixture draws a different one), and
 *  - a synthetic per-window cube with chosen components, built from the fixture generator's
 *    own pieces (header, beam-correlated noise, Gaussian painter) but with positions, fluxes,
 *    spectral indices, beams and grids set by the test.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeVlassCatalog } from '../../../shared/catalog/index.js';
import { FitsImageWriter, type FitsHeader } from '../../../shared/fits/index.js';
import type { CatalogContext, Component, Measured, Shape } from '../../../shared/sources/types.js';
import { CUBE_REFERENCE_FREQ_HZ, expectedBeamAt, spwFrequency } from '../../../fixtures/vlass/cube.js';
import { type Covariance, type Ellipse, addCovariance, covarianceOf, peakFromTotal } from '../../../fixtures/vlass/gaussian.js';
import { type Grid, centredGrid, phaseCentre, pixelToSky } from '../../../fixtures/vlass/grid.js';
import { productHeader } from '../../../fixtures/vlass/header.js';
import { PHASE_CENTRE, filnamTokens, productBase } from '../../../fixtures/vlass/names.js';
import { CorrelatedNoise } from '../../../fixtures/vlass/noise.js';
import { BlobPainter } from '../../../fixtures/vlass/paint.js';
import { Rng } from '../../../fixtures/vlass/random.js';

export const CUBE_STEM = productBase('cc');
export const SE_STEM = productBase('se');

/** A row of a fixture truth CSV (numbers by column name). */
export type TruthRow = Record<string, number>;

export function readTruth(path: string): TruthRow[] {
  const [head, ...rows] = readFileSync(path, 'utf8').trim().split('\n');
  const cols = head.split(',');
  return rows.map((r) => Object.fromEntries(r.split(',').map((v, i) => [cols[i], Number(v)])));
}

/** A catalog source as the continuum catalog gives it. */
export interface CatalogSource {
  raDeg: number;
  decDeg: number;
  /** Intrinsic (deconvolved) FWHM and PA; 0 for a point source. */
  majArcsec: number;
  minArcsec: number;
  paDeg: number;
  totalFluxJy: number;
  x?: number;
  y?: number;
  islId?: number;
}

/** Writes a VLASS SE-format catalog of these sources (ids 0..n-1) with shared/catalog's writer. */
export function writeContinuumCatalog(path: string, sources: readonly CatalogSource[]): void {
  const m = (value: number, error = 0): Measured => ({ value, error });
  const shape = (maj: number, min: number, pa: number): Shape => ({ maj: m(maj), min: m(min), pa: m(pa) });
  const components: Component[] = sources.map((s, i) => ({
    gausId: i,
    islId: s.islId ?? i,
    sourceId: i,
    waveId: 0,
    ra: m(s.raDeg, 1e-5),
    dec: m(s.decDeg, 1e-5),
    totalFlux: m(s.totalFluxJy),
    peakFlux: m(s.totalFluxJy),
    xPosn: m(s.x ?? 0),
    yPosn: m(s.y ?? 0),
    shape: shape(s.majArcsec / 3600, s.minArcsec / 3600, s.paDeg),
    shapeImagePlane: shape(s.majArcsec / 3600, s.minArcsec / 3600, s.paDeg),
    deconvolved: shape(s.majArcsec / 3600, s.minArcsec / 3600, s.paDeg),
    deconvolvedImagePlane: shape(s.majArcsec / 3600, s.minArcsec / 3600, s.paDeg),
    islTotalFlux: m(s.totalFluxJy),
    islRms: 1e-4,
    islMean: 0,
    residIslRms: 1e-4,
    residIslMean: 0,
    sCode: 'S',
    fitFlags: [],
    vlass: { obsDate: '2020/07/17T11:36:03.600000', tile: 'VLASS2.1.T10t01', pointing: PHASE_CENTRE, alpha: NaN, alphaErr: NaN, offsetRa: 0, offsetDec: 0 },
  }));
  const centre = phaseCentre(PHASE_CENTRE);
  const context: CatalogContext = {
    imageFile: `./${SE_STEM}.I.iter3`,
    referenceRaDeg: centre.raDeg,
    referenceDecDeg: centre.decDeg,
    beam: { majDeg: 2.88 / 3600, minDeg: 2.27 / 3600, paDeg: -10.4 },
    frequencyHz: 3e9,
    generator: 'cube-catalog test helper',
    createdAt: '2024-01-01T00:00:00.000000',
  };
  writeVlassCatalog(path, components, context);
}

/** Catalog sources from a cube truth table (sizes, fluxes at 3 GHz). */
export function truthSources(truth: readonly TruthRow[]): CatalogSource[] {
  return truth.map((t) => ({
    raDeg: t.ra_deg,
    decDeg: t.dec_deg,
    majArcsec: t.maj_arcsec,
    minArcsec: t.min_arcsec,
    paDeg: t.pa_deg,
    totalFluxJy: t.total_flux_jy,
    x: t.x,
    y: t.y,
  }));
}

/** An injected component of a synthetic cube, on the reference grid. */
export interface SynthSource {
  x: number;
  y: number;
  /** Total flux density at 3 GHz, Jy. */
  s0Jy: number;
  alpha: number;
  majArcsec?: number;
  minArcsec?: number;
  paDeg?: number;
}

export interface SynthWindow {
  spw: number;
  freqHz: number;
  file: string;
  beam: Ellipse;
  grid: Grid;
}

export interface SynthCubeSpec {
  size: number;
  seed?: number;
  /** Noise per window, Jy/beam: flat over the image unless noiseScale says otherwise. */
  noiseJy: number;
  /** Noise at pixel (x, y) relative to noiseJy, as a primary-beam correction raises it towards the edges (default 1). */
  noiseScale?: (x: number, y: number) => number;
  sources: readonly SynthSource[];
  spws?: readonly number[];
  /** Beam of a window (default spw2's real beam scaled as 1/f). */
  beamFor?: (spw: number, freqHz: number) => Ellipse;
  /** A window on another grid: CRPIX shifted by (dx, dy) and/or another size (same cell and CRVAL). */
  gridFor?: (spw: number) => { dx?: number; dy?: number; size?: number } | undefined;
  /** Last edits of a window's header (remove the beam, add VLASSRJ...). */
  editHeader?: (spw: number, header: FitsHeader) => void;
  /** Pixels set to NaN in a window (reference-grid coordinates). */
  blank?: (spw: number, x: number, y: number) => boolean;
}

export interface SynthCube {
  dir: string;
  stem: string;
  windows: SynthWindow[];
  /** Sky positions of the sources (from the reference grid). */
  sky: { raDeg: number; decDeg: number }[];
  /** True flux density of source i in window w (Jy). */
  trueFlux(i: number, freqHz: number): number;
  referenceGrid: Grid;
}

/**
 * Writes `<stem>.spwN.IQU.iter3.image.pbcor.tt0.subim.fits` for each spw: Stokes I = sources
 * (intrinsic Gaussian convolved with the window's beam, S0 (f / 3 GHz)^alpha) plus noise
 * correlated like that beam; Q and U = -0.3 x the sources plus their own noise (so reading the
 * wrong Stokes plane shows).
 */
export function writeSyntheticCube(dir: string, spec: SynthCubeSpec): SynthCube {
  const seed = spec.seed ?? 7;
  const cell = 0.6;
  const ref = centredGrid(spec.size, spec.size, cell, phaseCentre(PHASE_CENTRE));
  const sky = spec.sources.map((s) => pixelToSky(ref, s.x, s.y));
  const windows: SynthWindow[] = [];
  for (const spw of spec.spws ?? Array.from({ length: 16 }, (_, i) => i + 2)) {
    const freqHz = spwFrequency(spw);
    const beam = spec.beamFor?.(spw, freqHz) ?? expectedBeamAt(freqHz);
    const shift = spec.gridFor?.(spw) ?? {};
    const size = shift.size ?? spec.size;
    const dx = shift.dx ?? 0;
    const dy = shift.dy ?? 0;
    const grid: Grid = { ...ref, width: size, height: size, crpix1: ref.crpix1 + dx, crpix2: ref.crpix2 + dy };
    const beamCov = covarianceOf(beam, cell);
    const blobs = spec.sources.map((s) => ({ x: s.x + dx, y: s.y + dy, cov: imageCov(s, beamCov, cell) }));
    const amplitudes = spec.sources.map((s, i) => peakFromTotal(s.s0Jy * (freqHz / CUBE_REFERENCE_FREQ_HZ) ** s.alpha, blobs[i].cov, beamCov));
    const painter = new BlobPainter(size, size, blobs);
    const header = productHeader({
      grid,
      beam,
      freqHz,
      bandwidthHz: 128e6,
      bunit: 'Jy/beam',
      object: PHASE_CENTRE,
      filnam: filnamTokens('cc', [`spw${spw}`, 'IQU', 'iter3', 'image', 'tt0']),
      type: 'image',
      specmode: 'mfs',
      iter: 3,
      spw: String(spw),
      dateObs: '2020-07-17T11:36:03.600000',
      dateEnd: '2020-07-17T12:06:04.050001',
      note: `synthetic cube test window spw${spw}`,
    });
    spec.editHeader?.(spw, header);
    const file = join(dir, `${CUBE_STEM}.spw${spw}.IQU.iter3.image.pbcor.tt0.subim.fits`);
    const writer = new FitsImageWriter(file, { shape: [size, size, 1, 3], bitpix: -32, header });
    const row = new Float64Array(size);
    for (const [s, stokes] of ['I', 'Q', 'U'].entries()) {
      const noise = new CorrelatedNoise(size, beamCov, new Rng(seed, `test/spw${spw}/${stokes}`));
      const amps = amplitudes.map((a) => (s === 0 ? a : -0.3 * a));
      for (let y = 0; y < size; y++) {
        noise.next(row);
        for (let x = 0; x < size; x++) row[x] *= spec.noiseJy * (spec.noiseScale?.(x - dx, y - dy) ?? 1);
        painter.paint(row, y, amps);
        if (spec.blank) for (let x = 0; x < size; x++) if (spec.blank(spw, x - dx, y - dy)) row[x] = NaN;
        writer.write(row);
      }
    }
    writer.commit();
    windows.push({ spw, freqHz, file, beam, grid });
  }
  return {
    dir,
    stem: CUBE_STEM,
    windows,
    sky,
    trueFlux: (i, freqHz) => spec.sources[i].s0Jy * (freqHz / CUBE_REFERENCE_FREQ_HZ) ** spec.sources[i].alpha,
    referenceGrid: ref,
  };
}

function imageCov(s: SynthSource, beamCov: Covariance, cell: number): Covariance {
  if (!s.majArcsec) return beamCov;
  return addCovariance(covarianceOf({ majArcsec: s.majArcsec, minArcsec: s.minArcsec ?? s.majArcsec, paDeg: s.paDeg ?? 0 }, cell), beamCov);
}

/** Catalog sources for a synthetic cube's injected components. */
export function synthCatalogSources(cube: SynthCube, sources: readonly SynthSource[]): CatalogSource[] {
  return sources.map((s, i) => ({
    raDeg: cube.sky[i].raDeg,
    decDeg: cube.sky[i].decDeg,
    majArcsec: s.majArcsec ?? 0,
    minArcsec: s.minArcsec ?? s.majArcsec ?? 0,
    paDeg: s.paDeg ?? 0,
    totalFluxJy: s.s0Jy,
    x: s.x,
    y: s.y,
  }));
}
