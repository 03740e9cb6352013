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
import { ConfigError, UsageError } from '../../shared/errors.js';
import type { Beam } from '../../shared/wcs/index.js';

export const CAPO_PREFIX = 'edu.nrao.vlass.createComponentList';
/** PyBDSF's catalog_type values. */
const CATALOG_TYPES = ['gaul', 'srl', 'both'] as const;


export const createComponentListTool = defineTool({
  name: 'create-component-list',
  summary: 'find the components of a VLASS SE image and write the VLASS component catalog, or of any image and write its PyBDSF Gaussian list',
  capoPrefixes: [CAPO_PREFIX],
  positional: { name: 'product', flag: 'dir', fileFlag: 'image' },
  flags: {
    dir: { type: 'string', default: '.', describe: 'directory holding the SE product (then its products/ subdirectory)' },
    image: { type: 'string', describe: 'the detection image: a VLASS SE tt0 pbcor image (*.I.iter3.image.pbcor.tt0.subim.fits), or any 2-D or 4-D FITS image (then <stem>.gaul.csv)' },
    beam: { type: 'string', describe: 'the restoring beam "MAJ,MIN,PA" (arcsec, arcsec, degrees east of north), for an image whose header has no BMAJ/BMIN/BPA (used instead of the header\'s when given)' },
    rms: { type: 'string', describe: 'the rms image (default: found beside the image; measured on the rms_box grid when absent)' },
    alpha: { type: 'string', describe: 'the spectral index image (*.I.iter3.alpha.subim.fits)' },
    'alpha-error': { type: 'string', describe: 'the spectral index error image (*.I.iter3.alpha.error.subim.fits)' },
    'casa-script': { type: 'boolean', default: false, describe: 'also write a CASA script that builds a componentlist (.cl) table' },
    'island-mask': { type: 'boolean', default: false, describe: 'also write the island mask as FITS (1 inside islands)' },
    'write-maps': { type: 'boolean', default: false, describe: 'also write <stem>.rms.fits, .mean.fits (the background used), .gaus_model.fits and .gaus_resid.fits (image minus model), as PyBDSF export_image names them' },
    ...reportFlag('<stem>.catalog.html'),
    // PyBDSF's options by PyBDSF's names; each overrides its CAPO key for this run.
    'thresh-isl': { type: 'number', describe: 'island boundary threshold in sigma (PyBDSF thresh_isl; CAPO threshIsl)' },
    'thresh-pix': { type: 'number', describe: 'an island needs a pixel this many sigma above the mean (PyBDSF thresh_pix; CAPO threshPix)' },
    'rms-box': { type: 'string', describe: '"BOX,STEP" in pixels of the background rms and mean maps (PyBDSF rms_box; CAPO rmsBox for VLASS products; PyBDSF\'s rule for any other image)' },
    'adaptive-rms-box': { type: 'boolean', describe: 'measure the background in a smaller box around bright sources (PyBDSF adaptive_rms_box; CAPO adaptiveRmsBox)' },
    'mean-map': {
      type: 'string',
      choices: ['zero', 'const', 'map', 'default'],
      describe: "the background mean: zero, one constant, a map on the rms_box grid, or PyBDSF's default choice between constant and map (PyBDSF mean_map; CAPO meanMap for VLASS products, 'default' for any other image)",
    },
    'catalog-type': {
      type: 'string',
      choices: CATALOG_TYPES,
      describe: 'gaul: the Gaussian list (or the VLASS catalog); srl: the source list <stem>.srl.csv; both: the two (PyBDSF catalog_type; CAPO catalogType, gaul; a VLASS product\'s catalog is always written, as the other tools read it)',
    },
    'rms-map': {
      type: 'boolean',
      describe: "PyBDSF rms_map: --no-rms-map takes one clipped rms for the whole image; --rms-map measures a map on the rms_box grid even beside an rms image (CAPO rmsMap; default: the rms image when there is one, else PyBDSF's choice: a map when the noise varies significantly)",
    },
    'group-by-isl': { type: 'boolean', describe: "PyBDSF group_by_isl: every island's Gaussians form one source (Source_id, S_Code S or M; CAPO groupByIsl)" },
    'atrous-do': { type: 'boolean', describe: 'also fit wavelet-scale residual structure (PyBDSF atrous_do; CAPO atrousDo)' },
  },
  examples: [
    ['$0 --dir products --casa-script', 'catalog the SE product in products/'],
    ['$0 image.fits --beam 5,5,0', 'the Gaussian list of any image (image.gaul.csv), its header having no beam'],
  ],

  async run(ctx, args) {
    ctx.stage('discovering', { dir: args.dir });
    const product = await discoverProduct(SE_CATALOG_LAYOUT, {
      dir: args.dir,
      explicit: { image: args.image, rms: args.rms, alpha: args.alpha, alphaError: args.alphaError },
    });
    const catalogType = args.catalogType ?? capoCatalogType(ctx.capo);
    const rmsMap = args.rmsMap ?? capoRmsMap(ctx.capo);
    if (args.report && catalogType === 'srl') throw new UsageError('--report draws the Gaussian list: give --catalog-type gaul or both with it');
    const finder = withPybdsfFlags(finderOptions(ctx.capo), args);
    // Any other image is processed as PyBDSF's process_image would: its mean_map 'default'
    // and its rms_box rule, unless the flags say otherwise.
    if (!product.name && args.meanMap === undefined) finder.meanMap = 'default';
    if (!product.name && args.rmsBox === undefined) delete finder.rmsBox;
    if (!product.name) finder.pybdsfFlagging = true; // its Gaussians kept as PyBDSF keeps them
    const beam = args.beam === undefined ? undefined : parseBeam(args.beam);
    if (rmsMap !== undefined) finder.rmsMap = rmsMap ? 'map' : 'const';
    const result = makeComponentList(product, {
      beam,
      outDir: ctx.outDir,
      finder,
      useRmsImage: rmsMap === undefined ? ctx.capo.getBoolean(`${CAPO_PREFIX}.useRmsImage`) : false,
      groupByIsland: args.groupByIsl ?? ctx.capo.getBoolean(`${CAPO_PREFIX}.groupByIsl`),
      casaScript: args.casaScript,
      islandMask: args.islandMask,
      writeMaps: args.writeMaps,
      gaussianList: catalogType !== 'srl',
      sourceList: catalogType !== 'gaul',
      generator: `create-component-list ${VERSION_STRING}`,
      onStage: (stage, detail) => (stage.startsWith('finding: ') ? ctx.log.info({ event: 'timing', ...detail }, stage) : ctx.stage(stage, detail)),
      onWarning: (message, detail) => ctx.log.warn(detail ?? {}, message),
    });
    for (const f of result.flaggedFits) ctx.log.warn({ gausId: f.gausId, islId: f.islId, flags: f.flags }, `island ${f.islId}: fit flagged (${f.flags.join(', ')}); kept in the catalog`);
    ctx.log.info({ components: result.components, islands: result.islands, flagged: result.flaggedFits.length }, `${result.components} components in ${result.islands} islands`);
    if (args.report) await writeCatalogReport(ctx, product.files.image, result, finder);
    ctx.emitResult(result);
    ctx.report(
      `create-component-list: ${result.components} components in ${result.islands} islands for ${result.product} (noise: ${result.rmsSource === 'measured' ? 'a measured map' : result.rmsSource === 'constant' ? 'one clipped rms' : 'the rms image'}); ` +
        `${result.flaggedFits.length} flagged fit(s) kept; wrote ${result.outputs.map((o) => o.split('/').pop()).join(', ')}.`,
    );
    return ExitCode.OK;
  },
});

