/**
 * The cube component list, top to bottom: the continuum catalog's components, the cube's
 * planes (with cube QA's rejections and VLASSRJ applied), then per kept plane: read it (one
 * plane alive at a time), fit every component's flux with position and shape fixed, measure
 * the plane's noise; then a spectral index per component, and the CSV. Pure of command-line
 * concerns: tools/create-cube-component-list/cli.ts maps flags and CAPO keys onto
 * `CubeCatalogOptions`.
 *
 * Memory: one plane buffer, allocated once and refilled in place for every plane, so a
 * 6202² float32 plane costs its 154 MB and nothing else of that size. The fit does not need
 * the noise σ (uniform weights), so the fit runs first and the MAD, which reorders the
 * buffer, afterwards.
 */
import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import { writeFileAtomic } from '../io/atomic.js';
import { componentsFromCatalog, readCatalogInSlices } from '../catalog/index.js';
import { DataError, InputMissingError } from '../errors.js';
import { PlaneReader, reopenPlanned } from '../cube/planeReader.js';
import type { Component } from '../sources/types.js';
import { type FloatArray, medianAndMad } from '../stats/index.js';
import { Wcs, headerSource, pixelScaleArcsec } from '../wcs/index.js';
import { type CubeCatalogRow, type PlaneColumn, formatCubeCatalog, frequencyText } from './csv.js';
import { type CubePlane, type CubePlanes, skippedPlane } from './planes.js';
import { type FitComponent, type FitSettings, type FitStatus, fitPlane } from './fit.js';
import { type Cov2, ZERO_COV, skyCovariance } from './geometry.js';
import { type NoiseMap, noiseMap } from './localNoise.js';
import { applyCubeQa, readCubeQa } from './qaResult.js';
import { type SpectralSettings, fitSpectralIndex } from './spectrum.js';
import { catalogOutputNames } from '../vlass/products.js';

export interface CubeCatalogOptions {
  outDir: string;
  /** The continuum catalog; default `<stem>.I.catalog.csv` (or the SE product's) beside the cube. */
  catalog?: string;
  /** The cube QA result; default `<stem>.qa.json` beside the cube when present. */
  qa?: string;
  fit: FitSettings;
  /** Which catalog components are modelled as point sources, and how each plane's local noise is mapped. */
  model: ModelSettings;
  spectral: SpectralSettings;
  /** "create-cube-component-list 0.1.0 (commit)". */
  generator: string;
  onStage(stage: string, detail?: Record<string, unknown>): void;
  /** One call per plane, measured or skipped. */
  onPlane(plane: PlaneSummary, index: number, count: number): void;
  onWarning(message: string, detail?: Record<string, unknown>): void;
}

export interface ModelSettings {
  /**
   * A component is resolved when its fitted major axis exceeds the restoring beam's extent
   * along it by more than this many times its error (E_Maj); otherwise it is measured as a
   * point source.
   */
  resolvedSigmas: number;
  /** Side of the boxes of the local noise map, in FWHMs of the plane's beam (major axis). */
  noiseBoxBeams: number;
}

export interface PlaneSummary {
  label: string;
  spw: number | null;
  planeIndex: number;
  file: string | null;
  freqHz: number | null;
  rejected: boolean;
  reasons: string[];
  beam: { majorArcsec: number; minorArcsec: number; positionAngleDeg: number } | null;
  /** MAD sigma of the plane's valid pixels, Jy/beam (null when skipped). */
  rmsJy: number | null;
  /** Components with a flux in this plane. */
  measured: number;
  /** Count of each reason a component was not measured. */
  notMeasured: Partial<Record<Exclude<FitStatus, 'ok'>, number>>;
  groups: number;
  largestGroup: number;
  seconds: number;
}

export interface CubeCatalogResult {
  product: string;
  mode: CubePlanes['mode'];
  catalog: string;
  qa: string | null;
  components: number;
  planes: PlaneSummary[];
  measuredPlanes: number;
  skippedPlanes: number;
  /** Components with a spectral index. */
  alphaFitted: number;
  /** Components whose catalog shape had no deconvolved size (fitted as point sources). */
  pointFallbacks: number;
  /** Components measured as point sources: not significantly resolved in the catalog, or with no deconvolved size. */
  pointSources: number;
  /** Components with a flux in at least one plane. */
  measuredComponents: number;
  /** Components outside every measured plane (the cube does not cover them): nan throughout. */
  offEveryPlane: number;
  output: string;
}

