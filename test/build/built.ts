/**
 * Test helper: a current build of the binary, made at most once per change of the sources.
 *
 * Test files run in parallel workers and the checkout is shared, so the rebuild check runs
 * under a lock directory; tests then work on their own copy of the build, which a concurrent
 * `npm run build` cannot change under them.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { distStaleReason } from '../../build/freshness.js';
import { MANIFEST_FILE, DIST_DIR, REPO_ROOT, WORK_DIR } from '../../build/paths.js';
import { readManifest, sha256File, type BuildManifest } from '../../build/manifest.js';

const LOCK = join(WORK_DIR, 'test-build.lock');
/** A build takes ~6 s; a lock this old belongs to a test run that was killed. */
const LOCK_STALE_MS = 120_000;

async function lock(): Promise<void> {
  mkdirSync(WORK_DIR, { recursive: true });
  const deadline = Date.now() + 280_000;
  for (;;) {
    try {
      mkdirSync(LOCK);
      return;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    try {
      if (Date.now() - statSync(LOCK).mtimeMs > LOCK_STALE_MS) rmSync(LOCK, { recursive: true, force: true });
    } catch {
      // released meanwhile
    }
    if (Date.now() > deadline) throw new Error(`${LOCK} held for too long`);
    await sleep(250);
  }
}

/** Runs `npm run build` if build/dist is missing or older than the sources. */
export async function ensureBuilt(): Promise<BuildManifest> {
  await lock();
  try {
    const reason = distStaleReason();
    if (reason) {
      const r = spawnSync(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'build', 'build.ts')], { cwd: REPO_ROOT, encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`build failed (rebuilding because ${reason}): ${r.stderr || r.stdout}`);
    }
    return readManifest(DIST_DIR);
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
}

/**
 * Copies the current build into `dest` (binary, a link per tool, MANIFEST.json) and checks
 * the copy against the manifest.
 */
export async function copyBuild(dest: string): Promise<BuildManifest> {
  const manifest = await ensureBuilt();
  mkdirSync(dest, { recursive: true });
  copyFileSync(join(DIST_DIR, manifest.binary), join(dest, manifest.binary));
  const sha = await sha256File(join(dest, manifest.binary));
  if (sha !== manifest.sha256) throw new Error('build/dist changed while it was copied (a concurrent build?); re-run the tests');
  for (const tool of manifest.tools) symlinkSync(manifest.binary, join(dest, tool));
  writeFileSync(join(dest, MANIFEST_FILE), JSON.stringify(manifest, null, 2));
  return manifest;
}
