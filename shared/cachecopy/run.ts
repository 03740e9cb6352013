/**
 * Copying products into the image cache as the manager names them (image_caching, redesigned:
 * nothing is guessed from directory names). For each file: copy under a temporary name beside
 * its destination, taking the source's sha256 as it is read; check it against the checksum the
 * manager gave, when it gave one; verify the copy's size and sha256; then rename into place
 * (the temporary is removed on any failure). A manifest of what is in
 * the cache is written last, atomically. A kill at any moment leaves each file either absent or
 * complete; a re-run skips files already verified (same size and sha256).
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { DataError, InputMissingError, OutputError } from '../errors.js';
import { AtomicFile, writeFileAtomic } from '../io/atomic.js';
import { copyWithSha256, sha256File } from '../io/hash.js';

export const MANIFEST = 'cache-manifest.json';

export interface CopyRequest {
  /** Absolute source path. */
  source: string;
  /** The name in the cache directory (a plain file name: no directories). */
  name: string;
  /** The checksum the manager expects, when it knows it. */
  sha256?: string;
}

export interface CopyPlan {
  destination: string;
  files: CopyRequest[];
}

export interface CopiedFile {
  name: string;
  source: string;
  bytes: number;
  sha256: string;
  state: 'copied' | 'already cached';
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._+-]{0,254}$/;

/**
 * Reads the files to cache (a JSON array of {source, name, sha256?}) and checks them with the
 * destination: absolute paths without "..", plain names, hex checksums; every problem at once.
 */
export function readCopyPlan(filesJson: string, destination: string): CopyPlan {
  let files: CopyRequest[];
  try {
    files = JSON.parse(readFileSync(filesJson, 'utf8')) as CopyRequest[];
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new InputMissingError(`--files ${filesJson}: not found`);
    throw new DataError(`--files ${filesJson}: not JSON (${(err as Error).message}); see docs/cache-products.md`);
  }
  const problems: string[] = [];
  if (!isAbsolute(destination) || destination.split('/').includes('..') || /[\0\n]/.test(destination)) problems.push(`--destination ${destination} must be an absolute path without ".."`);
  if (!Array.isArray(files) || files.length === 0) problems.push('the files must be a list of at least one {source, name}');
  const names = new Set<string>();
  (Array.isArray(files) ? files : []).forEach((f, i) => {
    if (typeof f?.source !== 'string' || !isAbsolute(f.source) || f.source.split('/').includes('..') || /[\0\n]/.test(f.source)) problems.push(`[${i}].source must be an absolute path without ".."`);
    if (typeof f?.name !== 'string' || !NAME.test(f.name)) problems.push(`[${i}].name must be a plain file name (letters, digits, . _ + -), not ${JSON.stringify(f?.name)}`);
    else if (names.has(f.name)) problems.push(`[${i}].name ${f.name} is listed twice`);
    else names.add(f.name);
    if (f?.sha256 !== undefined && !/^[0-9a-f]{64}$/.test(f.sha256)) problems.push(`[${i}].sha256 must be 64 lower-case hex digits`);
    if (f?.name === MANIFEST) problems.push(`[${i}].name ${MANIFEST} is the cache's own manifest`);
  });
  if (problems.length) throw new DataError(`${filesJson}: ${problems.join('; ')}`);
  return { destination, files };
}

export interface CopyProgress {
  file(name: string, state: 'started' | 'done', detail?: string): void;
}

export function cacheProducts(plan: CopyPlan, progress: CopyProgress): CopiedFile[] {
  const dest = resolve(plan.destination);
  if (!existsSync(dest) || !statSync(dest).isDirectory()) throw new OutputError(`${dest}: the cache directory does not exist; the manager creates it`);
  // Every source is checked before anything is copied: a missing one fails the request whole.
  for (const f of plan.files) {
    if (!existsSync(f.source) || !statSync(f.source).isFile()) throw new InputMissingError(`${f.source}: not found or not a file`);
  }
  const done: CopiedFile[] = [];
  for (const f of plan.files) {
    progress.file(f.name, 'started');
    const target = join(dest, f.name);
    const bytes = statSync(f.source).size;
    const expectChecksum = (sourceSha: string) => {
      if (f.sha256 && f.sha256 !== sourceSha) throw new DataError(`${f.source}: sha256 ${sourceSha} is not the ${f.sha256} the manager expects; nothing of it was cached`);
    };
    if (existsSync(target) && statSync(target).size === bytes) {
      const sourceSha = sha256File(f.source);
      expectChecksum(sourceSha);
      if (sha256File(target) === sourceSha) {
        done.push({ name: f.name, source: f.source, bytes, sha256: sourceSha, state: 'already cached' });
        progress.file(f.name, 'done', 'already cached');
        continue;
      }
    }
    // The source is read once: its checksum is taken as it is copied, the copy's read back.
    const copy = new AtomicFile(target);
    let sourceSha: string;
    try {
      sourceSha = copyWithSha256(f.source, copy);
      expectChecksum(sourceSha);
      const written = statSync(copy.tmpPath).size;
      const copySha = sha256File(copy.tmpPath);
      if (written !== bytes || copySha !== sourceSha) throw new DataError(`${target}: the copy does not match its source (${written} bytes, sha256 ${copySha}; source ${bytes} bytes, ${sourceSha}); nothing was cached`);
      copy.commit();
    } catch (err) {
      copy.abort();
      throw err;
    }
    done.push({ name: f.name, source: f.source, bytes, sha256: sourceSha, state: 'copied' });
    progress.file(f.name, 'done', `${bytes} bytes`);
  }
  // The manifest lists what is in the cache now: earlier entries kept, this request's replaced.
  const manifestPath = join(dest, MANIFEST);
  let previous: CopiedFile[] = [];
  try {
    previous = (JSON.parse(readFileSync(manifestPath, 'utf8')) as { files: CopiedFile[] }).files ?? [];
  } catch {
    // first request for this directory
  }
  const byName = new Map(previous.map((f) => [f.name, f]));
  for (const f of done) byName.set(f.name, { ...f, state: 'copied' });
  writeFileAtomic(manifestPath, JSON.stringify({ destination: dest, files: [...byName.values()].sort((a, b) => a.name.localeCompare(b.name)).map(({ state: _, ...rest }) => rest) }, null, 2) + '\n');
  return done;
}
