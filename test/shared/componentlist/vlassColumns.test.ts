import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { addVlassColumns, obsDate, sampleNearest } from '../../../shared/componentlist/vlassColumns.js';
import { parseHeaderText } from '../../../shared/fits/index.js';
import { parseProductName } from '../../../shared/vlass/naming.js';
import { readCatalog, componentsFromCatalog } from '../../../shared/catalog/index.js';
import { hasRealdata, realdata } from '../../helpers/realdata.js';

describe('VLASS catalog columns', () => {
  it('formats DATE-OBS as the archive does, rounded to the second', () => {
    expect(obsDate('2020-07-17T11:36:03.600000')).toBe('2020/07/17T11:36:04');
    expect(obsDate('2020-07-17T11:36:03.4')).toBe('2020/07/17T11:36:03');
    expect(obsDate('2020-12-31T23:59:59.7')).toBe('2021/01/01T00:00:00');
  });

  it('samples the nearest pixel, NaN off the image', () => {
    const plane = Float32Array.from([0, 1, 2, 3, 4, 5]); // 3 x 2
    expect(sampleNearest(plane, 3, 2, 1.4, 0.6)).toBe(4);
    expect(sampleNearest(plane, 3, 2, -0.6, 0)).toBeNaN();
    expect(sampleNearest(plane, 3, 2, 2.4, 1.4)).toBe(5);
  });

  describe.skipIf(!hasRealdata)('against the real VLASS SE catalog and header (realdata absent: skipped)', () => {
    it('reproduces ObsDate, Tile, Pointing, OffsetRA and OffsetDec of every row', () => {
      const stem = 'VLASS2.1.se.T10t01.J000200-003000.06.2048.v1';
      const header = parseHeaderText(readFileSync(realdata('vlass_fits_headers', `${stem}.I.iter3.image.pbcor.tt0.subim.fits.header`), 'utf8'), 'header');
      const catalog = readCatalog(realdata('pybdsf_catalogs_vlass', `${stem}.I.catalog.csv`));
      const components = componentsFromCatalog(catalog);
      const expected = components.map((c) => ({ ...c.vlass! }));
      const one = new Float32Array(1);
      addVlassColumns(components, {
        name: parseProductName(`${stem}.I.iter3.image.pbcor.tt0.subim.fits`)!,
        dateObs: header.getString('DATE-OBS')!,
        referenceRaDeg: header.requireNumber('CRVAL1'),
        referenceDecDeg: header.requireNumber('CRVAL2'),
        alpha: one,
        alphaError: one,
        width: 1,
        height: 1,
      });
      expect(components.length).toBe(catalog.rows.length);
      expect(components.length).toBeGreaterThan(3);
      components.forEach((c, i) => {
        expect(c.vlass!.obsDate).toBe(expected[i].obsDate);
        expect(c.vlass!.tile).toBe(expected[i].tile);
        expect(c.vlass!.pointing).toBe(expected[i].pointing);
        // The catalog prints offsets to 6 decimals.
        expect(Math.abs(c.vlass!.offsetRa - expected[i].offsetRa)).toBeLessThanOrEqual(5e-7 + 1e-12);
        expect(Math.abs(c.vlass!.offsetDec - expected[i].offsetDec)).toBeLessThanOrEqual(5e-7 + 1e-12);
      });
    });
  });
});
