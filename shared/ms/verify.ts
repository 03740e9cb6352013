/**
 * Proof that a split is what was asked for, read back with casacore before it enters the cache:
 * the row count, each field's rows under its new FIELD_ID, FIELD listing exactly the selected
 * fields with their directions, and every subtable of the input present.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DataError } from '../errors.js';
import { inspectMeasurementSet, type MsField, type MsInfo } from './inspect.js';
import { taql, taqlPath } from './taql.js';

/** Directions agree to this (degrees): the doubles round-trip through %.17g exactly; 1e-9 deg allows for nothing else. */
const DIRECTION_TOLERANCE_DEG = 1e-9;

export interface Verified {
  rows: number;
  fields: MsField[];
  sizeBytes: number;
}

export async function verifySplit(source: MsInfo, selected: MsField[], output: string): Promise<Verified> {
  const fail = (what: string) => new DataError(`${output}: verification failed: ${what}; the split is discarded`);
  const expectedPerField = await rowsPerField(source.path, selected.map((f) => f.id));
  const got = await inspectMeasurementSet(output);
  if (got.fields.length !== selected.length) throw fail(`FIELD has ${got.fields.length} rows, expected ${selected.length}`);
  got.fields.forEach((f, i) => {
    const want = selected[i];
    const dRa = Math.abs(((f.raDeg - want.raDeg + 540) % 360) - 180);
    if (f.name !== want.name || dRa > DIRECTION_TOLERANCE_DEG || Math.abs(f.decDeg - want.decDeg) > DIRECTION_TOLERANCE_DEG)
      throw fail(`FIELD row ${i} is "${f.name}" at (${f.raDeg}, ${f.decDeg}), expected field ${want.id} "${want.name}" at (${want.raDeg}, ${want.decDeg})`);
  });
  const perField = await rowsPerField(output, selected.map((_, i) => i));
  selected.forEach((f, i) => {
    if (perField[i] !== expectedPerField[f.id]) throw fail(`FIELD_ID ${i} (was ${f.id}) has ${perField[i] ?? 0} rows, expected ${expectedPerField[f.id]}`);
  });
  const [[outside = '0'] = []] = await taql(`select gcount() from ${taqlPath(output)} where FIELD_ID < 0 || FIELD_ID >= ${selected.length}`, `${output}: FIELD_ID range`);
  if (Number(outside) !== 0) throw fail(`${outside} rows have a FIELD_ID outside 0..${selected.length - 1}`);
  const expectedRows = Object.values(expectedPerField).reduce((a, b) => a + b, 0);
  if (got.rows !== expectedRows) throw fail(`${got.rows} rows, expected ${expectedRows}`);
  for (const sub of source.subtables) if (!existsSync(join(output, sub, 'table.dat'))) throw fail(`subtable ${sub} is missing`);
  return { rows: got.rows, fields: got.fields, sizeBytes: got.sizeBytes };
}

/** Rows per FIELD_ID among `ids`. */
async function rowsPerField(ms: string, ids: number[]): Promise<Record<number, number>> {
  const rows = await taql(`select FIELD_ID, gcount() from ${taqlPath(ms)} where FIELD_ID in [${ids.join(',')}] groupby FIELD_ID`, `${ms}: rows per field`);
  return Object.fromEntries(rows.map((r) => [Number(r[0]), Number(r[1])]));
}
