/**
 * Read-only access to FITS header values, independent of any FITS reader: callers pass
 * either a plain record of cards or a getter, both keyed by upper-case keyword.
 */
import { DataError } from '../errors.js';

export type HeaderValue = string | number | boolean;
export type HeaderSource = Readonly<Record<string, HeaderValue>> | ((key: string) => HeaderValue | undefined);

/**
 * A FITS reader's header (anything with `get(keyword)`) as a HeaderSource: scalar values only,
 * so complex values and cards without a value read as absent.
 */
export function headerSource(header: { get(key: string): unknown }): HeaderSource {
  return (key: string) => {
    const v = header.get(key);
    return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? v : undefined;
  };
}

/** Typed look-ups over a HeaderSource; malformed values raise DataError naming the keyword. */
export class HeaderReader {
  private readonly lookup: (key: string) => HeaderValue | undefined;

  constructor(source: HeaderSource) {
    this.lookup =
      typeof source === 'function'
        ? source
        : (key) => (Object.prototype.hasOwnProperty.call(source, key) ? source[key] : undefined);
  }

  has(key: string): boolean {
    return this.lookup(key) !== undefined;
  }

  /** Numeric value; numeric strings are accepted since some readers keep values as text. */
  number(key: string): number | undefined {
    const value = this.lookup(key);
    if (value === undefined) return undefined;
    if (typeof value === 'number') {
      if (Number.isNaN(value)) throw new DataError(`header keyword ${key} is NaN`);
      return value;
    }
    if (typeof value === 'string' && value.trim() !== '') {
      const parsed = Number(value.trim().replace(/[dD]/, 'E')); // FITS allows Fortran 1.0D+02
      if (Number.isFinite(parsed)) return parsed;
    }
    throw new DataError(`header keyword ${key} = ${JSON.stringify(value)} is not a number`);
  }

  numberOr(key: string, fallback: number): number {
    return this.number(key) ?? fallback;
  }

  /** String value with FITS's insignificant trailing blanks removed. */
  string(key: string): string | undefined {
    const value = this.lookup(key);
    if (value === undefined) return undefined;
    if (typeof value !== 'string') throw new DataError(`header keyword ${key} = ${String(value)} is not a string`);
    return value.replace(/\s+$/, '');
  }
}
