/** Corrupt catalogs: each a DataError (exit 65) whose message names the file and the line. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { componentsFromCatalog } from '../../../shared/catalog/components.js';
import { readCatalog } from '../../../shared/catalog/reader.js';
import { formatVlassCatalog } from '../../../shared/catalog/writer.js';
import { DataError, ExitCode, InputMissingError } from '../../../shared/errors.js';
import { makeComponent, makeContext, randomSource } from './make-component.js';

const dir = mkdtempSync(join(tmpdir(), 'catalog-corrupt-'));

/** A valid 3-row catalog as lines: header lines 1-11, rows on lines 12-14. */
function validLines(): string[] {
  const random = randomSource(1);
  const components = [0, 1, 2].map((i) => makeComponent(i, random));
  return formatVlassCatalog(components, makeContext()).split('\n');
}

function writeCorrupt(name: string, lines: string[]): string {
  const path = join(dir, name);
  writeFileSync(path, lines.join('\n'));
  return path;
}

/** Fields of a data line, edited in place. */
function editField(line: string, index: number, value: string | null): string {
  const fields = line.split(', ');
  if (value === null) fields.splice(index, 1);
  else fields[index] = value;
  return fields.join(', ');
}

function expectDataError(action: () => unknown, path: string, line: number, detail: RegExp): void {
  let caught: unknown;
  try {
    action();
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(DataError);
  const err = caught as DataError;
  expect(err.exitCode).toBe(ExitCode.DATA_ERR);
  expect(err.message.startsWith(`${path}:${line}: `), err.message).toBe(true);
  expect(err.message).toMatch(detail);
}

describe('corrupt catalogs', () => {
  it('the valid catalog these are made from reads', () => {
    const path = writeCorrupt('valid.csv', validLines());
    expect(componentsFromCatalog(readCatalog(path))).toHaveLength(3);
  });

  it('a row with a value missing', () => {
    const lines = validLines();
    lines[12] = editField(lines[12], 20, null);
    const path = writeCorrupt('short-row.csv', lines);
    expectDataError(() => readCatalog(path), path, 13, /53 values where the header has 54 columns/);
  });

  it('a row with a value too many', () => {
    const lines = validLines();
    lines[13] = `${lines[13]}, 1.0`;
    const path = writeCorrupt('long-row.csv', lines);
    expectDataError(() => readCatalog(path), path, 14, /55 values where the header has 54 columns/);
  });

  it('a non-number in a numeric column', () => {
    const lines = validLines();
    lines[11] = editField(lines[11], 4, '12h34m');
    const path = writeCorrupt('text-in-ra.csv', lines);
    expectDataError(() => readCatalog(path), path, 12, /column RA: "12h34m" is not a number/);
  });

  it('a fraction in an integer id column', () => {
    const lines = validLines();
    lines[12] = editField(lines[12], 1, '1.5');
    const path = writeCorrupt('fraction-id.csv', lines);
    expectDataError(() => readCatalog(path), path, 13, /column Isl_id: "1.5" is not an integer/);
  });

  it('the column header line missing', () => {
    const lines = validLines();
    lines.splice(10, 1);
    const path = writeCorrupt('no-header.csv', lines);
    // The first data line (now line 11) is where the column names should be.
    expectDataError(() => readCatalog(path), path, 11, /no column header/);
  });

  it('a quote that never closes', () => {
    const lines = validLines();
    lines[12] = editField(lines[12], 48, '"VLASS2.1.T13t10');
    const path = writeCorrupt('open-quote.csv', lines);
    let caught: unknown;
    try {
      readCatalog(path);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(DataError);
    expect((caught as Error).message).toMatch(new RegExp(`^${path.replace(/[.]/g, '\\.')}:\\d+: .*[Qq]uote`));
  });

  it('an S_Code that is not S, C or M', () => {
    const lines = validLines();
    lines[13] = editField(lines[13], 46, 'X   ');
    const path = writeCorrupt('bad-scode.csv', lines);
    const catalog = readCatalog(path);
    expectDataError(() => componentsFromCatalog(catalog), path, 14, /S_Code "X" is not S, C or M/);
  });

  it('only some of the VLASS columns', () => {
    const lines = validLines();
    lines[10] = lines[10].replace(', OffsetDec', ', Offset_Dec');
    const path = writeCorrupt('partial-vlass.csv', lines);
    const catalog = readCatalog(path);
    expect(() => componentsFromCatalog(catalog)).toThrow(new RegExp(`partial-vlass\\.csv: has ObsDate, .* but not OffsetDec`));
  });

  it('a missing file is InputMissingError (66), not a DataError', () => {
    const path = join(dir, 'absent.csv');
    expect(() => readCatalog(path)).toThrow(InputMissingError);
    expect(() => readCatalog(path)).toThrow(`${path}: not found`);
  });

  it('an empty file', () => {
    const path = writeCorrupt('empty.csv', ['']);
    expect(() => readCatalog(path)).toThrow(new DataError(`${path}: no column header and no data`));
  });
});
