/**
 * Proof that a split is what was asked for, read back with casacore before it enters the cache:
 * the row count, each field's rows under its new FIELD_ID, FIELD listing exactly the selected
 * fields with their directions, and every subtable of the input present.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DataError } from '../errors.js';
import { readFields, treeStats, type MsField, type MsInfo } from './inspect.js';
import { taql, taqlPath } from './taql.js';

/** Directions agree to this (degrees): the doubles round-trip through %.17g exactly; 1e-9 deg allows for nothing else. */
const DIRECTION_TOLERANCE_DEG = 1e-9;

export interface Verified {
  rows: number;
  fields: MsField[];
  sizeBytes: number;
}

/**
 * `sourceRowsPerField`: rows per original FIELD_ID in the source (splitByField counts them;
 * the casa backend's caller counts them with rowsPerField).
 */
export async function verifySplit(source: MsInfo, selected: MsField[], output: string, sourceRowsPerField: Record<number, number>): Promise<Verified> {
  const fail = (what: string) => new DataError(`${output}: verification failed: ${what}; the split is discarded`);
  const [fields, counts] = await Promise.all([
    readFields(output),
    taql(`select FIELD_ID, gcount() from ${taqlPath(output)} groupby FIELD_ID`, `${output}: rows per field`),
  ]);
  if (fields.length !== selected.length) throw fail(`FIELD has ${fields.length} rows, expected ${selected.length}`);
  fields.forEach((f, i) => {
    const want = selected[i];
    const dRa = Math.abs(((f.raDeg - want.raDeg + 540) % 360) - 180);
    if (f.name !== want.name || dRa > DIRECTION_TOLERANCE_DEG || Math.abs(f.decDeg - want.decDeg) > DIRECTION_TOLERANCE_DEG)
      throw fail(`FIELD row ${i} is "${f.name}" at (${f.raDeg}, ${f.decDeg}), expected field ${want.id} "${want.name}" at (${want.raDeg}, ${want.decDeg})`);
  });
  const perField = new Map(counts.map((r) => [Number(r[0]), Number(r[1])]));
  for (const id of perField.keys()) if (!(id >= 0 && id < selected.length)) throw fail(`${perField.get(id)} rows have FIELD_ID ${id}, outside 0..${selected.length - 1}`);
  selected.forEach((f, i) => {
    if ((perField.get(i) ?? 0) !== (sourceRowsPerField[f.id] ?? 0)) throw fail(`FIELD_ID ${i} (was ${f.id}) has ${perField.get(i) ?? 0} rows, expected ${sourceRowsPerField[f.id] ?? 0}`);
  });
  for (const sub of source.subtables) if (!existsSync(join(output, sub, 'table.dat'))) throw fail(`subtable ${sub} is missing`);
  const rows = [...perField.values()].reduce((a, b) => a + b, 0);
  return { rows, fields, sizeBytes: treeStats(output).sizeBytes };
}
