/**
 * Versioned releases under <root>/vlass_<env>/ and the atomic switch between them.
 *
 *   releases/<version>-<commit>-<UTC stamp>/  vlass-jobs, <tool> -> vlass-jobs, MANIFEST.sha256
 *   releases/current  -> <release>            replaced by rename(2), never missing
 *   releases/previous -> <release>            what --rollback returns to
 *   sbin/<tool>       -> ../releases/current/<tool>
 *
 * A release is assembled and checked under a hidden ".partial-" name and only renamed to its
 * release name once every tool answers --version, so a failed deploy leaves no release behind
 * and never touches `current`.
 */
import { execFile } from 'node:child_process';
import { constants, copyFileSync, chmodSync, existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ExitCode, InputMissingError, JobError, OutputError, TemporaryError, fsError } from '../shared/errors.js';
import { readManifest, sha256File, versionString, type BuildManifest } from './manifest.js';
import { MANIFEST_FILE } from './paths.js';
import { readLinkIfAny, replaceSymlink } from './symlink.js';

const run = promisify(execFile);

export const ENVIRONMENTS = ['dev', 'test', 'prod'] as const;
export type Environment = (typeof ENVIRONMENTS)[number];
export const DEFAULT_ROOT = '/lustre/aoc/cluster/pipeline';
/** Releases kept on disk, current and previous included. */
export const KEEP_RELEASES = 3;
export const CHECKSUM_FILE = 'MANIFEST.sha256';
const RELEASE_NAME = /^.+-(\d{8}T\d{6}Z)$/;
const PARTIAL_PREFIX = '.partial-';

/** Exit 1: a check failed and the deploy was refused; nothing was switched. */
export class RefusedError extends JobError {
  constructor(message: string) {
    super(message, ExitCode.SUBJECT_FAILED);
  }
}

export interface DeployOptions {
  root: string;
  env: Environment;
  /** The build to install (build/dist). */
  distDir: string;
  dryRun?: boolean;
  /** Replace sbin/<tool> entries that are not our links. */
  force?: boolean;
  /** Releases to keep; KEEP_RELEASES unless a test says otherwise. */
  keep?: number;
  /** Clock for the release stamp (tests deploy several times a second). */
  now?: Date;
  /** Progress and plan lines. */
  say?: (line: string) => void;
}

interface Layout {
  base: string;
  releases: string;
  sbin: string;
  lock: string;
}

function layout(root: string, env: Environment): Layout {
  const base = join(root, `vlass_${env}`);
  return { base, releases: join(base, 'releases'), sbin: join(base, 'sbin'), lock: join(base, '.deploy.lock') };
}

/** 20250314T093000Z: sortable, and free of ':' which transfer lists and scp treat specially. */
export function releaseStamp(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/[-:]/g, '');
}

function sbinTarget(tool: string): string {
  return `../releases/current/${tool}`;
}

function requireRoot(root: string): void {
  let isDir = false;
  try {
    isDir = statSync(root).isDirectory();
  } catch {
    // reported below
  }
  // Never create the root itself: if /lustre is not mounted that would fill a local disk.
  if (!isDir) throw new OutputError(`--root ${root} does not exist or is not a directory; is the filesystem mounted?`);
}

/** The build in distDir, checked against its own manifest. */
async function loadBuild(distDir: string): Promise<BuildManifest> {
  if (!existsSync(join(distDir, MANIFEST_FILE))) throw new InputMissingError(`${join(distDir, MANIFEST_FILE)} not found; run npm run build first`);
  let manifest: BuildManifest;
  try {
    manifest = readManifest(distDir);
  } catch (err) {
    throw new InputMissingError(`${(err as Error).message.split('\n')[0]}; run npm run build first`);
  }
  const binary = join(distDir, manifest.binary);
  if (!existsSync(binary)) throw new InputMissingError(`${binary} not found; run npm run build first`);
  if ((sha256File(binary)) !== manifest.sha256)
    throw new InputMissingError(`${binary} does not match the sha256 in ${MANIFEST_FILE} (changed since the build); run npm run build first`);
  return manifest;
}

type SbinAction = 'ours' | 'create' | 'replace';

/** What each sbin/<tool> needs; refuses on anything that is not ours unless forced. */
function planSbin(sbin: string, tools: string[], force: boolean): Map<string, SbinAction> {
  const plan = new Map<string, SbinAction>();
  for (const tool of tools) {
    const path = join(sbin, tool);
    let st;
    try {
      st = lstatSync(path);
    } catch {
      plan.set(tool, 'create');
      continue;
    }
    if (st.isSymbolicLink() && readLinkIfAny(path) === sbinTarget(tool)) plan.set(tool, 'ours');
    else if (st.isDirectory()) throw new RefusedError(`${path} is a directory; move it away, it cannot become a link to ${sbinTarget(tool)}`);
    else if (force) plan.set(tool, 'replace');
    else {
      const what = st.isSymbolicLink() ? `a link to ${readLinkIfAny(path)}` : 'a regular file';
      throw new RefusedError(`${path} is ${what}, not created by deploy; remove it or pass --force to replace it`);
    }
  }
  return plan;
}

