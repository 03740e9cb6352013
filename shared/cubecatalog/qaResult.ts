/**
 * The cube QA result (`<stem>.qa.json`, written by annotateQaSECube) as this tool uses it:
 * which planes were rejected and why. Only the fields needed are read, and loosely, so the
 * QA result can grow: `product.name` (checked against the cube's stem when both are known)
 * and `planes[]` with `rejected` (boolean), `reasons` (strings), and whatever identifies the
 * plane: `file` + `planeIndex`, `spw`, or `freqHz`; and `unreadable[]` (`file`, `reason`).
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { DataError, fsError } from '../errors.js';
import type { CubePlane } from './planes.js';

export interface QaPlaneRecord {
  spw: number | null;
  freqHz: number | null;
  planeIndex: number | null;
  file: string | null;
  rejected: boolean;
  reasons: string[];
}

export interface CubeQa {
  path: string;
  product: string | null;
  planes: QaPlaneRecord[];
  /** Windows cube QA could not read (`unreadable[]`: file and reason): all their planes are skipped. */
  unreadable: { file: string; reason: string }[];
}

export function readCubeQa(path: string): CubeQa {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw fsError(err, path, 'reading');
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new DataError(`${path}: not valid JSON (${(err as Error).message}); re-run cube QA or pass the right --qa`, { cause: err });
  }
  const root = json as { product?: { name?: unknown }; planes?: unknown };
  if (typeof root !== 'object' || root === null || !Array.isArray(root.planes))
    throw new DataError(`${path}: not a cube QA result (no "planes" array)`);
  const planes = root.planes.map((p: unknown, i: number): QaPlaneRecord => {
    const r = p as Record<string, unknown>;
    const where = `${path}: planes[${i}]`;
    if (typeof r !== 'object' || r === null || typeof r.rejected !== 'boolean') throw new DataError(`${where} has no boolean "rejected"`);
    const num = (key: string): number | null => {
      const v = r[key];
      if (v === undefined || v === null) return null;
      if (typeof v !== 'number' || !Number.isFinite(v)) throw new DataError(`${where}.${key} = ${JSON.stringify(v)} is not a number`);
      return v;
    };
    const reasons = Array.isArray(r.reasons) ? r.reasons.map(String) : [];
    return { spw: num('spw'), freqHz: num('freqHz'), planeIndex: num('planeIndex'), file: typeof r.file === 'string' ? r.file : null, rejected: r.rejected, reasons };
  });
  const product = typeof root.product?.name === 'string' ? root.product.name : null;
  const listed = (root as { unreadable?: unknown }).unreadable;
  const unreadable = (Array.isArray(listed) ? listed : []).flatMap((u: unknown) => {
    const r = u as { file?: unknown; reason?: unknown } | null;
    return r && typeof r.file === 'string' ? [{ file: r.file, reason: typeof r.reason === 'string' ? r.reason : 'unreadable' }] : [];
  });
  return { path, product, planes, unreadable };
}

/**
 * Marks the planes the QA rejected (reasons prefixed "cube QA: "). A QA plane is matched by
 * file name and plane index when it names its file, else by spw, else by frequency (to 1 Hz
 * in 10⁶). Returns the measured planes the QA does not mention.
 */
export function applyCubeQa(planes: CubePlane[], qa: CubeQa): { unlisted: CubePlane[] } {
  const listed = new Set<CubePlane>();
  for (const u of qa.unreadable)
    for (const p of planes.filter((p) => basename(p.file) === basename(u.file))) {
      listed.add(p);
      p.rejected = true;
      p.reasons.push(`cube QA: unreadable (${u.reason})`);
    }
  for (const record of qa.planes) {
    const match = planes.find((p) => matches(p, record));
    if (!match) continue;
    listed.add(match);
    if (record.rejected) {
      match.rejected = true;
      const why = record.reasons.length ? record.reasons.join('; ') : 'rejected';
      match.reasons.push(`cube QA: ${why}`);
    }
  }
  return { unlisted: planes.filter((p) => !listed.has(p)) };
}

function matches(plane: CubePlane, r: QaPlaneRecord): boolean {
  if (r.file !== null) return basename(r.file) === basename(plane.file) && (r.planeIndex ?? 0) === plane.planeIndex;
  if (r.spw !== null && plane.spw !== null) return r.spw === plane.spw && (r.planeIndex === null || r.planeIndex === plane.planeIndex);
  if (r.freqHz !== null) return Math.abs(r.freqHz - plane.freqHz) <= 1e-6 * plane.freqHz;
  return false;
}