/** `<stem>.catalog.html`: the image with the components just written, and their statistics. */
async function writeCatalogReport(ctx: ToolContext, imagePath: string, result: ComponentListResult, finder: FindSourcesOptions): Promise<void> {
  ctx.stage('reporting');
  const catalogPath = result.outputs[0]; // the catalog or Gaussian list comes first
  const html = await catalogReport({
    product: result.product,
    image: readSinglePlane(imagePath, 'detection image'),
    components: componentsFromCatalog(readCatalog(catalogPath)),
    summary: [
      ['components (Gaussians)', result.components],
      ['islands', result.islands],
      ['fits flagged, kept', result.flaggedFits.length],
      ['noise', result.rmsSource],
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

/** CAPO catalogType: gaul, srl or both (PyBDSF catalog_type). */
function capoCatalogType(capo: CapoConfig): (typeof CATALOG_TYPES)[number] {
  const key = `${CAPO_PREFIX}.catalogType`;
  const value = capo.getString(key);
  if (!(CATALOG_TYPES as readonly string[]).includes(value)) throw new ConfigError(`CAPO key ${key} must be gaul, srl or both, got "${value}"`);
  return value as (typeof CATALOG_TYPES)[number];
}

/** CAPO rmsMap: empty for PyBDSF's None (the rms image, else PyBDSF's choice), or true/false. */
function capoRmsMap(capo: CapoConfig): boolean | undefined {
  const key = `${CAPO_PREFIX}.rmsMap`;
  return capo.getString(key, '') === '' ? undefined : capo.getBoolean(key);
}

/** `--beam MAJ,MIN,PA`: arcsec, arcsec, degrees; a bad value is a usage error (64). */
export function parseBeam(text: string): Beam {
  const parts = text.split(',').map((p) => Number(p.trim()));
  const [major, minor, pa] = parts;
  if (parts.length !== 3 || !parts.every(Number.isFinite) || !(major > 0 && minor > 0 && minor <= major))
    throw new UsageError(`--beam "${text}": give MAJ,MIN,PA with 0 < MIN <= MAJ in arcsec and PA in degrees, e.g. --beam 2.5,2.0,-35`);
  return { majorArcsec: major, minorArcsec: minor, positionAngleDeg: pa };
}

/** The PyBDSF-named flags over the CAPO settings; a bad value names its flag (64). */
function withPybdsfFlags(
  options: FindSourcesOptions,
  flags: { threshIsl?: number; threshPix?: number; rmsBox?: string; meanMap?: string; atrousDo?: boolean; adaptiveRmsBox?: boolean },
): FindSourcesOptions {
  const out = { ...options };
  for (const [flag, value] of [['--thresh-isl', flags.threshIsl], ['--thresh-pix', flags.threshPix]] as const)
    if (value !== undefined && !(value > 0 && Number.isFinite(value))) throw new UsageError(`${flag} ${value}: give a positive number of sigma`);
  if (flags.threshIsl !== undefined) out.threshIsl = flags.threshIsl;
  if (flags.threshPix !== undefined) out.threshPix = flags.threshPix;
  if (flags.rmsBox !== undefined) {
    const box = rmsBoxOf(flags.rmsBox.split(',').map((v) => Number(v.trim())));
    if (!box) throw new UsageError(`--rms-box "${flags.rmsBox}": give BOX,STEP in pixels with 0 < STEP <= BOX, e.g. --rms-box 200,50`);
    out.rmsBox = box;
  }
  if (flags.meanMap !== undefined) out.meanMap = flags.meanMap as FindSourcesOptions['meanMap'];
  if (flags.atrousDo !== undefined) out.atrousDo = flags.atrousDo;
  if (flags.adaptiveRmsBox !== undefined) out.adaptiveRmsBox = flags.adaptiveRmsBox;
  if (!(out.threshPix! >= out.threshIsl!)) throw new UsageError(`--thresh-isl ${out.threshIsl} is above --thresh-pix ${out.threshPix}: an island's boundary cannot be above its peak threshold`);
  return out;
}

/** rms_box as [box, step], whole pixels with 0 < step <= box; undefined for anything else. */
function rmsBoxOf(values: number[]): [number, number] | undefined {
  if (values.length !== 2 || !values.every((n) => Number.isInteger(n) && n > 0) || values[1] > values[0]) return undefined;
  return [values[0], values[1]];
}

/** The finder's options from CAPO, with PyBDSF's names. */
export function finderOptions(capo: CapoConfig): FindSourcesOptions {
  const key = (name: string) => `${CAPO_PREFIX}.${name}`;
  const rmsBox = rmsBoxOf(capo.getList(key('rmsBox')).map(Number));
  if (!rmsBox)
    throw new ConfigError(`CAPO key ${key('rmsBox')} must be "box, step" in pixels with 0 < step <= box, got "${capo.getString(key('rmsBox'))}"`);
  const minpix = capo.getString(key('minpixIsl'), '');
  const meanMap = capo.getString(key('meanMap'));
  if (meanMap !== 'zero' && meanMap !== 'const' && meanMap !== 'map' && meanMap !== 'default')
    throw new ConfigError(`CAPO key ${key('meanMap')} must be zero, const, map or default, got "${meanMap}"`);
  const options: FindSourcesOptions = {
    threshIsl: capo.getNumber(key('threshIsl')),
    threshPix: capo.getNumber(key('threshPix')),
    rmsBox,
    meanMap,
    maxComponentsPerIsland: capo.getInteger(key('maxComponentsPerIsland')),
    ...(minpix === '' ? {} : { minpixIsl: capo.getInteger(key('minpixIsl')) }),
    adaptiveRmsBox: capo.getBoolean(key('adaptiveRmsBox')),
    atrousDo: capo.getBoolean(key('atrousDo')),
    atrousJmax: capo.getInteger(key('atrousJmax')),
  };
  if (!(options.atrousJmax! >= 1 && options.atrousJmax! <= MAX_ATROUS_JMAX))
    throw new ConfigError(`CAPO key ${key('atrousJmax')} must be an integer from 1 to ${MAX_ATROUS_JMAX}, got ${options.atrousJmax}`);
  if (!(options.threshPix! >= options.threshIsl! && options.threshIsl! > 0))
    throw new ConfigError(`CAPO keys ${key('threshIsl')} (${options.threshIsl}) and ${key('threshPix')} (${options.threshPix}) must satisfy 0 < threshIsl <= threshPix`);
  return options;
}
