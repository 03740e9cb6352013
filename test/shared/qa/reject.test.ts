/**
 * Moving a rejected product into QA_REJECTED/: all files or none, never a lost file, never an
 * overwritten one; failures simulated part way (before the 2nd file, a corrupted copy), and
 * a real move across filesystems (/tmp -> /dev/shm) when the machine has both.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { IoError, JobError, OutputError } from '../../../shared/errors.js';
import { moveToRejected } from '../../../shared/qa/reject.js';
import { REJECT_DIRECTORY } from '../../../shared/qa/index.js';
import { scratch, snapshot } from './images.js';
import { REPO_ROOT } from '../../helpers/realdata.js';

/** A product directory with three files of different sizes and contents. */
function product(): { dir: string; files: string[]; before: Record<string, string> } {
  const dir = scratch('rej');
  const names = ['P.image.fits', 'P.rms.fits', 'P.truth.csv'];
  const files = names.map((n, i) => {
    const path = join(dir, n);
    writeFileSync(path, Buffer.alloc(3000 * (i + 1), i + 1));
    return path;
  });
  return { dir, files, before: snapshot(dir) };
}

const sameDevice = (a: string, b: string) => statSync(a).dev === statSync(b).dev;
const shm = '/dev/shm';
const shmRoot = join(shm, `qa-rej-${process.pid}`);
const crossDevice =
  existsSync(shm) &&
  !sameDevice(shm, '/tmp') &&
  (() => {
    try {
      mkdirSync(shmRoot);
      return true;
    } catch {
      return false;
    }
  })();
afterAll(() => rmSync(shmRoot, { recursive: true, force: true }));