export function makeCubeCatalog(input: CubePlanes, options: CubeCatalogOptions): CubeCatalogResult {
  // Everything that can be wrong with the inputs is found before a pixel is read.
  options.onStage('reading catalog');
  const catalogPath = options.catalog ?? defaultCatalog(input);
  // Only ids, positions and intrinsic shapes are kept: the parsed catalog goes before the planes come.
  const { ids, fitComponents, pointFallbacks, pointSources } = catalogComponents(catalogPath, options.model.resolvedSigmas);
  if (pointFallbacks > 0) options.onWarning(`${pointFallbacks} component(s) of ${basename(catalogPath)} have no deconvolved size (DC_Maj/DC_Min/DC_PA); fitted as point sources`, { pointFallbacks });

  const qaPath = options.qa ?? defaultQa(input);
  if (qaPath) {
    const qa = readCubeQa(qaPath);
    if (qa.product !== null && qa.product !== input.stem) throw new DataError(`${qaPath}: cube QA result for ${qa.product}, not for ${input.stem}; pass the right --qa`);
    const { unlisted } = applyCubeQa(input.planes, qa);
    for (const p of unlisted) options.onWarning(`${p.label}: not in ${basename(qaPath)}; measured unless its header rejects it`, { plane: p.label });
  }
  for (const p of input.planes)
    if (!p.rejected && !p.beam) throw new DataError(`${p.file}: no BMAJ/BMIN beam keywords (and no BEAMS table); the flux fit needs each plane's restoring beam`);
  if (input.sharedHeaderBeam)
    options.onWarning(`${basename(input.planes[0].file)}: one header beam for ${input.planes.length} planes, taken as every plane's (a common-beam cube); fluxes are wrong if the planes keep their own beams`);

  options.onStage('measuring', { planes: input.planes.length, kept: input.planes.filter((p) => !p.rejected).length, components: ids.length });
  const n = ids.length;
  const columns: PlaneColumn[] = [];
  const fluxes: Float64Array[] = [];
  const errors: Float64Array[] = [];
  const summaries: PlaneSummary[] = [];
  const buffer = new PlaneReader();
  // Per component: measured in some kept plane; off every kept plane it was fitted on.
  const measuredSomewhere = new Uint8Array(ids.length);
  const onSomePlane = new Uint8Array(ids.length);
  const allPlanes = withMissing(input);
  allPlanes.forEach((plane, index) => {
    const start = performance.now();
    const flux = new Float64Array(n).fill(NaN);
    const error = new Float64Array(n).fill(NaN);
    const summary: PlaneSummary = {
      label: plane.label,
      spw: plane.spw,
      planeIndex: plane.planeIndex,
      file: plane.file || null,
      freqHz: Number.isFinite(plane.freqHz) ? plane.freqHz : null,
      rejected: plane.rejected,
      reasons: plane.reasons,
      beam: plane.beam,
      rmsJy: null,
      measured: 0,
      notMeasured: {},
      groups: 0,
      largestGroup: 0,
      seconds: 0,
    };
    if (!plane.rejected) {
      const { data, width, height, wcs } = readPlane(buffer, plane);
      const beam: Cov2 = skyCovariance(plane.beam!.majorArcsec / 3600, plane.beam!.minorArcsec / 3600, plane.beam!.positionAngleDeg);
      const fit = fitPlane({ data, width, height, wcs, beam }, fitComponents, options.fit);
      // Errors scale with the noise where each component is; the summary gives the plane's MAD sigma.
      const noise = planeNoiseMap(data, width, height, wcs, plane.beam!.majorArcsec, options.model.noiseBoxBeams);
      const sigma = medianAndMad(data, { consumeInput: true, excludeZeros: true }).madStd;
      for (let i = 0; i < n; i++) {
        if (fit.status[i] !== 'off-plane') onSomePlane[i] = 1;
        if (fit.status[i] !== 'ok' || !(sigma > 0)) {
          if (fit.status[i] !== 'ok') summary.notMeasured[fit.status[i] as Exclude<FitStatus, 'ok'>] = (summary.notMeasured[fit.status[i] as Exclude<FitStatus, 'ok'>] ?? 0) + 1;
          continue;
        }
        const local = noise.at(fit.x[i], fit.y[i]);
        flux[i] = fit.flux[i];
        error[i] = fit.unitError[i] * (local > 0 ? local : sigma);
        measuredSomewhere[i] = 1;
        summary.measured++;
      }
      summary.rmsJy = Number.isFinite(sigma) ? sigma : null;
      summary.groups = fit.groups;
      summary.largestGroup = fit.largestGroup;
    }
    summary.seconds = (performance.now() - start) / 1000;
    columns.push({ label: plane.label, freqHz: plane.freqHz, rejected: plane.rejected, note: planeNote(summary) });
    fluxes.push(flux);
    errors.push(error);
    summaries.push(summary);
    options.onPlane(summary, index, allPlanes.length);
  });
  buffer.release();

  options.onStage('fitting spectral indices');
  const kept = allPlanes.map((p, k) => ({ p, k })).filter(({ p }) => !p.rejected);
  const freqs = kept.map(({ p }) => p.freqHz);
  const rows: CubeCatalogRow[] = [];
  let alphaFitted = 0;
  const s = new Float64Array(kept.length);
  const e = new Float64Array(kept.length);
  for (let i = 0; i < n; i++) {
    kept.forEach(({ k }, j) => {
      s[j] = fluxes[k][i];
      e[j] = errors[k][i];
    });
    const spectrum = fitSpectralIndex(freqs, s, e, options.spectral);
    if (Number.isFinite(spectrum.alpha)) alphaFitted++;
    rows.push({
      ...ids[i],
      flux: fluxes.map((f) => f[i]),
      error: errors.map((f) => f[i]),
      alpha: spectrum.alpha,
      alphaError: spectrum.alphaError,
      nPlanes: spectrum.nPlanes,
    });
  }

  options.onStage('writing');
  const output = join(options.outDir, `${input.stem}.cube_catalog.csv`);
  const { fit, model, spectral } = options;
  const text = formatCubeCatalog({
    stem: input.stem,
    generator: options.generator,
    notes: [
      `Continuum catalog: ${basename(catalogPath)} (${n} components)`,
      `Cube QA: ${qaPath ? basename(qaPath) : 'none'}; planes with VLASSRJ = T in their header are skipped too`,
      `S_<plane>, E_S_<plane>: total flux density and 1-sigma error (Jy), linear least squares of the amplitude with position and deconvolved shape fixed, ` +
        `convolved with the plane's beam (fit radius ${fit.fitRadiusFwhm} FWHM, blends within ${fit.blendRadiusFwhm} FWHM fitted jointly; ` +
        `point source unless resolved by more than ${model.resolvedSigmas} E_Maj); error from the plane's local noise (MAD sigma in boxes of ${model.noiseBoxBeams} beams); nan = not measured`,
      `Alpha_cube, E_Alpha_cube: power law S = A (nu / ${frequencyText(spectral.referenceFreqHz)} Hz)^alpha fitted in linear space to every measured plane (weights 1/E_S^2, none censored), ` +
        `given when A has S/N >= ${spectral.minSnr} over at least ${spectral.minPlanes} planes; error from the fit covariance, scaled by chi2/dof when above 1; N_planes = planes used`,
    ],
    planes: columns,
    rows,
  });
  writeFileAtomic(output, text);
  return {
    product: input.stem,
    mode: input.mode,
    catalog: catalogPath,
    qa: qaPath ?? null,
    components: n,
    planes: summaries,
    measuredPlanes: summaries.filter((p) => !p.rejected).length,
    skippedPlanes: summaries.filter((p) => p.rejected).length,
    alphaFitted,
    pointFallbacks,
    pointSources,
    measuredComponents: measuredSomewhere.reduce((a, b) => a + b, 0),
    // Only meaningful when some plane was measured: then a component off all of them lies outside the cube.
    offEveryPlane: summaries.some((p) => !p.rejected) ? onSomePlane.reduce((a, b) => a + (b ? 0 : 1), 0) : 0,
    output,
  };
}