/** Release directories that pruning may consider: named like ours, and not current/previous. */
function releaseDirs(releases: string): string[] {
  if (!existsSync(releases)) return [];
  return readdirSync(releases).filter((name) => RELEASE_NAME.test(name) && lstatSync(join(releases, name)).isDirectory());
}

/** Oldest-first list of releases to delete so that at most `keep` remain. */
function planPrune(all: string[], pinned: (string | undefined)[], keep: number): string[] {
  const stamp = (name: string) => RELEASE_NAME.exec(name)?.[1] ?? '';
  const pins = new Set(pinned.filter((p): p is string => p !== undefined));
  const others = all.filter((n) => !pins.has(n)).sort((a, b) => stamp(b).localeCompare(stamp(a)) || b.localeCompare(a));
  const room = Math.max(0, keep - pins.size);
  return others.slice(room).reverse();
}

/** Holds <env>/.deploy.lock (mkdir is atomic on NFS and Lustre) while `work` runs. */
async function withLock<T>(lay: Layout, work: () => Promise<T>): Promise<T> {
  try {
    mkdirSync(lay.base, { recursive: true });
    mkdirSync(lay.lock);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST')
      throw new TemporaryError(`${lay.lock} exists: another deploy is running (see its "owner" file); if none is, remove the directory and retry`);
    throw fsError(err, lay.lock, 'writing');
  }
  try {
    writeFileSync(join(lay.lock, 'owner'), `${hostname()} pid ${process.pid} since ${new Date().toISOString()}\n`);
    return await work();
  } finally {
    rmSync(lay.lock, { recursive: true, force: true });
  }
}

/** Runs `<dir>/<name> --version` for each name with an empty environment. */
async function checkVersions(dir: string, names: string[], expected: string): Promise<void> {
  for (const name of names) {
    let answer: string;
    try {
      // env {}: no PATH, no NODE_OPTIONS; proves the binary needs no Node on the cluster node.
      const { stdout } = await run(join(dir, name), ['--version'], { env: {}, cwd: dir, timeout: 60_000 });
      answer = stdout.trim();
    } catch (err) {
      const e = err as { code?: number | string; stderr?: string };
      answer = `exit ${e.code}: ${(e.stderr ?? '').trim().split('\n')[0]}`;
    }
    if (answer !== expected) throw new RefusedError(`${name} --version answered "${answer}", expected "${expected}"; current release left unchanged`);
  }
}

/** Copies the build into `dir` and checks it there. */
async function assembleRelease(dir: string, distDir: string, manifest: BuildManifest): Promise<void> {
  mkdirSync(dir);
  const binary = join(dir, manifest.binary);
  copyFileSync(join(distDir, manifest.binary), binary, constants.COPYFILE_EXCL);
  chmodSync(binary, 0o755);
  const sha = sha256File(binary);
  if (sha !== manifest.sha256) throw new RefusedError(`copied ${binary} has sha256 ${sha}, ${MANIFEST_FILE} says ${manifest.sha256}; the copy is corrupt`);
  for (const tool of manifest.tools) symlinkSync(manifest.binary, join(dir, tool));
  // sha256sum format, so `sha256sum -c MANIFEST.sha256` checks the release by hand too.
  const lines = [manifest.binary, ...manifest.tools].map((name) => `${sha}  ${name}\n`);
  writeFileSync(join(dir, CHECKSUM_FILE), lines.join(''));
  await checkVersions(dir, [...manifest.tools, manifest.binary], versionString(manifest));
}

/** sbin links whose tool the current release does not have: reported, never removed. */
function danglingSbinLinks(lay: Layout): string[] {
  if (!existsSync(lay.sbin)) return [];
  return readdirSync(lay.sbin).filter((name) => {
    const path = join(lay.sbin, name);
    return lstatSync(path).isSymbolicLink() && readLinkIfAny(path) === sbinTarget(name) && !existsSync(path);
  });
}

/** releases/current or releases/previous; anything there that is not a symlink stops us. */
function readReleaseLink(lay: Layout, which: 'current' | 'previous'): string | undefined {
  try {
    return readLinkIfAny(join(lay.releases, which));
  } catch (err) {
    throw new RefusedError(`${(err as Error).message}; expected a symlink to a release, fix it by hand`);
  }
}

/** Called under the lock: refuses if another deploy switched `current` since we planned. */
function requireUnchanged(lay: Layout, planned: string | undefined): void {
  const now = readReleaseLink(lay, 'current');
  if (now !== planned) throw new TemporaryError(`releases/current changed to ${now} while planning; re-run to plan again`);
}

function removeRelease(path: string): void {
  rmSync(path, { recursive: true, force: true });
}

