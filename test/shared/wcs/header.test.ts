/** Header access (record or getter), the 0-based pixel convention, and refusals with DataError. */
import { describe, expect, it } from 'vitest';
import { DataError } from '../../../shared/errors.js';
import { HeaderReader, Wcs } from '../../../shared/wcs/index.js';
import { loadWcsReference } from './reference.js';

const vlassQl = loadWcsReference().find((c) => c.name === 'vlass_ql_1p1')!.cards;

const tan = {
  NAXIS: 2,
  NAXIS1: 100,
  NAXIS2: 100,
  CTYPE1: 'RA---TAN',
  CTYPE2: 'DEC--TAN',
  CRVAL1: 30,
  CRVAL2: 40,
  CRPIX1: 50,
  CRPIX2: 60,
  CDELT1: -0.001,
  CDELT2: 0.001,
};

describe('header sources', () => {
  it('a getter and a record give the same WCS', () => {
    const fromRecord = Wcs.fromHeader(vlassQl);
    const fromGetter = Wcs.fromHeader((key) => vlassQl[key]);
    for (const p of [[0, 0], [1860, 1860], [3721.5, 12.25, 0, 0]]) {
      expect(fromGetter.pixelToWorld(p)).toEqual(fromRecord.pixelToWorld(p));
    }
  });

  it('accepts numbers written as strings, including Fortran exponents', () => {
    const reader = new HeaderReader({ A: ' 1.5D+02 ', B: '2e-3', C: 7 });
    expect(reader.number('A')).toBe(150);
    expect(reader.number('B')).toBe(0.002);
    expect(reader.number('C')).toBe(7);
    expect(reader.number('MISSING')).toBeUndefined();
  });

  it('refuses malformed values with a DataError naming the keyword', () => {
    expect(() => new HeaderReader({ CRVAL1: 'abc' }).number('CRVAL1')).toThrow(/CRVAL1/);
    expect(() => new HeaderReader({ CRVAL1: true }).number('CRVAL1')).toThrow(DataError);
    expect(() => new HeaderReader({ CTYPE1: 5 }).string('CTYPE1')).toThrow(DataError);
  });

  it('does not read keys inherited from Object.prototype', () => {
    expect(new HeaderReader({}).has('constructor')).toBe(false);
  });
});

describe('pixel convention', () => {
  it('0-based pixel CRPIX − 1 is the reference point; 0-based (0, 0) is FITS pixel (1, 1)', () => {
    const w = Wcs.fromHeader(tan);
    const [ra, dec] = w.pixelToWorld([49, 59]);
    expect(ra).toBeCloseTo(30, 12);
    expect(dec).toBeCloseTo(40, 12);
    expect(w.worldToPixel([30, 40]).map((p) => Number(p.toFixed(9)))).toEqual([49, 59]);
    // One pixel in +x is one CDELT1 (negative: RA decreases) along the equator of the projection.
    const [raNext] = w.pixelToWorld([50, 59]);
    expect((raNext - 30) * Math.cos((40 * Math.PI) / 180)).toBeCloseTo(-0.001, 9);
  });

  it('fills missing trailing pixel axes with plane 0 and reports spectral/Stokes world values', () => {
    const w = Wcs.fromHeader(vlassQl);
    const world = w.pixelToWorld([10, 20]);
    expect(world).toHaveLength(4);
    expect(world[2]).toBe(3e9);
    expect(world[3]).toBe(1);
    expect(w.axes.map((a) => a.kind)).toEqual(['longitude', 'latitude', 'spectral', 'stokes']);
    expect(w.axisOf('spectral')).toBe(2);
    expect(w.celestial).toMatchObject({ lon: 0, lat: 1, projection: 'SIN', radesys: 'FK5', equinox: 2000 });
    expect(() => w.pixelToWorld([1, 2, 3, 4, 5])).toThrow(RangeError);
    expect(() => w.worldToPixel([1, 2])).toThrow(RangeError);
  });

  it('gives NaN for a point 90° or more from a TAN reference point (no image there)', () => {
    const w = Wcs.fromHeader(tan);
    expect(w.worldToPixel([30 + 180, 0])).toEqual([NaN, NaN]);
    expect(w.worldToPixel([30, 40 - 95])).toEqual([NaN, NaN]);
    expect(w.worldToPixel([30, 40 - 89]).every(Number.isFinite)).toBe(true);
  });

  it('gives NaN for a point beyond the SIN horizon instead of a wrong position', () => {
    const w = Wcs.fromHeader(vlassQl);
    expect(w.pixelToWorld([1e6, 0]).slice(0, 2)).toEqual([NaN, NaN]);
    const antipode = [166.20035 + 180, -76.5, 3e9, 1];
    expect(w.worldToPixel(antipode).slice(0, 2)).toEqual([NaN, NaN]);
  });
});