describe('moveToRejected', () => {
  it('moves every file (hard links within a filesystem), contents identical, sources gone', () => {
    const { dir, files, before } = product();
    const root = scratch('rej-root');
    const moved = moveToRejected(files, root);
    expect(moved.directory).toBe(join(root, REJECT_DIRECTORY));
    expect(moved.files.map((f) => f.how)).toEqual(['link', 'link', 'link']);
    expect(snapshot(moved.directory)).toEqual(before);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('the cross-filesystem path (copy, fsync, size + SHA-256 check, link) moves every file', () => {
    const { dir, files, before } = product();
    const moved = moveToRejected(files, dir, { forceCopy: true });
    expect(moved.files.map((f) => f.how)).toEqual(['copy', 'copy', 'copy']);
    expect(snapshot(moved.directory)).toEqual(before);
    expect(readdirSync(dir)).toEqual([REJECT_DIRECTORY]);
  });

  it.skipIf(!crossDevice)('really across filesystems (/tmp -> /dev/shm tmpfs)', () => {
    const { dir, files, before } = product();
    const moved = moveToRejected(files, shmRoot);
    expect(moved.files.map((f) => f.how)).toEqual(['copy', 'copy', 'copy']);
    expect(snapshot(moved.directory)).toEqual(before);
    expect(readdirSync(dir)).toEqual([]);
  });

  it.each([false, true])('a failure before the 2nd file (copy path: %s) leaves every source and no partial copy', (forceCopy) => {
    const { dir, files, before } = product();
    const root = scratch('rej-root');
    const fail = () =>
      moveToRejected(files, root, {
        forceCopy,
        beforePlace: (_source, i) => {
          if (i === 1) throw Object.assign(new Error('simulated: no space left on device'), { code: 'ENOSPC' });
        },
      });
    expect(fail).toThrow(JobError);
    expect(fail).toThrow(/nothing was moved, the product is intact/);
    expect(snapshot(dir)).toEqual(before);
    expect(readdirSync(join(root, REJECT_DIRECTORY))).toEqual([]);
  });

  it.each([
    ['shorter', (tmp: string) => writeFileSync(tmp, 'truncated in transit'), 'size mismatch'],
    ['same size, one byte changed', (tmp: string) => writeFileSync(tmp, Buffer.alloc(9000, 3).fill(7, 4000, 4001)), 'SHA-256 mismatch'],
  ])('a copy that does not match its source (%s) is not kept, and nothing moves', (_what, corrupt, message) => {
    const { dir, files, before } = product();
    const root = scratch('rej-root');
    let err: unknown;
    try {
      moveToRejected(files, root, {
        forceCopy: true,
        afterCopy: (tmp) => {
          if (tmp.includes('P.truth.csv')) corrupt(tmp);
        },
      });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(JobError);
    expect((err as JobError).exitCode).toBe(74);
    expect((err as Error).message).toContain(message);
    expect(snapshot(dir)).toEqual(before);
    expect(readdirSync(join(root, REJECT_DIRECTORY))).toEqual([]);
  });

  it('a different file already in QA_REJECTED is never overwritten: 73 before anything moves', () => {
    const { dir, files, before } = product();
    const root = scratch('rej-root');
    mkdirSync(join(root, REJECT_DIRECTORY));
    writeFileSync(join(root, REJECT_DIRECTORY, 'P.rms.fits'), 'an older rejected rms');
    const move = () => moveToRejected(files, root);
    expect(move).toThrow(OutputError);
    expect(move).toThrow(/already exists and differs .* refusing to overwrite/);
    expect(snapshot(dir)).toEqual(before);
    expect(snapshot(join(root, REJECT_DIRECTORY))).toEqual({ 'P.rms.fits': expect.any(String) });
  });

  it('an identical file already there (an interrupted earlier move) is accepted and the move completes', () => {
    const { dir, files, before } = product();
    const root = scratch('rej-root');
    mkdirSync(join(root, REJECT_DIRECTORY));
    writeFileSync(join(root, REJECT_DIRECTORY, 'P.image.fits'), Buffer.alloc(3000, 1));
    const moved = moveToRejected(files, root);
    expect(moved.files.map((f) => f.how)).toEqual(['identical', 'link', 'link']);
    expect(snapshot(moved.directory)).toEqual(before);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('a source that cannot be removed stays in both places (never in neither): 74 naming it, the others complete', () => {
    const { dir, files, before } = product();
    const root = scratch('rej-root');
    let err: unknown;
    try {
      moveToRejected(files, root, {
        beforeRelease: (source) => {
          if (source.endsWith('P.rms.fits')) throw Object.assign(new Error('simulated'), { code: 'EACCES' });
        },
      });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(IoError);
    expect((err as Error).message).toContain('P.rms.fits (EACCES)');
    expect(snapshot(join(root, REJECT_DIRECTORY))).toEqual(before);
    expect(snapshot(dir)).toEqual({ 'P.rms.fits': before['P.rms.fits'] });
  });

  it.skipIf(process.getuid?.() === 0)('a real unremovable source (read-only directory) is kept, and reported', () => {
    const { dir, files, before } = product();
    const root = scratch('rej-root');
    chmodSync(dir, 0o555);
    try {
      expect(() => moveToRejected(files, root)).toThrow(IoError);
    } finally {
      chmodSync(dir, 0o755);
    }
    expect(snapshot(dir)).toEqual(before);
    expect(snapshot(join(root, REJECT_DIRECTORY))).toEqual(before);
  });

  it('a missing --reject-to directory is 73 and nothing moves', () => {
    const { dir, files, before } = product();
    expect(() => moveToRejected(files, join(dir, 'absent'))).toThrow(OutputError);
    expect(snapshot(dir)).toEqual(before);
  });

  it('a missing source is 66 before anything moves', () => {
    const { dir, files, before } = product();
    const root = scratch('rej-root');
    let err: unknown;
    try {
      moveToRejected([...files, join(dir, 'P.gone.fits')], root);
    } catch (e) {
      err = e;
    }
    expect((err as JobError).exitCode).toBe(66);
    expect(snapshot(dir)).toEqual(before);
  });
});

describe('moveToRejected killed at any point (SIGKILL: no clean-up runs)', () => {
  const killer = join(REPO_ROOT, 'test', 'helpers', 'kill-during-move.ts');
  const points = [
    ...[0, 1, 2].map((i) => ['beforePlace', i, false] as const),
    ...[0, 1, 2].map((i) => ['afterCopy', i, true] as const),
    ...[0, 1, 2].map((i) => ['beforeRelease', i, false] as const),
  ];
  it.each(points)('killed at %s of file %i (copying: %s): every file intact in its old place or its new one, and a re-run completes the move', (hook, index, forceCopy) => {
    const { dir, files } = product();
    const contents = files.map((f) => readFileSync(f));
    const killed = spawnSync(process.execPath, ['--import', 'tsx', killer, hook, String(index), dir, String(forceCopy), ...files], { cwd: REPO_ROOT, encoding: 'utf8' });
    expect(killed.signal, killed.stderr).toBe('SIGKILL');
    const rejected = join(dir, REJECT_DIRECTORY);
    files.forEach((f, i) => {
      const moved = join(rejected, f.split('/').pop()!);
      const where = [f, moved].filter((p) => existsSync(p));
      expect(where.length, `${f}: never lost`).toBeGreaterThan(0);
      for (const p of where) expect(readFileSync(p).equals(contents[i]), `${p}: complete`).toBe(true);
    });
    // Nothing but the files' own names (a half-written copy's temporary may remain, hidden: it never has a file's name).
    const names = files.map((f) => f.split('/').pop()!);
    for (const n of readdirSync(rejected).filter((n) => !n.startsWith('.'))) expect(names).toContain(n);
    const again = moveToRejected(files, dir);
    expect(again.files).toHaveLength(3);
    files.forEach((f, i) => {
      expect(existsSync(f)).toBe(false);
      expect(readFileSync(join(rejected, f.split('/').pop()!)).equals(contents[i])).toBe(true);
    });
  }, 30_000);
});

