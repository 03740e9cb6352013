/**
 * Scan of a CASA log for the only records the verdict needs: SEVERE lines and task begin/end
 * markers, each with its line number.
 *
 * Logs can be gigabytes. The file is read in fixed-size chunks straight into the memory of a
 * small WebAssembly SIMD kernel (wasm/logscan.wat) that counts newlines and finds "SEVERE" and
 * "Task:" 16 bytes at a time (a JavaScript byte loop was 5-10x slower than grep); only the
 * lines it points at are decoded and parsed. A large log is cut into byte ranges scanned on
 * worker threads at once, one per core (at most MAX_WORKERS), so the main thread stays free
 * for signals and the second core does half the work; the ranges' records are then numbered
 * and reported in file order. A small one is scanned on this thread (milliseconds). CRLF
 * endings, a truncated last line and invalid UTF-8 (decoded with replacement characters) are
 * all tolerated. scanrange.ts is the scan of one range.
 */
import * as fs from 'node:fs';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { fsError } from '../errors.js';
import { parseCasaLogLine, parseTaskMarker, type CasaLogLine } from './logline.js';
import { type RangeCounts, type RangeHit, type RangeTask, scanRange } from './scanrange.js';
import { MAX_HITS, PADDING, scanKernelModule } from './wasm/kernel.js';

export interface CasaLogRecord {
  /** 1-based line number. */
  line: number;
  /** The line as text (CR removed, at most MAX_LINE_CHARS). */
  text: string;
  parsed: CasaLogLine;
  /** Present on `##### Begin/End Task: x #####` lines. */
  marker?: { kind: 'begin' | 'end'; task: string };
}

export interface CasaLogSummary {
  file: string;
  bytes: number;
  lines: number;
  severe: number;
  tasksBegun: number;
}

/** Measured: 1 MiB chunks beat 64-256 KiB (fewer reads) and 4 MiB (cache misses). */
export const CHUNK_BYTES = 1024 * 1024;
/** Below this a log is scanned on the calling thread: about 10 ms, so a signal waits no longer. */
export const MAIN_THREAD_MAX_BYTES = 32 * 1024 * 1024;
/** Two workers use both cores of a 2-core node; more would mostly contend for memory bandwidth. */
const MAX_WORKERS = 2;
const MAX_LINE_CHARS = 2000;
/** Hits per message from a worker: one message per chunk cost 0.07 s on a 1 GiB log with hits all through. */
const EMIT_BATCH = 2048;
/** Hits a worker may have handed over and not yet seen handled before it waits (a few MB at most). */
const MAX_PENDING_HITS = 16_384;
const decoder = new TextDecoder('utf-8', { fatal: false });

export interface ScanOptions {
  chunkBytes?: number;
  /** Worker threads; 0 scans on this thread. Default: 0 below MAIN_THREAD_MAX_BYTES, else one per core up to two. */
  workers?: number;
}

/** Scans one log, calling `onRecord` for each SEVERE record and each task marker, in file order. */
export async function scanCasaLog(path: string, onRecord: (rec: CasaLogRecord) => void, options: ScanOptions = {}): Promise<CasaLogSummary> {
  let size: number;
  try {
    size = fs.statSync(path).size;
  } catch (err) {
    throw fsError(err, path, 'reading');
  }
  const workers = options.workers ?? (size < MAIN_THREAD_MAX_BYTES ? 0 : Math.min(MAX_WORKERS, Math.max(1, availableParallelism())));
  const task = (start: number, end: number): RangeTask => ({
    path,
    start,
    end,
    chunkBytes: options.chunkBytes ?? CHUNK_BYTES,
    padding: PADDING,
    maxHits: MAX_HITS,
    maxLineBytes: MAX_LINE_CHARS * 4,
    emitBatch: EMIT_BATCH,
    kernel: scanKernelModule(),
  });
  const summary: CasaLogSummary = { file: path, bytes: 0, lines: 0, severe: 0, tasksBegun: 0 };
  // Ranges are reported in file order, so the lines of the earlier ones give the line numbers.
  const onHits = (hits: RangeHit[]) => {
    for (const hit of hits) {
      const record = toRecord(hit.bytes, summary.lines + hit.line + 1);
      if (!record) continue;
      if (record.parsed.priority === 'SEVERE') summary.severe++;
      if (record.marker?.kind === 'begin') summary.tasksBegun++;
      onRecord(record);
    }
  };
  const onRangeDone = (counts: RangeCounts) => {
    summary.lines += counts.lines;
    summary.bytes += counts.bytes;
  };
  try {
    if (workers === 0) onRangeDone(scanRange(task(0, size), fs, onHits));
    else await scanInWorkers(Array.from({ length: workers }, (_, i) => task(Math.floor((size * i) / workers), Math.floor((size * (i + 1)) / workers))), onHits, onRangeDone);
  } catch (err) {
    throw fsError(err, path, 'reading');
  }
  return summary;
}

