/**
 * Disk failures part way through a header update must leave the input byte-identical.
 * node:fs is wrapped so that writeSync fails on demand (ENOSPC/EIO), as a full or failing
 * disk would; everything else is the real fs. Own file, because the mock applies to the
 * whole module graph of a test file.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { IoError } from '../../../shared/errors.js';
import { FitsHeader, readFitsImage, updateHeaderKeywords, writeFitsImage } from '../../../shared/fits/index.js';
import { expectOneLineNaming, scratchDir, temporariesIn, thrown } from './helpers.js';

const failure = vi.hoisted(() => ({ afterWrites: -1, code: 'ENOSPC' }));

vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  const writeSync = ((...args: Parameters<typeof fs.writeSync>) => {
    if (failure.afterWrites === 0) throw Object.assign(new Error(`${failure.code}: simulated failure, write`), { code: failure.code });
    if (failure.afterWrites > 0) failure.afterWrites--;
    return (fs.writeSync as (...a: unknown[]) => number)(...args);
  }) as typeof fs.writeSync;
  return { ...fs, writeSync, default: { ...fs, writeSync } };
});

const { dir, cleanup } = scratchDir();
afterAll(cleanup);
afterEach(() => {
  failure.afterWrites = -1;
});

function sample(name: string): { path: string; bytes: Buffer } {
  const path = join(dir, name);
  const h = new FitsHeader();
  h.set('BMAJ', 1e-3);
  writeFitsImage(path, new Float32Array(64 * 64 * 3).map((_, i) => i), [64, 64, 1, 3], h);
  return { path, bytes: readFileSync(path) };
}

describe('updateHeaderKeywords under disk failure', () => {
  it('rewrite path: a write failing while the data is copied leaves the input untouched and no temporary', () => {
    const { path, bytes } = sample('rewrite.fits');
    const updates = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`QA${i}`, i]));
    failure.afterWrites = 1; // the new header is written, then copying the data fails
    const err = thrown(() => updateHeaderKeywords(path, updates));
    expect(err).toBeInstanceOf(IoError);
    expectOneLineNaming(err, path);
    expect(readFileSync(path).equals(bytes)).toBe(true);
    expect(temporariesIn(dir)).toEqual([]);
    expect(readFitsImage(path).data[100]).toBe(100);
  });

  it('in-place path: a failing header write is reported and the file is unchanged', () => {
    const { path, bytes } = sample('inplace.fits');
    failure.afterWrites = 0;
    failure.code = 'EIO';
    const err = thrown(() => updateHeaderKeywords(path, { BMAJ: 2e-3 }));
    expect(err).toBeInstanceOf(IoError);
    expectOneLineNaming(err, path);
    expect(readFileSync(path).equals(bytes)).toBe(true);
  });

  it('the same update succeeds once the disk recovers', () => {
    const { path } = sample('recovers.fits');
    expect(updateHeaderKeywords(path, Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`QA${i}`, i]))).mode).toBe('rewritten');
    expect(readFitsImage(path).header.get('QA39')).toBe(39);
  });
});
