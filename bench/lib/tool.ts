/**
 * The job executable as the benchmarks run it: tools/main.ts bundled as the build bundles it
 * (version, commit and CAPO defaults baked in), run with plain node.
 */
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { bundle } from '../../build/bundle.js';
import { COMMIT, VERSION, readCapoDirectory } from '../../shared/buildinfo.js';

/** Bundles the tools into `outfile` (default bench/out/vlass-jobs.cjs) and returns its path. */
export async function bundleJobs(outfile = join('bench', 'out', 'vlass-jobs.cjs')): Promise<string> {
  mkdirSync(dirname(outfile), { recursive: true });
  await bundle({ entry: 'tools/main.ts', outfile, version: VERSION, commit: COMMIT, capoFiles: readCapoDirectory() });
  return outfile;
}
