/**
 * Measuring a cube's Stokes I planes one at a time, in bounded memory.
 *
 * A full VLASS cube is 16 windows x 3 Stokes planes of 6202x6202 float32 (154 MB a plane). Only
 * the Stokes I plane of each window is read, in chunks of rows (4 MB) into ONE reusable chunk
 * buffer, and only its usable pixels (finite, non-zero) are kept, compacted into ONE working
 * array; both are allocated once and reused for every plane, and the median and MAD run in
 * place on the working array (medianAndMad with consumeInput). So one plane's worth of memory
 * (plus one chunk) is alive whatever the number of planes, and since nothing plane-sized or
 * chunk-sized is allocated per plane, the garbage collector cannot fall behind and hold more.
 * (FitsReader.readRows allocates a fresh buffer per call; reading whole planes that way costs
 * up to two planes when the collector lags, and per-chunk buffers pile up ~half a plane.)
 *
 * Per plane (definitions shared with annotateQa's pbcor metrics, checked against numpy/astropy
 * by test/reference/qa_cube_reference.py):
 *   flaggedFraction  (NaN + ±Infinity + exactly 0) / all pixels: CASA blanks with NaN or 0
 *   peakJy           the largest finite pixel (zeros included), null when there is none
 *   rmsJy            astropy mad_std (MAD x 1.482602218505602) of the finite non-zero pixels,
 *                    in float64; null when there is none
 */
import { closeSync } from 'node:fs';
import { DataError } from '../errors.js';
import { FitsReader, decodePixels, planeNumber, shapeText } from '../fits/index.js';
import { medianAndMad, type FloatArray } from '../stats/index.js';
import type { CubeFilePlan, PlanePlan } from './cubeLayout.js';
import type { CubePlaneResult } from './cubeTypes.js';
import { openForReading, readExactlyInto } from '../io/open.js';

/** Bytes of pixels read per chunk of rows. */
const CHUNK_BYTES = 4 << 20;

export interface PlaneStatistics {
  rmsJy: number | null;
  peakJy: number | null;
  flaggedFraction: number;
  pixelCount: number;
  /** NaN or ±Infinity pixels. */
  blank: number;
  zero: number;
}

/** Measures planes with one reusable working array (see the module comment). */
export class PlaneScanner {
  private work: FloatArray | null = null;
  private chunk: Buffer | null = null;
  private readonly chunkBytes: number;

  constructor(chunkBytes = CHUNK_BYTES) {
    this.chunkBytes = chunkBytes;
  }

  /** The working array's size in bytes (for tests and logs). */
  get workBytes(): number {
    return this.work?.byteLength ?? 0;
  }

  /** The chunk buffer's size in bytes. */
  get chunkBufferBytes(): number {
    return this.chunk?.length ?? 0;
  }

  /** Statistics of the plane at `indices` (along NAXIS3, NAXIS4, ...) of an open file. */
  measure(reader: FitsReader, indices: readonly number[]): PlaneStatistics {
    const { layout, path } = reader;
    const { width, height, bitpix, bytesPerPixel, planePixels, dataOffset, scaling } = layout;
    const pixelCount = width * height;
    const first = dataOffset + planeNumber(layout, indices, path) * planePixels * bytesPerPixel;
    // FitsReader gives float64 for BITPIX 32, 64, -64 and float32 otherwise: keep that precision.
    const work = this.workFor(pixelCount, bitpix === 32 || bitpix === 64 || bitpix === -64);
    const rowBytes = width * bytesPerPixel;
    const rowsPerChunk = Math.max(1, Math.floor(this.chunkBytes / rowBytes));
    const chunk = this.chunkFor(Math.min(rowsPerChunk, height) * rowBytes);
    let kept = 0;
    let blank = 0;
    let zero = 0;
    let peak = -Infinity;
    let finite = 0;
    const fd = openForReading(path);
    try {
      for (let y = 0; y < height; y += rowsPerChunk) {
        const bytes = Math.min(rowsPerChunk, height - y) * rowBytes;
        readExactlyInto(fd, chunk, bytes, first + y * rowBytes, path);
        // Swapped and scaled in place; a view of the chunk for float data (a new array only for integer BITPIX).
        const rows = decodePixels(chunk.subarray(0, bytes), bitpix, scaling);
        for (let i = 0; i < rows.length; i++) {
          const v = rows[i];
          if (v !== v || v === Infinity || v === -Infinity) {
            blank++;
            continue;
          }
          finite++;
          if (v > peak) peak = v;
          if (v === 0) zero++;
          else work[kept++] = v;
        }
      }
    } finally {
      closeSync(fd);
    }
    const robust = kept > 0 ? medianAndMad(work.subarray(0, kept), { consumeInput: true }) : null;
    return {
      rmsJy: robust && Number.isFinite(robust.madStd) ? robust.madStd : null,
      peakJy: finite > 0 ? peak : null,
      flaggedFraction: (blank + zero) / pixelCount,
      pixelCount,
      blank,
      zero,
    };
  }

