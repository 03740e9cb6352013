/**
 * annotateQa: image QA of a VLASS Quick Look product (pbcor tt0 + rms image).
 *   annotateQa --dir products --annotate-fits --reject-to . [--fail-on-reject]
 * Finds the product, measures it once, judges the metrics with the CAPO rules
 * (edu.nrao.vlass.annotateQa.rule.*), then: FITS keywords (--annotate-fits), QA_REJECTED/
 * (--reject-to, on FAIL), the computed rms image (--write-rms), previews (--previews),
 * `<product>.qa.json` in --out. The verdict is data: exit 0 unless --fail-on-reject and FAIL.
 */
import { basename, join } from 'node:path';
import type { ToolSpec } from '../../shared/cli/run.js';
import { ExitCode } from '../../shared/errors.js';
import {
  CONTINUUM_RULES,
  QL_CELL_ARCSEC,
  QL_LAYOUT,
  annotateFits,
  celestialWcs,
  computeRmsPlane,
  discoverProduct,
  evaluateRules,
  loadRuleConfigs,
  measureContinuum,
  moveToRejected,
  overallVerdict,
  productFiles,
  productInfo,
  readRmsPlane,
  readSinglePlane,
  summarizeQa,
  writeComputedRms,
  writeQaJson,
  type ImagePlane,
  type QaResult,
  type RmsPlane,
} from '../../shared/qa/index.js';
import { pixelScaleArcsec } from '../../shared/wcs/index.js';
import { writePreviews } from '../../shared/preview/index.js';

export const CAPO_PREFIX = 'edu.nrao.vlass.annotateQa';
export const RULE_PREFIX = `${CAPO_PREFIX}.rule`;

interface Args {
  dir: string;
  image?: string;
  rms?: string;
  annotateFits: boolean;
  writeRms: boolean;
  previews: boolean;
  rejectTo?: string;
  failOnReject: boolean;
}

export const annotateQaTool: ToolSpec<Args> = {
  name: 'annotateQa',
  summary: 'image QA of a VLASS Quick Look product: measure, judge with CAPO rules, annotate, reject',
  capoPrefixes: [CAPO_PREFIX],
  options: (y) =>
    y
      .option('dir', { type: 'string', default: '.', describe: 'directory holding the QL product (then its products/ subdirectory); a pipeline_manifest.xml there names the product' })
      .option('image', { type: 'string', describe: 'the pbcor tt0 image (*.I.iter1.image.pbcor.tt0.subim.fits), instead of finding it in --dir' })
      .option('rms', { type: 'string', describe: 'the rms image (default: found beside the image; computed when there is none)' })
      .option('annotate-fits', { type: 'boolean', default: false, describe: 'write VLASSPK, VLASSRMS, VLASSPT, VLASSQA into the pbcor image header' })
      .option('write-rms', { type: 'boolean', default: false, describe: 'when the rms image was computed, write it as FITS into --out' })
      .option('previews', { type: 'boolean', default: false, describe: 'write JPEG previews of the pbcor image into --out' })
      .option('reject-to', { type: 'string', describe: "on FAIL, move the product's files into DIR/QA_REJECTED/ (all or nothing)" })
      .option('fail-on-reject', { type: 'boolean', default: false, describe: 'exit 1 when the verdict is FAIL (default: exit 0, the verdict is data)' })
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
      rms = computeRmsPlane(image, cellSizeArcsec(image, product.name?.cellArcsec));
      if (args.writeRms) rms = writeComputedRms(join(ctx.outDir, `${product.stem}.${QL_LAYOUT.roles[1].suffix}`), rms, image.header);
    }

    ctx.stage('measuring');
    const metrics = measureContinuum(image, rms);
    const rules = evaluateRules(CONTINUUM_RULES, ruleConfigs, metrics);
    const result: QaResult = { product: productInfo(QL_LAYOUT, product), verdict: overallVerdict(rules), rules, metrics };

    if (args.annotateFits) {
      ctx.stage('annotating', { file: product.files.image });
      const { skipped, update } = annotateFits(product.files.image, result);
      if (skipped.length) ctx.log.warn({ skipped }, `not written (not measured): ${skipped.join(', ')}`);
      ctx.log.info({ mode: update.mode }, `FITS keywords written to ${product.files.image}`);
    }
    if (result.verdict === 'FAIL' && args.rejectTo) {
      ctx.stage('rejecting', { to: args.rejectTo });
      const moved = moveToRejected(productFiles(product), args.rejectTo);
      result.rejected = { directory: moved.directory, files: moved.files.map((f) => f.to) };
      ctx.log.info({ files: moved.files }, `moved ${moved.files.length} file(s) to ${moved.directory}`);
    }

    ctx.stage('writing', { out: ctx.outDir });
    if (args.previews) {
      // Named after the image file (<name>_prev.jpg), as the archive names them; zeros are CASA blanks.
      const previews = writePreviews(image.data, image.width, image.height, ctx.outDir, basename(product.files.image).replace(/\.fits$/i, ''), { excludeZeros: true });
      ctx.log.info({ previews }, `wrote ${previews.length} preview(s)`);
    }
    const jsonPath = writeQaJson(ctx.outDir, result);
    ctx.log.info({ verdict: result.verdict, output: jsonPath }, `verdict: ${result.verdict}`);
    ctx.emitResult(result);
    ctx.report(summarizeQa(annotateQaTool.name, result));
    return result.verdict === 'FAIL' && args.failOnReject ? ExitCode.SUBJECT_FAILED : ExitCode.OK;
  },
};

/** Pixel size for the rms boxes: from the WCS, else the name's cell token, else QL's 1". */
function cellSizeArcsec(image: ImagePlane, fromName: number | undefined): number {
  const wcs = celestialWcs(image.header);
  if (wcs) {
    const { x, y } = pixelScaleArcsec(wcs);
    return Math.sqrt(x * y);
  }
  return fromName ?? QL_CELL_ARCSEC;
}
