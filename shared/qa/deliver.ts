/**
 * What continuum QA does once its verdict is known, in this order: stamp the image
 * (--annotate-fits), move a failed product to QA_REJECTED/ (--reject-to; the rejected image
 * therefore carries VLASSQA = 'FAIL'), write previews and `<stem>.qa.json`.
 */
import { basename } from 'node:path';
import type { Progress } from '../progress.js';
import { writePreviews } from '../preview/index.js';
import { productFiles, type DiscoveredProduct } from '../vlass/discover.js';
import type { ImagePlane } from '../vlass/image.js';
import { annotateFits } from './annotate.js';
import { moveToRejected } from './reject.js';
import { writeQaJson } from './report.js';
import type { QaResult } from './types.js';

export interface QaDeliveryOptions {
  annotateFits: boolean;
  previews: boolean;
  rejectTo?: string;
  /** Where previews and `<stem>.qa.json` go. */
  outDir: string;
}

/** Delivers the result; `result.rejected` is set when the product was moved. Returns the qa.json path. */
export function deliverQa(product: DiscoveredProduct, image: ImagePlane, result: QaResult, options: QaDeliveryOptions, progress: Progress): string {
  if (options.annotateFits) {
    progress.stage('annotating', { file: image.path });
    const { skipped, update } = annotateFits(image.path, result);
    if (skipped.length) progress.warn(`not written (not measured): ${skipped.join(', ')}`, { skipped });
    progress.info(`FITS keywords written to ${image.path}`, { mode: update.mode });
  }
  if (result.verdict === 'FAIL' && options.rejectTo) {
    progress.stage('rejecting', { to: options.rejectTo });
    const moved = moveToRejected(productFiles(product), options.rejectTo);
    result.rejected = { directory: moved.directory, files: moved.files.map((f) => f.to) };
    progress.info(`moved ${moved.files.length} file(s) to ${moved.directory}`, { files: moved.files });
  }

  progress.stage('writing', { out: options.outDir });
  if (options.previews) {
    // Named after the image file (<name>_prev.jpg), as the archive names them; zeros are CASA blanks.
    const previews = writePreviews(image.data, image.width, image.height, options.outDir, basename(image.path).replace(/\.fits$/i, ''), { excludeZeros: true });
    progress.info(`wrote ${previews.length} preview(s)`, { previews });
  }
  const jsonPath = writeQaJson(options.outDir, result);
  progress.info(`verdict: ${result.verdict}`, { verdict: result.verdict, output: jsonPath });
  return jsonPath;
}
