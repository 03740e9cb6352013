/**
 * The scan of one byte range of a CASA log: read in chunks (synchronously) straight into the
 * memory of the SIMD kernel (wasm/logscan.wat), which counts newlines and finds "SEVERE" and
 * "Task:"; the lines it points at are copied out as raw bytes with their line number in the
 * range and handed to `emit` in batches (so nothing accumulates here). Parsing them is the
 * caller's (logscan.ts), so this function needs nothing but `fs` and the compiled kernel: it
 * is self-contained on purpose, because its source text is also
 * what a second thread runs (logscan.ts evaluates `scanRange.toString()` in a worker). So no
 * imports, no module constants, no helper functions are used inside it.
 *
 * The range owns the lines that START in [start, end): a range after the first skips the end
 * of the line it starts inside (the previous range finishes it), and every range finishes its
 * last line past `end`. Lines longer than a chunk are scanned in pieces (their records may be
 * missed; line numbers stay right). A file shorter than expected (truncated while read) ends
 * the range early, as end of file.
 */

export interface RangeTask {
  path: string;
  start: number;
  /** Exclusive; the file's size for the last range. */
  end: number;
  chunkBytes: number;
  /** The kernel's zero padding after an area, and its hit table's size. */
  padding: number;
  maxHits: number;
  /** Bytes of a hit's line kept (longer lines are cut). */
  maxLineBytes: number;
  /** Hits handed to `emit` at a time (the last batch may be smaller): a message per batch, not per chunk. */
  emitBatch: number;
  kernel: WebAssembly.Module;
}

export interface RangeHit {
  /** 0-based line number within the range. */
  line: number;
  bytes: Uint8Array;
}

export interface RangeCounts {
  /** Lines starting in the range (an unterminated last line of the file counts). */
  lines: number;
  /** Bytes of those lines. */
  bytes: number;
}

type Fs = Pick<typeof import('node:fs'), 'openSync' | 'readSync' | 'closeSync'>;

interface KernelExports {
  memory: WebAssembly.Memory;
  next: WebAssembly.Global;
  newlines: WebAssembly.Global;
  scan(start: number, end: number, out: number, maxHits: number): number;
}

export function scanRange(task: RangeTask, fs: Fs, emit: (hits: RangeHit[]) => void): RangeCounts {
  const NEWLINE = 0x0a;
  const exp = new WebAssembly.Instance(task.kernel, {}).exports as unknown as KernelExports;
  // Memory: one input area (chunk + padding, 16-byte aligned), then the hit table.
  const areaBytes = Math.ceil((task.chunkBytes + task.padding) / 16) * 16;
  const page = 65536;
  exp.memory.grow(Math.max(0, Math.ceil((areaBytes + task.maxHits * 8) / page) - exp.memory.buffer.byteLength / page));
  const buf = Buffer.from(exp.memory.buffer, 0, task.chunkBytes + task.padding);
  const hitTable = new Int32Array(exp.memory.buffer, areaBytes, task.maxHits * 2);
  const result: RangeCounts = { lines: 0, bytes: 0 };
  let found: RangeHit[] = [];
  const fd = fs.openSync(task.path, 'r');
  try {
    let offset = task.start; // file offset of buf[0]
    let filled = 0;
    let eof = false;
    // A range after the first owns the line it starts in only if the previous byte ends a line.
    let skipping = false;
    if (task.start > 0) {
      const one = Buffer.alloc(1);
      skipping = fs.readSync(fd, one, 0, 1, task.start - 1) === 1 && one[0] !== NEWLINE;
    }
    for (;;) {
      if (!eof && filled < task.chunkBytes) {
        const got = fs.readSync(fd, buf, filled, task.chunkBytes - filled, offset + filled);
        if (got === 0) eof = true;
        filled += got;
      }
      let from = 0;
      if (skipping) {
        const nl = buf.subarray(0, filled).indexOf(NEWLINE);
        if (nl < 0) {
          if (eof) break; // the previous range's line runs to the end of the file
          offset += filled;
          filled = 0;
          continue;
        }
        from = nl + 1;
        skipping = false;
      }
      if (task.end - offset <= from) break; // no line of this range left
      // Whole lines, unless at end of file or one line fills the chunk (then it is scanned in pieces).
      const lastNl = buf.subarray(0, filled).lastIndexOf(NEWLINE);
      if (!eof && lastNl < from && filled < task.chunkBytes) continue; // read more first
      let stop = eof || lastNl < from ? filled : lastNl + 1;
      let done = eof;
      // This range's last line is the one holding byte end - 1: it stops at the newline from there.
      const lastLineEnd = buf.subarray(0, filled).indexOf(NEWLINE, task.end - offset - 1);
      if (lastLineEnd >= 0) {
        stop = Math.min(stop, lastLineEnd + 1);
        done = true;
      }
      let linesBefore = result.lines;
      // The unfinished line, kept aside: the padding after the scanned lines is zeroed below.
      const carry = done ? null : Buffer.from(buf.subarray(stop, filled));
      if (stop > from) {
        buf.fill(0, stop, stop + task.padding);
        let lastLineStart = -1;
        let at = from;
        do {
          const hits = exp.scan(at, stop, areaBytes, task.maxHits);
          for (let h = 0; h < hits; h++) {
            const pos = hitTable[2 * h];
            const lineStart = Math.max(from, buf.lastIndexOf(NEWLINE, pos - 1) + 1);
            if (lineStart === lastLineStart) continue; // both needles on one line
            lastLineStart = lineStart;
            let lineEnd = buf.indexOf(NEWLINE, pos);
            if (lineEnd < 0 || lineEnd > stop) lineEnd = stop;
            found.push({ line: linesBefore + hitTable[2 * h + 1], bytes: Uint8Array.from(buf.subarray(lineStart, Math.min(lineEnd, lineStart + task.maxLineBytes))) });
          }
          // The kernel stops early when its hit table is full; resume where it stopped.
          linesBefore += exp.newlines.value as number;
          at = exp.next.value as number;
        } while (at < stop);
        result.lines = linesBefore;
        result.bytes += stop - from;
        if (found.length >= task.emitBatch) {
          emit(found);
          found = [];
        }
      }
      if (done) {
        if (eof && stop === filled && stop > from && buf[stop - 1] !== NEWLINE) result.lines++; // the file's unterminated last line
        break;
      }
      // The unfinished line starts the next chunk.
      carry!.copy(buf, 0);
      offset += stop;
      filled = carry!.length;
    }
  } finally {
    fs.closeSync(fd);
  }
  if (found.length) emit(found);
  return result;
}
