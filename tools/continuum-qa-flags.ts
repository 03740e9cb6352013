/**
 * The delivery flags the continuum QA tools (annotateQa, annotateQaSE) share, defined once so
 * that their names, defaults and help stay the same; only the image they act on and the
 * keywords stamped differ, and are given.
 */
import type { Argv } from 'yargs';
import type { QaDeliveryFlags } from '../shared/qa/deliver.js';

export interface ContinuumQaFlags extends QaDeliveryFlags {
  writeRms: boolean;
}

export function withContinuumQaFlags<T>(y: Argv<T>, stamped: { image: string; keywords: string }): Argv<T & ContinuumQaFlags> {
  return y
    .option('annotate-fits', { type: 'boolean', default: false, describe: `write ${stamped.keywords} into the ${stamped.image} header` })
    .option('write-rms', { type: 'boolean', default: false, describe: 'when the rms image was computed, write it as FITS into --out' })
    .option('previews', { type: 'boolean', default: false, describe: `write JPEG previews of the ${stamped.image} into --out` })
    .option('reject-to', { type: 'string', describe: "on FAIL, move the product's files into DIR/QA_REJECTED/ (all or nothing)" })
    .option('fail-on-reject', { type: 'boolean', default: false, describe: 'exit 1 when the verdict is FAIL (default: exit 0, the verdict is data)' }) as unknown as Argv<T & ContinuumQaFlags>;
}