  private chunkFor(bytes: number): Buffer {
    if (this.chunk && this.chunk.length >= bytes) return this.chunk;
    this.chunk = null;
    // allocUnsafeSlow: never from the shared pool, so offset 0 and every typed view is aligned.
    this.chunk = Buffer.allocUnsafeSlow(bytes);
    return this.chunk;
  }

  private workFor(pixels: number, float64: boolean): FloatArray {
    const w = this.work;
    if (w && w.length >= pixels && w instanceof Float64Array === float64) return w;
    this.work = null; // the old array is garbage before the new one is allocated
    this.work = float64 ? new Float64Array(pixels) : new Float32Array(pixels);
    return this.work;
  }
}


/** A plane as measured, before the beam and flag judgement (cubeRules.ts judgePlanes). */
export type MeasuredPlane = Omit<CubePlaneResult, 'expectedBmajArcsec' | 'expectedBminArcsec' | 'bmajDeviation' | 'bminDeviation' | 'rejected' | 'reasons'>;

export interface PlaneProgress {
  /** 1-based count of planes measured so far, and the total. */
  done: number;
  total: number;
  plane: MeasuredPlane;
  seconds: number;
}

/**
 * Measures every planned plane, file by file (each file opened once, re-checked to be the one
 * inspected), calling `onPlane` after each. Planes come back in file and plane order.
 */
export function measureCubePlanes(plans: readonly CubeFilePlan[], onPlane?: (p: PlaneProgress) => void, scanner = new PlaneScanner()): MeasuredPlane[] {
  const total = plans.reduce((n, p) => n + p.planes.length, 0);
  const out: MeasuredPlane[] = [];
  for (const plan of plans) {
    const reader = FitsReader.open(plan.file.path);
    try {
      if (reader.layout.dataOffset !== plan.dataOffset || shapeText(reader.layout.naxis) !== shapeText(plan.shape))
        throw new DataError(`${plan.file.path}: changed while being checked (shape ${shapeText(plan.shape)} -> ${shapeText(reader.layout.naxis)}); re-run when it is complete`);
      for (const p of plan.planes) {
        const start = performance.now();
        const stats = scanner.measure(reader, p.indices);
        const plane = measuredPlane(plan, p, stats);
        out.push(plane);
        onPlane?.({ done: out.length, total, plane, seconds: (performance.now() - start) / 1000 });
      }
    } finally {
      reader.close();
    }
  }
  return out;
}

function measuredPlane(plan: CubeFilePlan, p: PlanePlan, s: PlaneStatistics): MeasuredPlane {
  return {
    file: plan.file.path,
    spw: plan.spw,
    planeIndex: p.planeIndex,
    stokesIndex: p.stokesIndex,
    freqHz: p.freqHz,
    bmajArcsec: p.beam?.bmajArcsec ?? null,
    bminArcsec: p.beam?.bminArcsec ?? null,
    bpaDeg: p.beam?.bpaDeg ?? null,
    beamSource: p.beamSource,
    beamShared: p.beamShared,
    rmsJy: s.rmsJy,
    peakJy: s.peakJy,
    flaggedFraction: s.flaggedFraction,
    pixelCount: s.pixelCount,
  };
}
