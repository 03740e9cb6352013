/**
 * The PIMS cache: `<cacheRoot>/<epoch>/<tile>/<phaseCenter>/<ms name>_split.ms`, with per image
 * directory a lock (`.split.lock`) and an index (`split-index.json`). The cache is never wrong:
 * a split is built in a temporary directory beside its target, verified, then renamed in; the
 * index names only verified splits and is rewritten atomically; the index entry of a target
 * is removed before the target is replaced, so a crash between the two leaves no entry.
 */
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { DataError, OutputError, TemporaryError } from '../errors.js';
import { forgetTemporary, syncDirectory, trackTemporary, writeFileAtomic } from '../io/atomic.js';
import type { Logger } from '../log.js';

export const INDEX_FILE = 'split-index.json';
export const LOCK_FILE = '.split.lock';

export interface CacheEntry {
  /** The source measurement set, absolute. */
  source: string;
  sourceBytes: number;
  sourceMtimeMs: number;
  /** The calibration product the source came from, plain name, when the plan gave one. */
  calibration?: string;
  fields: Array<{ id: number; name: string; raDeg: number; decDeg: number }>;
  rows: number;
  bytes: number;
  tool: string;
  version: string;
  time: string;
  state: 'verified';
}

export interface CacheIndex {
  version: 1;
  /** By split name (`<ms name>_split.ms`). */
  entries: Record<string, CacheEntry>;
}

/** The image directory; its parts are validated by the plan reader. */
export function imageDirectory(cacheRoot: string, epoch: string, tile: string, phaseCenter: string): string {
  return join(cacheRoot, epoch, tile, phaseCenter);
}

/** `<name>_split.ms` for a measurement set `<name>.ms` (or any other name). */
export function splitName(source: string): string {
  return `${basename(source).replace(/\.ms\/?$/, '')}_split.ms`;
}

export function readIndex(dir: string): CacheIndex {
  const file = join(dir, INDEX_FILE);
  if (!existsSync(file)) return { version: 1, entries: {} };
  try {
    const index = JSON.parse(readFileSync(file, 'utf8')) as CacheIndex;
    if (index.version !== 1 || typeof index.entries !== 'object' || index.entries === null) throw new Error('unknown layout');
    return index;
  } catch (err) {
    throw new DataError(`${file}: not a split index (${(err as Error).message}); move it aside and re-run to rebuild the cache entries`);
  }
}

export function writeIndex(dir: string, index: CacheIndex): void {
  writeFileAtomic(join(dir, INDEX_FILE), JSON.stringify(index, null, 2) + '\n');
}

/** A cached entry is current when its split is there and its source has not changed since. */
export function isCurrent(dir: string, name: string, entry: CacheEntry | undefined, source: { sizeBytes: number; newestMtimeMs: number }): boolean {
  return entry !== undefined && entry.state === 'verified' && existsSync(join(dir, name, 'table.dat')) && entry.sourceBytes === source.sizeBytes && entry.sourceMtimeMs === source.newestMtimeMs;
}

const host = () => hostname() || 'localhost';

/** A temporary directory beside `target`, named so that a later run can prove it is ours. */
export function temporaryBeside(target: string): string {
  const tmp = join(target, '..', `.${basename(target)}.tmp-${host()}-${process.pid}-${randomBytes(4).toString('hex')}`);
  trackTemporary(tmp);
  return tmp;
}

/**
 * Removes leftovers of earlier runs in `dir` that are provably ours and dead: temporaries
 * named by this host with a pid that no longer runs.
 */
export function removeDeadLeftovers(dir: string, log: Logger): string[] {
  const removed: string[] = [];
  for (const name of existsSync(dir) ? readdirSync(dir) : []) {
    const m = /^\..+\.(?:tmp|old)-(.+)-(\d+)-[0-9a-f]{8}$/.exec(name);
    if (!m || m[1] !== host() || isAlive(Number(m[2]))) continue;
    rmSync(join(dir, name), { recursive: true, force: true });
    removed.push(name);
    log.info({ leftover: join(dir, name) }, `removed ${name}, left by run ${m[2]} on this host that no longer runs`);
  }
  return removed;
}

/** Renames the verified split into place, replacing (and then removing) what was there. */
export function installSplit(tmp: string, target: string): void {
  let old: string | undefined;
  if (existsSync(target)) {
    old = join(dirname(tmp), basename(tmp).replace('.tmp-', '.old-'));
    trackTemporary(old);
    renameSync(target, old);
  }
  renameSync(tmp, target);
  forgetTemporary(tmp);
  syncDirectory(join(target, '..'));
  if (old) {
    rmSync(old, { recursive: true, force: true });
    forgetTemporary(old);
  }
}

/** Whether a process of this host runs: signal 0 reaches it, and it is not a zombie waiting to be reaped. */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    // /proc/<pid>/stat: "pid (comm) S ...": state Z is a process that has exited.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true; // no /proc: trust the signal
  }
}

interface LockHolder {
  pid: number;
  host: string;
  started: string;
}

/**
 * Takes the image directory's lock. Held by a live process (this host), or by another host
 * within `staleAfterMs`: TemporaryError (75) so the DAG retries. A holder that is gone is
 * taken over, with a log line. Returns the release function.
 */
export function lockImageDirectory(dir: string, log: Logger, staleAfterMs: number): () => void {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (err) {
    throw new OutputError(`${dir}: cannot create the cache directory (${(err as NodeJS.ErrnoException).code}); check the cache root and its permissions`);
  }
  const file = join(dir, LOCK_FILE);
  const me: LockHolder = { pid: process.pid, host: host(), started: new Date().toISOString() };
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx', 0o644);
      // Tracked like a temporary once it is ours: on SIGTERM the supervisor removes it. (Never
      // before: that could remove another holder's lock.)
      trackTemporary(file);
      writeSync(fd, JSON.stringify(me) + '\n');
      closeSync(fd);
      return () => {
        rmSync(file, { force: true });
        forgetTemporary(file);
      };
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'EEXIST') throw new OutputError(`${file}: cannot create the lock (${code}); check the cache directory is writable`);
    }
    const holder = readHolder(file);
    const gone = holder === undefined || (holder.host === host() ? !isAlive(holder.pid) : Date.now() - statSync(file).mtimeMs > staleAfterMs);
    if (!gone) throw new TemporaryError(`${file}: held by pid ${holder.pid} on ${holder.host} since ${holder.started}; another split is writing this image; retry later`);
    log.warn({ lock: file, holder }, `taking over the lock ${file}: its holder ${holder ? `pid ${holder.pid} on ${holder.host}` : '(unreadable)'} is gone`);
    rmSync(file, { force: true });
  }
  throw new TemporaryError(`${file}: could not take the lock; retry later`);
}

function readHolder(file: string): LockHolder | undefined {
  try {
    const h = JSON.parse(readFileSync(file, 'utf8')) as LockHolder;
    return typeof h.pid === 'number' && typeof h.host === 'string' ? h : undefined;
  } catch {
    return undefined;
  }
}
