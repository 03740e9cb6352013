/**
 * Reading one plane of a cube file at a time into buffers allocated once and reused.
 *
 * A full VLASS cube is 16 windows x 3 Stokes planes of 6202x6202 float32 (154 MB a plane).
 * Allocating per plane lets the garbage collector fall behind and hold two or three planes;
 * reusing one buffer keeps memory at one plane whatever the number of planes. Bytes are read
 * with positioned reads straight into the buffer and decoded in place (byte swap; BSCALE/BZERO
 * applied in place for float data), so a float plane costs its own size and nothing more.
 * Integer BITPIX (not VLASS) decodes into a new array.
 *
 * Two ways to read: `plane` gives the whole plane (the cube catalog fits components on it);
 * `scan` hands it over in chunks of rows (cube QA keeps only the usable pixels, compacted).
 */
import { closeSync } from 'node:fs';
import { DataError } from '../errors.js';
import { FitsReader, decodePixels, planeNumber, shapeText, type ImageLayout } from '../fits/index.js';
import { openForReading, readExactlyInto } from '../io/open.js';
import type { FloatArray } from '../stats/index.js';

/** Bytes of pixels per chunk handed to `scan`'s callback. */
const SCAN_CHUNK_BYTES = 4 << 20;
/** Bytes per read call when reading a whole plane. */
const READ_BYTES = 64 << 20;

export interface PlaneData {
  data: FloatArray;
  layout: ImageLayout;
}

export class PlaneReader {
  private buffer: Buffer | null = null;

  constructor(private readonly chunkBytes = SCAN_CHUNK_BYTES) {}

  /** The reusable buffer's size in bytes (for tests and logs). */
  get bufferBytes(): number {
    return this.buffer?.length ?? 0;
  }

  /**
   * The whole plane at `indices` (along NAXIS3, NAXIS4, ...) of `reader`'s file. The data is a
   * view of the reusable buffer: valid until the next call.
   */
  plane(reader: FitsReader, indices: readonly number[]): PlaneData {
    const { layout, path } = reader;
    const bytes = layout.planePixels * layout.bytesPerPixel;
    const target = this.bufferFor(bytes).subarray(0, bytes);
    this.readAt(path, target, firstByte(layout, indices, path), READ_BYTES);
    return { data: decodePixels(target, layout.bitpix, layout.scaling), layout };
  }

  /** The plane at `indices`, in chunks of whole rows, in order; each chunk is valid during its callback only. */
  scan(reader: FitsReader, indices: readonly number[], onRows: (rows: FloatArray) => void): void {
    const { layout, path } = reader;
    const rowBytes = layout.width * layout.bytesPerPixel;
    const rowsPerChunk = Math.max(1, Math.floor(this.chunkBytes / rowBytes));
    const chunk = this.bufferFor(Math.min(rowsPerChunk, layout.height) * rowBytes);
    const first = firstByte(layout, indices, path);
    const fd = openForReading(path);
    try {
      for (let y = 0; y < layout.height; y += rowsPerChunk) {
        const bytes = Math.min(rowsPerChunk, layout.height - y) * rowBytes;
        readExactlyInto(fd, chunk, bytes, first + y * rowBytes, path);
        onRows(decodePixels(chunk.subarray(0, bytes), layout.bitpix, layout.scaling));
      }
    } finally {
      closeSync(fd);
    }
  }

  /** Lets the buffer go (between stages that need the memory). */
  release(): void {
    this.buffer = null;
  }

  private bufferFor(bytes: number): Buffer {
    if (this.buffer && this.buffer.length >= bytes) return this.buffer;
    this.buffer = null; // the old one is garbage before the new one is allocated
    // allocUnsafeSlow: never from the shared pool, so offset 0 and every typed view is aligned.
    this.buffer = Buffer.allocUnsafeSlow(bytes);
    return this.buffer;
  }

  private readAt(path: string, target: Buffer, position: number, maxRead: number): void {
    const fd = openForReading(path);
    try {
      readExactlyInto(fd, target, target.length, position, path, maxRead);
    } finally {
      closeSync(fd);
    }
  }
}

function firstByte(layout: ImageLayout, indices: readonly number[], path: string): number {
  return layout.dataOffset + planeNumber(layout, indices, path) * layout.planePixels * layout.bytesPerPixel;
}

/**
 * Opens a planned file again, checking it is still the file that was inspected (a window being
 * rewritten while we work must not be read half old, half new).
 */
export function reopenPlanned(path: string, planned: { shape: readonly number[]; dataOffset: number }): FitsReader {
  const reader = FitsReader.open(path);
  if (reader.layout.dataOffset !== planned.dataOffset || shapeText(reader.layout.naxis) !== shapeText(planned.shape)) {
    reader.close();
    throw new DataError(`${path}: changed while being checked (shape ${shapeText(planned.shape)} -> ${shapeText(reader.layout.naxis)}); re-run when it is complete`);
  }
  return reader;
}
