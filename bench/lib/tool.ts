/**
 * The job executable as the benchmarks run it: tools/main.ts bundled as the build bundles it
 * (version, commit and CAPO defaults baked in), run with plain node; the plotting bundle beside it.
 */
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { bundle, bundlePlotting } from '../../build/bundle.js';
import { PLOTTING_ASSET } from '../../shared/report/vega.js';
import { COMMIT, VERSION, readCapoDirectory } from '../../shared/buildinfo.js';

/** Bundles the tools into `outfile` (default bench/out/vlass-jobs.cjs) and returns its path. */
export async function bundleJobs(outfile = join('bench', 'out', 'vlass-jobs.cjs')): Promise<string> {
  mkdirSync(dirname(outfile), { recursive: true });
  await bundle({ entry: 'tools/main.ts', outfile, version: VERSION, commit: COMMIT, capoFiles: readCapoDirectory() });
  // The report pages' plotting bundle, where the plain bundle looks for it (shared/report/vega.ts).
  await bundlePlotting(join(dirname(outfile), PLOTTING_ASSET));
  return outfile;
}
