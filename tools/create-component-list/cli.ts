/**
 * create-component-list: the VLASS SE component catalog from an SE product, with our own
 * source finder (shared/sources) in place of PyBDSF.
 *   create-component-list --dir products [--casa-script] [--island-mask]
 * Writes <stem>.I.catalog.csv (the archive's format), DS9 and CRTF region files, and on
 * request a CASA componentlist script and the island mask, into --out.
 */
import { basename } from 'node:path';
import { type ToolContext, defineTool } from '../../shared/cli/run.js';
import { componentsFromCatalog, readCatalog } from '../../shared/catalog/index.js';
import { catalogReport, writeReport } from '../../shared/report/index.js';
import { readSinglePlane } from '../../shared/vlass/image.js';
import { reportFlag } from '../report-flag.js';
import { VERSION_STRING } from '../../shared/buildinfo.js';
import { ExitCode } from '../../shared/errors.js';
import { discoverProduct } from '../../shared/vlass/index.js';
import { SE_CATALOG_LAYOUT } from '../../shared/vlass/products.js';
import { type ComponentListResult, makeComponentList } from '../../shared/componentlist/run.js';
import { type FindSourcesOptions, MAX_ATROUS_JMAX } from '../../shared/sources/index.js';
import type { CapoConfig } from '../../shared/capo/capo.js';
import { ConfigError } from '../../shared/errors.js';

export const CAPO_PREFIX = 'edu.nrao.vlass.createComponentList';


export const createComponentListTool = defineTool({
  name: 'create-component-list',
  summary: 'find the components of a VLASS SE image and write the VLASS component catalog',
  capoPrefixes: [CAPO_PREFIX],
  positional: { name: 'product', flag: 'dir' },
  flags: {
    dir: { type: 'string', default: '.', describe: 'directory holding the SE product (then its products/ subdirectory)' },
    image: { type: 'string', describe: 'the tt0 pbcor detection image (*.I.iter3.image.pbcor.tt0.subim.fits)' },
    rms: { type: 'string', describe: 'the rms image (default: found beside the image; measured on the rms_box grid when absent)' },
    alpha: { type: 'string', describe: 'the spectral index image (*.I.iter3.alpha.subim.fits)' },
    'alpha-error': { type: 'string', describe: 'the spectral index error image (*.I.iter3.alpha.error.subim.fits)' },
    'casa-script': { type: 'boolean', default: false, describe: 'also write a CASA script that builds a componentlist (.cl) table' },
    'island-mask': { type: 'boolean', default: false, describe: 'also write the island mask as FITS (1 inside islands)' },
    ...reportFlag('<stem>.catalog.html'),
  },
  examples: [['$0 --dir products --casa-script', 'catalog the SE product in products/']],

  async run(ctx, args) {
    ctx.stage('discovering', { dir: args.dir });
    const product = await discoverProduct(SE_CATALOG_LAYOUT, {
      dir: args.dir,
      explicit: { image: args.image, rms: args.rms, alpha: args.alpha, alphaError: args.alphaError },
    });
    const finder = finderOptions(ctx.capo);
    const result = makeComponentList(product, {
      outDir: ctx.outDir,
      finder,
      useRmsImage: ctx.capo.getBoolean(`${CAPO_PREFIX}.useRmsImage`),
      casaScript: args.casaScript,
      islandMask: args.islandMask,
      generator: `create-component-list ${VERSION_STRING}`,
      onStage: (stage, detail) => (stage.startsWith('finding: ') ? ctx.log.info({ event: 'timing', ...detail }, stage) : ctx.stage(stage, detail)),
      onWarning: (message, detail) => ctx.log.warn(detail ?? {}, message),
    });
    for (const f of result.flaggedFits) ctx.log.warn({ gausId: f.gausId, islId: f.islId, flags: f.flags }, `island ${f.islId}: fit flagged (${f.flags.join(', ')}); kept in the catalog`);
    ctx.log.info({ components: result.components, islands: result.islands, flagged: result.flaggedFits.length }, `${result.components} components in ${result.islands} islands`);
    if (args.report) await writeCatalogReport(ctx, product.files.image, result, finder);
    ctx.emitResult(result);
    ctx.report(
      `create-component-list: ${result.components} components in ${result.islands} islands for ${result.product} (noise from the ${result.rmsSource}); ` +
        `${result.flaggedFits.length} flagged fit(s) kept; wrote ${result.outputs.map((o) => o.split('/').pop()).join(', ')}.`,
    );
    return ExitCode.OK;
  },
});