interface ComponentIds {
  gausId: number;
  islId: number;
  raDeg: number;
  decDeg: number;
}

/**
 * The catalog's components as the fit needs them: ids and sky position, intrinsic (deconvolved)
 * covariance. Read in slices, keeping only these, so the parsed rows never all sit in memory
 * next to the plane buffer (memory target: under two planes).
 */
function catalogComponents(path: string, resolvedSigmas: number): { ids: ComponentIds[]; fitComponents: FitComponent[]; pointFallbacks: number; pointSources: number } {
  const ids: ComponentIds[] = [];
  const fitComponents: FitComponent[] = [];
  let pointFallbacks = 0;
  let pointSources = 0;
  readCatalogInSlices(path, CATALOG_SLICE_ROWS, (slice) => {
    const components = componentsFromCatalog(slice);
    for (const c of components) ids.push({ gausId: c.gausId, islId: c.islId, raDeg: c.ra.value, decDeg: c.dec.value });
    const fit = toFitComponents(components, resolvedSigmas);
    fitComponents.push(...fit.fitComponents);
    pointFallbacks += fit.pointFallbacks;
    pointSources += fit.pointSources;
  });
  return { ids, fitComponents, pointFallbacks, pointSources };
}

/** Rows parsed at a time: small enough that each slice's objects die young. */
const CATALOG_SLICE_ROWS = 256;

function toFitComponents(components: readonly Component[], resolvedSigmas: number): { fitComponents: FitComponent[]; pointFallbacks: number; pointSources: number } {
  let pointFallbacks = 0;
  let pointSources = 0;
  const fitComponents = components.map((c) => {
    const maj = c.deconvolved.maj.value;
    const min = c.deconvolved.min.value;
    const pa = c.deconvolved.pa.value;
    let intrinsic = ZERO_COV;
    if (!(Number.isFinite(maj) && Number.isFinite(min) && Number.isFinite(pa))) pointFallbacks++;
    else if (isResolved(c, resolvedSigmas)) intrinsic = skyCovariance(Math.max(0, maj), Math.max(0, min), pa);
    if (intrinsic === ZERO_COV) pointSources++;
    return { raDeg: c.ra.value, decDeg: c.dec.value, intrinsic };
  });
  return { fitComponents, pointFallbacks, pointSources };
}

