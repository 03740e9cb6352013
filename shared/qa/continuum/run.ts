/**
 * Continuum QA from a discovered product to a delivered verdict, for Quick Look (annotateQa) and
 * Single Epoch (annotateQaSE): read the image, read or compute its rms plane, measure once,
 * judge with the rules, then deliver (../deliver.ts). The tools map flags and CAPO keys onto
 * these options; docs/annotateQa.md and docs/annotateQaSE.md say what each step means.
 */
import { basename, join } from 'node:path';
import type { Progress } from '../../progress.js';
import { type DiscoveredProduct, type ProductLayout } from '../../vlass/discover.js';
import { imageCellArcsec, readSinglePlane, type ImagePlane } from '../../vlass/image.js';
import { QL_CELL_ARCSEC, QL_LAYOUT, SE_CELL_ARCSEC, SE_LAYOUT } from '../../vlass/products.js';
import { type QaDeliveryOptions, deliverQa } from '../deliver.js';
import { productInfo } from '../productInfo.js';
import { type RuleConfig, type RuleSpec, evaluateRules, overallVerdict } from '../rules.js';
import type { QaMetrics, QaResult } from '../types.js';
import { measureAlpha } from './alpha.js';
import { imagedAreaSqDeg, measureCatalog, readComponentCatalog } from './catalog.js';
import { type RmsPlane, measureContinuum } from './measure.js';
import { computeRmsPlane, readRmsPlane, writeComputedRms } from './rmsSource.js';
import { CONTINUUM_RULES } from './rules.js';
import { componentsFromCatalog } from '../../catalog/index.js';
import { type ContinuumReportInput, continuumQaReport, writeReport } from '../../report/index.js';
import { SE_COMPANION_IMAGES, checkOnGrid } from './se.js';
import { type SeMetrics, type SeQaResult, type SeSettings, seRules } from './seRules.js';

export interface ContinuumQaOptions extends QaDeliveryOptions {
  /** When the rms plane is computed, also write it as FITS into outDir. */
  writeRms: boolean;
  /** The rules' limits from CAPO (loadRuleConfigs). */
  ruleConfigs: readonly RuleConfig[];
  /** Also write `<stem>.qa.html` (shared/report), naming this generator in it. */
  report?: { generator: string };
}

/** QA of a Quick Look product; the result is delivered as the options say, then returned. */
export async function quicklookQa(product: DiscoveredProduct, options: ContinuumQaOptions, progress: Progress): Promise<QaResult> {
  progress.stage('reading', { product: product.stem, files: product.files });
  const image = readSinglePlane(product.files.image, 'pbcor image');
  const rms = rmsPlaneOf(product, QL_LAYOUT, image, product.name?.cellArcsec ?? QL_CELL_ARCSEC, options, progress);

  progress.stage('measuring');
  const metrics = measureContinuum(image, rms);
  const result = judged(product, QL_LAYOUT, CONTINUUM_RULES, options.ruleConfigs, metrics);
  deliverQa(product, image, result, options, progress);
  if (options.report) await writeQaReport(options.outDir, { result, image, rms: rms.data, generator: options.report.generator }, progress);
  return result;
}

/** QA of a Single Epoch continuum product (tt0 with tt1, alpha, its error, and the catalog when present). */
export async function singleEpochQa(product: DiscoveredProduct, settings: SeSettings, options: ContinuumQaOptions, progress: Progress): Promise<SeQaResult> {
  const files = product.files;
  progress.stage('reading', { product: product.stem, files });
  const image = readSinglePlane(files.image, 'pbcor tt0 image');
  // Every companion's shape and sky, from its header, before any of its pixels is read.
  for (const { role, what } of SE_COMPANION_IMAGES) if (files[role]) checkOnGrid(image, files[role], what);
  const catalog = files.catalog ? readComponentCatalog(files.catalog) : null;
  const rms = rmsPlaneOf(product, SE_LAYOUT, image, product.name?.cellArcsec ?? SE_CELL_ARCSEC, options, progress);

  progress.stage('measuring');
  const continuum = measureContinuum(image, rms);
  // alpha, alpha.error and tt1 are read one at a time, only while their values are gathered.
  const alpha = measureAlpha(
    image.data,
    rms.data,
    {
      alpha: () => readSinglePlane(files.alpha, 'spectral index image', image).data,
      alphaError: () => readSinglePlane(files.alphaError, 'spectral index error image', image).data,
      tt1: () => readSinglePlane(files.tt1, 'tt1 image', image).data,
    },
    settings.alpha,
  );
  const catalogMetrics = catalog ? measureCatalog(catalog, imagedAreaSqDeg(image.data, continuum.image.pixelScaleArcsec)) : null;
  if (catalogMetrics?.detectionImage && basename(catalogMetrics.detectionImage) !== basename(files.image))
    progress.warn(`the catalog says its components were found in ${catalogMetrics.detectionImage}, not ${basename(files.image)}; its metrics may describe another image`, {
      catalog: catalogMetrics.file,
      detectionImage: catalogMetrics.detectionImage,
    });
  const metrics: SeMetrics = { ...continuum, alpha, catalog: catalogMetrics };
  const result = judged(product, SE_LAYOUT, seRules(settings), options.ruleConfigs, metrics);
  deliverQa(product, image, result, options, progress);
  if (options.report) {
    const alphaPlane = files.alpha ? readSinglePlane(currentPath(result, files.alpha), 'spectral index image', image).data : undefined;
    const components = catalog ? componentsFromCatalog(catalog) : undefined;
    await writeQaReport(options.outDir, { result, image, rms: rms.data, alpha: alphaPlane, components, generator: options.report.generator }, progress);
  }
  return result;
}

/** Where a product file is now: moved to QA_REJECTED/ (the result lists it there) or where it was. */
function currentPath(result: QaResult, path: string): string {
  return result.rejected?.files.find((f) => basename(f) === basename(path)) ?? path;
}

async function writeQaReport(outDir: string, input: ContinuumReportInput, progress: Progress): Promise<void> {
  progress.stage('reporting');
  const path = writeReport(outDir, `${input.result.product.name}.qa.html`, await continuumQaReport(input));
  progress.info(`wrote ${basename(path)}`, { report: path });
}

/**
 * The product's rms image when it has one; else the rms plane computed from the image (as the
 * pipeline's imdev does), written beside the outputs with `writeRms`.
 */
function rmsPlaneOf(product: DiscoveredProduct, layout: ProductLayout, image: ImagePlane, fallbackCellArcsec: number, options: ContinuumQaOptions, progress: Progress): RmsPlane {
  const rmsName = `${product.stem}.${layout.roles.find((r) => r.role === 'rms')!.suffix}`;
  if (product.files.rms) {
    if (options.writeRms) progress.info(`--write-rms: the product has an rms image (${product.files.rms}); nothing computed, nothing written`);
    return readRmsPlane(image, product.files.rms);
  }
  progress.stage('computing rms', { reason: `no ${rmsName}` });
  const rms = computeRmsPlane(image, imageCellArcsec(image, fallbackCellArcsec));
  return options.writeRms ? writeComputedRms(join(options.outDir, rmsName), rms, image.header) : rms;
}

function judged<M extends QaMetrics>(product: DiscoveredProduct, layout: ProductLayout, rules: readonly RuleSpec<M>[], ruleConfigs: readonly RuleConfig[], metrics: M): QaResult & { metrics: M } {
  const outcomes = evaluateRules(rules, ruleConfigs, metrics);
  return { product: productInfo(layout, product), verdict: overallVerdict(outcomes), rules: outcomes, metrics };
}
