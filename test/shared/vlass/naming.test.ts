import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseProductName } from '../../../shared/vlass/naming.js';
import { hasRealdata, realdata } from '../../helpers/realdata.js';

describe('parseProductName', () => {
  it('parses an SE image name', () => {
    expect(parseProductName('/data/VLASS2.1.se.T10t01.J000200-003000.06.2048.v1.I.iter3.image.pbcor.tt0.subim.fits')).toEqual({
      stem: 'VLASS2.1.se.T10t01.J000200-003000.06.2048.v1',
      epoch: 'VLASS2.1',
      type: 'se',
      tile: 'T10t01',
      phaseCenter: 'J000200-003000',
      phaseCenterDeg: { ra: 0.5, dec: -0.5 },
      cellArcsec: 0.6,
      version: 'v1',
      stokes: 'I',
      iteration: 'iter3',
      rest: 'image.pbcor.tt0.subim.fits',
    });
  });
  it('parses a coarse cube window and a catalog', () => {
    const cc = parseProductName('VLASS2.1.cc.T10t02.J005000-023000.06.2048.v1.spw2.IQU.iter3.image.pbcor.tt0.subim.com.fits');
    expect(cc).toMatchObject({ type: 'cc', spw: 2, stokes: 'IQU', iteration: 'iter3', rest: 'image.pbcor.tt0.subim.com.fits' });
    expect(cc?.phaseCenterDeg.ra).toBeCloseTo(12.5, 12);
    expect(cc?.phaseCenterDeg.dec).toBeCloseTo(-2.5, 12);
    expect(parseProductName('VLASS1.1.cat.T29t05.J110448+763000.10.2048.v1.csv')).toMatchObject({ type: 'cat', cellArcsec: 1, rest: 'csv' });
  });
  it('accepts a name without version and rejects non-VLASS names', () => {
    expect(parseProductName('VLASS1.1.cc.T29t05.J110448+763000.10.2048.fits')).toMatchObject({ stem: 'VLASS1.1.cc.T29t05.J110448+763000.10.2048', rest: 'fits' });
    expect(parseProductName('image.fits')).toBeUndefined();
    expect(parseProductName('VLASS2.1.xx.T10t01.J000200-003000.06.2048.v1.I.fits')).toBeUndefined();
  });
  it.skipIf(!hasRealdata)('parses every real VLASS header and catalog file name (realdata absent: skipped)', () => {
    const names = [...readdirSync(realdata('vlass_fits_headers')), ...readdirSync(realdata('pybdsf_catalogs_vlass'))].filter((n) => n.startsWith('VLASS'));
    expect(names.length).toBeGreaterThan(5);
    for (const n of names) expect(parseProductName(n), n).toBeDefined();
  });
});
