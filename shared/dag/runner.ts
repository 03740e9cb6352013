/**
 * A local DAG runner with DAGMan's semantics for the directives our templates use, for
 * development and tests on machines without HTCondor (production submits with
 * condor_submit_dag). It writes what DAGMan writes, in DAGMan's formats: the NODE_STATUS_FILE
 * and JOBSTATE_LOG the DAG names, `<dag>.dagman.out`, and on failure `<dag>.rescueNNN`; a second
 * run resumes from the newest rescue file, as a resubmitted DAG does.
 *
 * Semantics (HTCondor manual; ../reference/casa-capo-htcondor.md):
 * - a node is PRE script, job, POST script; the last part that ran decides the node; a failed
 *   PRE skips the job and the POST (PRE_SKIP's exit code marks the node done instead);
 * - script arguments `$JOB $RETRY $MAX_RETRIES $RETURN $PRE_SCRIPT_RETURN $DAG_STATUS
 *   $FAILED_COUNT $JOBID` are substituted only when they stand as a whole argument;
 * - RETRY reruns PRE, job and POST unless the node's exit value is the UNLESS-EXIT value;
 *   ABORT-DAG-ON wins over retries, stops the DAG, and its RETURN value is the DAG's exit;
 * - independent nodes run in parallel up to maxJobs; descendants of a failed node are futile;
 * - the FINAL node runs last, whatever happened, with $DAG_STATUS; its result decides the DAG;
 * - the job's submit file: executable, arguments, environment (getenv), input, output,
 *   error, initialdir, with $(macro) from VARS, $(JOB), $(RETRY) and the file itself. Jobs run
 *   in place (file transfer is the cluster's business; lint checks it).
 */