/** Installs distDir as a new release and makes it current. */
export async function deploy(options: DeployOptions): Promise<string> {
  const say = options.say ?? ((line: string) => console.log(line));
  const lay = layout(options.root, options.env);
  const keep = options.keep ?? KEEP_RELEASES;
  // A dry run shows the whole plan even where the real deploy would refuse, then says so.
  if (!options.dryRun) requireRoot(options.root);
  const manifest = await loadBuild(options.distDir);
  const name = `${manifest.version}-${manifest.commit}-${releaseStamp(options.now ?? new Date())}`;
  const current = readReleaseLink(lay, 'current');
  if (existsSync(join(lay.releases, name))) throw new OutputError(`${join(lay.releases, name)} already exists; retry in a second`);
  const sbinPlan = planSbin(lay.sbin, manifest.tools, options.force ?? false);
  const prune = planPrune([...releaseDirs(lay.releases), name], [name, current], keep);

  const verb = options.dryRun ? 'would' : 'will';
  say(`${verb} install ${options.distDir} (${versionString(manifest)}, sha256 ${manifest.sha256.slice(0, 16)}…) as ${join(lay.releases, name)}`);
  say(`${verb} check --version of ${[...manifest.tools, manifest.binary].join(', ')} with an empty environment`);
  say(`${verb} switch current: ${current ?? '(none)'} -> ${name}; previous -> ${current ?? '(unchanged)'}`);
  for (const [tool, action] of sbinPlan) if (action !== 'ours') say(`${verb} ${action} ${join(lay.sbin, tool)} -> ${sbinTarget(tool)}`);
  for (const old of prune) say(`${verb} prune ${join(lay.releases, old)}`);
  if (options.dryRun) {
    for (const dir of [lay.releases, lay.sbin]) if (!existsSync(dir)) say(`would create ${dir}`);
    say('dry run: nothing changed');
    requireRoot(options.root);
    return name;
  }

  await withLock(lay, async () => {
    requireUnchanged(lay, current);
    try {
      mkdirSync(lay.releases, { recursive: true });
      mkdirSync(lay.sbin, { recursive: true });
    } catch (err) {
      throw fsError(err, lay.base, 'writing');
    }
    // Under the lock, any partial release is a leftover of a deploy that was killed.
    for (const entry of readdirSync(lay.releases)) if (entry.startsWith(PARTIAL_PREFIX)) removeRelease(join(lay.releases, entry));

    const partial = join(lay.releases, PARTIAL_PREFIX + name);
    try {
      await assembleRelease(partial, options.distDir, manifest);
      renameSync(partial, join(lay.releases, name));
    } catch (err) {
      removeRelease(partial);
      throw err instanceof JobError ? err : fsError(err, partial, 'writing');
    }
    // previous first: a crash between the two renames leaves current intact.
    if (current) replaceSymlink(lay.releases, 'previous', current);
    replaceSymlink(lay.releases, 'current', name);
    say(`current -> ${name}`);
    for (const [tool, action] of sbinPlan) if (action !== 'ours') replaceSymlink(lay.sbin, tool, sbinTarget(tool));
    for (const old of prune) removeRelease(join(lay.releases, old));
  });
  for (const tool of danglingSbinLinks(lay)) say(`warning: ${join(lay.sbin, tool)} has no tool in the current release`);
  return name;
}

/** The sha256 recorded for `binary` in a release's MANIFEST.sha256. */
function recordedSha(releaseDir: string): { binary: string; sha: string } {
  const text = readFileSync(join(releaseDir, CHECKSUM_FILE), 'utf8');
  const first = /^([0-9a-f]{64}) [ *](.+)$/m.exec(text);
  if (!first) throw new RefusedError(`${join(releaseDir, CHECKSUM_FILE)} is not in sha256sum format`);
  return { sha: first[1], binary: first[2] };
}

/** Makes `previous` current again (and the current one previous, so a second rollback undoes it). */
export async function rollback(options: Omit<DeployOptions, 'distDir' | 'force' | 'keep' | 'now'>): Promise<string> {
  const say = options.say ?? ((line: string) => console.log(line));
  const lay = layout(options.root, options.env);
  requireRoot(options.root);
  const current = readReleaseLink(lay, 'current');
  const previous = readReleaseLink(lay, 'previous');
  if (!previous) throw new RefusedError(`no previous release in ${lay.releases}; nothing to roll back to`);
  const target = join(lay.releases, previous);
  if (!existsSync(target)) throw new RefusedError(`previous release ${target} is missing; nothing to roll back to`);
  const { binary, sha } = recordedSha(target);
  if ((sha256File(join(target, binary))) !== sha) throw new RefusedError(`${join(target, binary)} does not match its ${CHECKSUM_FILE}; not rolling back to it`);

  const verb = options.dryRun ? 'would' : 'will';
  say(`${verb} switch current: ${current ?? '(none)'} -> ${previous}; previous -> ${current ?? '(none)'}`);
  if (options.dryRun) {
    say('dry run: nothing changed');
    return previous;
  }
  await withLock(lay, async () => {
    requireUnchanged(lay, current);
    if (current) replaceSymlink(lay.releases, 'previous', current);
    replaceSymlink(lay.releases, 'current', previous);
  });
  say(`current -> ${previous}`);
  for (const tool of danglingSbinLinks(lay)) say(`warning: ${join(lay.sbin, tool)} has no tool in the current release`);
  return previous;
}