/**
 * Whether the continuum fit resolved a component significantly: its fitted major axis Maj
 * exceeds the beam's extent along that axis, sqrt(Maj² − DC_Maj²) (deconvolution subtracts
 * the beam's covariance), by more than `resolvedSigmas` × E_Maj. Deconvolved sizes are never
 * negative, so a point source's noisy fit leaves a positive DC_Maj about half the time; a model
 * that wide overestimates every plane's flux, more so where the beam is small.
 * Without a size error (E_Maj 0 or missing) any positive DC_Maj counts as resolved.
 */
export function isResolved(c: Pick<Component, 'shape' | 'deconvolved'>, resolvedSigmas: number): boolean {
  const dcMaj = c.deconvolved.maj.value;
  if (!(dcMaj > 0)) return false;
  const maj = c.shape.maj.value;
  const error = c.shape.maj.error;
  if (!(Number.isFinite(maj) && maj >= dcMaj && error > 0)) return true;
  return maj - Math.sqrt(maj * maj - dcMaj * dcMaj) > resolvedSigmas * error;
}

/**
 * The plane's local noise (localNoise.ts): boxes of `boxBeams` beam FWHMs, pixels sampled
 * every half FWHM (at least every other pixel): the noise is correlated over the beam, so
 * closer samples add little but time.
 */
function planeNoiseMap(data: FloatArray, width: number, height: number, wcs: Wcs, beamMajArcsec: number, boxBeams: number): NoiseMap {
  const scale = pixelScaleArcsec(wcs);
  const beamPixels = beamMajArcsec / Math.sqrt(scale.x * scale.y);
  const box = Math.max(MIN_NOISE_BOX, Math.round(boxBeams * beamPixels));
  return noiseMap(data, width, height, box, Math.max(2, Math.floor(beamPixels / 2)));
}

/** Smallest noise box, pixels: 256 samples even for tiny beams. */
const MIN_NOISE_BOX = 32;

/** `<stem>.I.catalog.csv` beside the cube, else the SE product's catalog of the same tile. */
function defaultCatalog(input: CubePlanes): string {
  const names = [catalogOutputNames(input.stem).catalog];
  if (input.stem.includes('.cc.')) names.push(catalogOutputNames(input.stem.replace('.cc.', '.se.')).catalog);
  const candidates = names.map((f) => join(input.dir, f));
  const found = candidates.find((c) => existsSync(c));
  if (!found) throw new InputMissingError(`no continuum catalog: looked for ${candidates.join(' and ')}; run create-component-list or pass --catalog`);
  return found;
}

function defaultQa(input: CubePlanes): string | undefined {
  const path = join(input.dir, `${input.stem}.qa.json`);
  return existsSync(path) ? path : undefined;
}

/** The product's planes, plus one placeholder per VLASS window with no file (a fixed column set). */
function withMissing(input: CubePlanes): CubePlane[] {
  const missing = input.missingSpws.map((spw) => skippedPlane('', spw, 'window file not found'));
  return [...input.planes, ...missing].sort((a, b) => (a.spw ?? 0) - (b.spw ?? 0) || a.planeIndex - b.planeIndex);
}

function planeNote(p: PlaneSummary): string {
  const clean = (s: string) => s.replace(/[\r\n]+/g, ' ');
  if (p.rejected) return `(${clean(p.reasons.join('; '))})`;
  const parts = [`file ${basename(p.file ?? '')}`];
  if (p.beam) parts.push(`beam ${p.beam.majorArcsec.toFixed(3)} x ${p.beam.minorArcsec.toFixed(3)} arcsec PA ${p.beam.positionAngleDeg.toFixed(2)} deg`);
  parts.push(`rms ${p.rmsJy === null ? 'nan' : p.rmsJy.toExponential(3)} Jy/beam`, `measured ${p.measured}`);
  return `(${parts.join(', ')})`;
}

/** The plane's pixels (a view of the reader's reusable buffer) and the WCS of its file. */
function readPlane(reader: PlaneReader, plane: CubePlane): { data: FloatArray; width: number; height: number; wcs: Wcs } {
  const file = reopenPlanned(plane.file, plane);
  try {
    const wcs = Wcs.fromHeader(headerSource(file.header));
    const { data, layout } = reader.plane(file, plane.indices);
    return { data, width: layout.width, height: layout.height, wcs };
  } finally {
    file.close();
  }
}
