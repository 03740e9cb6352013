/**
 * annotateQa: image QA of a VLASS Quick Look product (pbcor tt0 + rms image).
 *   annotateQa --dir products --annotate-fits --reject-to . [--fail-on-reject]
 * Finds the product, measures it once, judges the metrics with the CAPO rules
 * (edu.nrao.vlass.annotateQa.rule.*), then: FITS keywords (--annotate-fits), QA_REJECTED/
 * (--reject-to, on FAIL), the computed rms image (--write-rms), previews (--previews),
 * `<product>.qa.json` in --out. The verdict is data: exit 0 unless --fail-on-reject and FAIL.
 */
import { join } from 'node:path';
import type { ToolSpec } from '../../shared/cli/run.js';
import { CONTINUUM_RULES, computeRmsPlane, evaluateRules, loadRuleConfigs, measureContinuum, overallVerdict, productInfo, readRmsPlane, readSinglePlane, summarizeQa, writeComputedRms, type QaResult, type RmsPlane, deliverQa, imageCellArcsec } from '../../shared/qa/index.js';
import { QL_CELL_ARCSEC, QL_LAYOUT, discoverProduct } from '../../shared/vlass/index.js';
import { type ContinuumQaFlags, withContinuumQaFlags } from '../continuum-qa-flags.js';

export const CAPO_PREFIX = 'edu.nrao.vlass.annotateQa';
export const RULE_PREFIX = `${CAPO_PREFIX}.rule`;

interface Args extends ContinuumQaFlags {
  dir: string;
  image?: string;
  rms?: string;
}

export const annotateQaTool: ToolSpec<Args> = {
  name: 'annotateQa',
  summary: 'image QA of a VLASS Quick Look product: measure, judge with CAPO rules, annotate, reject',
  capoPrefixes: [CAPO_PREFIX],
  options: (y) =>
    withContinuumQaFlags(
      y
        .option('dir', { type: 'string', default: '.', describe: 'directory holding the QL product (then its products/ subdirectory); a pipeline_manifest.xml there names the product' })
        .option('image', { type: 'string', describe: 'the pbcor tt0 image (*.I.iter1.image.pbcor.tt0.subim.fits), instead of finding it in --dir' })
        .option('rms', { type: 'string', describe: 'the rms image (default: found beside the image; computed when there is none)' }),
      { image: 'pbcor image', keywords: 'VLASSPK, VLASSRMS, VLASSPT, VLASSQA' },
    )
      .example('$0 --dir products --annotate-fits --reject-to .', 'QA the QL product in products/, stamp it, move it to ./QA_REJECTED/ if it fails') as never,

  async run(ctx, args) {
    ctx.stage('discovering', { dir: args.dir });
    const product = await discoverProduct(QL_LAYOUT, { dir: args.dir, explicit: { image: args.image, rms: args.rms } });
    // Configuration errors (78) surface before minutes of reading and measuring.
    const ruleConfigs = loadRuleConfigs(ctx.capo, RULE_PREFIX, CONTINUUM_RULES);

    ctx.stage('reading', { product: product.stem, files: product.files });
    const image = readSinglePlane(product.files.image, 'pbcor image');
    let rms: RmsPlane;
    if (product.files.rms) {
      rms = readRmsPlane(image, product.files.rms);
      if (args.writeRms) ctx.log.info(`--write-rms: the product has an rms image (${product.files.rms}); nothing computed, nothing written`);
    } else {
      ctx.stage('computing rms', { reason: `no ${product.stem}.${QL_LAYOUT.roles[1].suffix}` });
      rms = computeRmsPlane(image, imageCellArcsec(image, product.name?.cellArcsec ?? QL_CELL_ARCSEC));
      if (args.writeRms) rms = writeComputedRms(join(ctx.outDir, `${product.stem}.${QL_LAYOUT.roles[1].suffix}`), rms, image.header);
    }

    ctx.stage('measuring');
    const metrics = measureContinuum(image, rms);
    const rules = evaluateRules(CONTINUUM_RULES, ruleConfigs, metrics);
    const result: QaResult = { product: productInfo(QL_LAYOUT, product), verdict: overallVerdict(rules), rules, metrics };

    return deliverQa(ctx, product, image, result, args, summarizeQa);
  },
};
