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
  /** Rows per original FIELD_ID among the selected, counted in the source (for verification). */
  sourceRowsPerField: Record<number, number>;
  /** What the split could not carry over (absent in the input), for the log. */
  absentSubtables: string[];
}

export type SplitStep = 'copy' | 'reindex' | 'prune';

export async function splitByField(info: MsInfo, fieldIds: number[], output: string, onStep: (step: SplitStep, fraction: number) => void = () => {}): Promise<SplitResult> {
  const input = taqlPath(info.path);
  const out = taqlPath(output);
  const ids = `[${fieldIds.join(',')}]`;

  onStep('copy', 0);
  // While taql copies, two read-only questions to the source run beside it (the second core):
  // the rows per field (for verification) and the selected rows' time range (for POINTING).
  const [, perField, [[tmin, tmax] = []]] = await Promise.all([
    copySelectedRows(info, input, ids, output),
    rowsPerField(info.path, fieldIds),
    taql(`select string(gmin(TIME-INTERVAL/2),'%.17g'), string(gmax(TIME+INTERVAL/2),'%.17g') from ${input} where FIELD_ID in ${ids}`, `${info.path}: selected time range`),
  ]);
  for (const sub of info.subtables) {
    if (!existsSync(join(output, sub, 'table.dat'))) cpSync(join(info.path, sub), join(output, sub), { recursive: true });
  }

  onStep('reindex', 0.8);
  await taql(`update ${out} set FIELD_ID = ${reindexExpression(fieldIds)}`, `${output}: re-indexing FIELD_ID`);

  onStep('prune', 0.9);
  const pruning = [taql(`delete from ${taqlPath(join(output, 'FIELD'))} where ROWID() not in ${ids}`, `${output}/FIELD: keeping the selected fields`)];
  if (info.subtables.includes('SOURCE')) {
    const sources = [...new Set(fieldIds.map((id) => info.fields[id].sourceId).filter((s) => s >= 0))];
    pruning.push(taql(`delete from ${taqlPath(join(output, 'SOURCE'))} where SOURCE_ID not in [${[-2, ...sources].join(',')}]`, `${output}/SOURCE: keeping the selected fields' sources`));
  }
  if (info.subtables.includes('POINTING') && tmin !== undefined) {
    pruning.push(
      taql(`delete from ${taqlPath(join(output, 'POINTING'))} where TIME+INTERVAL/2 < ${tmin} || TIME-INTERVAL/2 > ${tmax}`, `${output}/POINTING: keeping the selected time range`),
    );
  }
  await Promise.all(pruning);
  return { sourceRowsPerField: perField, absentSubtables: info.absentSubtables };
}

/**
 * FIELD_ID's new value as a TaQL expression: the selected ids fall in a few runs of
 * consecutive ids (one per OTF stripe), each shifted down by a constant, so a short iif chain
 * does it; a lookup array indexed by FIELD_ID would cost half again as much per row.
 */
export function reindexExpression(fieldIds: number[]): string {
  const runs: Array<{ last: number; shift: number }> = [];
  fieldIds.forEach((id, i) => {
    const run = runs.at(-1);
    if (run && id === run.last + 1 && id - i === run.shift) run.last = id;
    else runs.push({ last: id, shift: id - i });
  });
  const shifted = (shift: number) => (shift === 0 ? 'FIELD_ID' : `FIELD_ID-${shift}`);
  return runs.slice(0, -1).reduceRight((rest, run) => `iif(FIELD_ID<=${run.last},${shifted(run.shift)},${rest})`, shifted(runs.at(-1)!.shift));
}

async function copySelectedRows(info: MsInfo, input: string, ids: string, output: string): Promise<void> {
  try {
    await taql(`select from ${input} where FIELD_ID in ${ids} giving ${taqlPath(output)} as plain`, `${info.path}: copying the selected rows`);
  } catch (err) {
    // Only an absent subtable (one the input's keywords name) is tolerated here.
    const absent = err instanceof TaqlError ? /Table (\S+) does not exist/.exec(err.detail)?.[1] : undefined;
    if (!absent || !info.absentSubtables.some((s) => absent.endsWith(`/${s}`)) || !existsSync(join(output, 'table.dat'))) throw err;
  }
}

/** Rows per FIELD_ID among `ids`. */
export async function rowsPerField(ms: string, ids: number[]): Promise<Record<number, number>> {
  const rows = await taql(`select FIELD_ID, gcount() from ${taqlPath(ms)} where FIELD_ID in [${ids.join(',')}] groupby FIELD_ID`, `${ms}: rows per field`);
  return Object.fromEntries(rows.map((r) => [Number(r[0]), Number(r[1])]));
}
