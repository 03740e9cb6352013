/**
 * Writers of the QA result that are not FITS: `<product>.qa.json` (atomic) and the one
 * paragraph an operator reads in the node's .err file.
 */
import { join } from 'node:path';
import { writeFileAtomic } from '../io/atomic.js';
import type { QaResult } from './types.js';

/** `<product stem>.qa.json`. */
export function qaJsonName(result: QaResult): string {
  return `${result.product.name}.qa.json`;
}

/** Writes the result as indented JSON into `outDir`; returns the path. */
export function writeQaJson(outDir: string, result: QaResult): string {
  const path = join(outDir, qaJsonName(result));
  writeFileAtomic(path, JSON.stringify(result, null, 2) + '\n');
  return path;
}

/** One paragraph: verdict, the rules that did not pass, key numbers. */
export function summarizeQa(tool: string, result: QaResult): string {
  const notPassed = result.rules.filter((r) => r.status === 'fail' || r.status === 'warn');
  const m = result.metrics;
  const uJy = (v: number | null) => (v === null ? 'n/a' : `${Number((v * 1e6).toPrecision(4))} uJy/beam`);
  const parts = [
    `${tool}: ${result.verdict} for ${result.product.name} (${result.product.type}).`,
    notPassed.length ? notPassed.map((r) => `[${r.status} ${r.name}] ${r.message}.`).join(' ') : `All ${result.rules.filter((r) => r.status === 'pass').length} rules passed.`,
    `Peak ${m.pbcor.peakJy === null ? 'n/a' : `${Number(m.pbcor.peakJy.toPrecision(4))} Jy/beam`}, median rms ${uJy(m.rms.medianJy)} (${m.rms.source === 'computed' ? 'computed here' : 'rms image'}), dynamic range ${m.dynamicRange === null ? 'n/a' : Number(m.dynamicRange.toPrecision(4))}.`,
    result.rejected ? `Moved ${result.rejected.files.length} file(s) to ${result.rejected.directory}.` : '',
  ];
  return parts.filter((p) => p !== '').join(' ');
}
