/**
 * What a continuum QA tool does once its verdict is known, in this order: stamp the image
 * (--annotate-fits), move a failed product to QA_REJECTED/ (--reject-to; the rejected image
 * therefore carries VLASSQA = 'FAIL'), write previews and `<stem>.qa.json`, print the summary.
 * Returns the exit code: 1 for FAIL with --fail-on-reject, else 0 (the verdict is data).
 */
import { basename } from 'node:path';
import type { ToolContext } from '../cli/run.js';
import { ExitCode } from '../errors.js';
import { writePreviews } from '../preview/index.js';
import { annotateFits } from './annotate.js';
import { productFiles, type DiscoveredProduct } from '../vlass/discover.js';
import type { ImagePlane } from '../vlass/image.js';
import { moveToRejected } from './reject.js';
import { writeQaJson } from './report.js';
import type { QaResult } from './types.js';

export interface QaDeliveryFlags {
  annotateFits: boolean;
  previews: boolean;
  rejectTo?: string;
  failOnReject: boolean;
}

export function deliverQa<R extends QaResult>(
  ctx: ToolContext,
  product: DiscoveredProduct,
  image: ImagePlane,
  result: R,
  flags: QaDeliveryFlags,
  summarize: (tool: string, result: R) => string,
): number {
  if (flags.annotateFits) {
    ctx.stage('annotating', { file: image.path });
    const { skipped, update } = annotateFits(image.path, result);
    if (skipped.length) ctx.log.warn({ skipped }, `not written (not measured): ${skipped.join(', ')}`);
    ctx.log.info({ mode: update.mode }, `FITS keywords written to ${image.path}`);
  }
  if (result.verdict === 'FAIL' && flags.rejectTo) {
    ctx.stage('rejecting', { to: flags.rejectTo });
    const moved = moveToRejected(productFiles(product), flags.rejectTo);
    result.rejected = { directory: moved.directory, files: moved.files.map((f) => f.to) };
    ctx.log.info({ files: moved.files }, `moved ${moved.files.length} file(s) to ${moved.directory}`);
  }

  ctx.stage('writing', { out: ctx.outDir });
  if (flags.previews) {
    // Named after the image file (<name>_prev.jpg), as the archive names them; zeros are CASA blanks.
    const previews = writePreviews(image.data, image.width, image.height, ctx.outDir, basename(image.path).replace(/\.fits$/i, ''), { excludeZeros: true });
    ctx.log.info({ previews }, `wrote ${previews.length} preview(s)`);
  }
  const jsonPath = writeQaJson(ctx.outDir, result);
  ctx.log.info({ verdict: result.verdict, output: jsonPath }, `verdict: ${result.verdict}`);
  ctx.emitResult(result);
  ctx.report(summarize(ctx.tool, result));
  return result.verdict === 'FAIL' && flags.failOnReject ? ExitCode.SUBJECT_FAILED : ExitCode.OK;
}
