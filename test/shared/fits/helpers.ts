/**
 * Test helpers: scratch directories, and FITS files of any BITPIX built byte by byte, so
 * the reader is tested against files our writer (floats only) could not produce.
 */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FitsHeader, type FitsValue } from '../../../shared/fits/index.js';
import type { Bitpix } from '../../../shared/fits/layout.js';

/** A fresh scratch directory; `cleanup` removes it. */
export function scratchDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'vlass-fits-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Names in `dir` that look like AtomicFile temporaries (".name.tmp-pid-hex"). */
export function temporariesIn(dir: string): string[] {
  return readdirSync(dir).filter((n) => n.includes('.tmp-'));
}

/** A primary header with the mandatory keywords first, then `extra` in order. */
export function imageHeader(bitpix: Bitpix, naxis: number[], extra: Record<string, FitsValue> = {}): FitsHeader {
  const h = new FitsHeader([], 'test');
  h.set('SIMPLE', true);
  h.set('BITPIX', bitpix);
  h.set('NAXIS', naxis.length);
  naxis.forEach((n, i) => h.set(`NAXIS${i + 1}`, n));
  for (const [k, v] of Object.entries(extra)) h.set(k, v);
  return h;
}

/** Big-endian bytes of raw (stored, unscaled) values for a BITPIX, padded to 2880. */
export function encodeRaw(bitpix: Bitpix, values: readonly (number | bigint)[]): Buffer {
  const bpp = Math.abs(bitpix) / 8;
  const buf = Buffer.alloc(Math.ceil((values.length * bpp) / 2880) * 2880);
  values.forEach((v, i) => {
    const o = i * bpp;
    switch (bitpix) {
      case 8:
        buf.writeUInt8(Number(v), o);
        break;
      case 16:
        buf.writeInt16BE(Number(v), o);
        break;
      case 32:
        buf.writeInt32BE(Number(v), o);
        break;
      case 64:
        buf.writeBigInt64BE(BigInt(v), o);
        break;
      case -32:
        buf.writeFloatBE(Number(v), o);
        break;
      case -64:
        buf.writeDoubleBE(Number(v), o);
        break;
    }
  });
  return buf;
}

/** Writes header + raw data (not atomically: test input only). */
export function writeRawFits(path: string, header: FitsHeader, data: Buffer): void {
  writeFileSync(path, Buffer.concat([header.toBuffer(), data]));
}

/** Asserts the shape of our error messages: one line, naming the file. */
export function expectOneLineNaming(err: unknown, path: string): void {
  const message = (err as Error).message;
  if (!message.includes(path)) throw new Error(`message does not name ${path}: ${message}`);
  if (message.includes('\n')) throw new Error(`message is not one line: ${message}`);
}

/** Runs fn, returning what it throws (failing if it does not throw). */
export function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected an error, none was thrown');
}
