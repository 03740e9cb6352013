/** SHA-256 of a file, read in chunks (files here can be gigabytes); and copies that hash as they read. */
import { closeSync, readSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { fsError } from '../errors.js';
import type { AtomicFile } from './atomic.js';
import { openForReading } from './open.js';

const CHUNK_BYTES = 8 << 20;

export function sha256File(path: string): string {
  const hash = createHash('sha256');
  const fd = openForReading(path);
  try {
    const buf = Buffer.allocUnsafe(CHUNK_BYTES);
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      hash.update(buf.subarray(0, n));
    }
  } finally {
    closeSync(fd);
  }
  return hash.digest('hex');
}

/**
 * Streams `source` into `out` and returns the SHA-256 of the bytes read, so a copy and its
 * source's checksum cost one read. Read failures name the source.
 */
export function copyWithSha256(source: string, out: AtomicFile): string {
  const hash = createHash('sha256');
  const fd = openForReading(source);
  try {
    const buf = Buffer.allocUnsafe(CHUNK_BYTES);
    for (;;) {
      let n: number;
      try {
        n = readSync(fd, buf, 0, buf.length, null);
      } catch (err) {
        throw fsError(err, source, 'reading');
      }
      if (n === 0) break;
      const chunk = buf.subarray(0, n);
      hash.update(chunk);
      out.write(chunk);
    }
  } finally {
    closeSync(fd);
  }
  return hash.digest('hex');
}
