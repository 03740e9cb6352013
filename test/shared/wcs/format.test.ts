/** Sexagesimal output, VLASS phase-centre names, beam and Stokes helpers. */
import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  angularSeparation,
  beamAreaArcsec2,
  beamFromHeader,
  formatDec,
  formatRa,
  phaseCentreName,
  stokesCode,
  stokesName,
} from '../../../shared/wcs/index.js';
import { hasRealdata, realdata } from '../../helpers/realdata.js';
import { loadWcsReference } from './reference.js';

describe('sexagesimal formatting', () => {
  it('formats RA in hours and Dec in degrees with rounding carried into minutes and hours', () => {
    expect(formatRa(166.2)).toBe('11:04:48.00');
    expect(formatRa(0.5, { decimals: 0, separator: '' })).toBe('000200');
    expect(formatRa(359.99999999)).toBe('00:00:00.00'); // 23:59:59.999… rounds up to 24h = 0h
    expect(formatRa(-15)).toBe('23:00:00.00');
    expect(formatRa(15.004166666, { decimals: 3, separator: ' ' })).toBe('01 00 01.000');
    expect(formatDec(76.5)).toBe('+76:30:00.0');
    expect(formatDec(-0.5)).toBe('-00:30:00.0');
    expect(formatDec(-2.999999999)).toBe('-03:00:00.0');
    expect(formatDec(-1e-9)).toBe('+00:00:00.0'); // no "-0"
    expect(formatDec(-89.99, { decimals: 2 })).toBe('-89:59:24.00');
  });

  it('builds VLASS phase-centre names, recovering the field name from noisy CRVALs', () => {
    expect(phaseCentreName(166.2, 76.5)).toBe('J110448+763000');
    expect(phaseCentreName(0.499993379290412, -0.500047762078505)).toBe('J000200-003000');
    expect(phaseCentreName(12.5, -2.5)).toBe('J005000-023000');
  });
});

describe('angular separation', () => {
  it('is exact at the easy cases and symmetric', () => {
    expect(angularSeparation(0, 0, 90, 0)).toBeCloseTo(90, 12);
    expect(angularSeparation(10, 89, 190, 89)).toBeCloseTo(2, 12);
    expect(angularSeparation(0, 0, 180, 0)).toBeCloseTo(180, 12);
    expect(angularSeparation(123, -45, 123, -45)).toBe(0);
    expect(angularSeparation(1, 2, 3, 4)).toBeCloseTo(angularSeparation(3, 4, 1, 2), 14);
  });

  it('resolves 1 mas separations (where acos would round to 0)', () => {
    const oneMas = 1 / 3.6e6;
    expect(angularSeparation(166.2, 76.5, 166.2, 76.5 + oneMas) / oneMas).toBeCloseTo(1, 6);
  });
});

describe('beam', () => {
  it('reads BMAJ/BMIN/BPA of a VLASS QL header in arcsec', () => {
    const cards = loadWcsReference().find((c) => c.name === 'vlass_ql_1p1')!.cards;
    const beam = beamFromHeader(cards)!;
    expect(beam.majorArcsec).toBeCloseTo(1.029327644242e-3 * 3600, 10);
    expect(beam.minorArcsec).toBeCloseTo(5.720847845078e-4 * 3600, 10);
    expect(beam.positionAngleDeg).toBeCloseTo(-54.85697937012, 10);
    expect(beamAreaArcsec2({ majorArcsec: 2, minorArcsec: 1, positionAngleDeg: 0 })).toBeCloseTo((Math.PI * 2) / (4 * Math.LN2), 12);
  });

  it('is undefined without BMAJ and refuses a half-specified or non-positive beam', () => {
    expect(beamFromHeader({})).toBeUndefined();
    expect(() => beamFromHeader({ BMAJ: 1e-3 })).toThrow(/BMIN/);
    expect(() => beamFromHeader({ BMAJ: 0, BMIN: 0 })).toThrow(/not positive/);
  });
});

describe('Stokes codes', () => {
  it('maps FITS codes both ways', () => {
    expect([1, 2, 3, 4].map(stokesName)).toEqual(['I', 'Q', 'U', 'V']);
    expect(stokesName(-2)).toBe('LL');
    expect(stokesName(3.0000001)).toBe('U');
    expect(stokesName(9)).toBeUndefined();
    expect(stokesCode('v')).toBe(4);
    expect(stokesCode('YX')).toBe(-8);
    expect(stokesCode('Z')).toBeUndefined();
  });
});

/** Minimal reader for the text dumps of 80-column cards: only the numeric cards used here. */
function numericCard(text: string, key: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(key.padEnd(8, ' ') + '='));
  return line === undefined ? undefined : Number(line.slice(10).split('/')[0].trim());
}

describe.skipIf(!hasRealdata)('phase-centre names of the real VLASS headers', () => {
  const dir = realdata('vlass_fits_headers');
  const files = hasRealdata ? readdirSync(dir).filter((f) => f.startsWith('VLASS')) : [];

  it.each(files)('%s: name from OBSRA/OBSDEC and from CRVAL equals the J-name in the file name', (file) => {
    const text = readFileSync(`${dir}/${file}`, 'latin1');
    const expected = /\.(J\d{6}[+-]\d{6})\./.exec(file)![1];
    expect(phaseCentreName(numericCard(text, 'OBSRA')!, numericCard(text, 'OBSDEC')!)).toBe(expected);
    // Image centres of the subimages and cubes sit on the phase centre to within rounding.
    expect(phaseCentreName(numericCard(text, 'CRVAL1')!, numericCard(text, 'CRVAL2')!)).toBe(expected);
  });
});
