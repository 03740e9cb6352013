/**
 * The split plan: which images need which calibrated measurement sets (docs/split.md has the
 * schema). Every name that becomes part of a cache path is checked before any file is
 * touched: no path traversal, no separators, no control characters.
 */
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { DataError, InputMissingError } from '../errors.js';
import { readProductName } from '../events/productName.js';
import { parsePhaseCentre } from '../ms/select.js';

export interface PlannedMs {
  path: string;
  /** Calibration product (plain name), when given. */
  calibration?: string;
  calibrationForm?: 'plain' | 'dict';
}

export interface PlannedImage {
  epoch: string;
  tile: string;
  phaseCenter: string;
  centre: { raDeg: number; decDeg: number };
  radiusDeg: number;
  measurementSets: PlannedMs[];
}

const EPOCH = /^VLASS\d+\.\d+$/;
const TILE = /^T\d+t\d+$/;

/** Checks one image's fields (from a plan or from flags); `origin` names where they came from. */
export function planImage(raw: { epoch?: unknown; tile?: unknown; phaseCenter?: unknown; radiusDeg?: unknown; measurementSets?: unknown }, origin: string, baseDir: string): PlannedImage {
  const text = (key: string, value: unknown, pattern: RegExp, example: string) => {
    if (typeof value !== 'string' || !pattern.test(value)) throw new DataError(`${origin}: ${key} ${JSON.stringify(value)} is not valid; expected e.g. ${example}`);
    return value;
  };
  const epoch = text('epoch', raw.epoch, EPOCH, 'VLASS2.1');
  const tile = text('tile', raw.tile, TILE, 'T10t01');
  const phaseCenter = text('phaseCenter', raw.phaseCenter, /^J\d{6}(?:\.\d+)?[+-]\d{6}(?:\.\d+)?$/, 'J005000-023000');
  let centre;
  try {
    centre = parsePhaseCentre(phaseCenter, `${origin}: phaseCenter`);
  } catch (err) {
    throw new DataError((err as Error).message);
  }
  const radiusDeg = raw.radiusDeg;
  if (typeof radiusDeg !== 'number' || !Number.isFinite(radiusDeg) || radiusDeg <= 0 || radiusDeg > 10)
    throw new DataError(`${origin}: radiusDeg ${JSON.stringify(radiusDeg)} must be a number of degrees in (0, 10]`);
  if (!Array.isArray(raw.measurementSets) || raw.measurementSets.length === 0) throw new DataError(`${origin}: measurementSets must list at least one measurement set`);
  const measurementSets = raw.measurementSets.map((m, i) => plannedMs(m, `${origin}: measurementSets[${i}]`, baseDir));
  return { epoch, tile, phaseCenter, centre, radiusDeg, measurementSets };
}

function plannedMs(value: unknown, origin: string, baseDir: string): PlannedMs {
  const entry = typeof value === 'string' ? { path: value } : (value as { path?: unknown; calibration?: unknown });
  if (entry === null || typeof entry !== 'object' || typeof entry.path !== 'string' || entry.path === '')
    throw new DataError(`${origin}: expected a path, or {"path": ..., "calibration": ...}`);
  if (/[\0\n\r'"]/.test(entry.path)) throw new DataError(`${origin}: the path contains a quote, newline or NUL byte; refused`);
  const path = isAbsolute(entry.path) ? entry.path : resolve(baseDir, entry.path);
  if (entry.calibration === undefined) return { path };
  const name = readProductName(entry.calibration, `${origin}.calibration`);
  return { path, calibration: name.name, calibrationForm: name.form };
}

/** Reads a plan file; relative measurement set paths are relative to the plan's directory. */
export function readPlan(file: string): PlannedImage[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new InputMissingError(`--plan ${file}: not found or unreadable`);
  }
  let plan: { images?: unknown; epoch?: unknown; tile?: unknown; radiusDeg?: unknown };
  try {
    plan = JSON.parse(text) as typeof plan;
  } catch (err) {
    throw new DataError(`${file}: not JSON (${(err as Error).message}); see docs/split.md for the plan's format`);
  }
  if (plan === null || typeof plan !== 'object' || !Array.isArray(plan.images) || plan.images.length === 0)
    throw new DataError(`${file}: a plan needs "images": [...] with at least one image; see docs/split.md`);
  const images = plan.images.map((img, i) => {
    if (img === null || typeof img !== 'object') throw new DataError(`${file}: images[${i}] is not an object`);
    const o = img as Record<string, unknown>;
    // Plan-level epoch, tile and radius are defaults for every image.
    return planImage({ epoch: plan.epoch, tile: plan.tile, radiusDeg: plan.radiusDeg, ...o }, `${file}: images[${i}]`, dirname(file));
  });
  const seen = new Set<string>();
  for (const img of images) {
    const key = `${img.epoch}/${img.tile}/${img.phaseCenter}`;
    if (seen.has(key)) throw new DataError(`${file}: image ${key} is listed twice; list each image once with all its measurement sets`);
    seen.add(key);
  }
  return images;
}
