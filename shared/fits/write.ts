/**
 * Writing FITS: new primary-HDU float images (whole, or streamed plane by plane for big
 * fixtures), and keyword updates in existing files.
 *
 * Every write is atomic (shared/atomic.ts): a temporary in the destination directory,
 * fsync, rename. A failure part way leaves the previous file, byte for byte, and no
 * temporary. The one exception is by design: a keyword update whose new header fits in the
 * existing header blocks rewrites just those blocks in place with one positioned write,
 * because copying a 460 MB cube to change one keyword would cost more than it protects.
 */
import { closeSync, constants as fsConstants, fsyncSync, openSync, readSync, realpathSync, statSync, writeSync } from 'node:fs';
import { AtomicFile } from '../io/atomic.js';
import { DataError, UsageError, fsError } from '../errors.js';
import { BLOCK_LENGTH, CARD_LENGTH, type FitsValue, formatCard } from './card.js';
import { FitsHeader, parseCards } from './header.js';
import { shapeText } from './layout.js';
import { encodeFloatPixels, type Pixels } from './pixels.js';
import { FitsReader } from './reader.js';

/** Pixels encoded per chunk when writing (8 MB of float64 at most). */
const WRITE_CHUNK_PIXELS = 1 << 20;
/** Bytes per read/write when copying data during a header rewrite. */
const COPY_CHUNK_BYTES = 8 << 20;

/**
 * Keywords that describe the file's structure or the stored encoding. They come from the
 * shape and pixel type being written, never from a template header; and a keyword update
 * must not change them, since that would reinterpret the bytes already on disk.
 * BSCALE/BZERO/BLANK are dropped from templates because written pixels are physical floats;
 * CHECKSUM/DATASUM because they would no longer match.
 */
const STRUCTURAL_KEY = /^(SIMPLE|BITPIX|NAXIS\d*|XTENSION|PCOUNT|GCOUNT|GROUPS|END)$/;
const TEMPLATE_DROPPED_KEY = /^(SIMPLE|BITPIX|NAXIS\d*|XTENSION|PCOUNT|GCOUNT|GROUPS|END|BSCALE|BZERO|BLANK|CHECKSUM|DATASUM)$/;

export type FloatBitpix = -32 | -64;

/**
 * The header for a new float image: SIMPLE, BITPIX, NAXIS, NAXISn first (as the standard
 * requires), then every card of `template` except structural and scaling ones, in order.
 */
export function buildImageHeader(path: string, shape: readonly number[], bitpix: FloatBitpix, template?: FitsHeader): FitsHeader {
  checkShape(path, shape);
  const images: string[] = [
    formatCard('SIMPLE', true, 'conforms to FITS standard'),
    formatCard('BITPIX', bitpix, bitpix === -32 ? 'IEEE 32-bit floating point' : 'IEEE 64-bit floating point'),
    formatCard('NAXIS', shape.length, 'number of array dimensions'),
    ...shape.map((n, i) => formatCard(`NAXIS${i + 1}`, n, '')),
  ];
  for (const card of template?.cards ?? []) {
    if (TEMPLATE_DROPPED_KEY.test(card.key)) continue;
    for (let i = 0; i < card.raw.length; i += CARD_LENGTH) images.push(card.raw.slice(i, i + CARD_LENGTH));
  }
  return parseCards(images, path);
}

function checkShape(path: string, shape: readonly number[]): void {
  if (shape.length < 1 || shape.length > 999 || !shape.every((n) => Number.isInteger(n) && n >= 1))
    throw new UsageError(`${path}: cannot write an image of shape [${shape.join(', ')}]: give 1 to 999 axis lengths, each a whole number >= 1`);
}

