/**
 * annotateQa: image QA of a VLASS Quick Look product (pbcor tt0 + rms image).
 *   annotateQa --dir products --annotate-fits --reject-to . [--fail-on-reject]
 * Finds the product, measures it once, judges the metrics with the CAPO rules
 * (edu.nrao.vlass.annotateQa.rule.*), then: FITS keywords (--annotate-fits), QA_REJECTED/
 * (--reject-to, on FAIL), the computed rms image (--write-rms), previews (--previews),
 * `<product>.qa.json` in --out (shared/qa/continuum/run.ts). The verdict is data: exit 0
 * unless --fail-on-reject and FAIL.
 */
import { defineTool } from '../../shared/cli/run.js';
import { CONTINUUM_RULES, loadRuleConfigs, quicklookQa, summarizeQa } from '../../shared/qa/index.js';
import { QL_LAYOUT, discoverProduct } from '../../shared/vlass/index.js';
import { continuumQaFlags, finishQa } from '../continuum-qa-flags.js';
import { reportFlag } from '../report-flag.js';
import { VERSION_STRING } from '../../shared/buildinfo.js';

export const CAPO_PREFIX = 'edu.nrao.vlass.annotateQa';
export const RULE_PREFIX = `${CAPO_PREFIX}.rule`;

export const annotateQaTool = defineTool({
  name: 'annotateQa',
  summary: 'image QA of a VLASS Quick Look product: measure, judge with CAPO rules, annotate, reject',
  capoPrefixes: [CAPO_PREFIX],
  positional: { name: 'product', flag: 'dir' },
  flags: {
    dir: { type: 'string', default: '.', describe: 'directory holding the QL product (then its products/ subdirectory); a pipeline_manifest.xml there names the product' },
    image: { type: 'string', describe: 'the pbcor tt0 image (*.I.iter1.image.pbcor.tt0.subim.fits), instead of finding it in --dir' },
    rms: { type: 'string', describe: 'the rms image (default: found beside the image; computed when there is none)' },
    ...reportFlag('<stem>.qa.html'),
    ...continuumQaFlags({ image: 'pbcor image', keywords: 'VLASSPK, VLASSRMS, VLASSPT, VLASSQA' }),
  },
  examples: [['$0 --dir products --annotate-fits --reject-to .', 'QA the QL product in products/, stamp it, move it to ./QA_REJECTED/ if it fails']],

  async run(ctx, args) {
    ctx.stage('discovering', { dir: args.dir });
    const product = await discoverProduct(QL_LAYOUT, { dir: args.dir, explicit: { image: args.image, rms: args.rms } });
    // Configuration errors (78) surface before minutes of reading and measuring.
    const ruleConfigs = loadRuleConfigs(ctx.capo, RULE_PREFIX, CONTINUUM_RULES);
    const result = await quicklookQa(
      product,
      { ruleConfigs, annotateFits: args.annotateFits, writeRms: args.writeRms, previews: args.previews, rejectTo: args.rejectTo, outDir: ctx.outDir, report: args.report ? { generator: `${ctx.tool} ${VERSION_STRING}` } : undefined },
      ctx.progress,
    );
    return finishQa(ctx, result, summarizeQa(ctx.tool, result), args.failOnReject);
  },
});
