/**
 * Streaming scan of a CASA log for the only records the verdict needs: SEVERE lines and task
 * begin/end markers, each with its line number.
 *
 * Logs can be gigabytes, so the file is read in fixed-size chunks (memory stays at one chunk
 * whatever the file size), and lines are not decoded one by one: native Buffer.indexOf finds
 * the candidate lines ("SEVERE", "Task:"), only those are decoded and parsed, and line
 * numbers come from counting newline bytes in between. CRLF endings, a truncated last line
 * and invalid UTF-8 (decoded with replacement characters) are all tolerated.
 */
import { open } from 'node:fs/promises';
import { fsError } from '../errors.js';
import { parseCasaLogLine, parseTaskMarker, type CasaLogLine } from './logline.js';

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

const CHUNK_BYTES = 8 * 1024 * 1024;
const MAX_LINE_CHARS = 2000;
const NEWLINE = 0x0a;
const NEEDLES = [Buffer.from('SEVERE'), Buffer.from('Task:')];
const decoder = new TextDecoder('utf-8', { fatal: false });

/** Counts '\n' bytes in buf[from, to). */
export function countNewlines(buf: Uint8Array, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) if (buf[i] === NEWLINE) n++;
  return n;
}

/**
 * Scans one log, calling `onRecord` for each SEVERE record and each task marker, in order.
 */
export async function scanCasaLog(path: string, onRecord: (rec: CasaLogRecord) => void, chunkBytes = CHUNK_BYTES): Promise<CasaLogSummary> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (err) {
    throw fsError(err, path, 'reading');
  }
  const buf = Buffer.allocUnsafe(chunkBytes);
  const summary: CasaLogSummary = { file: path, bytes: 0, lines: 0, severe: 0, tasksBegun: 0 };
  let carry = 0; // bytes of an unfinished line kept at the start of buf
  let lineNo = 1; // line number of buf[0]
  try {
    for (;;) {
      let got: number;
      try {
        ({ bytesRead: got } = await handle.read(buf, carry, chunkBytes - carry, null));
      } catch (err) {
        throw fsError(err, path, 'reading');
      }
      summary.bytes += got;
      const filled = carry + got;
      const eof = got === 0;
      if (filled === 0) break;
      // Process whole lines only, unless at EOF (truncated last line) or one line fills the buffer.
      const lastNl = buf.lastIndexOf(NEWLINE, filled - 1);
      const end = eof || lastNl < 0 ? filled : lastNl + 1;
      lineNo = scanRegion(buf, end, lineNo, onRecord, summary);
      if (eof) {
        if (end > 0 && buf[end - 1] !== NEWLINE) lineNo++; // count the unterminated last line
        break;
      }
      carry = filled - end;
      buf.copy(buf, 0, end, filled);
    }
  } finally {
    await handle.close();
  }
  summary.lines = lineNo - 1;
  return summary;
}

/** Scans buf[0, end) (whole lines); returns the line number after the region. */
function scanRegion(buf: Buffer, end: number, firstLine: number, onRecord: (rec: CasaLogRecord) => void, summary: CasaLogSummary): number {
  const next = NEEDLES.map((n) => buf.indexOf(n, 0));
  let counted = 0; // newlines counted up to this offset
  let lineNo = firstLine;
  let lastLineStart = -1;
  for (;;) {
    // The earliest hit of any needle inside the region.
    let which = -1;
    for (let k = 0; k < next.length; k++) if (next[k] >= 0 && next[k] < end && (which < 0 || next[k] < next[which])) which = k;
    if (which < 0) break;
    const hit = next[which];
    const start = hit === 0 ? 0 : buf.lastIndexOf(NEWLINE, hit - 1) + 1;
    let stop = buf.indexOf(NEWLINE, hit);
    if (stop < 0 || stop > end) stop = end;
    // Advance every needle past this line so each line is handled once.
    for (let k = 0; k < next.length; k++) if (next[k] >= 0 && next[k] < stop) next[k] = buf.indexOf(NEEDLES[k], stop);
    if (start === lastLineStart) continue;
    lastLineStart = start;
    lineNo += countNewlines(buf, counted, start);
    counted = start;
    const record = toRecord(buf, start, stop, lineNo);
    if (!record) continue;
    if (record.parsed.priority === 'SEVERE') summary.severe++;
    if (record.marker?.kind === 'begin') summary.tasksBegun++;
    onRecord(record);
  }
  return lineNo + countNewlines(buf, counted, end);
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
