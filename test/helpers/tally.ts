/**
 * Outcome counts for the reliability report (`npm run reliability`, bench/reliability.ts): when
 * RELIABILITY_TALLY names a file, each recorded case appends one JSON line to it. Without it,
 * recording does nothing, so the tests run as usual in `npm test`.
 */
import { appendFileSync } from 'node:fs';

export interface TallyRecord {
  /** 'parser', 'fault' or 'security'. */
  area: string;
  /** The parser or tool. */
  subject: string;
  /** What was tried (for parsers: 'case'). */
  trial: string;
  /** How it ended: 'parsed', 'exit 65', 'exit 0', ... */
  outcome: string;
}

const file = process.env.RELIABILITY_TALLY;
let pending: string[] = [];

export function tally(record: TallyRecord): void {
  if (!file) return;
  pending.push(JSON.stringify(record));
  if (pending.length >= 500) flushTally();
}

export function flushTally(): void {
  if (!file || pending.length === 0) return;
  appendFileSync(file, pending.join('\n') + '\n');
  pending = [];
}
