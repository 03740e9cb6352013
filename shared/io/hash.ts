/** SHA-256 of a file, read in chunks (files here can be gigabytes). */
import { closeSync, readSync } from 'node:fs';
import { createHash } from 'node:crypto';
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
