/**
 * The QA verdicts a workflow delivered, for its final event (docs/events.md `qa`): every
 * `<stem>.qa.json` in the results directory and two levels below it (`products/`, `cube/`).
 * Read as data a QA tool wrote, not trusted: a file that is not a QA result is left out with a
 * warning, since the final report must still be sent.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDirectory, listDirectories, listFiles } from '../io/fsutil.js';
import type { QaOutcome } from './event.js';

const VERDICTS = new Set(['PASS', 'WARN', 'FAIL']);
/** At most this many in one event (the schema's limit). */
const MAX_OUTCOMES = 64;

/** The outcomes found under `dir` (none when it is absent), sorted by product; `warn` hears what was skipped. */
export function readQaOutcomes(dir: string, warn: (message: string) => void): QaOutcome[] {
  if (!isDirectory(dir)) return [];
  const levels = [dir, ...listDirectories(dir).map((d) => join(dir, d))];
  const places = [...levels, ...levels.slice(1).flatMap((d) => listDirectories(d).map((s) => join(d, s)))];
  const out: QaOutcome[] = [];
  for (const place of places)
    for (const name of listFiles(place).filter((f) => f.endsWith('.qa.json'))) {
      const outcome = outcomeOf(join(place, name));
      if (typeof outcome === 'string') warn(outcome);
      else out.push(outcome);
    }
  return out.sort((a, b) => a.product.localeCompare(b.product)).slice(0, MAX_OUTCOMES);
}

function outcomeOf(path: string): QaOutcome | string {
  let result: { product?: { name?: unknown }; verdict?: unknown; rejected?: unknown };
  try {
    result = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    return `${path}: not read as a QA result (${(err as Error).message}); left out of the final event`;
  }
  const product = result?.product?.name;
  if (typeof product !== 'string' || product === '' || product.length > 256 || !VERDICTS.has(String(result.verdict)))
    return `${path}: no product name and verdict (PASS, WARN, FAIL); left out of the final event`;
  return { product, verdict: result.verdict as QaOutcome['verdict'], rejected: result.rejected !== undefined && result.rejected !== null };
}

/** One line for the operator about the rejected products, or undefined when none was rejected. */
export function rejectionMessage(outcomes: readonly QaOutcome[]): string | undefined {
  const failed = outcomes.filter((o) => o.verdict === 'FAIL');
  if (failed.length === 0) return undefined;
  return `QA FAIL: ${failed.map((o) => `${o.product}${o.rejected ? ' (moved to QA_REJECTED)' : ''}`).join(', ')}`;
}
