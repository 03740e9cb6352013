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
import { componentsFromCatalog, readCatalog } from '../catalog/index.js';
import { DataError, InputMissingError } from '../errors.js';
import { PlaneReader, reopenPlanned } from '../cube/planeReader.js';
import type { Component } from '../sources/types.js';
import { type FloatArray, medianAndMad } from '../stats/index.js';
import { Wcs, headerSource } from '../wcs/index.js';
import { type CubeCatalogRow, type PlaneColumn, formatCubeCatalog, frequencyText } from './csv.js';
import { type CubePlane, type CubePlanes, skippedPlane } from './planes.js';
import { type FitComponent, type FitSettings, type FitStatus, fitPlane } from './fit.js';
import { type Cov2, ZERO_COV, skyCovariance } from './geometry.js';
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
  spectral: SpectralSettings;
  /** "create-cube-component-list 0.1.0 (commit)". */
  generator: string;
  onStage(stage: string, detail?: Record<string, unknown>): void;
  /** One call per plane, measured or skipped. */
  onPlane(plane: PlaneSummary, index: number, count: number): void;
  onWarning(message: string, detail?: Record<string, unknown>): void;
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
  const { ids, fitComponents, pointFallbacks } = catalogComponents(catalogPath);
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
      // After the fit: the MAD reorders the buffer.
      const sigma = medianAndMad(data, { consumeInput: true, excludeZeros: true }).madStd;
      for (let i = 0; i < n; i++) {
        if (fit.status[i] !== 'off-plane') onSomePlane[i] = 1;
        if (fit.status[i] !== 'ok' || !(sigma > 0)) {
          if (fit.status[i] !== 'ok') summary.notMeasured[fit.status[i] as Exclude<FitStatus, 'ok'>] = (summary.notMeasured[fit.status[i] as Exclude<FitStatus, 'ok'>] ?? 0) + 1;
          continue;
        }
        flux[i] = fit.flux[i];
        error[i] = fit.unitError[i] * sigma;
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
  const { fit, spectral } = options;
  const text = formatCubeCatalog({
    stem: input.stem,
    generator: options.generator,
    notes: [
      `Continuum catalog: ${basename(catalogPath)} (${n} components)`,
      `Cube QA: ${qaPath ? basename(qaPath) : 'none'}; planes with VLASSRJ = T in their header are skipped too`,
      `S_<plane>, E_S_<plane>: total flux density and 1-sigma error (Jy), linear least squares of the amplitude with position and deconvolved shape fixed, ` +
        `convolved with the plane's beam (fit radius ${fit.fitRadiusFwhm} FWHM, blends within ${fit.blendRadiusFwhm} FWHM fitted jointly); nan = not measured`,
      `Alpha_cube, E_Alpha_cube: weighted least squares of log10(S) on log10(nu / ${frequencyText(spectral.referenceFreqHz)} Hz) over planes with S > 0 and S/N >= ${spectral.minSnr} ` +
        `(at least ${spectral.minPlanes}); error from the fit covariance, scaled by chi2/dof when above 1; N_planes = planes used`,
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

/** The catalog's components as the fit needs them: ids and sky position, intrinsic (deconvolved) covariance. */
function catalogComponents(path: string): { ids: ComponentIds[]; fitComponents: FitComponent[]; pointFallbacks: number } {
  const components = componentsFromCatalog(readCatalog(path));
  const ids = components.map((c) => ({ gausId: c.gausId, islId: c.islId, raDeg: c.ra.value, decDeg: c.dec.value }));
  return { ids, ...toFitComponents(components) };
}

function toFitComponents(components: readonly Component[]): { fitComponents: FitComponent[]; pointFallbacks: number } {
  let pointFallbacks = 0;
  const fitComponents = components.map((c) => {
    const maj = c.deconvolved.maj.value;
    const min = c.deconvolved.min.value;
    const pa = c.deconvolved.pa.value;
    let intrinsic = ZERO_COV;
    if (!(Number.isFinite(maj) && Number.isFinite(min) && Number.isFinite(pa))) pointFallbacks++;
    else if (maj > 0 || min > 0) intrinsic = skyCovariance(Math.max(0, maj), Math.max(0, min), pa);
    return { raDeg: c.ra.value, decDeg: c.dec.value, intrinsic };
  });
  return { fitComponents, pointFallbacks };
}

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
