/**
 * Conversion between FITS's big-endian pixel bytes and JavaScript typed arrays.
 *
 * Byte order is fixed with Buffer.swap16/32/64 on the read buffer, in place, and the buffer
 * is then viewed as a typed array: no per-pixel DataView calls and, for float data, no copy.
 *
 * Output type rule (the same one astropy uses for scaled data):
 *   BITPIX -32        -> Float32Array, a view of the read buffer (one copy of the pixels in memory)
 *   BITPIX 8, 16      -> Float32Array (every 8/16-bit integer, with the usual BZERO offsets, is exact in float32)
 *   BITPIX 32, 64, -64 -> Float64Array (32-bit integers need float64 to stay exact; 64-bit ones beyond 2^53 are rounded)
 * BSCALE/BZERO are applied (physical = raw * BSCALE + BZERO, computed in double precision then
 * stored); integer pixels equal to BLANK become NaN.
 */
import { endianness } from 'node:os';
import type { Bitpix, Scaling } from './layout.js';

// The swaps below turn big-endian into native order, which is only right on little-endian
// hosts (every platform Node ships for that we build on: x86-64, arm64). Fail loudly elsewhere.
if (endianness() !== 'LE') throw new Error('shared/fits assumes a little-endian host; this one is big-endian');

export type Pixels = Float32Array | Float64Array;
/** Unscaled pixels in native byte order, for callers that need the stored integers. */
export type RawPixels = Uint8Array | Int16Array | Int32Array | BigInt64Array | Float32Array | Float64Array;

/**
 * A buffer whose typed-array views are aligned: allocUnsafeSlow never comes from the shared
 * pool, so byteOffset is 0 and an 8-byte view is always legal.
 */
export function allocPixelBuffer(bytes: number): Buffer {
  return Buffer.allocUnsafeSlow(bytes);
}

/**
 * Swaps big-endian bytes to native (little-endian) order in place and views them as the
 * BITPIX's own type. `buf` must come from allocPixelBuffer (or otherwise be aligned).
 */
export function toNativeRaw(buf: Buffer, bitpix: Bitpix): RawPixels {
  const { buffer, byteOffset, byteLength } = buf;
  switch (bitpix) {
    case 8:
      return new Uint8Array(buffer, byteOffset, byteLength);
    case 16:
      buf.swap16();
      return new Int16Array(buffer, byteOffset, byteLength / 2);
    case 32:
      buf.swap32();
      return new Int32Array(buffer, byteOffset, byteLength / 4);
    case 64:
      buf.swap64();
      return new BigInt64Array(buffer, byteOffset, byteLength / 8);
    case -32:
      buf.swap32();
      return new Float32Array(buffer, byteOffset, byteLength / 4);
    case -64:
      buf.swap64();
      return new Float64Array(buffer, byteOffset, byteLength / 8);
  }
}

/** Converts a big-endian pixel buffer (consumed: swapped in place) into physical values. */
export function decodePixels(buf: Buffer, bitpix: Bitpix, scaling: Scaling): Pixels {
  const raw = toNativeRaw(buf, bitpix);
  const { bscale, bzero } = scaling;
  const scaled = bscale !== 1 || bzero !== 0;

  if (raw instanceof Float32Array || raw instanceof Float64Array) {
    // Float data: BLANK does not apply (NaN marks undefined pixels); scale in place.
    if (scaled) for (let i = 0; i < raw.length; i++) raw[i] = raw[i] * bscale + bzero;
    return raw;
  }

  if (raw instanceof BigInt64Array) return decodeInt64(raw, scaling);

  const out = bitpix === 8 || bitpix === 16 ? new Float32Array(raw.length) : new Float64Array(raw.length);
  const blank = scaling.blank;
  if (blank === undefined && !scaled) out.set(raw);
  else if (blank === undefined) for (let i = 0; i < raw.length; i++) out[i] = raw[i] * bscale + bzero;
  else
    for (let i = 0; i < raw.length; i++) {
      const v = raw[i];
      out[i] = v === blank ? NaN : v * bscale + bzero;
    }
  return out;
}

/**
 * 64-bit integers: with BSCALE 1 and an integer BZERO (the unsigned convention uses
 * BZERO = 2^63) the offset is added exactly in BigInt before the single rounding to double.
 */
function decodeInt64(raw: BigInt64Array, scaling: Scaling): Float64Array {
  const { bscale, bzero } = scaling;
  const out = new Float64Array(raw.length);
  const blank = scaling.blank === undefined ? undefined : BigInt(scaling.blank);
  const exactOffset = bscale === 1 && Number.isInteger(bzero) ? BigInt(bzero) : undefined;
  for (let i = 0; i < raw.length; i++) {
    const v = raw[i];
    if (v === blank) out[i] = NaN;
    else if (exactOffset !== undefined) out[i] = Number(v + exactOffset);
    else out[i] = Number(v) * bscale + bzero;
  }
  return out;
}

/**
 * Big-endian bytes of `pixels[start, start + count)` as float32 (bitpix -32) or float64
 * (bitpix -64), written into `scratch` (which must hold count x 4 or x 8 bytes; reusing it
 * across chunks keeps a big write to one small buffer). Returns the filled part of scratch.
 */
export function encodeFloatPixels(pixels: Pixels, start: number, count: number, bitpix: -32 | -64, scratch: Buffer): Buffer {
  const bytes = count * (bitpix === -32 ? 4 : 8);
  const out = scratch.subarray(0, bytes);
  const view = bitpix === -32 ? new Float32Array(out.buffer, out.byteOffset, count) : new Float64Array(out.buffer, out.byteOffset, count);
  view.set(pixels.subarray(start, start + count));
  if (bitpix === -32) out.swap32();
  else out.swap64();
  return out;
}
