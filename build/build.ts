/**
 * `npm run build`: bundle tools/main.ts, make one Node single executable `build/dist/vlass-jobs`,
 * link every tool name to it (busybox style; see build/README.md), write MANIFEST.json.
 *
 * Files in build/dist are replaced by rename, so a concurrent reader (a test, a deploy) sees
 * the old or the new binary, never a partial one. MANIFEST.json is written last.
 */
import { execFileSync } from 'node:child_process';
import { lstatSync, mkdirSync, readFileSync, readdirSync, readlinkSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { readCapoDirectory } from '../shared/buildinfo.js';
import { readDagTemplates } from '../shared/dag/templates.js';
import { writeFileAtomic } from '../shared/io/atomic.js';
import { TOOL_NAMES } from '../tools/registry.js';
import { bundle, bundlePlotting } from './bundle.js';
import { PLOTTING_ASSET } from '../shared/report/vega.js';
import { buildCommit } from './git.js';
import { sha256File, versionString, type BuildManifest } from './manifest.js';
import { BINARY_NAME, DIST_DIR, ENTRY, MANIFEST_FILE, REPO_ROOT, WORK_DIR } from './paths.js';
import { bundledPackages } from './packages.js';
import { makeSeaExecutable } from './sea.js';
import { replaceSymlink } from './symlink.js';

function elapsed(start: number): string {
  return `${((performance.now() - start) / 1000).toFixed(1)} s`;
}

/** Removes links left by tools that no longer exist (only links to the binary: nothing else). */
function removeStaleLinks(keep: Set<string>): string[] {
  const removed: string[] = [];
  for (const name of readdirSync(DIST_DIR)) {
    const path = join(DIST_DIR, name);
    if (keep.has(name) || !lstatSync(path).isSymbolicLink() || readlinkSync(path) !== BINARY_NAME) continue;
    rmSync(path);
    removed.push(name);
  }
  return removed;
}

async function main(): Promise<void> {
  const start = performance.now();
  const version = (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
  const commit = buildCommit(REPO_ROOT);
  mkdirSync(WORK_DIR, { recursive: true });
  mkdirSync(DIST_DIR, { recursive: true });

  const script = join(WORK_DIR, `${BINARY_NAME}.cjs`);
  const metafile = await bundle({ entry: ENTRY, outfile: script, version, commit, capoFiles: readCapoDirectory(join(REPO_ROOT, 'capo')), dagTemplates: readDagTemplates(join(REPO_ROOT, 'dags')) });
  console.log(`bundled ${script} (${(statSync(script).size / 1024).toFixed(0)} KiB) in ${elapsed(start)}`);
  // Beside the bundle, where a plain `node vlass-jobs.cjs` finds it too.
  const plots = join(WORK_DIR, PLOTTING_ASSET);
  const plotsMetafile = await bundlePlotting(plots);
  console.log(`bundled ${plots} (${(statSync(plots).size / 1024).toFixed(0)} KiB) in ${elapsed(start)}`);

  // Built beside dist (same filesystem) so the final move is a rename.
  const staged = join(DIST_DIR, `.${BINARY_NAME}.tmp-${process.pid}`);
  try {
    const sea = makeSeaExecutable({ script, workDir: WORK_DIR, output: staged, assets: { [PLOTTING_ASSET]: plots } });
    const expected = versionString({ version, commit });
    const answered = execFileSync(staged, ['--version'], { encoding: 'utf8', env: {} }).trim();
    if (answered !== expected) throw new Error(`built binary answers --version with "${answered}", expected "${expected}"`);
    renameSync(staged, join(DIST_DIR, BINARY_NAME));
    console.log(`executable ${sea.stripped ? '(stripped) ' : ''}in ${elapsed(start)}`);
  } finally {
    rmSync(staged, { force: true });
  }

  for (const tool of TOOL_NAMES) replaceSymlink(DIST_DIR, tool, BINARY_NAME);
  const removed = removeStaleLinks(new Set(TOOL_NAMES));
  if (removed.length) console.log(`removed links of tools no longer built: ${removed.join(', ')}`);

  const binary = join(DIST_DIR, BINARY_NAME);
  const manifest: BuildManifest = {
    version,
    commit,
    builtAt: new Date().toISOString(),
    node: process.version,
    tools: [...TOOL_NAMES],
    binary: BINARY_NAME,
    sha256: sha256File(binary),
    size: statSync(binary).size,
    packages: bundledPackages(metafile, plotsMetafile),
  };
  writeFileAtomic(join(DIST_DIR, MANIFEST_FILE), JSON.stringify(manifest, null, 2) + '\n');
  console.log(
    `built ${binary} ${versionString(manifest)}, ${(manifest.size / 1e6).toFixed(1)} MB, tools: ${manifest.tools.join(', ')} in ${elapsed(start)}`,
  );
}

main().catch((err: unknown) => {
  const e = err as Error & { stderr?: Buffer | string };
  const detail = e.stderr ? `: ${String(e.stderr).trim().split('\n').slice(-3).join(' | ')}` : '';
  console.error(`build: ${e.message.split('\n')[0]}${detail}`);
  process.exitCode = 1;
});
