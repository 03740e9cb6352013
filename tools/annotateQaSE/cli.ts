/**
 * annotateQaSE: image QA of a VLASS Single Epoch continuum product (pbcor tt0 and tt1, tt0
 * rms, spectral index and its error, optional component catalog).
 *   annotateQaSE --dir products --annotate-fits --reject-to . [--fail-on-reject]
 * As annotateQa (shared/qa/continuum/run.ts): finds the product, checks that every image is on
 * tt0's grid before reading pixels, measures once, judges with the CAPO rules
 * (edu.nrao.vlass.annotateQaSE.rule.*), then FITS keywords on tt0 (--annotate-fits, VLASSPT
 * 'SE'), QA_REJECTED/ (--reject-to, on FAIL), the computed rms image (--write-rms), previews
 * (--previews), `<product>.qa.json` in --out. Exit 0 unless --fail-on-reject and FAIL.
 */
import { defineTool } from '../../shared/cli/run.js';
import { loadRuleConfigs, loadSeSettings, seRules, singleEpochQa, summarizeSe } from '../../shared/qa/index.js';
import { SE_LAYOUT, discoverProduct } from '../../shared/vlass/index.js';
import { continuumQaFlags, finishQa } from '../continuum-qa-flags.js';
import { reportFlag } from '../report-flag.js';
import { VERSION_STRING } from '../../shared/buildinfo.js';

export const CAPO_PREFIX = 'edu.nrao.vlass.annotateQaSE';
export const RULE_PREFIX = `${CAPO_PREFIX}.rule`;

export const annotateQaSETool = defineTool({
  name: 'annotateQaSE',
  summary: 'image QA of a VLASS Single Epoch continuum product: measure tt0, alpha and the catalog, judge with CAPO rules, annotate, reject',
  capoPrefixes: [`${CAPO_PREFIX}.`],
  positional: { name: 'product', flag: 'dir' },
  flags: {
    dir: { type: 'string', default: '.', describe: 'directory holding the SE product (then its products/ subdirectory); a pipeline_manifest.xml there names the product' },
    image: { type: 'string', describe: 'the pbcor tt0 image (*.I.iter3.image.pbcor.tt0.subim.fits), instead of finding it in --dir' },
    rms: { type: 'string', describe: 'the tt0 rms image (default: found beside the image; computed when there is none)' },
    tt1: { type: 'string', describe: 'the pbcor tt1 image (default: *.I.iter3.image.pbcor.tt1.subim.fits beside the image)' },
    alpha: { type: 'string', describe: 'the spectral index image (default: *.I.iter3.alpha.subim.fits beside the image)' },
    'alpha-error': { type: 'string', describe: 'the spectral index error image (default: *.I.iter3.alpha.error.subim.fits beside the image)' },
    catalog: { type: 'string', describe: 'the component catalog CSV (default: *.I.catalog.csv beside the image; its rules are skipped when there is none)' },
    ...reportFlag('<stem>.qa.html'),
    ...continuumQaFlags({ image: 'tt0 image', keywords: "VLASSPK, VLASSRMS, VLASSPT ('SE'), VLASSQA" }),
  },
  examples: [['$0 --dir products --annotate-fits --reject-to .', 'QA the SE product in products/, stamp it, move it to ./QA_REJECTED/ if it fails']],

  async run(ctx, args) {
    ctx.stage('discovering', { dir: args.dir });
    const product = await discoverProduct(SE_LAYOUT, {
      dir: args.dir,
      explicit: { image: args.image, rms: args.rms, tt1: args.tt1, alpha: args.alpha, alphaError: args.alphaError, catalog: args.catalog },
    });
    // Configuration errors (78) surface before minutes of reading and measuring.
    const settings = loadSeSettings(ctx.capo, CAPO_PREFIX);
    const ruleConfigs = loadRuleConfigs(ctx.capo, RULE_PREFIX, seRules(settings));
    const result = await singleEpochQa(
      product,
      settings,
      { ruleConfigs, annotateFits: args.annotateFits, writeRms: args.writeRms, previews: args.previews, rejectTo: args.rejectTo, outDir: ctx.outDir, report: args.report ? { generator: `${ctx.tool} ${VERSION_STRING}` } : undefined },
      ctx.progress,
    );
    return finishQa(ctx, result, summarizeSe(ctx.tool, result), args.failOnReject);
  },
});
