/**
 * Runs the side-by-side benchmarks and writes their reports to bench/results/<name>.md.
 * Usage: npm run bench [-- <name> ...] [-- --runs N]   (names: see BENCHMARKS)
 * Full-size inputs are generated on first use under bench/out/ (not committed).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { benchCasaVerdict } from './casa-verdict.bench.js';
import { benchImageStats } from './image-stats.bench.js';
import { benchCubeQa } from './cube-qa.bench.js';
import { benchSources } from './sources.bench.js';
import { benchCubeCatalog } from './cube-catalog.bench.js';
import { benchCubeAccuracy } from './cube-accuracy.bench.js';
import { benchPybdsf } from './pybdsf.bench.js';
import { benchAnnotateQa } from './annotate-qa.bench.js';
import { benchEvents } from './events.bench.js';
import { benchSplit } from './split.bench.js';
import { benchStartup } from './startup.bench.js';
import { benchScaling } from './scaling.bench.js';

const BENCHMARKS: Record<string, (runs: number) => Promise<string>> = {
  'casa-verdict': benchCasaVerdict,
  'image-stats': benchImageStats,
  'annotate-qa': benchAnnotateQa,
  startup: benchStartup,
  scaling: benchScaling,
  'cube-qa': benchCubeQa,
  sources: benchSources,
  'cube-catalog': benchCubeCatalog,
  'cube-accuracy': benchCubeAccuracy,
  pybdsf: benchPybdsf,
  events: benchEvents,
  split: benchSplit,
};

const args = process.argv.slice(2);
const runsAt = args.indexOf('--runs');
const runs = runsAt >= 0 ? Number(args[runsAt + 1]) : 5;
const names = args.filter((a, i) => !a.startsWith('--') && (runsAt < 0 || i !== runsAt + 1));
const selected = names.length ? names : Object.keys(BENCHMARKS);
mkdirSync(join('bench', 'results'), { recursive: true });
for (const name of selected) {
  const bench = BENCHMARKS[name];
  if (!bench) {
    console.error(`unknown benchmark ${name}; choose from ${Object.keys(BENCHMARKS).join(', ')}`);
    process.exit(64);
  }
  const report = await bench(runs);
  writeFileSync(join('bench', 'results', `${name}.md`), report);
  console.log(report);
}
