/**
 * Reading primary-HDU FITS images from disk without loading more than asked for.
 *
 * `FitsReader.open` reads only the header blocks (and 8 bytes after the data, to check the
 * file size agrees with NAXISn). Pixels are then read on demand with positioned reads: one
 * plane, or a range of rows of one plane, so a 460 MB 6202x6202x1x3 Stokes cube costs one
 * 154 MB plane of memory, and a row range costs only those rows.
 *
 * Output types follow pixels.ts: Float32Array for BITPIX -32, 8, 16; Float64Array for
 * BITPIX 32, 64, -64, with BSCALE/BZERO applied and BLANK pixels as NaN. Plane indices are
 * 0-based along NAXIS3, NAXIS4, ... (FITS numbers pixels from 1; JavaScript arrays from 0).
 */
import { closeSync, fstatSync } from 'node:fs';
import { constants as bufferConstants } from 'node:buffer';
import { DataError, InputMissingError, IoError } from '../errors.js';
import { BLOCK_LENGTH, CARD_LENGTH } from './card.js';
import { assertAsciiHeader, findEndCard, parseHeaderBlocks, type FitsHeader } from './header.js';
import { type Bitpix, type ImageLayout, imageLayout, planeNumber, shapeText } from './layout.js';
import { allocPixelBuffer, decodePixels, toNativeRaw, type Pixels, type RawPixels } from './pixels.js';
import { openForReading, readExactlyInto } from '../io/open.js';

/** Header bytes read per system call while looking for END (16 blocks). */
const HEADER_CHUNK = 16 * BLOCK_LENGTH;

/** An open FITS file: header parsed and checked, pixels read on demand. Call `close()`. */
export class FitsReader {
  readonly path: string;
  readonly header: FitsHeader;
  readonly layout: ImageLayout;
  readonly fileSize: number;
  private fd: number | null;

  private constructor(path: string, fd: number, fileSize: number, header: FitsHeader, layout: ImageLayout) {
    this.path = path;
    this.fd = fd;
    this.fileSize = fileSize;
    this.header = header;
    this.layout = layout;
  }

  /**
   * Opens `path`, reads and validates the primary header. InputMissingError when the file is
   * missing or unreadable; DataError when it is not FITS, its header is corrupt, or its size
   * disagrees with NAXISn.
   */
  static open(path: string): FitsReader {
    const fd = openForReading(path);
    try {
      const st = fstatSync(fd);
      if (st.isDirectory()) throw new InputMissingError(`${path}: is a directory, expected a FITS file`);
      const { header, byteLength } = readHeader(fd, path, st.size);
      const layout = imageLayout(header, byteLength);
      checkFileSize(fd, path, st.size, layout);
      return new FitsReader(path, fd, st.size, header, layout);
    } catch (err) {
      closeSync(fd);
      throw err;
    }
  }

  get bitpix(): Bitpix {
    return this.layout.bitpix;
  }
  /** NAXIS1..NAXISn, FITS order. */
  get naxis(): readonly number[] {
    return this.layout.naxis;
  }
  get width(): number {
    return this.layout.width;
  }
  get height(): number {
    return this.layout.height;
  }
  get planeCount(): number {
    return this.layout.planeCount;
  }
  get dataOffset(): number {
    return this.layout.dataOffset;
  }

  /**
   * One width x height plane, chosen by 0-based indices along NAXIS3, NAXIS4, ... (omitted
   * ones are 0): readPlane() is the only plane of a 3722x3722x1x1 image, readPlane(0, 2) is
   * Stokes U of a 6202x6202x1x3 cube.
   */
  readPlane(...indices: number[]): Pixels {
    return this.readRows(0, this.layout.height, ...indices);
  }

  /** Rows [rowStart, rowStart + rowCount) (0-based along NAXIS2) of one plane, row-major. */
  readRows(rowStart: number, rowCount: number, ...indices: number[]): Pixels {
    const { width, height, planePixels, bytesPerPixel, dataOffset } = this.layout;
    const plane = planeNumber(this.layout, indices, this.path);
    if (!Number.isInteger(rowStart) || !Number.isInteger(rowCount) || rowStart < 0 || rowCount < 0 || rowStart + rowCount > height)
      throw new DataError(`${this.path}: rows ${rowStart} to ${rowStart + rowCount - 1} are outside the image (NAXIS2 = ${height}, rows are 0-based); ask for rows the image has`);
    const first = plane * planePixels + rowStart * width;
    const buf = this.readBytes(dataOffset + first * bytesPerPixel, rowCount * width * bytesPerPixel);
    return decodePixels(buf, this.layout.bitpix, this.layout.scaling);
  }

  /** Every pixel of every plane, scaled (for small images: it allocates the whole data). */
  readAll(): Pixels {
    return decodePixels(this.readAllBytes(), this.layout.bitpix, this.layout.scaling);
  }

  /** Every pixel as stored (BSCALE/BZERO/BLANK not applied), in native byte order. */
  readRaw(): RawPixels {
    return toNativeRaw(this.readAllBytes(), this.layout.bitpix);
  }

