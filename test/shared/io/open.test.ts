/** Opening and reading input files: every failure one line naming the file, with its exit code. */
import { closeSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DataError, ExitCode, InputMissingError, exitCodeFor } from '../../../shared/errors.js';
import { openForReading, readExactlyInto } from '../../../shared/io/open.js';

const dir = mkdtempSync(join(tmpdir(), 'open-'));

describe('openForReading', () => {
  it('names a missing file, exit 66', () => {
    const path = join(dir, 'absent.fits');
    let error: unknown;
    try {
      openForReading(path);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(InputMissingError);
    expect((error as Error).message).toBe(`${path}: not found`);
    expect(exitCodeFor(error)).toBe(ExitCode.NO_INPUT);
  });
});

describe('readExactlyInto', () => {
  const path = join(dir, 'ten.bin');
  writeFileSync(path, Buffer.from([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]));

  it('reads the bytes asked for, in pieces when told to', () => {
    const fd = openForReading(path);
    try {
      const buf = Buffer.alloc(6);
      readExactlyInto(fd, buf, 6, 3, path, 4);
      expect([...buf]).toEqual([3, 4, 5, 6, 7, 8]);
    } finally {
      closeSync(fd);
    }
  });

  it('reports a file shorter than expected as truncated (exit 65), naming it', () => {
    const fd = openForReading(path);
    try {
      expect(() => readExactlyInto(fd, Buffer.alloc(8), 8, 6, path)).toThrow(DataError);
      expect(() => readExactlyInto(fd, Buffer.alloc(8), 8, 6, path)).toThrow(`${path}: file ended at byte 10 while 14 bytes were expected`);
    } finally {
      closeSync(fd);
    }
  });
});
