/**
 * Per-plane restoring beams of a CASA image with more than one beam.
 *
 * CASA's exportfits writes such an image with `CASAMBM = T` in the primary header and a binary
 * table extension `EXTNAME = 'BEAMS'` with one row per (channel, polarization): columns BMAJ,
 * BMIN (TUNIT 'arcsec'), BPA ('deg'), CHAN and POL (0-based pixel indices along the spectral
 * and Stokes axes); astropy/spectral-cube read the same table. The primary header then usually
 * has no BMAJ. The real VLASS 2.1 cube window header (realdata vlass_fits_headers) has a single
 * BMAJ/BMIN/BPA and no CASAMBM: CASA's HISTORY there says the IQUV image "has multiple beams"
 * but the exported, common-beam (.com.) file carries one.
 *
 * Only the extension headers and the table rows are read (the pixels are skipped by offset).
 */
import { closeSync } from 'node:fs';
import { DataError } from '../errors.js';
import { BLOCK_LENGTH, parseHeaderBlocks, type FitsHeader, type ImageLayout } from './index.js';
import { readExactly } from './reader.js';
import { openForReading } from '../io/open.js';

export interface BeamTableRow {
  /** 0-based pixel along the spectral axis. */
  chan: number;
  /** 0-based pixel along the Stokes axis. */
  pol: number;
  bmajArcsec: number;
  bminArcsec: number;
  bpaDeg: number;
}

/** Extension headers read while looking for BEAMS: a guard against a corrupt file's loop. */
const MAX_EXTENSIONS = 64;
/** Header blocks read per extension before giving up on its END card (2.9 MB of cards). */
const MAX_HEADER_BLOCKS = 1024;

/** True when the primary header announces a per-plane beam table (CASAMBM = T). */
export function hasBeamTable(header: FitsHeader): boolean {
  return header.get('CASAMBM') === true;
}

/**
 * The rows of the file's BEAMS table, or undefined when the file has no such extension.
 * DataError naming the file for a table that cannot be read (missing columns, unknown units,
 * truncated rows).
 */
export function readBeamTable(path: string, layout: ImageLayout, fileSize: number): BeamTableRow[] | undefined {
  const fd = openForReading(path);
  try {
    let offset = layout.dataOffset + layout.paddedDataBytes;
    for (let n = 0; n < MAX_EXTENSIONS && offset < fileSize; n++) {
      const { header, byteLength } = readExtensionHeader(fd, path, offset, fileSize);
      const dataBytes = extensionDataBytes(header, path);
      const dataOffset = offset + byteLength;
      if (String(header.get('XTENSION') ?? '').trim() === 'BINTABLE' && String(header.get('EXTNAME') ?? '').trim().toUpperCase() === 'BEAMS') {
        if (dataOffset + dataBytes > fileSize) throw new DataError(`${path}: the BEAMS table extension is truncated (${dataOffset + dataBytes} bytes needed, ${fileSize} in the file); re-copy the file`);
        return parseBeamRows(readExactly(fd, dataOffset, dataBytes, path), header, path);
      }
      offset = dataOffset + Math.ceil(dataBytes / BLOCK_LENGTH) * BLOCK_LENGTH;
    }
    return undefined;
  } finally {
    closeSync(fd);
  }
}

function readExtensionHeader(fd: number, path: string, offset: number, fileSize: number): { header: FitsHeader; byteLength: number } {
  const source = `${path} (extension at byte ${offset})`;
  let blocks = 1;
  for (;;) {
    const length = Math.min(blocks * BLOCK_LENGTH, fileSize - offset);
    const buf = readExactly(fd, offset, length, path);
    try {
      return parseHeaderBlocks(buf, source);
    } catch (err) {
      // No END yet: read more blocks while the file has them.
      if (!(err instanceof DataError) || !/no END card/.test(err.message) || length < blocks * BLOCK_LENGTH || blocks >= MAX_HEADER_BLOCKS) throw err;
      blocks *= 2;
    }
  }
}

/** Bytes of an extension's data (without padding): |BITPIX|/8 x GCOUNT x (PCOUNT + NAXIS1 x ... x NAXISn). */
function extensionDataBytes(header: FitsHeader, path: string): number {
  const bitpix = header.getInteger('BITPIX');
  const naxis = header.getInteger('NAXIS');
  if (bitpix === undefined || naxis === undefined) throw new DataError(`${path}: an extension header has no BITPIX or NAXIS; the file is corrupt, re-copy it`);
  let pixels = naxis === 0 ? 0 : 1;
  for (let i = 1; i <= naxis; i++) pixels *= header.getInteger(`NAXIS${i}`) ?? 0;
  const gcount = header.getInteger('GCOUNT') ?? 1;
  const pcount = header.getInteger('PCOUNT') ?? 0;
  return (Math.abs(bitpix) / 8) * gcount * (pcount + pixels);
}

