/**
 * Moving a rejected product's files into `<root>/QA_REJECTED/` without ever losing one.
 *
 * All or nothing, in two phases:
 *   1. place: every file gets its complete copy under QA_REJECTED while every source stays.
 *      Within a filesystem that is a hard link (instant, and it refuses to replace an existing
 *      name); across filesystems (EXDEV) a copy to a temporary beside the destination, fsync,
 *      then its size and SHA-256 checked against the source's before it is linked into place.
 *      If links are not supported there, a rename is used (after checking the name is free).
 *   2. release: only when every file is placed are the sources unlinked.
 * A failure in phase 1 removes what this call placed (the sources were never touched) and
 * throws. A failure in phase 2 leaves that file in both places (never in neither) and
 * throws, naming it. An interrupted run is repaired by re-running: a destination identical to
 * its source (same size and SHA-256, or another name of the same file) counts as already
 * placed, and a source already released with its file in QA_REJECTED counts as moved.
 *
 * A destination that exists and differs from its source is never overwritten: the move is
 * refused before anything is done (OutputError, 73).
 */
import { closeSync, fsyncSync, linkSync, mkdirSync, openSync, renameSync, statSync, unlinkSync, type Stats } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { AtomicFile, syncDirectory } from '../io/atomic.js';
import { copyWithSha256, sha256File } from '../io/hash.js';
import { InputMissingError, IoError, JobError, OutputError, fsError } from '../errors.js';
import { pathExists } from '../io/fsutil.js';

export const REJECT_DIRECTORY = 'QA_REJECTED';

/** Test seams: simulate failures and force the cross-filesystem path. */
export interface MoveHooks {
  /** Called before each file is placed; throwing here simulates a failure part way. */
  beforePlace?(source: string, index: number): void;
  /** Called after a copy is written and before it is verified (a test may corrupt it). */
  afterCopy?(temporary: string): void;
  /** Called before each source is unlinked in phase 2; throwing simulates a source that cannot be removed. */
  beforeRelease?(source: string, index: number): void;
  /** Copy even within one filesystem, as across filesystems. */
  forceCopy?: boolean;
}

export type PlacedBy = 'link' | 'copy' | 'rename' | 'identical';

export interface MovedFile {
  from: string;
  to: string;
  how: PlacedBy;
}

export interface MoveResult {
  directory: string;
  files: MovedFile[];
}

interface Plan {
  source: string;
  dest: string;
  stat: Stats;
  /** The destination already holds identical content (or is the same file). */
  identical: boolean;
  sameFile: boolean;
  /** An interrupted earlier move released this source already: only the destination is left. */
  released?: boolean;
}

/** Moves `files` into `<root>/QA_REJECTED/` (created if needed). `root` must exist. */
export function moveToRejected(files: readonly string[], root: string, hooks: MoveHooks = {}): MoveResult {
  const directory = rejectDirectory(root);
  const plans = planMoves(files, directory);
  const placed: { plan: Plan; how: PlacedBy }[] = [];
  try {
    plans.forEach((plan, i) => {
      hooks.beforePlace?.(plan.source, i);
      placed.push({ plan, how: plan.identical ? 'identical' : place(plan, hooks) });
    });
  } catch (err) {
    const undone = rollBack(placed);
    const why = err instanceof JobError ? err.message : (err as Error).message;
    const detail = `moving ${basename(plans[placed.length]?.source ?? '')} into ${directory} failed (${why}); nothing was moved, the product is intact where it was${undone.length ? `; could not remove partial copies ${undone.join(', ')}` : ''}`;
    const code = err instanceof JobError ? err.exitCode : fsError(err, directory, 'writing').exitCode;
    throw new JobError(detail, code, { cause: err });
  }
  syncDirectory(directory);
  releaseSources(placed, hooks);
  return { directory, files: placed.map(({ plan, how }) => ({ from: plan.source, to: plan.dest, how })) };
}

function rejectDirectory(root: string): string {
  const rootDir = resolve(root);
  let st: Stats;
  try {
    st = statSync(rootDir);
  } catch {
    throw new OutputError(`--reject-to ${rootDir}: does not exist; create it (the product goes to ${join(rootDir, REJECT_DIRECTORY)})`);
  }
  if (!st.isDirectory()) throw new OutputError(`--reject-to ${rootDir}: not a directory`);
  const directory = join(rootDir, REJECT_DIRECTORY);
  try {
    mkdirSync(directory, { recursive: true });
  } catch (err) {
    throw fsError(err, directory, 'writing');
  }
  return directory;
}

/** Checks every file before anything moves: sources exist, destinations free or identical. */
function planMoves(files: readonly string[], directory: string): Plan[] {
  const seen = new Map<string, string>();
  return files.map((file) => {
    const source = resolve(file);
    const name = basename(source);
    const clash = seen.get(name);
    if (clash !== undefined) throw new OutputError(`cannot move ${source} and ${clash} into ${directory}: both are named ${name}`);
    seen.set(name, source);
    const dest = join(directory, name);
    let stat: Stats;
    try {
      stat = statSync(source);
    } catch (err) {
      // Killed after releasing some sources, a move is finished by re-running it: a source that
      // is gone with its file already in QA_REJECTED has been moved.
      const moved = (err as NodeJS.ErrnoException).code === 'ENOENT' ? statIfFile(dest) : undefined;
      if (moved) return { source, dest, stat: moved, identical: true, sameFile: false, released: true };
      throw fsError(err, source, 'reading');
    }
    if (!stat.isFile()) throw new InputMissingError(`${source}: not a regular file; only files are moved to ${REJECT_DIRECTORY}`);
    let destStat: Stats | undefined;
    try {
      destStat = statSync(dest);
    } catch {
      destStat = undefined;
    }
    if (!destStat) return { source, dest, stat, identical: false, sameFile: false };
    const sameFile = destStat.dev === stat.dev && destStat.ino === stat.ino;
    if (sameFile || (destStat.isFile() && destStat.size === stat.size && sha256File(dest) === sha256File(source)))
      return { source, dest, stat, identical: true, sameFile };
    throw new OutputError(`${dest} already exists and differs from ${source}; refusing to overwrite it, nothing was moved (compare them and remove one)`);
  });
}

