/**
 * Readers for the reference catalogues the real-data tests compare with, written for the
 * tests only: PyBDSF's ASCII Gaussian list, a minimal FITS BINTABLE reader (Aegean's
 * component table) and LSMTool/makesourcedb sky models. Each reads just what the tests need
 * and fails loudly on anything else.
 */
import { readFileSync } from 'node:fs';
import { withFits } from '../../../shared/fits/index.js';
import type { HeaderSource } from '../../../shared/wcs/index.js';

/** One plane of a FITS image with its header as a HeaderSource. */
export function readImage(path: string): { data: Float32Array | Float64Array; width: number; height: number; header: HeaderSource } {
  return withFits(path, (reader) => {
    const header = reader.header;
    return {
      data: reader.readPlane(),
      width: reader.width,
      height: reader.height,
      header: (key: string) => {
        const v = header.get(key);
        return v === null || typeof v === 'object' ? undefined : v;
      },
    };
  });
}

/** PyBDSF `.gaul` (ASCII): the column names come from the "# Gaus_id ..." line. */
export function readGaul(path: string): Record<string, number | string>[] {
  const lines = readFileSync(path, 'utf8').split('\n');
  const header = lines.find((l) => l.startsWith('# Gaus_id'));
  if (!header) throw new Error(`${path}: no "# Gaus_id" column line`);
  const names = header.slice(2).trim().split(/\s+/);
  return lines
    .filter((l) => l.trim() && !l.startsWith('#'))
    .map((l) => {
      const fields = l.trim().split(/\s+/);
      if (fields.length !== names.length) throw new Error(`${path}: row with ${fields.length} fields, ${names.length} columns`);
      return Object.fromEntries(names.map((n, i) => [n, Number.isNaN(Number(fields[i])) ? fields[i] : Number(fields[i])]));
    });
}

const BLOCK = 2880;

/**
 * The first BINTABLE extension of a FITS file: scalar columns of TFORM J, K, I, E, D (as
 * numbers) and nA (as trimmed strings). Other forms, vector columns and heaps are refused.
 */
export function readBinTable(path: string): Record<string, number | string>[] {
  const buf = readFileSync(path);
  let offset = 0;
  while (offset < buf.length) {
    const { cards, dataStart } = readHeader(buf, offset, path);
    if (cards.get('XTENSION') === 'BINTABLE') return decodeTable(buf, dataStart, cards, path);
    const naxis = Number(cards.get('NAXIS') ?? 0);
    let dataBytes = naxis === 0 ? 0 : Math.abs(Number(cards.get('BITPIX'))) / 8;
    for (let i = 1; i <= naxis; i++) dataBytes *= Number(cards.get(`NAXIS${i}`));
    offset = dataStart + Math.ceil((dataBytes + Number(cards.get('PCOUNT') ?? 0)) / BLOCK) * BLOCK;
  }
  throw new Error(`${path}: no BINTABLE extension`);
}

function readHeader(buf: Buffer, start: number, path: string): { cards: Map<string, string>; dataStart: number } {
  const cards = new Map<string, string>();
  for (let p = start; p + 80 <= buf.length; p += 80) {
    const card = buf.toString('latin1', p, p + 80);
    const key = card.slice(0, 8).trim();
    if (key === 'END') return { cards, dataStart: Math.ceil((p + 80) / BLOCK) * BLOCK };
    if (card.slice(8, 10) !== '= ') continue;
    const raw = card.slice(10);
    const quoted = raw.match(/^\s*'((?:[^']|'')*)'/);
    cards.set(key, quoted ? quoted[1].replace(/''/g, "'").trimEnd() : raw.split('/')[0].trim());
  }
  throw new Error(`${path}: header without END`);
}

function decodeTable(buf: Buffer, start: number, cards: Map<string, string>, path: string): Record<string, number | string>[] {
  const rowLength = Number(cards.get('NAXIS1'));
  const rows = Number(cards.get('NAXIS2'));
  const fields = Number(cards.get('TFIELDS'));
  const sizes: Record<string, number> = { J: 4, K: 8, I: 2, E: 4, D: 8, A: 1 };
  const columns: { name: string; code: string; count: number; at: number }[] = [];
  let at = 0;
  for (let i = 1; i <= fields; i++) {
    const form = cards.get(`TFORM${i}`) ?? '';
    const m = form.match(/^(\d*)([A-Z])$/);
    if (!m || !(m[2] in sizes) || (m[2] !== 'A' && m[1] !== '' && m[1] !== '1')) throw new Error(`${path}: TFORM${i} = '${form}' is not supported by this test reader`);
    const count = m[1] === '' ? 1 : Number(m[1]);
    columns.push({ name: cards.get(`TTYPE${i}`) ?? `col${i}`, code: m[2], count, at });
    at += sizes[m[2]] * count;
  }
  if (at !== rowLength) throw new Error(`${path}: columns take ${at} bytes, NAXIS1 says ${rowLength}`);
  return Array.from({ length: rows }, (_, r) => {
    const base = start + r * rowLength;
    const row: Record<string, number | string> = {};
    for (const c of columns) {
      const p = base + c.at;
      row[c.name] =
        c.code === 'J' ? buf.readInt32BE(p)
        : c.code === 'K' ? Number(buf.readBigInt64BE(p))
        : c.code === 'I' ? buf.readInt16BE(p)
        : c.code === 'E' ? buf.readFloatBE(p)
        : c.code === 'D' ? buf.readDoubleBE(p)
        : buf.toString('latin1', p, p + c.count).replace(/[\0 ]+$/, '');
    }
    return row;
  });
}

/** A makesourcedb/LSMTool sky model: per component its name, patch and RA/Dec in degrees. */
export function readSkyModel(path: string): { name: string; patch: string; ra: number; dec: number }[] {
  const lines = readFileSync(path, 'utf8').split('\n');
  const format = lines.find((l) => /^format\s*=/i.test(l));
  if (!format) throw new Error(`${path}: no FORMAT line`);
  const names = format.replace(/^format\s*=\s*/i, '').split(',').map((s) => s.trim().split('=')[0].trim().toLowerCase());
  const col = (n: string) => {
    const i = names.indexOf(n);
    if (i < 0) throw new Error(`${path}: no ${n} column`);
    return i;
  };
  const [iName, iPatch, iRa, iDec] = [col('name'), col('patch'), col('ra'), col('dec')];
  return lines
    .filter((l) => l.trim() && !l.startsWith('#') && !/^format\s*=/i.test(l))
    .map((l) => l.split(',').map((s) => s.trim()))
    .filter((f) => f[iName] !== '') // patch lines have an empty name
    .map((f) => ({ name: f[iName], patch: f[iPatch], ra: parseRa(f[iRa]), dec: parseDec(f[iDec]) }));
}

/** 'hh:mm:ss.s' (possibly negative, as makesourcedb writes RA > 12h) → degrees in [0, 360). */
function parseRa(text: string): number {
  const negative = text.startsWith('-');
  const [h, m, s] = text.replace('-', '').split(':').map(Number);
  const deg = (negative ? -1 : 1) * (h + m / 60 + s / 3600) * 15;
  return ((deg % 360) + 360) % 360;
}

/** 'dd.mm.ss.s' (makesourcedb's dotted form) → degrees. */
function parseDec(text: string): number {
  const negative = text.startsWith('-');
  const [d, m, s, frac] = text.replace(/^[-+]/, '').split('.');
  return (negative ? -1 : 1) * (Number(d) + Number(m) / 60 + Number(`${s}.${frac ?? 0}`) / 3600);
}
