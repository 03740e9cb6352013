/**
 * Reads component catalogs in CSV: our VLASS SE catalogs, the real run_getalpha and PyBDSF
 * ones (comment header, column names on the last comment line, values joined by ', ' and
 * padded: '   0', 'S   '), and plain CSV with a header row such as the CIRADA catalogue
 * (quoted fields allowed). Parsing is csv-parse with trimming, so padding and ', ' vanish.
 *
 * Column types: a column the catalog table (columns.ts) knows has its kind (integer, float or
 * text); any other column is numeric when every non-empty value is a number. Numbers accept
 * Python's 'nan', 'inf' and '-inf'; an empty cell in a numeric column is NaN (how pandas
 * writes a missing value).
 *
 * A corrupt file is a DataError naming the file and line: a row with the wrong number of
 * values, a non-number in a numeric column, a missing or damaged column header, a broken
 * quote.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { DataError, fsError } from '../errors.js';
import { COLUMNS_BY_NAME } from './columns.js';

export type CatalogValue = number | string;
export type CatalogRow = Record<string, CatalogValue>;

export interface CatalogColumn {
  name: string;
  type: 'number' | 'string';
}

export interface Catalog {
  path: string;
  /** The '#' lines above the column header, verbatim (e.g. '# ImageFile=./VLASS2.1...'). */
  comments: string[];
  columns: CatalogColumn[];
  rows: CatalogRow[];
  /** 1-based file line of each row, for messages about a row. */
  rowLines: number[];
}

/** Reads and parses a catalog file. InputMissingError when it cannot be read. */
export function readCatalog(path: string): Catalog {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw fsError(err, path, 'reading');
  }
  return parseCatalog(text, path);
}

/** Parses catalog text; `path` is used in messages. */
/**
 * The catalog in slices of at most `rowsPerSlice` data lines, each parsed as a catalog of its
 * own (same path, comments and columns; rows with their true file lines), for readers that
 * keep little of each row: a large catalog then never sits in memory as row objects all at
 * once (2,000 rows of 54 columns held at once leave ~50 MB of heap committed).
 */
export function readCatalogInSlices(path: string, rowsPerSlice: number, onSlice: (slice: Catalog) => void): void {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw fsError(err, path, 'reading');
  }
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const { headerIndex } = locateHeader(lines, path);
  const head = lines.slice(0, headerIndex + 1);
  const first = headerIndex + 1;
  let end = lines.length;
  while (end > first && lines[end - 1].trim() === '') end--; // the final newline's empty line, and any after it
  if (first >= end) return onSlice(parseCatalog(head.join('\n'), path));
  for (let k = first; k < end; k += rowsPerSlice) onSlice(parseCatalog([...head, ...lines.slice(k, Math.min(end, k + rowsPerSlice))].join('\n'), path, k - first));
}

/** `skippedLines`: data lines of the file before this text's (readCatalogInSlices), so that messages and rowLines name the file's lines. */
export function parseCatalog(text: string, path: string, skippedLines = 0): Catalog {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const { comments, headerIndex, headerText } = locateHeader(lines, path);
  const body = [headerText, ...lines.slice(headerIndex + 1)].join('\n');
  const records = parseRecords(body, path, headerIndex, skippedLines);
  const [header, ...data] = records;
  const names = checkHeader(header.values, path, header.line);

  for (const record of data) {
    if (record.values.length !== names.length)
      throw new DataError(`${path}:${record.line}: ${record.values.length} values where the header has ${names.length} columns`);
  }
  const columns = names.map((name, i) => ({ name, type: columnType(name, data.map((r) => r.values[i])) }));
  const rows = data.map((record) => {
    const row: CatalogRow = {};
    columns.forEach((col, i) => {
      row[col.name] = col.type === 'number' ? toNumber(record.values[i], col.name, path, record.line) : record.values[i];
    });
    return row;
  });
  return { path, comments, columns, rows, rowLines: data.map((r) => r.line) };
}

/**
 * Finds the column header. PyBDSF puts it on the '#' line right above the first data line;
 * plain CSV has it as the first line that is neither a comment nor blank.
 */
