/**
 * The flags the continuum QA tools (annotateQa, annotateQaSE) share, defined once so that their
 * names, defaults and help stay the same; only the image they act on and the keywords stamped
 * differ, and are given. Also how every QA tool ends (annotateQaSECube too): the result
 * printed, the verdict's exit code.
 */
import type { ToolContext } from '../shared/cli/run.js';
import { ExitCode } from '../shared/errors.js';
import type { QaResult } from '../shared/qa/index.js';

export function continuumQaFlags(stamped: { image: string; keywords: string }) {
  return {
    'annotate-fits': { type: 'boolean', default: false, describe: `write ${stamped.keywords} into the ${stamped.image} header` },
    'write-rms': { type: 'boolean', default: false, describe: 'when the rms image was computed, write it as FITS into --out' },
    previews: { type: 'boolean', default: false, describe: `write JPEG previews of the ${stamped.image} into --out` },
    'reject-to': { type: 'string', describe: "on FAIL, move the product's files into DIR/QA_REJECTED/ (all or nothing)" },
    'fail-on-reject': { type: 'boolean', default: false, describe: 'exit 1 when the verdict is FAIL (default: exit 0, the verdict is data)' },
  } as const;
}

/** Prints the result (--json) and the operator's summary; exit 1 for FAIL with --fail-on-reject, else 0 (the verdict is data). */
export function finishQa(ctx: ToolContext, result: QaResult | { verdict: QaResult['verdict'] }, summary: string, failOnReject: boolean): number {
  ctx.emitResult(result);
  ctx.report(summary);
  return result.verdict === 'FAIL' && failOnReject ? ExitCode.SUBJECT_FAILED : ExitCode.OK;
}