function pixelCount(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

function bitpixOf(data: Pixels): FloatBitpix {
  return data instanceof Float32Array ? -32 : -64;
}

/**
 * Writes a primary-HDU image atomically. BITPIX follows the array type (Float32Array -> -32,
 * Float64Array -> -64); `shape` is in FITS order (NAXIS1 first) and must match data.length.
 * `template` supplies the other keywords (WCS, beam, HISTORY...).
 */
export function writeFitsImage(path: string, data: Pixels, shape: readonly number[], template?: FitsHeader): void {
  const writer = new FitsImageWriter(path, { shape, bitpix: bitpixOf(data), header: template });
  try {
    writer.write(data);
    writer.commit();
  } catch (err) {
    writer.abort();
    throw err;
  }
}

/**
 * Streams an image to disk: the header is written on construction, pixels are appended in
 * file order (plane after plane, rows within a plane), and `commit` checks the count, pads
 * the last block and renames into place. Only the caller's current plane is in memory.
 */
export class FitsImageWriter {
  readonly path: string;
  readonly shape: readonly number[];
  readonly bitpix: FloatBitpix;
  readonly header: FitsHeader;
  private readonly file: AtomicFile;
  private readonly totalPixels: number;
  private written = 0;
  private scratch: Buffer | null = null;

  constructor(path: string, options: { shape: readonly number[]; bitpix: FloatBitpix; header?: FitsHeader }) {
    this.path = path;
    this.shape = [...options.shape];
    this.bitpix = options.bitpix;
    this.header = buildImageHeader(path, this.shape, this.bitpix, options.header);
    this.totalPixels = pixelCount(this.shape);
    this.file = new AtomicFile(path);
    this.file.write(this.header.toBuffer());
  }

  /** Pixels written so far. */
  get pixelsWritten(): number {
    return this.written;
  }

  /** Pixels of one plane (NAXIS1 x NAXIS2). */
  get planePixels(): number {
    return this.shape[0] * (this.shape[1] ?? 1);
  }

  /**
   * Appends the next pixels in file order. Either array type is accepted; values are stored
   * as this file's BITPIX (float64 input to a -32 file is rounded to float32).
   */
  write(pixels: Pixels): void {
    if (this.written + pixels.length > this.totalPixels) {
      this.abort();
      throw new UsageError(`${this.path}: ${this.written + pixels.length} pixels written to an image of shape ${shapeText(this.shape)} (${this.totalPixels} pixels); nothing was saved`);
    }
    const bytesPerPixel = this.bitpix === -32 ? 4 : 8;
    this.scratch ??= Buffer.allocUnsafeSlow(Math.min(WRITE_CHUNK_PIXELS, Math.max(1, this.totalPixels)) * bytesPerPixel);
    for (let start = 0; start < pixels.length; start += WRITE_CHUNK_PIXELS) {
      const count = Math.min(WRITE_CHUNK_PIXELS, pixels.length - start);
      this.file.write(encodeFloatPixels(pixels, start, count, this.bitpix, this.scratch));
    }
    this.written += pixels.length;
  }

  /** Appends exactly one plane (a UsageError, and nothing saved, if its length is wrong). */
  writePlane(plane: Pixels): void {
    if (plane.length !== this.planePixels) {
      this.abort();
      throw new UsageError(`${this.path}: a plane of ${plane.length} pixels given for an image of shape ${shapeText(this.shape)} (${this.planePixels} per plane); nothing was saved`);
    }
    this.write(plane);
  }

  /** Pads the data to a whole block and renames the file into place. */
  commit(): void {
    if (this.written !== this.totalPixels) {
      this.abort();
      throw new UsageError(`${this.path}: only ${this.written} of ${this.totalPixels} pixels were written for shape ${shapeText(this.shape)}; nothing was saved`);
    }
    const dataBytes = this.totalPixels * (this.bitpix === -32 ? 4 : 8);
    const pad = (BLOCK_LENGTH - (dataBytes % BLOCK_LENGTH)) % BLOCK_LENGTH;
    if (pad > 0) this.file.write(new Uint8Array(pad));
    this.file.commit();
  }

  /** Removes the temporary; the destination is untouched. Safe to call more than once. */
  abort(): void {
    this.file.abort();
  }
}

export interface HeaderUpdateResult {
  /** 'in-place': header blocks rewritten; 'rewritten': file copied with a larger header; 'unchanged': nothing to do. */
  mode: 'in-place' | 'rewritten' | 'unchanged';
  /** Header size before and after, in bytes. */
  oldHeaderBytes: number;
  newHeaderBytes: number;
}

/**
 * Sets keywords in an existing FITS file's primary header. `comments` gives new comments
 * (for keys in `updates`, or for existing keys whose value stays). Existing cards are updated
 * where they are; new ones go before END, using up trailing blank cards first.
 *
 * If the new header fits in the old header's blocks, only those blocks are rewritten, with
 * one positioned write of the whole header built in memory. Otherwise the file is rewritten
 * through a temporary in the same directory (header, then the data and any extensions
 * copied unchanged) and renamed over the original. Everything is validated before the first
 * byte is written, and the rewrite leaves the original untouched until the rename.
 */
export function updateHeaderKeywords(path: string, updates: Record<string, FitsValue>, comments: Record<string, string> = {}): HeaderUpdateResult {
  const reader = FitsReader.open(path);
  try {
    const header = reader.header.clone();
    for (const key of new Set([...Object.keys(updates), ...Object.keys(comments)])) {
      const k = key.toUpperCase();
      if (STRUCTURAL_KEY.test(k))
        throw new UsageError(`${path}: cannot update ${k}: it describes the data layout on disk; write a new file with the new shape instead`);
      if (key in updates) header.set(k, updates[key], comments[key]);
      else {
        const card = header.card(k);
        if (card === undefined) throw new UsageError(`${path}: cannot set the comment of ${k}: the header has no such keyword; give a value for it too`);
        header.set(k, card.value, comments[key]);
      }
    }

    const oldBytes = reader.layout.dataOffset;
    const newBytes = header.byteLength();
    if (newBytes <= oldBytes) {
      const block = header.toBuffer({ minByteLength: oldBytes });
      if (block.equals(reader.readHeaderBytes())) return { mode: 'unchanged', oldHeaderBytes: oldBytes, newHeaderBytes: oldBytes };
      writeHeaderInPlace(path, block);
      return { mode: 'in-place', oldHeaderBytes: oldBytes, newHeaderBytes: block.length };
    }
    rewriteWithHeader(reader, header.toBuffer());
    return { mode: 'rewritten', oldHeaderBytes: oldBytes, newHeaderBytes: newBytes };
  } finally {
    reader.close();
  }
}

/** Overwrites the header blocks (same length as before) with one positioned write, then fsync. */
function writeHeaderInPlace(path: string, block: Buffer): void {
  let fd: number;
  try {
    fd = openSync(path, fsConstants.O_RDWR);
  } catch (err) {
    throw fsError(err, path, 'writing');
  }
  try {
    let done = 0;
    while (done < block.length) done += writeSync(fd, block, done, block.length - done, done);
    fsyncSync(fd);
  } catch (err) {
    throw fsError(err, path, 'writing');
  } finally {
    closeSync(fd);
  }
}

/**
 * Writes `header` followed by every byte after the old header (data, padding, extensions)
 * to a temporary beside the file, then renames it over the file. A symlink is resolved
 * first so its target is replaced, not the link; the file mode is kept.
 */
function rewriteWithHeader(reader: FitsReader, header: Buffer): void {
  const path = reader.path;
  let target: string;
  let mode: number;
  try {
    target = realpathSync(path);
    mode = statSync(target).mode & 0o7777;
  } catch (err) {
    throw fsError(err, path, 'reading');
  }
  const out = new AtomicFile(target, mode);
  let inFd: number | null = null;
  try {
    out.write(header);
    inFd = openSync(target, fsConstants.O_RDONLY);
    const chunk = Buffer.allocUnsafeSlow(Math.min(COPY_CHUNK_BYTES, Math.max(1, reader.fileSize - reader.layout.dataOffset)));
    let position = reader.layout.dataOffset;
    while (position < reader.fileSize) {
      let n: number;
      try {
        n = readSync(inFd, chunk, 0, Math.min(chunk.length, reader.fileSize - position), position);
      } catch (err) {
        throw fsError(err, path, 'reading');
      }
      if (n === 0) throw new DataError(`${path}: file shrank to ${position} bytes while its header was being rewritten; nothing was changed, re-run when no one else writes it`);
      out.write(chunk.subarray(0, n));
      position += n;
    }
    out.commit();
  } catch (err) {
    out.abort();
    throw err;
  } finally {
    if (inFd !== null) closeSync(inFd);
  }
}