import { spawn } from 'node:child_process';
import { appendFileSync, closeSync, existsSync, mkdirSync, openSync, readFileSync, readdirSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { DataError } from '../errors.js';
import { forgetChild, trackChild, writeFileAtomic } from '../io/atomic.js';
import type { Logger } from '../log.js';
import { parseDag, type Dag, type DagNode, type DagScript } from './dagfile.js';
import { formatJobstateLine, formatNodeStatusFile, formatRescue, parseRescue, type JobstateEvent, type NodeStatusAd, type NodeStatusName } from './statusfiles.js';
import { nodeSubmitValues, parseEnvironment, parseSubmit, splitArguments } from './submitfile.js';

/** $DAG_STATUS values (not the status file's DagStatus). */
export const DAG_STATUS = { OK: 0, ERROR: 1, NODE_FAILED: 2, ABORTED: 3, REMOVED: 4 } as const;

export interface RunDagOptions {
  dagFile: string;
  maxJobs: number;
  /** Start afresh, ignoring rescue files. */
  force: boolean;
  log: Logger;
  /** Aborted on SIGTERM/SIGINT: running jobs are killed, the rescue file written. */
  interrupted?: AbortSignal;
  /** Told of every node state change (vlass-dag run reports stages and events from it). */
  onNodeChange?(node: string, status: NodeStatusName, detail: string): void;
}

export interface NodeOutcome {
  status: NodeStatusName;
  details: string;
  retries: number;
  exitValue?: number;
}

export interface RunDagResult {
  /** The DAG's exit code: 0 success, 1 failure, an ABORT-DAG-ON RETURN value, or 130/143. */
  exitCode: number;
  dagStatus: number;
  nodes: Record<string, NodeOutcome>;
  rescueFile?: string;
  resumedFrom?: string;
}

interface NodeState extends NodeOutcome {
  started: boolean;
}

/** `<dag>.rescueNNN` files beside the DAG, newest last. */
export function rescueFiles(dagFile: string): string[] {
  const dir = dirname(dagFile);
  const base = basename(dagFile);
  return readdirSync(dir)
    .filter((f) => f.startsWith(`${base}.rescue`) && /\.rescue\d{3}$/.test(f))
    .sort()
    .map((f) => join(dir, f));
}

export async function runDag(options: RunDagOptions): Promise<RunDagResult> {
  const dagFile = resolve(options.dagFile);
  const dag = parseDag(readFileSync(dagFile, 'utf8'), dagFile);
  const subdag = [...dag.nodes.values()].find((n) => n.kind === 'subdag');
  if (subdag) throw new DataError(`${dagFile}:${subdag.line}: SUBDAG EXTERNAL ${subdag.name}: the local runner does not run nested DAGs; run it on the cluster with condor_submit_dag`);
  const base = dirname(dagFile);
  const at = (file: string) => (isAbsolute(file) ? file : join(base, file));
  const state = new Map<string, NodeState>();
  for (const n of dag.nodes.values()) if (n.kind !== 'service') state.set(n.name, { status: 'NOT_READY', details: '', retries: 0, started: false });

  const previous = options.force ? [] : rescueFiles(dagFile);
  const resumedFrom = previous.at(-1);
  if (resumedFrom) {
    for (const name of parseRescue(readFileSync(resumedFrom, 'utf8'), resumedFrom).done) {
      const s = state.get(name);
      if (!s) throw new DataError(`${resumedFrom}: marks node "${name}" DONE, but ${dagFile} has no such node; remove the rescue file or run with --force`);
      s.status = 'DONE';
      s.details = 'done in an earlier run (rescue DAG)';
    }
    options.log.info({ rescue: resumedFrom }, `resuming from ${resumedFrom}`);
  }

  let condorCluster = 1;
  const jobstate = (e: Omit<JobstateEvent, 'time'>) => {
    if (dag.jobstateLog) appendFileSync(at(dag.jobstateLog.file), formatJobstateLine({ time: Math.floor(Date.now() / 1000), ...e }) + '\n');
  };
  const dagmanOut = (text: string) => appendFileSync(`${dagFile}.dagman.out`, `${dagmanTime()} ${text}\n`);
  const statusAds = (): NodeStatusAd[] => [...state.entries()].map(([node, s]) => ({ node, status: s.status, details: s.details, retryCount: s.retries }));
  const writeStatus = (dagStatus: 3 | 5 | 6, finished: boolean) => {
    if (dag.nodeStatusFile) writeFileAtomic(at(dag.nodeStatusFile.file), formatNodeStatusFile(dagFile, dagStatus, statusAds(), Math.floor(Date.now() / 1000), finished));
  };
  const set = (name: string, status: NodeStatusName, details = '') => {
    const s = state.get(name)!;
    s.status = status;
    s.details = details;
    writeStatus(3, false);
    options.onNodeChange?.(name, status, details);
  };

  dagmanOut(`** vlass-dag run (local DAGMan semantics) pid ${process.pid} STARTING UP for ${dagFile}`);
  jobstate({ node: 'INTERNAL', event: 'DAGMAN_STARTED', internal: `DAGMAN_STARTED ${process.pid}.0` });
  writeStatus(3, false);

  const running = new Set<Promise<void>>();
  const children = new Set<number>();
  let aborted: { node: string; returnValue: number } | undefined;
  const interrupted = () => options.interrupted?.aborted === true;
  options.interrupted?.addEventListener('abort', () => killAll(children), { once: true });

  const job = dag.nodes;
  const isReady = (n: DagNode) => n.kind === 'job' && state.get(n.name)!.status === 'NOT_READY' && n.parents.every((p) => state.get(p)!.status === 'DONE');
  const context = { dag, base, children, jobstate, dagmanOut, set, nextCluster: () => condorCluster++, log: options.log };

  for (;;) {
    if (!aborted && !interrupted()) {
      for (const n of job.values()) {
        if (running.size >= Math.max(1, options.maxJobs)) break;
        if (!isReady(n)) continue;
        state.get(n.name)!.started = true;
        set(n.name, 'READY');
        const p: Promise<void> = runNodeWithRetries(n, state.get(n.name)!, context, () => aborted !== undefined || interrupted(), {}).then((outcome) => {
          running.delete(p);
          if (n.abortOn && outcome.exitValue === n.abortOn.exit && !interrupted()) {
            aborted ??= { node: n.name, returnValue: n.abortOn.returnValue ?? n.abortOn.exit };
            dagmanOut(`Aborting DAG because we got the ABORT exit value from a node (${n.name}: ${outcome.exitValue})`);
            killAll(children);
          }
        });
        running.add(p);
      }
    }
    if (running.size === 0) break;
    await Promise.race(running);
  }

  // Nodes that never ran: futile below a failure, otherwise left as they are (an abort).
  for (const n of job.values()) {
    const s = state.get(n.name)!;
    if (n.kind === 'job' && (s.status === 'NOT_READY' || s.status === 'READY') && hasFailedAncestor(n, dag, state)) {
      s.status = 'FUTILE';
      s.details = 'Had an ancestor node fail';
    }
  }
  const failed = [...state.entries()].filter(([name, s]) => s.status === 'ERROR' && dag.nodes.get(name)!.kind === 'job').map(([name]) => name);
  const allDone = [...job.values()].filter((n) => n.kind === 'job').every((n) => state.get(n.name)!.status === 'DONE');
  let dagStatus: number = interrupted() ? DAG_STATUS.REMOVED : aborted ? DAG_STATUS.ABORTED : allDone ? DAG_STATUS.OK : DAG_STATUS.NODE_FAILED;

  // FINAL runs whatever happened (not after SIGTERM: see docs/vlass-dag.md).
  const final = [...job.values()].find((n) => n.kind === 'final');
  let finalOk: boolean | undefined;
  if (final && !interrupted()) {
    const outcome = await runNodeWithRetries(final, state.get(final.name)!, context, interrupted, { DAG_STATUS: String(dagStatus), FAILED_COUNT: String(failed.length) });
    finalOk = outcome.status === 'DONE';
    if (!finalOk) failed.push(final.name);
  }

  const succeeded = !interrupted() && (finalOk ?? (dagStatus === DAG_STATUS.OK));
  if (final && finalOk === false && dagStatus === DAG_STATUS.OK) dagStatus = DAG_STATUS.NODE_FAILED;
  const exitCode = interrupted() ? (options.interrupted!.reason === 'SIGINT' ? 130 : 143) : succeeded ? 0 : aborted ? aborted.returnValue : 1;

  let rescueFile: string | undefined;
  if (!succeeded) {
    const number = previous.length + 1;
    rescueFile = `${dagFile}.rescue${String(number).padStart(3, '0')}`;
    const done = [...state.entries()].filter(([name, s]) => s.status === 'DONE' && dag.nodes.get(name)!.kind === 'job').map(([name]) => name);
    writeFileAtomic(rescueFile, formatRescue(dagFile, state.size, done, failed, new Date()));
    dagmanOut(`Writing Rescue DAG to ${rescueFile}...`);
  }
  writeStatus(succeeded ? 5 : 6, true);
  dagmanOut(`DAG status: ${dagStatus} (${['DAG_STATUS_OK', 'DAG_STATUS_ERROR', 'DAG_STATUS_NODE_FAILED', 'DAG_STATUS_ABORT', 'DAG_STATUS_RM'][dagStatus]})`);
  jobstate({ node: 'INTERNAL', event: 'DAGMAN_FINISHED', internal: `DAGMAN_FINISHED ${exitCode}` });
  dagmanOut(`**** vlass-dag run (condor_DAGMAN semantics) pid ${process.pid} EXITING WITH STATUS ${exitCode}`);
  const nodes = Object.fromEntries([...state.entries()].map(([name, s]) => [name, { status: s.status, details: s.details, retries: s.retries, ...(s.exitValue !== undefined ? { exitValue: s.exitValue } : {}) }]));
  return { exitCode, dagStatus, nodes, ...(rescueFile ? { rescueFile } : {}), ...(resumedFrom ? { resumedFrom } : {}) };
}

function hasFailedAncestor(n: DagNode, dag: Dag, state: Map<string, NodeState>, seen = new Set<string>()): boolean {
  for (const p of n.parents) {
    if (seen.has(p)) continue;
    seen.add(p);
    const s = state.get(p)!;
    if (s.status === 'ERROR' || s.status === 'FUTILE') return true;
    if (hasFailedAncestor(dag.nodes.get(p)!, dag, state, seen)) return true;
  }
  return false;
}

function killAll(children: Set<number>): void {
  for (const pid of children) {
    try {
      process.kill(-pid, 'SIGKILL'); // the job's whole process group
    } catch {
      // already gone
    }
  }
}

interface RunContext {
  dag: Dag;
  base: string;
  children: Set<number>;
  jobstate(e: Omit<JobstateEvent, 'time'>): void;
  dagmanOut(text: string): void;
  set(name: string, status: NodeStatusName, details?: string): void;
  nextCluster(): number;
  log: Logger;
}

async function runNodeWithRetries(n: DagNode, s: NodeState, ctx: RunContext, stopping: () => boolean, extraMacros: Record<string, string>): Promise<NodeOutcome> {
  const maxRetries = n.retry?.count ?? 0;
  for (;;) {
    const result = await runNodeOnce(n, s.retries, maxRetries, ctx, extraMacros);
    s.exitValue = result.exitValue;
    if (result.ok) {
      ctx.set(n.name, 'DONE', result.details);
      return s;
    }
    const abortNow = n.abortOn !== undefined && result.exitValue === n.abortOn.exit;
    const retryable = !abortNow && !stopping() && s.retries < maxRetries && (n.retry?.unlessExit === undefined || result.exitValue !== n.retry.unlessExit);
    if (!retryable) {
      ctx.set(n.name, 'ERROR', result.details);
      return s;
    }
    s.retries++;
    ctx.dagmanOut(`Retrying node ${n.name} (retry #${s.retries} of ${maxRetries})...`);
  }
}

interface Attempt {
  ok: boolean;
  exitValue: number;
  details: string;
}

async function runNodeOnce(n: DagNode, retry: number, maxRetries: number, ctx: RunContext, extraMacros: Record<string, string>): Promise<Attempt> {
  const nodeDir = n.dir ? resolve(ctx.base, n.dir) : ctx.base;
  const seq = retry + 1;
  const scriptMacros: Record<string, string> = { JOB: n.name, RETRY: String(retry), MAX_RETRIES: String(maxRetries), ...extraMacros };
  let preReturn: number | undefined;
  if (n.pre) {
    ctx.set(n.name, 'PRERUN');
    ctx.jobstate({ node: n.name, event: 'PRE_SCRIPT_STARTED', sequence: seq });
    preReturn = await runScript(n.pre, scriptMacros, nodeDir, ctx);
    if (n.preSkip && preReturn === n.preSkip.exit) {
      ctx.jobstate({ node: n.name, event: 'PRE_SCRIPT_SUCCESS', sequence: seq });
      return { ok: true, exitValue: 0, details: `skipped: PRE script exited ${preReturn} (PRE_SKIP)` };
    }
    if (preReturn !== 0) {
      ctx.jobstate({ node: n.name, event: 'PRE_SCRIPT_FAILURE', sequence: seq });
      ctx.dagmanOut(`PRE Script of node ${n.name} failed with status ${preReturn}`);
      return { ok: false, exitValue: preReturn, details: `PRE script failed with status ${preReturn}` };
    }
    ctx.jobstate({ node: n.name, event: 'PRE_SCRIPT_SUCCESS', sequence: seq });
  }

  const jobId = `${ctx.nextCluster()}.0`;
  ctx.set(n.name, 'SUBMITTED');
  ctx.jobstate({ node: n.name, event: 'SUBMIT', condorId: jobId, tag: 'local', sequence: seq });
  let jobReturn: number;
  let jobDetails: string;
  if (n.noop) {
    jobReturn = 0;
    jobDetails = '';
  } else {
    ctx.jobstate({ node: n.name, event: 'EXECUTE', condorId: jobId, tag: 'local', sequence: seq });
    try {
      jobReturn = await runJob(n, retry, nodeDir, ctx);
    } catch (err) {
      // The submit file itself is wrong: as condor_submit failing.
      ctx.log.error({ node: n.name }, (err as Error).message);
      ctx.jobstate({ node: n.name, event: 'SUBMIT_FAILURE', sequence: seq });
      jobReturn = -1001;
    }
    ctx.jobstate({ node: n.name, event: 'JOB_TERMINATED', condorId: jobId, tag: 'local', sequence: seq });
    ctx.jobstate({ node: n.name, event: jobReturn === 0 ? 'JOB_SUCCESS' : 'JOB_FAILURE', condorId: jobId, tag: String(jobReturn), sequence: seq });
    jobDetails = jobReturn === 0 ? '' : jobReturn === -1001 ? 'Job submit failed' : `Job proc (${jobId}.0) failed with status ${jobReturn}`;
    ctx.dagmanOut(jobReturn === 0 ? `Node ${n.name} job proc (${jobId}.0) completed successfully.` : `Node ${n.name} job proc (${jobId}.0) failed with status ${jobReturn}.`);
  }

  if (!n.post) return { ok: jobReturn === 0, exitValue: jobReturn, details: jobDetails };
  ctx.set(n.name, 'POSTRUN');
  ctx.jobstate({ node: n.name, event: 'POST_SCRIPT_STARTED', condorId: jobId, tag: 'local', sequence: seq });
  const postReturn = await runScript(n.post, { ...scriptMacros, RETURN: String(jobReturn), PRE_SCRIPT_RETURN: String(preReturn ?? -1), JOBID: jobId }, nodeDir, ctx);
  ctx.jobstate({ node: n.name, event: 'POST_SCRIPT_TERMINATED', condorId: jobId, tag: 'local', sequence: seq });
  ctx.jobstate({ node: n.name, event: postReturn === 0 ? 'POST_SCRIPT_SUCCESS' : 'POST_SCRIPT_FAILURE', condorId: jobId, tag: String(postReturn), sequence: seq });
  if (postReturn !== 0) ctx.dagmanOut(`POST Script of node ${n.name} failed with status ${postReturn}`);
  const details = postReturn === 0 ? '' : `${jobDetails ? jobDetails + ' and ' : ''}POST Script failed with status ${postReturn}`;
  return { ok: postReturn === 0, exitValue: postReturn, details };
}

/** Runs a PRE/POST script; macros replace only whole arguments, as DAGMan does. */
async function runScript(script: DagScript, macros: Record<string, string>, cwd: string, ctx: RunContext): Promise<number> {
  const args = script.args.map((a) => (a.startsWith('$') && a.slice(1) in macros ? macros[a.slice(1)] : a));
  // Relative to the node's directory, as DAGMan resolves it; a bare name not found there is looked up on the PATH.
  const local = resolve(cwd, script.executable);
  const executable = isAbsolute(script.executable) || script.executable.includes('/') || existsSync(local) ? local : script.executable;
  return spawnAndWait(executable, args, { cwd, env: process.env, stdio: ['ignore', 'inherit', 'inherit'] }, ctx);
}

/** Runs the node's job as its submit file describes; its exit code, negative for a signal. */
async function runJob(n: DagNode, retry: number, nodeDir: string, ctx: RunContext): Promise<number> {
  const submitPath = resolve(nodeDir, n.submit);
  const submit = parseSubmit(readFileSync(submitPath, 'utf8'), submitPath);
  const value = nodeSubmitValues(submit, n.name, n.vars, retry);
  const initialdir = value('initialdir');
  const cwd = initialdir ? resolve(nodeDir, initialdir) : nodeDir;
  const executable = value('executable');
  if (!executable) throw new DataError(`${submitPath}: no executable`);
  const args = value('arguments') ? splitArguments(value('arguments')!, `${submitPath}: arguments`) : [];
  const getenv = /^(true|yes|1)$/i.test(value('getenv') ?? '');
  const env: NodeJS.ProcessEnv = { ...(getenv ? process.env : {}), _CONDOR_SCRATCH_DIR: cwd, ...(value('environment') ? parseEnvironment(value('environment')!, `${submitPath}: environment`) : {}) };
  const open = (key: string, flags: string) => {
    const file = value(key);
    if (!file || file === '/dev/null') return 'ignore' as const;
    const path = resolve(cwd, file);
    mkdirSync(dirname(path), { recursive: true });
    return openSync(path, flags);
  };
  const stdio = [open('input', 'r'), open('output', 'w'), open('error', 'w')] as const;
  try {
    return await spawnAndWait(resolve(cwd, executable), args, { cwd, env, stdio: [...stdio] }, ctx);
  } finally {
    for (const fd of stdio) if (typeof fd === 'number') closeSync(fd);
  }
}

function spawnAndWait(executable: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv; stdio: Array<'ignore' | 'inherit' | number> }, ctx: RunContext): Promise<number> {
  return new Promise((resolvePromise) => {
    if (!existsSync(options.cwd)) {
      ctx.log.error({ cwd: options.cwd }, `${executable}: its directory ${options.cwd} does not exist`);
      resolvePromise(-1001);
      return;
    }
    const child = spawn(executable, args, { cwd: options.cwd, env: options.env, stdio: options.stdio as never, detached: true });
    if (child.pid) {
      ctx.children.add(child.pid);
      trackChild(child.pid);
    }
    child.on('error', (err) => {
      ctx.log.error({ executable }, `cannot run ${executable}: ${err.message}`);
      resolvePromise(-1001);
    });
    child.on('exit', (code, signal) => {
      if (child.pid) {
        ctx.children.delete(child.pid);
        forgetChild(child.pid);
      }
      resolvePromise(code ?? -(signalNumber(signal) ?? 9));
    });
  });
}

function signalNumber(signal: NodeJS.Signals | null): number | undefined {
  const numbers: Record<string, number> = { SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGABRT: 6, SIGKILL: 9, SIGSEGV: 11, SIGPIPE: 13, SIGTERM: 15 };
  return signal ? numbers[signal] : undefined;
}

/** dagman.out's time stamp: MM/DD/YY HH:MM:SS (local time, as DAGMan writes it). */
function dagmanTime(): string {
  const d = new Date();
  const two = (x: number) => String(x).padStart(2, '0');
  return `${two(d.getMonth() + 1)}/${two(d.getDate())}/${two(d.getFullYear() % 100)} ${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
}
