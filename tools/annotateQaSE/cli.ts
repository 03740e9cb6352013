/**
 * annotateQaSE: image QA of a VLASS Single Epoch continuum product (pbcor tt0 and tt1, tt0
 * rms, spectral index and its error, optional component catalog).
 *   annotateQaSE --dir products --annotate-fits --reject-to . [--fail-on-reject]
 * As annotateQa (same library, shared/qa): finds the product, checks that every image is on
 * tt0's grid before reading pixels, measures once, judges with the CAPO rules
 * (edu.nrao.vlass.annotateQaSE.rule.*), then FITS keywords on tt0 (--annotate-fits, VLASSPT
 * 'SE'), QA_REJECTED/ (--reject-to, on FAIL), the computed rms image (--write-rms), previews
 * (--previews), `<product>.qa.json` in --out. Exit 0 unless --fail-on-reject and FAIL.
 */
import { basename, join } from 'node:path';
import type { ToolSpec } from '../../shared/cli/run.js';
import { SE_COMPANION_IMAGES, checkOnGrid, computeRmsPlane, evaluateRules, imageCellArcsec, imagedAreaSqDeg, loadRuleConfigs, loadSeSettings, measureAlpha, measureCatalog, measureContinuum, overallVerdict, productInfo, readComponentCatalog, readRmsPlane, readSinglePlane, seRules, summarizeSe, writeComputedRms, type RmsPlane, type SeMetrics, type SeQaResult, deliverQa } from '../../shared/qa/index.js';
import { SE_CELL_ARCSEC, SE_LAYOUT, discoverProduct } from '../../shared/vlass/index.js';
import { type ContinuumQaFlags, withContinuumQaFlags } from '../continuum-qa-flags.js';

export const CAPO_PREFIX = 'edu.nrao.vlass.annotateQaSE';
export const RULE_PREFIX = `${CAPO_PREFIX}.rule`;

interface Args extends ContinuumQaFlags {
  dir: string;
  image?: string;
  rms?: string;
  tt1?: string;
  alpha?: string;
  alphaError?: string;
  catalog?: string;
}

export const annotateQaSETool: ToolSpec<Args> = {
  name: 'annotateQaSE',
  summary: 'image QA of a VLASS Single Epoch continuum product: measure tt0, alpha and the catalog, judge with CAPO rules, annotate, reject',
  capoPrefixes: [`${CAPO_PREFIX}.`],
  options: (y) =>
    withContinuumQaFlags(
      y
        .option('dir', { type: 'string', default: '.', describe: 'directory holding the SE product (then its products/ subdirectory); a pipeline_manifest.xml there names the product' })
        .option('image', { type: 'string', describe: 'the pbcor tt0 image (*.I.iter3.image.pbcor.tt0.subim.fits), instead of finding it in --dir' })
        .option('rms', { type: 'string', describe: 'the tt0 rms image (default: found beside the image; computed when there is none)' })
        .option('tt1', { type: 'string', describe: 'the pbcor tt1 image (default: *.I.iter3.image.pbcor.tt1.subim.fits beside the image)' })
        .option('alpha', { type: 'string', describe: 'the spectral index image (default: *.I.iter3.alpha.subim.fits beside the image)' })
        .option('alpha-error', { type: 'string', describe: 'the spectral index error image (default: *.I.iter3.alpha.error.subim.fits beside the image)' })
        .option('catalog', { type: 'string', describe: 'the component catalog CSV (default: *.I.catalog.csv beside the image; its rules are skipped when there is none)' }),
      { image: 'tt0 image', keywords: "VLASSPK, VLASSRMS, VLASSPT ('SE'), VLASSQA" },
    )
      .example('$0 --dir products --annotate-fits --reject-to .', 'QA the SE product in products/, stamp it, move it to ./QA_REJECTED/ if it fails') as never,

  async run(ctx, args) {
    ctx.stage('discovering', { dir: args.dir });
    const product = await discoverProduct(SE_LAYOUT, {
      dir: args.dir,
      explicit: { image: args.image, rms: args.rms, tt1: args.tt1, alpha: args.alpha, alphaError: args.alphaError, catalog: args.catalog },
    });
    const files = product.files;
    // Configuration errors (78) surface before minutes of reading and measuring.
    const settings = loadSeSettings(ctx.capo, CAPO_PREFIX);
    const rules = seRules(settings);
    const ruleConfigs = loadRuleConfigs(ctx.capo, RULE_PREFIX, rules);

    ctx.stage('reading', { product: product.stem, files });
    const image = readSinglePlane(files.image, 'pbcor tt0 image');
    // Every companion's shape and sky, from its header, before any of its pixels is read.
    for (const { role, what } of SE_COMPANION_IMAGES) if (files[role]) checkOnGrid(image, files[role], what);
    const catalog = files.catalog ? readComponentCatalog(files.catalog) : null;

    let rms: RmsPlane;
    if (files.rms) {
      rms = readRmsPlane(image, files.rms);
      if (args.writeRms) ctx.log.info(`--write-rms: the product has an rms image (${files.rms}); nothing computed, nothing written`);
    } else {
      ctx.stage('computing rms', { reason: `no ${product.stem}.${SE_LAYOUT.roles[1].suffix}` });
      rms = computeRmsPlane(image, imageCellArcsec(image, product.name?.cellArcsec ?? SE_CELL_ARCSEC));
      if (args.writeRms) rms = writeComputedRms(join(ctx.outDir, `${product.stem}.${SE_LAYOUT.roles[1].suffix}`), rms, image.header);
    }

    ctx.stage('measuring');
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
      ctx.log.warn(
        { catalog: catalogMetrics.file, detectionImage: catalogMetrics.detectionImage },
        `the catalog says its components were found in ${catalogMetrics.detectionImage}, not ${basename(files.image)}; its metrics may describe another image`,
      );
    const metrics: SeMetrics = { ...continuum, alpha, catalog: catalogMetrics };
    const outcomes = evaluateRules(rules, ruleConfigs, metrics);
    const result: SeQaResult = { product: productInfo(SE_LAYOUT, product), verdict: overallVerdict(outcomes), rules: outcomes, metrics };

    return deliverQa(ctx, product, image, result, args, summarizeSe);
  },
};
