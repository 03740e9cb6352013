/**
 * Per-plane restoring beams of a CASA multi-beam image: CASA's exportfits writes
 * `CASAMBM = T` in the primary header and a binary table extension `EXTNAME = 'BEAMS'`, one
 * row per (channel, polarization), columns BMAJ, BMIN (TUNIT 'arcsec'), BPA ('deg'), CHAN and
 * POL (0-based pixel indices along the spectral and Stokes axes). Only the extension headers
 * and that table are read; the image data are skipped by offset.
 */
import { closeSync, constants as fsConstants, fstatSync, openSync } from 'node:fs';
import { DataError, fsError } from '../errors.js';
import { BLOCK_LENGTH, CARD_LENGTH, parseHeaderBlocks, type FitsHeader, type ImageLayout } from '../fits/index.js';
import { readExactly } from '../fits/reader.js';

export interface BeamRow {
  chan: number;
  pol: number;
  bmajArcsec: number;
  bminArcsec: number;
  bpaDeg: number;
}

const MAX_EXTENSIONS = 64;
const MAX_HEADER_BLOCKS = 1024;
const FORM_BYTES: Record<string, number> = { L: 1, B: 1, I: 2, J: 4, K: 8, A: 1, E: 4, D: 8, C: 8, M: 16, P: 8, Q: 16 };
const ANGLE_TO_ARCSEC: Record<string, number> = { arcsec: 1, deg: 3600, rad: (180 / Math.PI) * 3600 };

/** The BEAMS table rows, or undefined when the file has no such extension. */
export function readBeamsTable(path: string, layout: ImageLayout): BeamRow[] | undefined {
  let fd: number;
  try {
    fd = openSync(path, fsConstants.O_RDONLY);
  } catch (err) {
    throw fsError(err, path, 'reading');
  }
  try {
    const fileSize = fstatSync(fd).size;
    let offset = layout.dataOffset + layout.paddedDataBytes;
    for (let n = 0; n < MAX_EXTENSIONS && offset + BLOCK_LENGTH <= fileSize; n++) {
      const { header, byteLength } = readExtensionHeader(fd, path, offset, fileSize);
      const rowBytes = header.getInteger('NAXIS1') ?? 0;
      const rows = header.getInteger('NAXIS2') ?? 0;
      const dataBytes = (header.getInteger('NAXIS') ?? 0) === 0 ? 0 : rowBytes * rows + (header.getInteger('PCOUNT') ?? 0);
      const dataOffset = offset + byteLength;
      const isBeams = String(header.get('XTENSION') ?? '').trim() === 'BINTABLE' && String(header.get('EXTNAME') ?? '').trim().toUpperCase() === 'BEAMS';
      if (isBeams) {
        if (dataOffset + rowBytes * rows > fileSize) throw new DataError(`${path}: the BEAMS table is truncated; re-copy the file`);
        return parseRows(readExactly(fd, dataOffset, rowBytes * rows, path), header, rowBytes, rows, path);
      }
      offset = dataOffset + Math.ceil(dataBytes / BLOCK_LENGTH) * BLOCK_LENGTH;
    }
    return undefined;
  } finally {
    closeSync(fd);
  }
}

function readExtensionHeader(fd: number, path: string, offset: number, fileSize: number): { header: FitsHeader; byteLength: number } {
  for (let blocks = 1; blocks <= MAX_HEADER_BLOCKS; blocks++) {
    if (offset + blocks * BLOCK_LENGTH > fileSize) break;
    const buf = readExactly(fd, offset, blocks * BLOCK_LENGTH, path);
    const last = buf.subarray((blocks - 1) * BLOCK_LENGTH);
    for (let c = 0; c < BLOCK_LENGTH; c += CARD_LENGTH) {
      if (last.toString('latin1', c, c + 8) === 'END     ') return parseHeaderBlocks(buf, `${path} (extension at byte ${offset})`);
    }
  }
  throw new DataError(`${path}: the extension header at byte ${offset} has no END card; the file is damaged`);
}

function parseRows(buf: Buffer, header: FitsHeader, rowBytes: number, rows: number, path: string): BeamRow[] {
  const fields = header.getInteger('TFIELDS') ?? 0;
  const columns = new Map<string, { offset: number; type: string; unit: string }>();
  let offset = 0;
  for (let i = 1; i <= fields; i++) {
    const form = String(header.get(`TFORM${i}`) ?? '').trim();
    const m = /^(\d*)([LXBIJKAEDCMPQ])/.exec(form);
    if (!m) throw new DataError(`${path}: BEAMS table column ${i} has TFORM${i} = '${form}', which is not a FITS binary table format`);
    const repeat = m[1] === '' ? 1 : Number(m[1]);
    const name = String(header.get(`TTYPE${i}`) ?? '').trim().toUpperCase();
    columns.set(name, { offset, type: m[2], unit: String(header.get(`TUNIT${i}`) ?? '').trim() });
    offset += m[2] === 'X' ? Math.ceil(repeat / 8) : repeat * FORM_BYTES[m[2]];
  }
  const need = (name: string) => {
    const c = columns.get(name);
    if (!c) throw new DataError(`${path}: the BEAMS table has no ${name} column`);
    return c;
  };
  const read = (col: { offset: number; type: string }, row: number): number => {
    const at = row * rowBytes + col.offset;
    switch (col.type) {
      case 'E':
        return buf.readFloatBE(at);
      case 'D':
        return buf.readDoubleBE(at);
      case 'I':
        return buf.readInt16BE(at);
      case 'J':
        return buf.readInt32BE(at);
      case 'K':
        return Number(buf.readBigInt64BE(at));
      default:
        throw new DataError(`${path}: BEAMS table column of type ${col.type} is not numeric`);
    }
  };
  const angle = (col: { unit: string }, name: string, fallback: string) => {
    const unit = (col.unit || fallback).toLowerCase();
    const f = ANGLE_TO_ARCSEC[unit];
    if (f === undefined) throw new DataError(`${path}: BEAMS table ${name} is in '${col.unit}', not arcsec, deg or rad`);
    return f;
  };
  const [bmaj, bmin, bpa, chan, pol] = ['BMAJ', 'BMIN', 'BPA', 'CHAN', 'POL'].map(need);
  const fMaj = angle(bmaj, 'BMAJ', 'arcsec');
  const fMin = angle(bmin, 'BMIN', 'arcsec');
  const fPa = angle(bpa, 'BPA', 'deg') / 3600;
  return Array.from({ length: rows }, (_, r) => ({
    chan: read(chan, r),
    pol: read(pol, r),
    bmajArcsec: read(bmaj, r) * fMaj,
    bminArcsec: read(bmin, r) * fMin,
    bpaDeg: read(bpa, r) * fPa,
  }));
}
