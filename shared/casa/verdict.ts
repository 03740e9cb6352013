/**
 * The one standard answer to "did CASA succeed?" for a job's working directory.
 *
 * Rules, in this order, each reported with its evidence:
 *   1 killed      the job was killed by a signal or never ran (DAGMan's negative $RETURN)
 *   2 errorexit   the pipeline wrote an errorexit-*.txt marker (workdir or products/)
 *   3 severe      SEVERE log lines (see tasks.ts for fatal / recovered / allowed)
 *   4 products    every image in pipeline_manifest.xml and every --expect glob exists, non-empty
 *   5 exit-status a non-zero exit status is overridden only when products were verified
 *   6 no-log      no CASA log at all: CASA never started
 * The verdict is "failure" when any rule gives a fatal reason.
 */
import { existsSync, statSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { globSync } from 'tinyglobby';
import { JobError } from '../errors.js';
import { readPipelineStages } from './commands.js';
import { scanCasaLog, type CasaLogSummary } from './logscan.js';
import { readPipelineManifest } from './manifest.js';
import { SevereTracker, type Reason, type SeverePolicy, type TaskCounts } from './tasks.js';

export type { Reason };

export interface VerdictOptions {
  workdir: string;
  /** DAGMan's $RETURN; undefined when not given. */
  exitCode?: number;
  /** Globs relative to the workdir that must match non-empty files. */
  expect: string[];
  policy: SeverePolicy;
  /** Glob for CASA logs, relative to the workdir. */
  logGlob: string;
}

export interface CasaVerdict {
  verdict: 'success' | 'failure';
  workdir: string;
  reasons: Reason[];
  counts: { fatal: number; warning: number };
  logs: CasaLogSummary[];
  exitCode: number | null;
  tasks: Record<string, TaskCounts>;
  /** Pipeline stages recorded in casa_commands.log, in order (empty when absent). */
  pipelineStages: string[];
  /** Products checked under rule 4. */
  products: { path: string; source: string; bytes: number | null }[];
}

const RULE_ORDER = ['killed', 'errorexit', 'severe', 'products', 'exit-status', 'no-log'];

/** DAGMan's special $RETURN values (HTCondor manual, "POST scripts"). */
const DAGMAN_SPECIAL: Record<number, string> = {
  [-1001]: 'the job failed to submit (DAGMan $RETURN -1001)',
  [-1002]: 'the job was removed or aborted before it finished (DAGMan $RETURN -1002)',
  [-1004]: 'the PRE script failed, so the job never ran (DAGMan $RETURN -1004)',
};

export async function judgeCasaRun(options: VerdictOptions): Promise<CasaVerdict> {
  const { workdir } = options;
  const reasons: Reason[] = [];
  const counts = { fatal: 0, warning: 0 };
  const add = (r: Reason) => {
    reasons.push(r);
    counts[r.severity]++;
  };

  // Rule 1: killed or never ran.
  const code = options.exitCode;
  if (code !== undefined && code < 0) {
    const message = DAGMAN_SPECIAL[code] ?? (code <= -1000 ? `DAGMan reports the job did not complete ($RETURN ${code})` : `the job was killed by signal ${-code}`);
    add({ rule: 'killed', severity: 'fatal', message });
  }

  // Rule 2: errorexit markers.
  for (const marker of globSync(['errorexit-*.txt', 'products/errorexit-*.txt'], { cwd: workdir, onlyFiles: true }).sort()) {
    add({ rule: 'errorexit', severity: 'fatal', message: `the pipeline wrote the failure marker ${marker}`, file: join(workdir, marker) });
  }

  // Rule 3: SEVERE lines, one tracker per log (MPI runs write one log per process).
  const logFiles = globSync(options.logGlob, { cwd: workdir, onlyFiles: true }).sort();
  const logs: CasaLogSummary[] = [];
  const tasks: Record<string, TaskCounts> = {};
  for (const name of logFiles) {
    const file = join(workdir, name);
    const tracker = new SevereTracker(file, options.policy);
    logs.push(await scanCasaLog(file, (rec) => tracker.onRecord(rec)));
    tracker.finish();
    reasons.push(...tracker.reasons);
    counts.fatal += tracker.counts.fatal;
    counts.warning += tracker.counts.warning;
    for (const [task, c] of Object.entries(tracker.tasks)) {
      const total = (tasks[task] ??= { runs: 0, failed: 0 });
      total.runs += c.runs;
      total.failed += c.failed;
    }
  }

  // Rule 4: products.
  const products = await checkProducts(workdir, options.expect, add);

  // Rule 5: exit status.
  if (code !== undefined && code > 0) {
    const earlierFatal = counts.fatal > 0;
    if (products.length > 0 && !earlierFatal)
      add({ rule: 'exit-status', severity: 'warning', message: `exit status ${code} overridden by evidence: no failure in the logs and ${products.length} product(s) verified` });
    else if (products.length === 0)
      add({ rule: 'exit-status', severity: 'fatal', message: `exit status ${code} and nothing to verify (no pipeline_manifest.xml images, no expected products)` });
    else add({ rule: 'exit-status', severity: 'fatal', message: `exit status ${code}, and the evidence above confirms the failure` });
  }

  // Rule 6: CASA never started.
  if (logFiles.length === 0) add({ rule: 'no-log', severity: 'fatal', message: `CASA never started: no log matching ${options.logGlob} in ${workdir}` });

  const commandsLog = join(workdir, 'casa_commands.log');
  const pipelineStages = existsSync(commandsLog) ? readPipelineStages(commandsLog) : [];

  reasons.sort((a, b) => RULE_ORDER.indexOf(a.rule) - RULE_ORDER.indexOf(b.rule) || (a.file ?? '').localeCompare(b.file ?? '') || (a.line ?? 0) - (b.line ?? 0));
  return {
    verdict: counts.fatal > 0 ? 'failure' : 'success',
    workdir,
    reasons,
    counts,
    logs,
    exitCode: code ?? null,
    tasks,
    pipelineStages,
    products,
  };
}

/** Rule 4; returns the products checked (each also reported as a reason when bad). */
async function checkProducts(workdir: string, expect: string[], add: (r: Reason) => void): Promise<CasaVerdict['products']> {
  const checked: CasaVerdict['products'] = [];
  const check = (path: string, source: string) => {
    let bytes: number | null = null;
    try {
      const st = statSync(path);
      bytes = st.isDirectory() ? directoryIsNonEmpty(path) : st.size;
    } catch {
      bytes = null;
    }
    checked.push({ path, source, bytes });
    if (bytes === null) add({ rule: 'products', severity: 'fatal', message: `product ${relative(workdir, path)} listed in ${source} does not exist`, file: path });
    else if (bytes === 0) add({ rule: 'products', severity: 'fatal', message: `product ${relative(workdir, path)} listed in ${source} is empty`, file: path });
  };

  for (const manifestPath of globSync(['pipeline_manifest.xml', 'products/pipeline_manifest.xml'], { cwd: workdir, onlyFiles: true }).sort()) {
    const file = join(workdir, manifestPath);
    try {
      const manifest = await readPipelineManifest(file);
      for (const image of manifest.images) check(locateProduct(workdir, dirname(file), image.name), basename(file));
    } catch (err) {
      if (!(err instanceof JobError)) throw err;
      add({ rule: 'products', severity: 'fatal', message: `cannot verify products: ${err.message}`, file });
    }
  }
  for (const pattern of expect) {
    const matches = globSync(pattern, { cwd: workdir, onlyFiles: false, expandDirectories: false }).sort();
    if (matches.length === 0) {
      add({ rule: 'products', severity: 'fatal', message: `expected product ${pattern} not found in ${workdir}` });
      continue;
    }
    for (const m of matches) check(join(workdir, m), `--expect ${pattern}`);
  }
  return checked;
}

/** Images are exported beside the manifest (products/) or in the workdir; prefer whichever exists. */
function locateProduct(workdir: string, manifestDir: string, name: string): string {
  const candidates = [join(manifestDir, name), join(workdir, 'products', name), join(workdir, name)];
  return candidates.find((p) => existsSync(p)) ?? candidates[0];
}

/** A CASA image is a directory (a casacore table); it counts as non-empty when it has entries. */
function directoryIsNonEmpty(path: string): number {
  return globSync('*', { cwd: path, onlyFiles: false, dot: true }).length;
}