/**
 * The ranges on worker threads at once, their hits handed on in file order: range k's batches
 * wait until ranges before it are done. Memory stays bounded however many hits a log has: a
 * worker whose unhandled hits exceed MAX_PENDING_HITS waits (Atomics on a shared counter)
 * until the main thread has handled them, so a SEVERE flood in a later range only makes that
 * range wait its turn.
 *
 * Each worker evaluates scanRange's own source (self-contained for this reason), so it starts
 * in milliseconds instead of loading the whole bundle. A failure comes back as its code and
 * message and is rethrown as that error; the other workers are stopped.
 */
function scanInWorkers(tasks: RangeTask[], onHits: (hits: RangeHit[]) => void, onRangeDone: (counts: RangeCounts) => void): Promise<void> {
  const pending = new Int32Array(new SharedArrayBuffer(4 * tasks.length));
  const source = `
    const __name = (f) => f; // what a transpiler's keepNames may have left in the function's text
    const { parentPort, workerData } = require('node:worker_threads');
    const { task, pending, index, maxPending } = workerData;
    const emit = (hits) => {
      Atomics.add(pending, index, hits.length);
      parentPort.postMessage({ hits });
      for (let p = Atomics.load(pending, index); p > maxPending; p = Atomics.load(pending, index)) Atomics.wait(pending, index, p, 1000);
    };
    try {
      parentPort.postMessage({ done: (${scanRange.toString()})(task, require('node:fs'), emit) });
    } catch (err) {
      parentPort.postMessage({ error: { code: err && err.code, message: String(err && err.message) } });
    }`;
  const queues: RangeHit[][][] = tasks.map(() => []);
  const done: (RangeCounts | undefined)[] = tasks.map(() => undefined);
  let current = 0;
  return new Promise((resolve, reject) => {
    let failed = false;
    const workers: Worker[] = [];
    const fail = (err: unknown) => {
      if (failed) return;
      failed = true;
      for (const w of workers) void w.terminate();
      reject(err);
    };
    const drain = () => {
      while (!failed && current < tasks.length) {
        for (let batch = queues[current].shift(); batch; batch = queues[current].shift()) {
          onHits(batch);
          Atomics.sub(pending, current, batch.length);
          Atomics.notify(pending, current);
        }
        const counts = done[current];
        if (!counts) return;
        onRangeDone(counts);
        current++;
      }
      if (!failed) resolve();
    };
    tasks.forEach((task, index) => {
      const worker = new Worker(source, { eval: true, workerData: { task, pending, index, maxPending: MAX_PENDING_HITS } });
      workers.push(worker);
      worker.on('message', (m: { hits?: RangeHit[]; done?: RangeCounts; error?: { code?: string; message: string } }) => {
        if (m.hits) queues[index].push(m.hits);
        else if (m.done) done[index] = m.done;
        else return fail(Object.assign(new Error(m.error?.message ?? 'log scan failed'), { code: m.error?.code }));
        try {
          drain();
        } catch (err) {
          fail(err);
        }
      });
      worker.once('error', fail);
      worker.once('exit', (code) => {
        if (!done[index]) fail(new Error(`log scan worker exited with code ${code}`));
      });
    });
  });
}

function toRecord(bytes: Uint8Array, line: number): CasaLogRecord | undefined {
  let text = decoder.decode(bytes);
  if (text.endsWith('\r')) text = text.slice(0, -1);
  if (text.length > MAX_LINE_CHARS) text = text.slice(0, MAX_LINE_CHARS);
  const parsed = parseCasaLogLine(text);
  if (!parsed) return undefined; // "SEVERE" inside a continuation line or a raw print
  const marker = parsed.priority.startsWith('INFO') ? parseTaskMarker(parsed.message) : undefined;
  if (parsed.priority !== 'SEVERE' && !marker) return undefined;
  return { line, text, parsed, ...(marker ? { marker } : {}) };
}