  /** The header blocks exactly as stored (dataOffset bytes). */
  readHeaderBytes(): Buffer {
    return this.readBytes(0, this.layout.dataOffset);
  }

  private readAllBytes(): Buffer {
    return this.readBytes(this.layout.dataOffset, this.layout.dataBytes);
  }

  private readBytes(position: number, length: number): Buffer {
    if (this.fd === null) throw new Error(`FitsReader ${this.path} already closed`);
    if (length > bufferConstants.MAX_LENGTH)
      throw new IoError(`${this.path}: a read of ${length} bytes exceeds Node's buffer limit of ${bufferConstants.MAX_LENGTH}; read the image in row ranges with readRows`);
    return readExactly(this.fd, position, length, this.path);
  }

  close(): void {
    if (this.fd === null) return;
    const fd = this.fd;
    this.fd = null;
    closeSync(fd);
  }
}

/** Opens a FITS file (header only; see FitsReader). */
export function openFits(path: string): FitsReader {
  return FitsReader.open(path);
}

/** Runs `fn` with an open reader and closes it afterwards, also on error. */
export function withFits<T>(path: string, fn: (reader: FitsReader) => T): T {
  const reader = FitsReader.open(path);
  try {
    return fn(reader);
  } finally {
    reader.close();
  }
}

/** The primary header of a FITS file, validated like FitsReader.open; no pixels are read. */
export function readFitsHeader(path: string): FitsHeader {
  return withFits(path, (r) => r.header);
}

/** Header, layout and all pixels of a small image in one call. */
export function readFitsImage(path: string): { header: FitsHeader; layout: ImageLayout; data: Pixels } {
  return withFits(path, (r) => ({ header: r.header, layout: r.layout, data: r.readAll() }));
}

/**
 * Reads exactly `length` bytes at `position` into a fresh aligned buffer. A short read means
 * the file shrank after it was opened (size was checked at open), which is reported as
 * truncation.
 */
export function readExactly(fd: number, position: number, length: number, path: string): Buffer {
  const buf = allocPixelBuffer(length);
  readExactlyInto(fd, buf, length, position, path);
  return buf;
}

/**
 * Reads header blocks until the END card. Checks the first card is SIMPLE before reading
 * further, and that every byte read is printable ASCII, so a non-FITS file fails on its first
 * chunk instead of being scanned to the end for an END card.
 */
function readHeader(fd: number, path: string, fileSize: number): { header: FitsHeader; byteLength: number } {
  if (fileSize === 0) throw new DataError(`${path}: file is empty, not a FITS image; re-copy or regenerate it`);
  const head = readExactly(fd, 0, Math.min(fileSize, CARD_LENGTH), path);
  if (head.length < CARD_LENGTH || head.toString('latin1', 0, 8) !== 'SIMPLE  ')
    throw new DataError(`${path}: not a FITS file (it does not start with a SIMPLE card); check the path points at a FITS image`);

  const chunks: Buffer[] = [];
  let read = 0;
  let scannedCards = 0;
  for (;;) {
    const want = Math.min(HEADER_CHUNK, fileSize - read);
    if (want <= 0)
      throw new DataError(`${path}: no END card in the ${fileSize}-byte file, so the header never ends; the file is truncated or corrupt, re-copy or regenerate it`);
    chunks.push(readExactly(fd, read, want, path));
    read += want;
    const buf = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
    const cards = Math.floor(read / CARD_LENGTH);
    const end = findEndCard(buf, scannedCards, cards);
    if (end >= 0) return parseHeaderBlocks(buf.subarray(0, Math.min(buf.length, (end + 1) * CARD_LENGTH)), path);
    assertAsciiHeader(buf, scannedCards * CARD_LENGTH, cards * CARD_LENGTH, path, scannedCards + 1);
    scannedCards = cards;
  }
}

/**
 * The file must hold all the data NAXISn describe (else it is truncated), and anything after
 * the padded data must be a FITS extension (else NAXISn is smaller than what was written).
 * A missing final block padding is tolerated: the pixels are all there. (A NAXISn that is
 * too small by less than the padding cannot be detected from the size; the padding's content
 * is not checked, as astropy does not either.)
 */
function checkFileSize(fd: number, path: string, fileSize: number, layout: ImageLayout): void {
  const { dataOffset, dataBytes, paddedDataBytes, naxis, bitpix } = layout;
  const available = Math.max(0, fileSize - dataOffset);
  if (available < dataBytes)
    throw new DataError(
      `${path}: truncated: the header describes ${shapeText(naxis)} pixels of BITPIX ${bitpix} (${dataBytes} data bytes after the ${dataOffset}-byte header) but only ${available} bytes follow; re-copy or regenerate the file`,
    );
  const next = dataOffset + paddedDataBytes;
  if (fileSize > next) {
    const tag = readExactly(fd, next, Math.min(8, fileSize - next), path).toString('latin1');
    if (tag !== 'XTENSION')
      throw new DataError(
        `${path}: ${fileSize - next} bytes follow the ${shapeText(naxis)} BITPIX ${bitpix} data and are not a FITS extension, so NAXISn does not match the file size; the header is wrong, regenerate the file`,
      );
  }
}