/** Bytes per element of a binary-table TFORM type code (the ones a beam table can use). */
const TFORM_BYTES: Record<string, number> = { L: 1, B: 1, A: 1, I: 2, J: 4, K: 8, E: 4, D: 8 };

interface Column {
  offset: number;
  type: string;
  unit: string;
}

function parseBeamRows(data: Buffer, header: FitsHeader, path: string): BeamTableRow[] {
  const rowBytes = header.getInteger('NAXIS1') ?? 0;
  const rows = header.getInteger('NAXIS2') ?? 0;
  const fields = header.getInteger('TFIELDS') ?? 0;
  const columns = new Map<string, Column>();
  let offset = 0;
  for (let i = 1; i <= fields; i++) {
    const form = String(header.get(`TFORM${i}`) ?? '').trim().toUpperCase();
    const m = /^(\d*)([LXBIJKAEDCMPQ])/.exec(form);
    if (!m) throw new DataError(`${path}: BEAMS table column ${i} has TFORM '${form}', not a binary-table format`);
    const repeat = m[1] === '' ? 1 : Number(m[1]);
    const type = m[2];
    const size = type === 'X' ? Math.ceil(repeat / 8) : repeat * (TFORM_BYTES[type] ?? NaN);
    if (!Number.isFinite(size)) throw new DataError(`${path}: BEAMS table column ${i} has TFORM '${form}', which a beam table does not use; cannot read it`);
    const name = String(header.get(`TTYPE${i}`) ?? '').trim().toUpperCase();
    if (name !== '' && repeat >= 1) columns.set(name, { offset, type, unit: String(header.get(`TUNIT${i}`) ?? '').trim().toLowerCase() });
    offset += size;
  }
  if (offset !== rowBytes) throw new DataError(`${path}: BEAMS table rows are ${rowBytes} bytes but its columns add up to ${offset}; the table header is corrupt`);
  const need = (name: string) => {
    const c = columns.get(name);
    if (!c) throw new DataError(`${path}: BEAMS table has no ${name} column (columns: ${[...columns.keys()].join(', ')}); it is not a CASA beam table`);
    return c;
  };
  const [bmaj, bmin, bpa, chan, pol] = ['BMAJ', 'BMIN', 'BPA', 'CHAN', 'POL'].map(need);
  const toArcsec = angleScale(path, 'BMAJ/BMIN', bmaj.unit || 'arcsec', 'arcsec');
  if ((bmin.unit || 'arcsec') !== (bmaj.unit || 'arcsec')) throw new DataError(`${path}: BEAMS table BMAJ is in '${bmaj.unit}' but BMIN in '${bmin.unit}'; fix the table units`);
  const toDeg = angleScale(path, 'BPA', bpa.unit || 'deg', 'deg');
  const out: BeamTableRow[] = [];
  for (let r = 0; r < rows; r++) {
    const base = r * rowBytes;
    const read = (c: Column) => readScalar(data, base + c.offset, c.type);
    out.push({ chan: read(chan), pol: read(pol), bmajArcsec: read(bmaj) * toArcsec, bminArcsec: read(bmin) * toArcsec, bpaDeg: read(bpa) * toDeg });
  }
  return out;
}

function readScalar(buf: Buffer, at: number, type: string): number {
  switch (type) {
    case 'B':
      return buf.readUInt8(at);
    case 'I':
      return buf.readInt16BE(at);
    case 'J':
      return buf.readInt32BE(at);
    case 'K':
      return Number(buf.readBigInt64BE(at));
    case 'E':
      return buf.readFloatBE(at);
    case 'D':
      return buf.readDoubleBE(at);
    default:
      return NaN;
  }
}

/** Factor from `unit` to arcsec (want 'arcsec') or degrees (want 'deg'). */
function angleScale(path: string, what: string, unit: string, want: 'arcsec' | 'deg'): number {
  const arcsec: Record<string, number> = { arcsec: 1, deg: 3600, degree: 3600, degrees: 3600, rad: 180 * 3600 / Math.PI, arcmin: 60, mas: 1e-3 };
  const f = arcsec[unit];
  if (f === undefined) throw new DataError(`${path}: BEAMS table ${what} unit '${unit}' is not an angle unit this reader knows (arcsec, arcmin, deg, rad, mas)`);
  return want === 'arcsec' ? f : f / 3600;
}
