/**
 * The SE component list, top to bottom: read the detection image and its companions (checked
 * to share its grid before a pixel is read), find the components, add the VLASS columns,
 * write the catalog and the files viewers and CASA users want. Pure of command-line concerns:
 * tools/create-component-list/cli.ts only maps flags and CAPO keys onto `ComponentListOptions`.
 */
import { statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { sourcesFromGaussians, writeCasaComponentListScript, writeCrtfRegions, writeDs9Regions, writeGaussianList, writeSourceList, writeVlassCatalog } from '../catalog/index.js';
import { DataError } from '../errors.js';
import { writeFitsImage } from '../fits/index.js';
import { openPixelSampler, readPlaneHeader, readSinglePlane, type ImagePlane } from '../vlass/image.js';
import { type DiscoveredProduct } from '../vlass/index.js';
import { findSources, type FindSourcesOptions, type StageTiming } from '../sources/index.js';
import type { CatalogContext, Component, RestoringBeam } from '../sources/types.js';
import { type Beam, beamFromHeader, headerSource, Wcs } from '../wcs/index.js';
import type { ProductName } from '../vlass/naming.js';
import { catalogOutputNames } from '../vlass/products.js';
import { addVlassColumns } from './vlassColumns.js';
import { writeMaps } from './maps.js';

export interface ComponentListOptions {
  outDir: string;
  finder: FindSourcesOptions;
  /** Use the product's rms image as the noise map (else measure one on the rms_box grid). */
  useRmsImage: boolean;
  casaScript: boolean;
  islandMask: boolean;
  /** Also write the rms and mean maps, the Gaussian model and the residual (maps.ts). */
  writeMaps?: boolean;
  /** Write the Gaussian list of a general image (default true; a VLASS catalog is always written). */
  gaussianList?: boolean;
  /** Also write the source list, `<stem>.srl.csv` (catalog/sourceList.ts). */
  sourceList?: boolean;
  /** PyBDSF group_by_isl: every island's Gaussians form one source. */
  groupByIsland?: boolean;
  /** "create-component-list 0.1.0 (commit)". */
  generator: string;
  /** Stage transitions and per-stage timings go here (the tool logs them). */
  onStage(stage: string, detail?: Record<string, unknown>): void;
  onWarning(message: string, detail?: Record<string, unknown>): void;
  /** The restoring beam to use instead of the header's (`--beam`). */
  beam?: Beam;
}

export interface ComponentListResult {
  product: string;
  detectionImage: string;
  /** 'vlass': the VLASS SE catalog; 'gaussian list': PyBDSF's Gaussian list of any other image. */
  catalogKind: 'vlass' | 'gaussian list';
  rmsSource: 'rms image' | 'measured' | 'constant';
  /** rms_box [box, step] when the background was measured (given, or PyBDSF's rule), and adaptive_rms_box's small box. */
  rmsBox?: readonly [number, number];
  rmsBoxBright?: readonly [number, number];
  /** The background mean used: zero, one constant, or a map ('default' decides between the last two). */
  meanMap: 'zero' | 'const' | 'map' | 'given';
  components: number;
  islands: number;
  /** Components whose fit did not succeed cleanly: kept, flagged, listed here. */
  flaggedFits: { gausId: number; islId: number; flags: string[] }[];
  minpixIsl: number;
  timings: StageTiming[];
  outputs: string[];
}

/**
 * A VLASS SE product (found by name) gets the VLASS catalog, `<stem>.I.catalog.csv`, with the
 * spectral index sampled at each component. Any other image gets a general PyBDSF Gaussian
 * list, `<stem>.gaul.csv`, and region files beside it (the VLASS columns need the tile, epoch
 * and phase centre that only a VLASS name gives).
 */
export function makeComponentList(product: DiscoveredProduct, options: ComponentListOptions): ComponentListResult {
  const files = product.files;
  const vlass = product.name;

  options.onStage('reading', { image: files.image });
  const image = readSinglePlane(files.image, vlass ? 'tt0 pbcor image' : 'detection image');
  const header = headerSource(image.header);
  const beam = options.beam ?? beamFromHeader(header);
  if (!beam) throw new DataError(`${files.image}: no BMAJ/BMIN beam keywords; the finder needs the restoring beam: give it with --beam MAJ,MIN,PA (arcsec, arcsec, degrees)`);
  const rms = options.useRmsImage && files.rms ? readSinglePlane(files.rms, 'rms image', image) : undefined;
  if (vlass) {
    // The spectral index images are checked now and read later, only at the components' pixels.
    if (files.alpha) readPlaneHeader(files.alpha, 'alpha image', image);
    if (files.alphaError) readPlaneHeader(files.alphaError, 'alpha.error image', image);
    const missing = [files.alpha ? null : 'alpha', files.alphaError ? null : 'alpha.error'].filter((m) => m !== null);
    if (missing.length)
      options.onWarning(`no ${missing.join(' or ')} image beside ${basename(files.image)}: the catalog's ${files.alpha ? 'AlphaErr column is' : files.alphaError ? 'Alpha column is' : 'Alpha and AlphaErr columns are'} nan`, { missing });
  } else if (files.alpha || files.alphaError) {
    options.onWarning(`${basename(files.image)} is not a VLASS SE product: its Gaussian list has no Alpha columns, so the spectral index images are not read`);
  }

  options.onStage('finding');
  const restoring: RestoringBeam = { majDeg: beam.majorArcsec / 3600, minDeg: beam.minorArcsec / 3600, paDeg: beam.positionAngleDeg };
  const wcs = Wcs.fromHeader(header);
  const found = findSources(
    { data: image.data, width: image.width, height: image.height, wcs, beam: restoring },
    { ...options.finder, ...(rms ? { rmsMap: rms.data } : {}) },
  );
  for (const t of found.timings) options.onStage(`finding: ${t.stage}`, { ms: Math.round(t.ms) });
  if (options.groupByIsland) groupByIsland(found.components);

  options.onStage('writing');
  const names = vlass ? catalogOutputNames(product.stem) : gaussianListNames(product.stem);
  const path = (name: string) => join(options.outDir, name);
  const outputs: string[] = [];
  const frequencyHz = frequencyOf(wcs, image);
  if (vlass || options.gaussianList !== false) {
    outputs.push(path(names.catalog));
    if (vlass) writeVlassProductCatalog(path(names.catalog), found.components, { name: vlass, stem: product.stem, image, files, restoring, frequencyHz, generator: options.generator });
    else writeGaussianList(path(names.catalog), found.components, { imageFile: basename(files.image), frequencyHz, generator: options.generator });
  }
  outputs.push(path(names.ds9), path(names.crtf));
  writeDs9Regions(path(names.ds9), found.components);
  writeCrtfRegions(path(names.crtf), found.components);
  if (options.casaScript) {
    outputs.push(path(names.casaScript));
    writeCasaComponentListScript(path(names.casaScript), found.components, { clPath: names.componentList, freqHz: frequencyHz });
  }
  if (options.islandMask) {
    outputs.push(path(names.islandMask));
    writeIslandMask(path(names.islandMask), found.islandMask, image);
  }
  if (options.sourceList) {
    outputs.push(path(`${product.stem}.srl.csv`));
    writeSourceList(path(`${product.stem}.srl.csv`), sourcesFromGaussians(found.components), { imageFile: basename(files.image), frequencyHz, generator: options.generator });
  }
  if (options.writeMaps) outputs.push(...writeMaps(options.outDir, product.stem, image, wcs, { rms: found.rmsMap, mean: found.mean }, found.components));
  return {
    product: product.stem,
    detectionImage: files.image,
    catalogKind: vlass ? 'vlass' : 'gaussian list',
    rmsSource: RMS_SOURCES[found.rmsSource],
    ...(found.rmsBox ? { rmsBox: found.rmsBox } : {}),
    ...(found.brightBox ? { rmsBoxBright: found.brightBox } : {}),
    meanMap: found.meanType ?? 'given',
    components: found.components.length,
    islands: found.islands.length,
    flaggedFits: flagged(found.components),
    minpixIsl: found.minpixIsl,
    timings: found.timings,
    outputs,
  };
}

/** The VLASS catalog: the VLASS columns (the spectral index sampled at each component's nearest pixel), then the file. */
function writeVlassProductCatalog(
  output: string,
  components: Component[],
  p: { name: ProductName; stem: string; image: ImagePlane; files: DiscoveredProduct['files']; restoring: RestoringBeam; frequencyHz: number; generator: string },
): void {
  const reference = { ra: p.image.header.requireNumber('CRVAL1'), dec: p.image.header.requireNumber('CRVAL2') };
  const alpha = p.files.alpha ? openPixelSampler(p.files.alpha, 'alpha image', p.image) : NO_IMAGE;
  const alphaError = p.files.alphaError ? openPixelSampler(p.files.alphaError, 'alpha.error image', p.image) : NO_IMAGE;
  try {
    addVlassColumns(components, {
      name: p.name,
      dateObs: p.image.header.getString('DATE-OBS') ?? '',
      referenceRaDeg: reference.ra,
      referenceDecDeg: reference.dec,
      alpha: alpha.nearest,
      alphaError: alphaError.nearest,
      width: p.image.width,
      height: p.image.height,
    });
  } finally {
    alpha.close();
    alphaError.close();
  }
  const context: CatalogContext = {
    imageFile: `./${p.stem}.I.iter3`,
    referenceRaDeg: reference.ra,
    referenceDecDeg: reference.dec,
    beam: p.restoring,
    frequencyHz: p.frequencyHz,
    generator: p.generator,
    createdAt: inputTime(p.files.image),
  };
  writeVlassCatalog(output, components, context, { detectionImage: p.image.path.split('/').pop() });
}

/** A general image's outputs, named as PyBDSF names its Gaussian list (`.gaul`), with `.csv` for the format. */
function gaussianListNames(stem: string): ReturnType<typeof catalogOutputNames> {
  return {
    catalog: `${stem}.gaul.csv`,
    ds9: `${stem}.gaul.reg`,
    crtf: `${stem}.gaul.crtf`,
    casaScript: `${stem}.componentlist.py`,
    componentList: `${stem}.cl`,
    islandMask: `${stem}.island_mask.fits`,
  };
}

/**
 * PyBDSF's group_by_isl: one source per island (per wavelet scale), numbered in order of first
 * appearance; S_Code S for an island of one Gaussian, M for more.
 */
export function groupByIsland(components: Component[]): void {
  const key = (c: Component) => `${c.waveId}:${c.islId}`;
  const sizes = new Map<string, number>();
  for (const c of components) sizes.set(key(c), (sizes.get(key(c)) ?? 0) + 1);
  const ids = new Map<string, number>();
  for (const c of components) {
    if (!ids.has(key(c))) ids.set(key(c), ids.size);
    c.sourceId = ids.get(key(c))!;
    c.sCode = sizes.get(key(c))! > 1 ? 'M' : 'S';
  }
}

const RMS_SOURCES = { given: 'rms image', grid: 'measured', constant: 'constant' } as const;

/** A pixel sampler for an image that is not there: every value nan. */
const NO_IMAGE = { nearest: () => NaN, close: () => undefined };

function flagged(components: Component[]): ComponentListResult['flaggedFits'] {
  return components.filter((c) => c.fitFlags.length > 0).map((c) => ({ gausId: c.gausId, islId: c.islId, flags: c.fitFlags }));
}

/** Reference frequency of the detection image: its spectral axis, else VLASS's 3 GHz. */
function frequencyOf(wcs: Wcs, image: ImagePlane): number {
  const axis = wcs.axisOf('spectral');
  if (axis < 0) return 3e9;
  const pixel = new Array<number>(image.shape.length).fill(0);
  return wcs.pixelToWorld(pixel)[axis];
}

/**
 * The time in the catalog's "Executing" line: the detection image's modification time, so
 * that re-running on the same input writes the same bytes (DAG retries depend on it).
 */
function inputTime(path: string): string {
  return statSync(path).mtime.toISOString().replace('Z', '');
}

/** The island mask as the SE imaging mask uses it: 1 inside islands, 0 elsewhere. */
function writeIslandMask(path: string, labels: Int32Array, image: ImagePlane): void {
  const mask = new Float32Array(labels.length);
  for (let i = 0; i < labels.length; i++) mask[i] = labels[i] > 0 ? 1 : 0;
  writeFitsImage(path, mask, image.shape, image.header);
}