function statIfFile(path: string): Stats | undefined {
  try {
    const st = statSync(path);
    return st.isFile() ? st : undefined;
  } catch {
    return undefined;
  }
}

/** Phase 1 for one file: its complete copy (or link) at `dest`; the source untouched. */
function place(plan: Plan, hooks: MoveHooks): PlacedBy {
  if (!hooks.forceCopy) {
    try {
      linkSync(plan.source, plan.dest);
      return 'link';
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') throw new OutputError(`${plan.dest} appeared while moving; refusing to overwrite it`);
      if (code !== 'EXDEV' && code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'ENOSYS' && code !== 'EMLINK') throw fsError(err, plan.dest, 'writing');
      if (code !== 'EXDEV') return renameInto(plan);
    }
  }
  copyVerified(plan, hooks);
  return 'copy';
}

/** Same filesystem without hard links: rename (rolled back by renaming again). */
function renameInto(plan: Plan): PlacedBy {
  if (pathExists(plan.dest)) throw new OutputError(`${plan.dest} appeared while moving; refusing to overwrite it`);
  try {
    renameSync(plan.source, plan.dest);
  } catch (err) {
    throw fsError(err, plan.dest, 'writing');
  }
  return 'rename';
}

/**
 * Copies to a temporary beside the destination (removed by the signal handlers if the tool
 * is interrupted), fsyncs, checks size and SHA-256 against the source, then links it into
 * place so an existing name is never replaced.
 */
function copyVerified(plan: Plan, hooks: MoveHooks): void {
  const out = new AtomicFile(plan.dest, plan.stat.mode & 0o7777);
  try {
    const sourceHash = copyWithSha256(plan.source, out);
    const fd = openSync(out.tmpPath, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    hooks.afterCopy?.(out.tmpPath);
    const copied = statSync(out.tmpPath);
    if (copied.size !== plan.stat.size) throw new IoError(`size mismatch: the copy of ${plan.source} has ${copied.size} bytes, the source ${plan.stat.size}`);
    if (sha256File(out.tmpPath) !== sourceHash) throw new IoError(`SHA-256 mismatch: the copy of ${plan.source} differs from the source`);
    try {
      linkSync(out.tmpPath, plan.dest);
      out.abort(); // removes the temporary name; the linked destination stays
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') throw new OutputError(`${plan.dest} appeared while moving; refusing to overwrite it`);
      if (pathExists(plan.dest)) throw new OutputError(`${plan.dest} appeared while moving; refusing to overwrite it`);
      out.commit(); // no hard links on this filesystem: rename into the (checked free) name
    }
  } catch (err) {
    out.abort();
    throw err;
  }
}

/** Undoes phase 1; returns the destinations it could not remove. */
function rollBack(placed: { plan: Plan; how: PlacedBy }[]): string[] {
  const left: string[] = [];
  for (const { plan, how } of [...placed].reverse()) {
    try {
      if (how === 'rename') renameSync(plan.dest, plan.source);
      else if (how === 'link' || how === 'copy') unlinkSync(plan.dest);
      // 'identical' destinations were there before this call: left as they were
    } catch {
      left.push(plan.dest);
    }
  }
  return left;
}

/** Phase 2: unlink the sources (every destination is complete). */
function releaseSources(placed: { plan: Plan; how: PlacedBy }[], hooks: MoveHooks): void {
  const kept: string[] = [];
  const dirs = new Set<string>();
  for (const [i, { plan, how }] of placed.entries()) {
    // Renamed, released before, or asked to move a file onto itself: no source name to remove.
    // (A destination that is another name of the same file, left by an interrupted move, is released.)
    if (how === 'rename' || plan.released || plan.source === plan.dest) continue;
    try {
      hooks.beforeRelease?.(plan.source, i);
      // A copy is only as good as the source it was taken from: if the source changed since, keep it.
      if (how === 'copy' || (how === 'identical' && !plan.sameFile)) {
        const now = statSync(plan.source);
        if (now.size !== plan.stat.size || now.mtimeMs !== plan.stat.mtimeMs) {
          kept.push(`${plan.source} (changed while being moved)`);
          continue;
        }
      }
      unlinkSync(plan.source);
      dirs.add(dirname(plan.source));
    } catch (err) {
      kept.push(`${plan.source} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
    }
  }
  for (const dir of dirs) syncDirectory(dir);
  if (kept.length > 0)
    throw new IoError(`every file is in ${dirname(placed[0].plan.dest)}, but these sources could not be removed and are now in both places: ${kept.join(', ')}; check them and remove the originals`);
}

