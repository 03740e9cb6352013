/**
 * Node single executable application: the bundle is turned into a blob by the running Node
 * and injected into a copy of that same Node binary, so the result runs on a node with no
 * Node.js installed and needs no network at build time.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { BUNDLE_ASSET } from '../shared/cli/supervise.js';

/** Fixed by Node: the marker the binary checks to know a blob was injected. */
const SEA_FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';

export interface SeaOptions {
  /** The CommonJS bundle. */
  script: string;
  /** Scratch directory for the blob, config and the binary before it is moved into dist. */
  workDir: string;
  /** Path of the finished executable. */
  output: string;
  /** More assets: name -> file (the plotting bundle). */
  assets?: Record<string, string>;
}

export interface SeaResult {
  output: string;
  stripped: boolean;
}

function run(cmd: string, args: string[]): void {
  execFileSync(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
}

function hasStrip(): boolean {
  try {
    execFileSync('strip', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * Builds the executable at `output`. The Node binary is stripped first when `strip` exists
 * (its symbol table is ~12 MB of the ~99 MB and is never needed on a cluster node); the
 * stripped copy is checked to still start before anything is injected into it.
 */
export function makeSeaExecutable(options: SeaOptions): SeaResult {
  const blob = join(options.workDir, 'sea-prep.blob');
  const config = join(options.workDir, 'sea-config.json');
  writeFileSync(
    config,
    JSON.stringify({
      main: options.script,
      output: blob,
      disableExperimentalSEAWarning: true,
      // Precompiled V8 code for the bundle: measurably faster start-up. Safe because the
      // blob is only ever injected into the very Node binary that produced it.
      useCodeCache: true,
      // The bundle again, as text: each tool runs on a worker thread evaluated from it, so
      // the main thread stays free for signals (shared/cli/supervise.ts).
      assets: { [BUNDLE_ASSET]: options.script, ...options.assets },
    }),
  );
  run(process.execPath, ['--experimental-sea-config', config]);

  rmSync(options.output, { force: true });
  copyFileSync(process.execPath, options.output);
  chmodSync(options.output, 0o755);
  let stripped = false;
  if (hasStrip()) {
    run('strip', [options.output]);
    run(options.output, ['-e', '0']);
    stripped = true;
  }

  const postjectCli = createRequire(import.meta.url).resolve('postject/dist/cli.js');
  run(process.execPath, [postjectCli, options.output, 'NODE_SEA_BLOB', blob, '--sentinel-fuse', SEA_FUSE]);
  return { output: options.output, stripped };
}
