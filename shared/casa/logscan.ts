/**
 * Streaming scan of a CASA log for the only records the verdict needs: SEVERE lines and task
 * begin/end markers, each with its line number.
 *
 * Logs can be gigabytes, so the file is read in fixed-size chunks (memory stays at one chunk
 * whatever the file size) straight into the memory of a small WebAssembly SIMD kernel
 * (wasm/logscan.wat) that counts newlines and finds "SEVERE" and "Task:" 16 bytes at a time;
 * a JavaScript byte loop was 5-10x slower than grep. Only the lines it points at are decoded
 * and parsed. CRLF endings, a truncated last line and invalid UTF-8 (decoded with replacement
 * characters) are all tolerated.
 */
import { open } from 'node:fs/promises';
import { fsError } from '../errors.js';
import { parseCasaLogLine, parseTaskMarker, type CasaLogLine } from './logline.js';
import { createScanKernel, PADDING, type ScanArea, type ScanKernel } from './wasm/kernel.js';

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
const MAX_LINE_CHARS = 2000;
const NEWLINE = 0x0a;
const decoder = new TextDecoder('utf-8', { fatal: false });
const kernels = new Map<number, ScanKernel>();

/**
 * Scans one log, calling `onRecord` for each SEVERE record and each task marker, in order.
 * Double-buffered: the next chunk is read (by libuv's thread pool, on the other core) while
 * the kernel scans this one. Lines longer than a chunk are scanned in pieces (their records
 * may be missed; their line numbers stay right).
 */
export async function scanCasaLog(path: string, onRecord: (rec: CasaLogRecord) => void, chunkBytes = CHUNK_BYTES): Promise<CasaLogSummary> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (err) {
    throw fsError(err, path, 'reading');
  }
  let kernel = kernels.get(chunkBytes);
  if (!kernel) kernels.set(chunkBytes, (kernel = createScanKernel(chunkBytes)));
  const summary: CasaLogSummary = { file: path, bytes: 0, lines: 0, severe: 0, tasksBegun: 0 };
  const read = async (area: ScanArea, offset: number) => {
    try {
      const { bytesRead } = await handle.read(area.bytes, offset, chunkBytes - offset, null);
      summary.bytes += bytesRead;
      return bytesRead;
    } catch (err) {
      throw fsError(err, path, 'reading');
    }
  };
  let [current, spare] = kernel.areas;
  let lineNo = 1; // line number of current.bytes[0]
  try {
    let filled = await read(current, 0);
    let eof = filled === 0;
    while (filled > 0) {
      const buf = current.bytes;
      // Scan whole lines only, unless at EOF (truncated last line) or one line fills the chunk.
      const lastNl = buf.lastIndexOf(NEWLINE, filled - 1);
      const end = eof || lastNl < 0 ? filled : lastNl + 1;
      const carry = buf.copy(spare.bytes, 0, end, filled); // the unfinished line starts the next chunk
      buf.fill(0, end, end + PADDING);
      const pending = eof ? Promise.resolve(0) : read(spare, carry);
      lineNo = scanRegion(kernel, current, end, lineNo, onRecord, summary);
      if (eof) {
        if (buf[end - 1] !== NEWLINE) lineNo++; // count the unterminated last line
        break;
      }
      const got = await pending;
      eof = got === 0;
      filled = carry + got;
      [current, spare] = [spare, current];
    }
  } finally {
    await handle.close();
  }
  summary.lines = lineNo - 1;
  return summary;
}

/** Scans area.bytes[0, end) (whole lines); returns the line number after the region. */
function scanRegion(kernel: ScanKernel, area: ScanArea, end: number, firstLine: number, onRecord: (rec: CasaLogRecord) => void, summary: CasaLogSummary): number {
  const buf = area.bytes;
  let lineNo = firstLine;
  let lastLineStart = -1;
  let start = 0;
  do {
    const hits = area.scan(start, end);
    for (let h = 0; h < hits; h++) {
      const pos = kernel.hits[2 * h];
      const lineStart = pos === 0 ? 0 : buf.lastIndexOf(NEWLINE, pos - 1) + 1;
      if (lineStart === lastLineStart) continue; // both needles on one line
      lastLineStart = lineStart;
      let stop = buf.indexOf(NEWLINE, pos);
      if (stop < 0 || stop > end) stop = end;
      const record = toRecord(buf, lineStart, stop, lineNo + kernel.hits[2 * h + 1]);
      if (!record) continue;
      if (record.parsed.priority === 'SEVERE') summary.severe++;
      if (record.marker?.kind === 'begin') summary.tasksBegun++;
      onRecord(record);
    }
    // The kernel stops early when its hit table is full; resume where it stopped.
    lineNo += kernel.newlines();
    start = area.next();
  } while (start < end);
  return lineNo;
}

function toRecord(buf: Buffer, start: number, stop: number, line: number): CasaLogRecord | undefined {
  const limit = Math.min(stop, start + MAX_LINE_CHARS * 4);
  let text = decoder.decode(buf.subarray(start, limit));
  if (text.endsWith('\r')) text = text.slice(0, -1);
  if (text.length > MAX_LINE_CHARS) text = text.slice(0, MAX_LINE_CHARS);
  const parsed = parseCasaLogLine(text);
  if (!parsed) return undefined; // "SEVERE" inside a continuation line or a raw print
  const marker = parsed.priority.startsWith('INFO') ? parseTaskMarker(parsed.message) : undefined;
  if (parsed.priority !== 'SEVERE' && !marker) return undefined;
  return { line, text, parsed, ...(marker ? { marker } : {}) };
}
