/**
 * Splitting a measurement set by field with taql, as CASA's split leaves it (docs/split.md):
 *   1. copy the selected rows into a plain table (TaQL GIVING AS PLAIN deep-copies the
 *      subtables; casacore stops at a keyword naming an absent subtable, so any present
 *      subtable it did not reach is copied as files afterwards);
 *   2. re-index FIELD_ID from 0 in the original order;
 *   3. keep only the selected FIELD rows, the SOURCE rows of their sources, and the POINTING
 *      rows overlapping the selected rows' time range. Every other subtable is unchanged.
 * The output directory is a temporary one chosen by the caller; nothing here renames it.
 */
import { cpSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import type { MsInfo } from './inspect.js';
import { TaqlError, taql, taqlPath } from './taql.js';

export interface SplitResult {
  rows: number;
  /** What the split could not carry over (absent in the input), for the log. */
  absentSubtables: string[];
}

export type SplitStep = 'copy' | 'reindex' | 'prune';

export async function splitByField(info: MsInfo, fieldIds: number[], output: string, onStep: (step: SplitStep, fraction: number) => void = () => {}): Promise<SplitResult> {
  const input = taqlPath(info.path);
  const out = taqlPath(output);
  const ids = `[${fieldIds.join(',')}]`;

  onStep('copy', 0);
  try {
    await taql(`select from ${input} where FIELD_ID in ${ids} giving ${out} as plain`, `${info.path}: copying the selected rows`);
  } catch (err) {
    // Only an absent subtable (one the input's keywords name) is tolerated here.
    const absent = err instanceof TaqlError ? /Table (\S+) does not exist/.exec(err.detail)?.[1] : undefined;
    if (!absent || !info.absentSubtables.some((s) => absent.endsWith(`/${s}`)) || !existsSync(join(output, 'table.dat'))) throw err;
  }
  for (const sub of info.subtables) {
    if (!existsSync(join(output, sub, 'table.dat'))) cpSync(join(info.path, sub), join(output, sub), { recursive: true });
  }

  onStep('reindex', 0.7);
  const mapping = new Array<number>(info.fields.length).fill(-1);
  fieldIds.forEach((id, i) => (mapping[id] = i));
  await taql(`update ${out} set FIELD_ID = [${mapping.join(',')}][FIELD_ID]`, `${output}: re-indexing FIELD_ID`);

  onStep('prune', 0.85);
  await taql(`delete from ${taqlPath(join(output, 'FIELD'))} where ROWID() not in ${ids}`, `${output}/FIELD: keeping the selected fields`);
  if (info.subtables.includes('SOURCE')) {
    const sources = [...new Set(fieldIds.map((id) => info.fields[id].sourceId).filter((s) => s >= 0))];
    await taql(`delete from ${taqlPath(join(output, 'SOURCE'))} where SOURCE_ID not in [${[-2, ...sources].join(',')}]`, `${output}/SOURCE: keeping the selected fields' sources`);
  }
  const [[rows = '0', tmin, tmax] = []] = await taql(
    `select gcount(), string(gmin(TIME-INTERVAL/2),'%.17g'), string(gmax(TIME+INTERVAL/2),'%.17g') from ${out}`,
    `${output}: selected time range`,
  );
  if (info.subtables.includes('POINTING') && tmin !== undefined) {
    await taql(
      `delete from ${taqlPath(join(output, 'POINTING'))} where TIME+INTERVAL/2 < ${tmin} || TIME-INTERVAL/2 > ${tmax}`,
      `${output}/POINTING: keeping the selected time range`,
    );
  }
  return { rows: Number(rows), absentSubtables: info.absentSubtables };
}
