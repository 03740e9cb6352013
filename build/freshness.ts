/**
 * Whether build/dist still matches the checkout: used by deploy (to warn) and by the tests
 * (to rebuild only when needed, keeping the suite fast).
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { buildCommit } from './git.js';
import { readManifest } from './manifest.js';
import { DIST_DIR, MANIFEST_FILE, REPO_ROOT, SOURCE_PATHS, WORK_DIR } from './paths.js';

/** Newest modification time under `path`, skipping the build's own outputs. */
function newestMtime(path: string): number {
  if (path === DIST_DIR || path === WORK_DIR || !existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs; // a deleted file shows only as a directory change
  for (const name of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, name)));
  return newest;
}

/** Why build/dist must be rebuilt, or undefined when it is up to date. */
export function distStaleReason(root = REPO_ROOT, dist = DIST_DIR): string | undefined {
  const manifestPath = join(dist, MANIFEST_FILE);
  if (!existsSync(manifestPath)) return `${manifestPath} does not exist`;
  let manifest;
  try {
    manifest = readManifest(dist);
  } catch (err) {
    return (err as Error).message;
  }
  if (!existsSync(join(dist, manifest.binary))) return `${join(dist, manifest.binary)} is missing`;
  if (manifest.node !== process.version) return `built with Node ${manifest.node}, this is ${process.version}`;
  let commit: string;
  try {
    commit = buildCommit(root);
  } catch (err) {
    return (err as Error).message;
  }
  if (manifest.commit !== commit) return `built from ${manifest.commit}, the checkout is at ${commit}`;
  const builtAt = statSync(manifestPath).mtimeMs;
  const changed = SOURCE_PATHS.find((p) => newestMtime(join(root, p)) > builtAt);
  return changed ? `${changed} changed after the build` : undefined;
}