/** `<stem>.catalog.html`: the image with the components just written, and their statistics. */
async function writeCatalogReport(ctx: ToolContext, imagePath: string, result: ComponentListResult, finder: FindSourcesOptions): Promise<void> {
  ctx.stage('reporting');
  const catalogPath = result.outputs.find((o) => o.endsWith('.catalog.csv'))!;
  const html = await catalogReport({
    product: result.product,
    image: readSinglePlane(imagePath, 'tt0 image'),
    components: componentsFromCatalog(readCatalog(catalogPath)),
    summary: [
      ['components (Gaussians)', result.components],
      ['islands', result.islands],
      ['fits flagged, kept', result.flaggedFits.length],
      ['noise from', result.rmsSource],
      ['thresh_isl, thresh_pix', `${finder.threshIsl ?? 3}, ${finder.threshPix ?? 5}`],
      ['minpix_isl', result.minpixIsl],
      ['catalog', basename(catalogPath)],
    ],
    detectionSnr: finder.threshPix ?? 5,
    generator: `${ctx.tool} ${VERSION_STRING}`,
  });
  const report = writeReport(ctx.outDir, `${result.product}.catalog.html`, html);
  ctx.log.info({ report }, `wrote ${basename(report)}`);
}

/** The finder's options from CAPO, with PyBDSF's names. */
export function finderOptions(capo: CapoConfig): FindSourcesOptions {
  const key = (name: string) => `${CAPO_PREFIX}.${name}`;
  const rmsBox = capo.getList(key('rmsBox')).map(Number);
  if (rmsBox.length !== 2 || !rmsBox.every((n) => Number.isInteger(n) && n > 0) || rmsBox[1] > rmsBox[0])
    throw new ConfigError(`CAPO key ${key('rmsBox')} must be "box, step" in pixels with 0 < step <= box, got "${capo.getString(key('rmsBox'))}"`);
  const minpix = capo.getString(key('minpixIsl'), '');
  const meanMap = capo.getString(key('meanMap'));
  if (meanMap !== 'zero' && meanMap !== 'const' && meanMap !== 'map') throw new ConfigError(`CAPO key ${key('meanMap')} must be zero, const or map, got "${meanMap}"`);
  const options: FindSourcesOptions = {
    threshIsl: capo.getNumber(key('threshIsl')),
    threshPix: capo.getNumber(key('threshPix')),
    rmsBox: [rmsBox[0], rmsBox[1]],
    meanMap,
    maxComponentsPerIsland: capo.getInteger(key('maxComponentsPerIsland')),
    ...(minpix === '' ? {} : { minpixIsl: capo.getInteger(key('minpixIsl')) }),
    atrousDo: capo.getBoolean(key('atrousDo')),
    atrousJmax: capo.getInteger(key('atrousJmax')),
  };
  if (!(options.atrousJmax! >= 1 && options.atrousJmax! <= MAX_ATROUS_JMAX))
    throw new ConfigError(`CAPO key ${key('atrousJmax')} must be an integer from 1 to ${MAX_ATROUS_JMAX}, got ${options.atrousJmax}`);
  if (!(options.threshPix! >= options.threshIsl! && options.threshIsl! > 0))
    throw new ConfigError(`CAPO keys ${key('threshIsl')} (${options.threshIsl}) and ${key('threshPix')} (${options.threshPix}) must satisfy 0 < threshIsl <= threshPix`);
  return options;
}
