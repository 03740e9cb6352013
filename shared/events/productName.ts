/**
 * Calibration ingestion answers with a product name. The VLASS manager persists it today as a
 * Python dict's text, `{'NAME': 123}`, and plans to keep just the name; both arrive. Events
 * always carry the plain name, and the reader says which form it saw.
 */
import { DataError } from '../errors.js';

export type ProductNameForm = 'plain' | 'dict';

export interface ProductName {
  name: string;
  form: ProductNameForm;
}

/** A product name: letters, digits and . _ - + : (what archive names use), no spaces or paths. */
const NAME = /^[A-Za-z0-9][A-Za-z0-9._+:-]{0,255}$/;
/** `{'NAME': 123}` or `{"NAME": 123}`, one entry, the value a number or a quoted string. */
const DICT = /^\{\s*(['"])([^'"]+)\1\s*:\s*(?:-?\d+(?:\.\d+)?|'[^']*'|"[^"]*"|None|null)\s*\}$/;

/** Reads a product name in either of the manager's forms; DataError naming `origin` otherwise. */
export function readProductName(value: unknown, origin: string): ProductName {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const keys = Object.keys(value);
    if (keys.length === 1 && NAME.test(keys[0])) return { name: keys[0], form: 'dict' };
    throw new DataError(`${origin}: a product name object must have exactly one key, the name (got ${JSON.stringify(value).slice(0, 80)})`);
  }
  if (typeof value !== 'string') throw new DataError(`${origin}: expected a product name, got ${value === null ? 'null' : typeof value}`);
  const text = value.trim();
  const dict = DICT.exec(text);
  if (dict && NAME.test(dict[2])) return { name: dict[2], form: 'dict' };
  if (NAME.test(text)) return { name: text, form: 'plain' };
  throw new DataError(`${origin}: "${text.slice(0, 80)}" is neither a plain product name nor the manager's {'NAME': 123} form`);
}
