/**
 * The SIMD scan kernel (logscan.wat), compiled once per thread. Its memory holds an input area
 * followed by zero padding the kernel may read past the end, and the table of hits it reports;
 * scanrange.ts lays it out. The compiled module is also what a worker thread is handed
 * (WebAssembly modules are shared between threads, not recompiled).
 */
import { WASM_BASE64 } from './logscan-wasm.js';

/** Zero bytes after an input area (the kernel reads 16 bytes at a time past its end). */
export const PADDING = 128;
/** Hits per call before the kernel stops and is resumed. */
export const MAX_HITS = 4096;

let compiled: WebAssembly.Module | undefined;

export function scanKernelModule(): WebAssembly.Module {
  compiled ??= new WebAssembly.Module(Buffer.from(WASM_BASE64, 'base64'));
  return compiled;
}
