/**
 * The one way product code opens and reads an input file: read-only, and when it cannot be
 * opened or read a JobError whose one line names the file and what to do (fsError: missing
 * or unreadable is exit 66, any other failure exit 74; a file shorter than its header said,
 * exit 65).
 */
import { constants as fsConstants, openSync, readSync } from 'node:fs';
import { DataError, fsError } from '../errors.js';

export function openForReading(path: string): number {
  try {
    return openSync(path, fsConstants.O_RDONLY);
  } catch (err) {
    throw fsError(err, path, 'reading');
  }
}

/**
 * Reads exactly `length` bytes at `position` into the start of `buf`, in pieces of at most
 * `maxRead` bytes. A short read means the file shrank after its size was checked: truncation.
 */
export function readExactlyInto(fd: number, buf: Buffer, length: number, position: number, path: string, maxRead = length): void {
  let done = 0;
  while (done < length) {
    let n: number;
    try {
      n = readSync(fd, buf, done, Math.min(maxRead, length - done), position + done);
    } catch (err) {
      throw fsError(err, path, 'reading');
    }
    if (n === 0)
      throw new DataError(`${path}: file ended at byte ${position + done} while ${position + length} bytes were expected; it is truncated or was changed while being read, re-copy it`);
    done += n;
  }
}
