/**
 * The reader and writer against the real catalogs in ../shared/realdata (read in place).
 * The VLASS SE catalogs are the oracle for the format: re-writing their rows must give their
 * bytes back. A mismatch means our catalogs differ from what run_getalpha produced, and
 * readers of the VLASS SE catalogs may misread ours.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { columnsOf, formatRow } from '../../../shared/catalog/columns.js';
import { componentsFromCatalog, readVlassHeader } from '../../../shared/catalog/components.js';
import { readCatalog } from '../../../shared/catalog/reader.js';
import { formatVlassCatalog } from '../../../shared/catalog/writer.js';
import { DataError } from '../../../shared/errors.js';
import { hasRealdata, realdata } from '../../helpers/realdata.js';

const SE_CATALOGS = [
  'pybdsf_catalogs_vlass/VLASS2.1.se.T10t01.J000200-003000.06.2048.v1.I.catalog.csv',
  'pybdsf_catalogs_vlass/VLASS2.1.se.T13t10.J063820+113000.06.2048.v1.I.catalog.csv',
];
const QL_GAUSSIAN_LIST = 'pybdsf_catalogs_vlass/VLASS1.1.cat.T29t05.J110448+763000.10.2048.v1.csv';

/** Every real CSV: rows, columns, and how the raw text splits (for an independent check of values). */
const REAL_CSVS = [
  { file: SE_CATALOGS[0], rows: 4, columns: 54, split: ', ' },
  { file: SE_CATALOGS[1], rows: 6, columns: 54, split: ', ' },
  { file: QL_GAUSSIAN_LIST, rows: 126, columns: 47, split: ', ' },
  { file: 'vlass_cirada_catalogs/cirada_vlass_cat__test_components.csv', rows: 1255, columns: 70, split: ',' },
  { file: 'vlass_cirada_catalogs/cirada_vlass_cat__test_pybdsf_catenator_out.csv', rows: 1255, columns: 57, split: ',' },
  { file: 'vlass_cirada_catalogs/cirada_vlass_cat__test_subtiles.csv', rows: 10, columns: 26, split: undefined },
  { file: 'aegean_reference/1904_incomplete_cat.csv', rows: 11, columns: 14, split: ',' },
];

/** Data lines of a file: not comments, not blank, and not the plain-CSV header line. */
function rawDataLines(text: string, plainHeader: boolean): string[] {
  const lines = text.split('\n').filter((l) => l !== '' && !l.startsWith('#'));
  return plainHeader ? lines.slice(1) : lines;
}

describe.skipIf(!hasRealdata)('catalog reader on the real CSVs (../shared/realdata)', () => {
  for (const { file, rows, columns, split } of REAL_CSVS) {
    it(`reads ${file.split('/').pop()}: ${rows} rows of ${columns} columns, values as in the raw text`, () => {
      const catalog = readCatalog(realdata(file));
      expect(catalog.rows).toHaveLength(rows);
      expect(catalog.columns).toHaveLength(columns);
      if (split === undefined) return; // quoted fields: checked value by value below
      const raw = rawDataLines(readFileSync(realdata(file), 'utf8'), !file.startsWith('pybdsf'));
      expect(raw).toHaveLength(rows);
      raw.forEach((line, i) => {
        const fields = line.split(split).map((f) => f.trim());
        catalog.columns.forEach((col, j) => {
          const expected = col.type === 'number' ? Number(fields[j]) : fields[j];
          expect(catalog.rows[i][col.name], `${file} row ${i} ${col.name}`).toBe(expected);
        });
      });
    });
  }

  it('keeps padded and quoted values as their content', () => {
    const se = readCatalog(realdata(SE_CATALOGS[0]));
    expect(se.rows[2]).toMatchObject({ Gaus_id: 2, RA: 0.97539684862347, S_Code: 'S', ObsDate: '2020/07/17T11:36:04', Tile: 'VLASS2.1.T10t01', Pointing: 'J000200-003000', Alpha: -0.295, OffsetDec: -0.10853 });
    expect(se.comments[2]).toBe('# ImageReferenceDirection="ICRS 00:01:59.99841 -00.30.00.1719"');
    expect(se.rowLines).toEqual([12, 13, 14, 15]);
    const ql = readCatalog(realdata(QL_GAUSSIAN_LIST));
    expect(ql.rows.filter((r) => r.S_Code === 'M')).toHaveLength(58); // written right-aligned ('   M') by PyBDSM 1.8
    const subtiles = readCatalog(realdata('vlass_cirada_catalogs/cirada_vlass_cat__test_subtiles.csv'));
    expect(subtiles.rows[0]).toMatchObject({ Subtile: 'J151439+473000', BMAJ: 8.247447676129e-4, 'DATE-OBS': '(2458571.0, -0.09295572915509259)', ORIGIN: '"CASA 5.4.1-32"', N_components: 93 });
    const cirada = readCatalog(realdata('vlass_cirada_catalogs/cirada_vlass_cat__test_components.csv'));
    expect(cirada.rows[0]).toMatchObject({ Component_name: 'VLASS1QLCIR J151136.37+472856.8', Quality_flag: 4, Peak_to_ring: 0.9009661983615596, NN_dist: -99, S_Code: 'E' });
  });

  for (const file of SE_CATALOGS) {
    it(`re-writes ${file.split('/').pop()} byte for byte (all but the Executing line)`, () => {
      const original = readFileSync(realdata(file), 'utf8');
      const catalog = readCatalog(realdata(file));
      const header = readVlassHeader(catalog);
      const written = formatVlassCatalog(componentsFromCatalog(catalog), header.context, { detectionImage: header.detectionImage });
      const [ourExecuting, ...ours] = written.split('\n');
      const [theirExecuting, ...theirs] = original.split('\n');
      expect(ours).toEqual(theirs);
      expect(ourExecuting).toMatch(/^# Executing .+ {2}on \S+$/);
      expect(theirExecuting).toMatch(/^# Executing run_getalpha .+ {2}on \S+$/);
    });
  }

  it('formats the Gaussian-list columns of a PyBDSM 1.8 QL list byte for byte (S_Code alignment aside)', () => {
    const original = rawDataLines(readFileSync(realdata(QL_GAUSSIAN_LIST), 'utf8'), false);
    const components = componentsFromCatalog(readCatalog(realdata(QL_GAUSSIAN_LIST)));
    const numeric = columnsOf('gaussian').filter((c) => c.name !== 'S_Code');
    components.forEach((c, i) => {
      const theirs = original[i].slice(0, original[i].lastIndexOf(', '));
      expect(formatRow(c, numeric)).toBe(theirs);
    });
  });

  it('refuses to make Components from a catalog that is not a Gaussian list (CIRADA)', () => {
    const path = realdata('vlass_cirada_catalogs/cirada_vlass_cat__test_components.csv');
    expect(() => componentsFromCatalog(readCatalog(path))).toThrow(DataError);
    expect(() => componentsFromCatalog(readCatalog(path))).toThrow(/test_components\.csv: not a PyBDSF Gaussian list: no columns Gaus_id/);
  });
});