/** Matrix with −0 turned into 0, so that equality is about values. */
const values = (m: number[][]) => m.map((row) => row.map((v) => v + 0));

describe('defaults and precedence (WCS Papers I/II, as WCSLIB)', () => {
  it('LONPOLE defaults to 180° normally and to 0° when CRVAL2 = +90°', () => {
    const at = (extra: Record<string, number>) => Wcs.fromHeader({ ...tan, ...extra }).celestial!.pole.phiP;
    expect(at({})).toBe(180);
    expect(at({ CRVAL2: 90 })).toBe(0);
    expect(at({ CRVAL2: 90, LONPOLE: 180 })).toBe(180);
  });

  it('PC takes precedence over CD, and CD over CROTA', () => {
    const pc = Wcs.fromHeader({ ...tan, PC1_1: 1, CD1_1: 5, CD2_2: 5, CROTA2: 45 });
    expect(values(pc.matrix)).toEqual(values(Wcs.fromHeader(tan).matrix));
    const cd = Wcs.fromHeader({ ...tan, CD1_1: -0.002, CD2_2: 0.002, CROTA2: 45 });
    expect(values(cd.matrix)).toEqual([
      [-0.002, 0],
      [0, 0.002],
    ]);
  });

  it('CROTA of the longitude axis alone is ignored, as WCSLIB ignores it', () => {
    expect(values(Wcs.fromHeader({ ...tan, CROTA1: 30 }).matrix)).toEqual(values(Wcs.fromHeader(tan).matrix));
  });

  it('counts axes named by WCS keywords beyond NAXIS (FIRST cutouts)', () => {
    expect(Wcs.fromHeader({ ...tan, CTYPE3: 'FREQ', CRVAL3: 1.4e9 }).naxis).toBe(3);
    expect(Wcs.fromHeader({ ...tan, WCSAXES: 2, CTYPE3: 'FREQ' }).naxis).toBe(2);
  });
});

describe('refusals', () => {
  const cases: [string, Record<string, string | number>, RegExp][] = [
    ['an unsupported projection', { CTYPE1: 'RA---ZEA', CTYPE2: 'DEC--ZEA' }, /projection ZEA/],
    ['mismatched projections', { CTYPE2: 'DEC--SIN' }, /different projections/],
    ['a longitude without a latitude', { CTYPE2: 'FREQ' }, /one longitude and one latitude/],
    ['a non-linear spectral axis', { NAXIS: 3, CTYPE3: 'VOPT-F2W' }, /non-linear spectral/],
    ['a non-angle celestial unit', { CUNIT1: 'Hz' }, /not an angle unit/],
    ['a singular matrix', { CDELT2: 0 }, /singular/],
    ['a moved reference point', { PV1_2: 45 }, /PV1_2/],
    ['no axes at all', { NAXIS: 0, NAXIS1: 0, NAXIS2: 0, CTYPE1: '', CTYPE2: '', CRVAL1: '', CRVAL2: '', CRPIX1: '', CRPIX2: '', CDELT1: '', CDELT2: '' }, /no WCS axes/],
  ];

  it.each(cases)('refuses %s with a one-line DataError', (_label, extra, message) => {
    const header = Object.fromEntries(Object.entries({ ...tan, ...extra }).filter(([, v]) => v !== ''));
    let caught: unknown;
    try {
      Wcs.fromHeader(header);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(DataError);
    expect((caught as Error).message).toMatch(message);
    expect((caught as Error).message).not.toContain('\n');
  });

  it('accepts longitude-axis PV values equal to the defaults', () => {
    expect(() => Wcs.fromHeader({ ...tan, PV1_0: 0, PV1_1: 0, PV1_2: 90, PV1_3: 180, PV1_4: 12 })).not.toThrow();
  });

  it('asks for celestial axes before sky conversions', () => {
    const linear = Wcs.fromHeader({ NAXIS: 1, NAXIS1: 10, CTYPE1: 'FREQ', CRVAL1: 1e9, CDELT1: 1e6, CRPIX1: 1 });
    expect(linear.pixelToWorld([2])).toEqual([1.002e9]);
    expect(() => linear.pixelToSky(0, 0)).toThrow(DataError);
  });
});
