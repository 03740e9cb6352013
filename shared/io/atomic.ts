/**
 * Atomic outputs: every file a tool produces is written under a temporary name in its
 * destination directory, flushed to disk, then renamed over the final name. A reader (or a
 * DAG retry) therefore sees either the old file or the complete new one, never half a file.
 *
 * Temporaries are tracked so that SIGINT/SIGTERM handlers (see shared/cli/run.ts) can
 * remove them before the process exits.
 */
import { closeSync, fsyncSync, openSync, readdirSync, renameSync, rmSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';
import { fsError } from '../errors.js';

const liveTemporaries = new Set<string>();

/** Told of each temporary before it is created and after it is renamed or removed. */
export type TemporaryObserver = (op: 'add' | 'remove', path: string) => void;
/** Told of each child process (taql, CASA) while it runs, so a supervisor can stop it. */
export type ChildObserver = (op: 'add' | 'remove', pid: number) => void;
let childObserver: ChildObserver | undefined;

export function setChildObserver(fn: ChildObserver | undefined): void {
  childObserver = fn;
}

/** Reports a running child process (its pid) to the supervisor; call forgetChild when it exits. */
export function trackChild(pid: number): void {
  childObserver?.('add', pid);
}

export function forgetChild(pid: number): void {
  childObserver?.('remove', pid);
}
let observer: TemporaryObserver | undefined;

/**
 * Installs the observer a supervising thread uses to clean up after a signal (see
 * shared/cli/supervise.ts): it learns of a temporary before the file exists, so its list
 * never misses one.
 */
export function setTemporaryObserver(fn: TemporaryObserver | undefined): void {
  observer = fn;
}

/** Tracks a temporary path (a file, or a directory being filled) until it is forgotten. */
export function trackTemporary(path: string): void {
  liveTemporaries.add(path);
  observer?.('add', path);
}

/** Stops tracking a temporary that was renamed into place or removed. */
export function forgetTemporary(path: string): void {
  liveTemporaries.delete(path);
  observer?.('remove', path);
}

/** Paths of temporaries not yet committed or aborted (for signal clean-up). */
export function pendingTemporaries(): string[] {
  return [...liveTemporaries];
}

/** Removes every temporary still open. Safe to call from a signal handler. */
export function removeAllTemporaries(): void {
  for (const tmp of liveTemporaries) {
    try {
      rmSync(tmp, { recursive: true, force: true });
    } catch {
      // best effort: the process is exiting
    }
  }
  for (const tmp of [...liveTemporaries]) forgetTemporary(tmp);
}

/**
 * Temporaries of `path` left by a run that was SIGKILLed (no handler could remove them): a
 * re-run that writes the same output takes them away, so a retried DAG node leaves only its
 * outputs. A temporary whose process is still alive here is left alone. (Two runs writing the
 * same output at once, from two hosts, would already be a conflict; one run's retry follows
 * the previous attempt's end.)
 */
function removeStaleTemporaries(path: string): void {
  const prefix = `.${basename(path)}.tmp-`;
  let names: string[];
  try {
    names = readdirSync(dirname(path));
  } catch {
    return; // the directory's own problem is reported when the file is created
  }
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const pid = Number(name.slice(prefix.length).split('-')[0]);
    if (!Number.isInteger(pid) || pid === process.pid || isAlive(pid)) continue;
    rmSync(join(dirname(path), name), { force: true, recursive: true });
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A file being written under a temporary name; `commit` renames it into place. */
export class AtomicFile {
  readonly path: string;
  readonly tmpPath: string;
  private fd: number | null;

  constructor(path: string, mode = 0o644) {
    this.path = path;
    removeStaleTemporaries(path);
    this.tmpPath = join(dirname(path), `.${basename(path)}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
    trackTemporary(this.tmpPath);
    try {
      this.fd = openSync(this.tmpPath, 'wx', mode);
    } catch (err) {
      forgetTemporary(this.tmpPath);
      throw fsError(err, path, 'writing');
    }
  }

  /** Appends bytes at the current end of the temporary file. */
  write(data: string | Uint8Array): void {
    if (this.fd === null) throw new Error(`AtomicFile ${this.path} already closed`);
    try {
      if (typeof data === 'string') writeSync(this.fd, data);
      else {
        let off = 0;
        while (off < data.byteLength) off += writeSync(this.fd, data, off, data.byteLength - off);
      }
    } catch (err) {
      this.abort();
      throw fsError(err, this.path, 'writing');
    }
  }

  /** Flushes, closes and renames over the destination. */
  commit(): void {
    if (this.fd === null) throw new Error(`AtomicFile ${this.path} already closed`);
    try {
      fsyncSync(this.fd);
      closeSync(this.fd);
      this.fd = null;
      renameSync(this.tmpPath, this.path);
      forgetTemporary(this.tmpPath);
    } catch (err) {
      this.abort();
      throw fsError(err, this.path, 'writing');
    }
    syncDirectory(dirname(this.path));
  }

  /** Closes and removes the temporary; the destination is untouched. */
  abort(): void {
    if (this.fd !== null) {
      try {
        closeSync(this.fd);
      } catch {
        // already failing; the unlink below is what matters
      }
      this.fd = null;
    }
    rmSync(this.tmpPath, { force: true });
    forgetTemporary(this.tmpPath);
  }
}

/** Writes a whole file atomically. */
export function writeFileAtomic(path: string, data: string | Uint8Array, mode = 0o644): void {
  const file = new AtomicFile(path, mode);
  file.write(data);
  file.commit();
}

/** Makes a rename durable: fsync the directory entry (ignored where unsupported). */
export function syncDirectory(dir: string): void {
  let fd: number | null = null;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // Some filesystems refuse fsync on directories; the rename itself is still atomic.
  } finally {
    if (fd !== null) closeSync(fd);
  }
}
