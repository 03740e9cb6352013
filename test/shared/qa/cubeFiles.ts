/**
 * Small cube files for the cube-QA tests, written with shared/fits writeFitsImage: a 4-D (or
 * other) header with RA/DEC SIN axes, a FREQ axis of any number of planes, an optional STOKES
 * axis in any order, a header beam or a CASA BEAMS table appended as a binary-table extension.
 */
import { appendFileSync } from 'node:fs';
import { FitsHeader, writeFitsImage } from '../../../shared/fits/index.js';

export interface CubeSpec {
  width?: number;
  height?: number;
  /** FREQ planes (default 1) and their axis: CRVAL3 at CRPIX3 = 1, CDELT3. */
  freqs?: number;
  freqHz?: number;
  freqStepHz?: number;
  /** STOKES world values along the axis, e.g. [1, 2, 3] (IQU) or [2, 1]; null: no STOKES axis. */
  stokes?: number[] | null;
  /** CTYPE of the spectral axis (default FREQ); null: no spectral axis. */
  spectralType?: string | null;
  /** Header beam, arcsec/deg; null: none. */
  beam?: { majArcsec: number; minArcsec: number; paDeg: number } | null;
  casambm?: boolean;
  /** Pixel value for plane (freq k, stokes s) at pixel index i; default seeded noise. */
  pixel?: (k: number, s: number, i: number) => number;
  spw?: string;
}

/** Writes the cube; returns its shape. */
export function writeCube(path: string, spec: CubeSpec = {}): number[] {
  const width = spec.width ?? 16;
  const height = spec.height ?? 12;
  const freqs = spec.freqs ?? 1;
  const stokes = spec.stokes === undefined ? [1, 2, 3] : spec.stokes;
  const h = new FitsHeader([], 'test cube');
  const beam = spec.beam === undefined ? { majArcsec: 3, minArcsec: 2.4, paDeg: -10 } : spec.beam;
  if (beam) {
    h.set('BMAJ', beam.majArcsec / 3600, '', { asReal: true });
    h.set('BMIN', beam.minArcsec / 3600, '', { asReal: true });
    h.set('BPA', beam.paDeg, '', { asReal: true });
  }
  if (spec.casambm) h.set('CASAMBM', true);
  h.set('BUNIT', 'Jy/beam');
  const axes: [string, number, number, number, string][] = [
    ['RA---SIN', 0.5, -0.6 / 3600, (width + 1) / 2, 'deg'],
    ['DEC--SIN', -0.5, 0.6 / 3600, (height + 1) / 2, 'deg'],
  ];
  const shape = [width, height];
  if (spec.spectralType !== null) {
    axes.push([spec.spectralType ?? 'FREQ', spec.freqHz ?? 3e9, spec.freqStepHz ?? 128e6, 1, spec.spectralType?.startsWith('V') ? 'm/s' : 'Hz']);
    shape.push(freqs);
  }
  if (stokes) {
    const step = stokes.length > 1 ? stokes[1] - stokes[0] : 1;
    axes.push(['STOKES', stokes[0], step, 1, '']);
    shape.push(stokes.length);
  }
  axes.forEach(([ctype, crval, cdelt, crpix, cunit], i) => {
    h.set(`CTYPE${i + 1}`, ctype);
    h.set(`CRVAL${i + 1}`, crval, '', { asReal: true });
    h.set(`CDELT${i + 1}`, cdelt, '', { asReal: true });
    h.set(`CRPIX${i + 1}`, crpix, '', { asReal: true });
    h.set(`CUNIT${i + 1}`, cunit);
  });
  if (spec.spw !== undefined) h.set('SPW', spec.spw);
  const planes = (spec.spectralType === null ? 1 : freqs) * (stokes?.length ?? 1);
  const n = width * height;
  const data = new Float32Array(n * planes);
  let state = 12345;
  const noise = () => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return (state / 2 ** 32 - 0.5) * 1e-3;
  };
  const nf = spec.spectralType === null ? 1 : freqs;
  for (let s = 0; s < (stokes?.length ?? 1); s++)
    for (let k = 0; k < nf; k++)
      for (let i = 0; i < n; i++) data[(s * nf + k) * n + i] = spec.pixel ? spec.pixel(k, s, i) : noise();
  writeFitsImage(path, data, shape, h);
  return shape;
}

export interface BeamRow {
  bmaj: number;
  bmin: number;
  bpa: number;
  chan: number;
  pol: number;
}

/** Appends a CASA-style BEAMS binary table (BMAJ, BMIN, BPA as 1E, CHAN, POL as 1J). */
export function appendBeamTable(path: string, rows: BeamRow[], units: { axes?: string; pa?: string } = {}): void {
  const cards = [
    "XTENSION= 'BINTABLE'",
    'BITPIX  =                    8',
    'NAXIS   =                    2',
    'NAXIS1  =                   20',
    `NAXIS2  = ${String(rows.length).padStart(20)}`,
    'PCOUNT  =                    0',
    'GCOUNT  =                    1',
    'TFIELDS =                    5',
    "TTYPE1  = 'BMAJ    '",
    "TFORM1  = '1E      '",
    `TUNIT1  = '${units.axes ?? 'arcsec'}'`,
    "TTYPE2  = 'BMIN    '",
    "TFORM2  = '1E      '",
    `TUNIT2  = '${units.axes ?? 'arcsec'}'`,
    "TTYPE3  = 'BPA     '",
    "TFORM3  = '1E      '",
    `TUNIT3  = '${units.pa ?? 'deg'}'`,
    "TTYPE4  = 'CHAN    '",
    "TFORM4  = '1J      '",
    "TTYPE5  = 'POL     '",
    "TFORM5  = '1J      '",
    "EXTNAME = 'BEAMS   '",
    'END',
  ];
  const text = cards.map((c) => c.padEnd(80)).join('');
  const header = Buffer.alloc(Math.ceil(text.length / 2880) * 2880, ' ');
  header.write(text, 'latin1');
  const data = Buffer.alloc(Math.ceil((rows.length * 20) / 2880) * 2880);
  rows.forEach((r, i) => {
    data.writeFloatBE(r.bmaj, i * 20);
    data.writeFloatBE(r.bmin, i * 20 + 4);
    data.writeFloatBE(r.bpa, i * 20 + 8);
    data.writeInt32BE(r.chan, i * 20 + 12);
    data.writeInt32BE(r.pol, i * 20 + 16);
  });
  appendFileSync(path, Buffer.concat([header, data]));
}