function locateHeader(lines: string[], path: string): { comments: string[]; headerIndex: number; headerText: string } {
  let first = 0;
  while (first < lines.length && (lines[first].startsWith('#') || lines[first].trim() === '')) first++;
  const commentIndexes = lines.slice(0, first).flatMap((line, i) => (line.startsWith('#') ? [i] : []));
  const lastComment = commentIndexes[commentIndexes.length - 1];
  const hasData = first < lines.length;
  // The comment right above the data (or ending a header-only file, a catalog with no
  // components) is the column header when it is a list; '# some remark' is not.
  const commentIsHeader = lastComment !== undefined && (!hasData || lastComment === first - 1) && lines[lastComment].includes(',');
  if (commentIsHeader) {
    return {
      comments: commentIndexes.slice(0, -1).map((i) => lines[i]),
      headerIndex: lastComment,
      headerText: lines[lastComment].replace(/^#\s?/, ''),
    };
  }
  if (!hasData) throw new DataError(`${path}: no column header and no data`);
  return { comments: commentIndexes.map((i) => lines[i]), headerIndex: first, headerText: lines[first] };
}

interface RawRecord {
  values: string[];
  /** 1-based line in the file. */
  line: number;
}

function parseRecords(body: string, path: string, headerIndex: number, skippedLines: number): RawRecord[] {
  try {
    const parsed = parse(body, { trim: true, skip_empty_lines: true, relax_column_count: true, info: true }) as unknown as Array<{
      record: string[];
      info: { lines: number };
    }>;
    // The header is line 1 of the body; data lines come after the skipped ones.
    return parsed.map(({ record, info }, i) => ({ values: record, line: headerIndex + info.lines + (i === 0 ? 0 : skippedLines) }));
  } catch (err) {
    // Whatever csv-parse throws is about the text (its codes: CSV_*, INVALID_OPENING_QUOTE, ...);
    // checked by shape, not instanceof: csv-parse/sync bundles its own CsvError class.
    const csvError = err as { code?: unknown; lines?: unknown; message?: string };
    if (typeof csvError.code === 'string') {
      const line = typeof csvError.lines === 'number' ? `:${headerIndex + csvError.lines + (csvError.lines > 1 ? skippedLines : 0)}` : '';
      throw new DataError(`${path}${line}: ${String(csvError.message).split('\n')[0]}; the file is not valid CSV, regenerate it`, { cause: err });
    }
    throw err;
  }
}

function checkHeader(names: string[], path: string, line: number): string[] {
  const seen = new Set<string>();
  for (const name of names) {
    if (name === '' || parseNumber(name) !== undefined)
      throw new DataError(`${path}:${line}: no column header: this line holds values (${JSON.stringify(name)}), not column names`);
    if (seen.has(name)) throw new DataError(`${path}:${line}: column ${name} appears twice in the header`);
    seen.add(name);
  }
  return names;
}

function columnType(name: string, values: string[]): CatalogColumn['type'] {
  const known = COLUMNS_BY_NAME.get(name);
  if (known) return known.kind === 'text' ? 'string' : 'number';
  const present = values.filter((v) => v !== '');
  return present.length > 0 && present.every((v) => parseNumber(v) !== undefined) ? 'number' : 'string';
}

function toNumber(raw: string, column: string, path: string, line: number): number {
  if (raw === '') return NaN;
  const value = parseNumber(raw);
  if (value === undefined) throw new DataError(`${path}:${line}: column ${column}: ${JSON.stringify(raw)} is not a number`);
  if (COLUMNS_BY_NAME.get(column)?.kind === 'integer' && !Number.isInteger(value))
    throw new DataError(`${path}:${line}: column ${column}: ${JSON.stringify(raw)} is not an integer`);
  return value;
}

const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const SPECIAL = /^([+-]?)(nan|inf|infinity)$/i;

/** A decimal number, or Python's nan/inf spellings; undefined for anything else ('0x1', ''). */
function parseNumber(s: string): number | undefined {
  if (DECIMAL.test(s)) return Number(s);
  const special = SPECIAL.exec(s);
  if (!special) return undefined;
  if (special[2].toLowerCase() === 'nan') return NaN;
  return special[1] === '-' ? -Infinity : Infinity;
}
