/**
 * Loads the SIMD scan kernel (logscan.wat). Its memory holds two input areas (one being read
 * into while the other is scanned), each followed by zero padding the kernel may read past
 * the end, and the table of hits it reports.
 */
import { WASM_BASE64 } from './logscan-wasm.js';

export interface ScanArea {
  /** chunkBytes + PADDING bytes of kernel memory. */
  bytes: Buffer;
  /** Scans bytes[start, end); returns the number of hits written to the kernel's `hits`. */
  scan(start: number, end: number): number;
  /** Where the last scan stopped (< end when the hit table filled up). */
  next(): number;
}

export interface ScanKernel {
  areas: [ScanArea, ScanArea];
  chunkBytes: number;
  /** Hit table: [position within the area, newlines in [start, position)] pairs. */
  hits: Int32Array;
  /** Newlines the last scan passed, from its start to where it stopped. */
  newlines(): number;
}

export const PADDING = 128;
export const MAX_HITS = 4096;
const PAGE = 65536;

interface KernelExports {
  memory: WebAssembly.Memory;
  next: WebAssembly.Global;
  newlines: WebAssembly.Global;
  scan(start: number, end: number, out: number, maxHits: number): number;
}

let compiled: WebAssembly.Module | undefined;

export function createScanKernel(chunkBytes: number): ScanKernel {
  compiled ??= new WebAssembly.Module(Buffer.from(WASM_BASE64, 'base64'));
  const exp = new WebAssembly.Instance(compiled, {}).exports as unknown as KernelExports;
  const areaBytes = Math.ceil((chunkBytes + PADDING) / 16) * 16;
  const hitsOffset = 2 * areaBytes;
  const needed = hitsOffset + MAX_HITS * 8;
  exp.memory.grow(Math.max(0, Math.ceil(needed / PAGE) - exp.memory.buffer.byteLength / PAGE));
  const memory = exp.memory.buffer; // fixed from here on: the memory never grows again
  const hits = new Int32Array(memory, hitsOffset, MAX_HITS * 2);
  const area = (base: number): ScanArea => ({
    bytes: Buffer.from(memory, base, chunkBytes + PADDING),
    scan: (start, end) => {
      const n = exp.scan(base + start, base + end, hitsOffset, MAX_HITS);
      for (let h = 0; h < n; h++) hits[2 * h] -= base;
      return n;
    },
    next: () => (exp.next.value as number) - base,
  });
  return {
    areas: [area(0), area(areaBytes)],
    chunkBytes,
    hits,
    newlines: () => exp.newlines.value as number,
  };
}
