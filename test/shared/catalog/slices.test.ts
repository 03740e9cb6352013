/** readCatalogInSlices: the same rows and file lines as readCatalog, and errors that name the file's line. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type Catalog, readCatalog, readCatalogInSlices } from '../../../shared/catalog/reader.js';
import { formatVlassCatalog } from '../../../shared/catalog/writer.js';
import { DataError } from '../../../shared/errors.js';
import { makeComponent, makeContext, randomSource } from './make-component.js';

const dir = mkdtempSync(join(tmpdir(), 'catalog-slices-'));

function catalogFile(name: string, rows: number, edit?: (lines: string[]) => void): string {
  const random = randomSource(7);
  const lines = formatVlassCatalog(Array.from({ length: rows }, (_, i) => makeComponent(i, random)), makeContext()).split('\n');
  edit?.(lines);
  const path = join(dir, name);
  writeFileSync(path, lines.join('\n'));
  return path;
}

describe('readCatalogInSlices', () => {
  it('gives readCatalog\'s rows, columns and file lines, slice by slice, for any slice size', () => {
    const path = catalogFile('whole.csv', 23);
    const whole = readCatalog(path);
    for (const size of [1, 5, 23, 100]) {
      const slices: Catalog[] = [];
      readCatalogInSlices(path, size, (s) => slices.push(s));
      expect(slices).toHaveLength(Math.ceil(23 / size));
      expect(slices.flatMap((s) => s.rows)).toEqual(whole.rows);
      expect(slices.flatMap((s) => s.rowLines)).toEqual(whole.rowLines);
      for (const s of slices) expect([s.columns, s.comments]).toEqual([whole.columns, whole.comments]);
    }
  });

  it('a header-only catalog is one empty slice', () => {
    const slices: Catalog[] = [];
    readCatalogInSlices(catalogFile('empty.csv', 0), 4, (s) => slices.push(s));
    expect(slices.map((s) => s.rows.length)).toEqual([0]);
  });

  it('a bad value in a late slice is a DataError naming the file and its line in the file', () => {
    const path = catalogFile('bad.csv', 20, (lines) => {
      const data = lines.findIndex((l) => l !== '' && !l.startsWith('#'));
      const fields = lines[data + 17].split(', ');
      fields[2] = 'north';
      lines[data + 17] = fields.join(', ');
    });
    const line = readCatalogLine(path);
    let caught: unknown;
    try {
      readCatalogInSlices(path, 4, () => undefined);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(DataError);
    expect((caught as Error).message).toContain(`${path}:${line}:`);
  });
});

/** The file line readCatalog names for the same error. */
function readCatalogLine(path: string): number {
  try {
    readCatalog(path);
  } catch (err) {
    return Number(/:(\d+):/.exec((err as Error).message)![1]);
  }
  throw new Error('readCatalog accepted the bad catalog');
}
