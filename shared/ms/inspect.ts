/**
 * What split needs to know of a measurement set before touching it: that it is a casacore
 * table with a FIELD subtable, its fields (name, J2000 direction, source id),
 * which subtables are present and which its keywords name but are absent (real archives lack
 * e.g. the ASDM_* tables), and its size and newest modification time (the cache's staleness key).
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DataError, InputMissingError } from '../errors.js';
import { taql, taqlPath } from './taql.js';

export interface MsField {
  /** Row in FIELD = FIELD_ID. */
  id: number;
  name: string;
  raDeg: number;
  decDeg: number;
  sourceId: number;
}

export interface MsInfo {
  path: string;
  fields: MsField[];
  /** Subtables on disk (directories holding a table). */
  subtables: string[];
  /** Subtables the table's keywords name that are not on disk. */
  absentSubtables: string[];
  sizeBytes: number;
  newestMtimeMs: number;
}

const RAD = 180 / Math.PI;

export async function inspectMeasurementSet(path: string): Promise<MsInfo> {
  let st;
  try {
    st = statSync(path);
  } catch {
    throw new InputMissingError(`${path}: measurement set not found or unreadable; check the path`);
  }
  if (!st.isDirectory() || !isTable(path)) throw new DataError(`${path}: not a measurement set (no casacore table.dat); give the path of a .ms directory`);
  const subtables = readdirSync(path, { withFileTypes: true })
    .filter((e) => e.isDirectory() && isTable(join(path, e.name)))
    .map((e) => e.name)
    .sort();
  if (!subtables.includes('FIELD')) throw new DataError(`${path}: a measurement set without a FIELD table; it cannot be split by field`);
  const referenced = referencedSubtables(path);
  const absentSubtables = referenced.filter((s) => !subtables.includes(s));
  const fields = await readFields(path);
  const { sizeBytes, newestMtimeMs } = treeStats(path);
  return { path, fields, subtables, absentSubtables, sizeBytes, newestMtimeMs };
}

function isTable(dir: string): boolean {
  try {
    return statSync(join(dir, 'table.dat')).isFile();
  } catch {
    return false;
  }
}

/**
 * Subtable names from the table's keywords. taql and showtableinfo both fail on a keyword
 * naming an absent table, so they are read from table.dat itself, where a subtable keyword's
 * value is stored as the text `././NAME`.
 */
export function referencedSubtables(path: string): string[] {
  const text = readFileSync(join(path, 'table.dat')).toString('latin1');
  return [...new Set([...text.matchAll(/\.\/\.\/([A-Za-z][A-Za-z0-9_]*)/g)].map((m) => m[1]))].sort();
}

/** FIELD rows with their J2000 phase centres; any other frame is refused (65). */
export async function readFields(ms: string): Promise<MsField[]> {
  const field = taqlPath(join(ms, 'FIELD'));
  const rows = await taql(
    `select NAME, string(PHASE_DIR[0,0],'%.17g'), string(PHASE_DIR[0,1],'%.17g'), SOURCE_ID from ${field}`,
    `${ms}/FIELD: reading PHASE_DIR`,
  );
  const frames = await fieldFrames(ms, rows.length);
  return rows.map((r, id) => {
    if (frames[id] !== 'J2000') throw new DataError(`${ms}/FIELD row ${id}: PHASE_DIR is in frame ${frames[id]}; split selects by J2000 directions only`);
    const ra = Number(r[1]) * RAD;
    const dec = Number(r[2]) * RAD;
    if (!Number.isFinite(ra) || !Number.isFinite(dec)) throw new DataError(`${ms}/FIELD row ${id}: PHASE_DIR is not a finite direction`);
    return { id, name: r[0] ?? '', raDeg: ((ra % 360) + 360) % 360, decDeg: dec, sourceId: Number(r[3] ?? -1) };
  });
}

/** The reference frame of each FIELD row: MEASINFO.Ref, or per row through VarRefCol. */
async function fieldFrames(ms: string, n: number): Promise<string[]> {
  const field = taqlPath(join(ms, 'FIELD'));
  const keyword = async (k: string) => {
    try {
      return (await taql(`calc from ${field} calc PHASE_DIR::MEASINFO.${k}`, `${ms}/FIELD: PHASE_DIR frame`))[0]?.[0];
    } catch {
      return undefined;
    }
  };
  const ref = await keyword('Ref');
  if (ref) return new Array(n).fill(ref);
  const column = await keyword('VarRefCol');
  if (!column) throw new DataError(`${ms}/FIELD: PHASE_DIR has no reference frame (MEASINFO.Ref or VarRefCol); cannot tell it is J2000`);
  const list = (text: string | undefined) => (text ?? '').replace(/^\[|\]$/g, '').split(',').map((s) => s.trim());
  const types = list(await keyword('TabRefTypes'));
  const codes = list(await keyword('TabRefCodes')).map(Number);
  const perRow = await taql(`select ${column} from ${field}`, `${ms}/FIELD: ${column}`);
  return perRow.map((r) => types[codes.indexOf(Number(r[0]))] ?? `code ${r[0]}`);
}

/** Total bytes and newest modification time of every file under `dir`. */
export function treeStats(dir: string): { sizeBytes: number; newestMtimeMs: number } {
  let sizeBytes = 0;
  let newestMtimeMs = 0;
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!e.isFile()) continue;
    const s = statSync(join(e.parentPath, e.name));
    sizeBytes += s.size;
    newestMtimeMs = Math.max(newestMtimeMs, s.mtimeMs);
  }
  return { sizeBytes, newestMtimeMs };
}
