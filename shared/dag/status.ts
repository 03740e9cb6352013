/**
 * A DAG's state from everything DAGMan (or our runner) leaves beside it, trusting none alone:
 * the NODE_STATUS_FILE can be stale or not rewritten at exit (CRAB's lessons), so the
 * JOBSTATE_LOG's later events, `DAGMAN_FINISHED`, `<dag>.dagman.out`'s exit line and the newest
 * rescue file are read too. Nodes map to the operators' stages through the DAG's stage map
 * (`stages.json` beside the DAG, written by `vlass-dag render`).
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { basename, isAbsolute, join, resolve } from 'node:path';
import { DataError, InputMissingError } from '../errors.js';
import { DAG_STAGES, type DagStage } from '../events/event.js';
import { parseDag, type Dag } from './dagfile.js';
import { rescueFiles } from './runner.js';
import { parseJobstateLog, parseNodeStatusFile, parseRescue, type NodeStatusName } from './statusfiles.js';
import { nodeSubmitValues, parseSubmit } from './submitfile.js';

export const STAGE_MAP_FILE = 'stages.json';

export interface NodeView {
  node: string;
  status: NodeStatusName;
  stage?: DagStage;
  retries: number;
  details: string;
  /** For failed nodes: the last lines of its error file, and casa-verdict's first fatal reason. */
  errorTail?: string[];
  casaReason?: string;
}

export interface DagView {
  dagFile: string;
  finished: boolean;
  /** DAGMan's exit status when finished (dagman.out or DAGMAN_FINISHED). */
  exitStatus?: number;
  outcome: 'running' | 'succeeded' | 'failed' | 'not started';
  /** The broad stage now: the earliest stage of a node that is running or ready, else the last reached. */
  stage?: DagStage;
  nodes: NodeView[];
  done: number;
  total: number;
  rescueFile?: string;
  /** Where each fact came from, for the operator who wants to check. */
  sources: string[];
}

/** Finds the one DAG file in `dir` (or takes a .dag file). */
export function findDagFile(target: string): string {
  const path = resolve(target);
  if (path.endsWith('.dag') && existsSync(path)) return path;
  let names: string[];
  try {
    names = readdirSync(path);
  } catch {
    throw new InputMissingError(`${path}: not found; give a rendered DAG directory or its .dag file`);
  }
  const dags = names.filter((n) => n.endsWith('.dag'));
  if (dags.length !== 1) throw new InputMissingError(`${path}: holds ${dags.length ? dags.join(', ') : 'no .dag file'}; give the .dag file itself`);
  return join(path, dags[0]);
}

/**
 * The node -> stage map beside the DAG, when there is one. A key ending in `*` covers every node
 * whose name starts with what precedes it (`"casa_spw*"`: the nodes a `#each` block made).
 */
export type StageMap = Record<string, DagStage>;

/** The stage of `node`: its own entry, else the longest matching `prefix*` entry. */
export function stageOf(map: StageMap, node: string): DagStage | undefined {
  if (map[node]) return map[node];
  let best: string | undefined;
  for (const key of Object.keys(map)) if (key.endsWith('*') && node.startsWith(key.slice(0, -1)) && (!best || key.length > best.length)) best = key;
  return best ? map[best] : undefined;
}

export function readStageMap(dagFile: string): StageMap {
  const file = join(resolve(dagFile, '..'), STAGE_MAP_FILE);
  if (!existsSync(file)) return {};
  let map: Record<string, string>;
  try {
    map = JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
  } catch (err) {
    throw new DataError(`${file}: not JSON (${(err as Error).message})`);
  }
  for (const [node, stage] of Object.entries(map)) if (!(DAG_STAGES as readonly string[]).includes(stage)) throw new DataError(`${file}: node ${node} has stage "${stage}"; use one of ${DAG_STAGES.join(', ')}`);
  return map as Record<string, DagStage>;
}

const STATUS_OF_EVENT: Record<string, NodeStatusName> = {
  PRE_SCRIPT_STARTED: 'PRERUN',
  SUBMIT: 'SUBMITTED',
  EXECUTE: 'SUBMITTED',
  POST_SCRIPT_STARTED: 'POSTRUN',
  SUBMIT_FAILURE: 'ERROR',
};

export function readDagView(target: string): DagView {
  const dagFile = findDagFile(target);
  const dag = parseDag(readFileSync(dagFile, 'utf8'), dagFile);
  const base = resolve(dagFile, '..');
  const at = (file: string) => (isAbsolute(file) ? file : join(base, file));
  const stages = readStageMap(dagFile);
  const sources: string[] = [dagFile];
  const nodes = new Map<string, NodeView>();
  for (const n of dag.nodes.values()) if (n.kind !== 'service') nodes.set(n.name, { node: n.name, status: 'NOT_READY', retries: 0, details: '', ...(stageOf(stages, n.name) ? { stage: stageOf(stages, n.name) } : {}) });
  let finished = false;
  let exitStatus: number | undefined;

  const statusFile = dag.nodeStatusFile && at(dag.nodeStatusFile.file);
  if (statusFile && existsSync(statusFile)) {
    sources.push(statusFile);
    const parsed = parseNodeStatusFile(readFileSync(statusFile, 'utf8'), statusFile);
    for (const ad of parsed.nodes) {
      const v = nodes.get(ad.node);
      if (v) Object.assign(v, { status: ad.status, details: ad.details, retries: ad.retryCount });
    }
    if (parsed.end?.nextUpdate === 0) finished = true;
  }

  const jobstate = dag.jobstateLog && at(dag.jobstateLog.file);
  if (jobstate && existsSync(jobstate)) {
    sources.push(jobstate);
    const events = parseJobstateLog(readFileSync(jobstate, 'utf8'), jobstate);
    // The status file may be older than the log: the log's last word on each node wins.
    const lastStart = events.reduce((at, e, i) => (e.event === 'DAGMAN_STARTED' ? i : at), 0);
    for (const e of events.slice(lastStart)) {
      if (e.node === 'INTERNAL') {
        if (e.event === 'DAGMAN_FINISHED') {
          finished = true;
          exitStatus = Number(e.internal?.split(' ')[1]);
        }
        continue;
      }
      const v = nodes.get(e.node);
      if (!v) continue;
      if (e.sequence !== undefined) v.retries = Math.max(v.retries, e.sequence - 1);
      const hasPost = dag.nodes.get(e.node)?.post !== undefined;
      if (STATUS_OF_EVENT[e.event]) v.status = STATUS_OF_EVENT[e.event];
      else if (e.event === 'JOB_SUCCESS' && !hasPost) v.status = 'DONE';
      else if (e.event === 'POST_SCRIPT_SUCCESS' || (e.event === 'PRE_SCRIPT_SUCCESS' && /skip/i.test(v.details))) v.status = 'DONE';
      else if ((e.event === 'JOB_FAILURE' && !hasPost) || e.event === 'POST_SCRIPT_FAILURE' || e.event === 'PRE_SCRIPT_FAILURE') {
        v.status = 'ERROR';
        v.details ||= `${e.event.replace(/_/g, ' ').toLowerCase()} (exit ${e.tag ?? '?'})`;
      }
    }
  }

  const dagmanOut = `${dagFile}.dagman.out`;
  if (existsSync(dagmanOut)) {
    sources.push(dagmanOut);
    const text = readFileSync(dagmanOut, 'utf8');
    const starts = [...text.matchAll(/STARTING UP/g)].length;
    const exits = [...text.matchAll(/EXITING WITH STATUS (-?\d+)/g)];
    if (exits.length >= starts && exits.length) {
      finished = true;
      exitStatus = Number(exits.at(-1)![1]);
    }
  }

  const rescue = rescueFiles(dagFile).at(-1);
  if (rescue && finished) {
    sources.push(rescue);
    const r = parseRescue(readFileSync(rescue, 'utf8'), rescue);
    for (const name of r.done) {
      const v = nodes.get(name);
      if (v) v.status = 'DONE';
    }
    for (const name of r.failed) {
      const v = nodes.get(name);
      if (v && v.status !== 'DONE') v.status = 'ERROR';
    }
  }
  if (finished) {
    // Nothing runs after DAGMan exits: a node still shown running in a stale file did not finish.
    for (const v of nodes.values()) if (['READY', 'PRERUN', 'SUBMITTED', 'POSTRUN'].includes(v.status)) {
      v.status = 'ERROR';
      v.details ||= 'still shown running when the DAG ended (stale status file)';
    }
  }

  const list = [...nodes.values()];
  for (const v of list) if (v.status === 'ERROR') analyseFailure(v, dag, base);
  const done = list.filter((v) => v.status === 'DONE').length;
  const anyStarted = list.some((v) => v.status !== 'NOT_READY') || finished;
  const outcome: DagView['outcome'] = !anyStarted ? 'not started' : !finished ? 'running' : exitStatus === 0 || (exitStatus === undefined && done === list.length) ? 'succeeded' : 'failed';
  return { dagFile, finished, ...(exitStatus !== undefined ? { exitStatus } : {}), outcome, stage: currentStage(list), nodes: list, done, total: list.length, ...(rescue ? { rescueFile: rescue } : {}), sources };
}

function currentStage(nodes: NodeView[]): DagStage | undefined {
  const order = (s?: DagStage) => (s ? DAG_STAGES.indexOf(s) : -1);
  const active = nodes.filter((n) => ['READY', 'PRERUN', 'SUBMITTED', 'POSTRUN'].includes(n.status) && n.stage);
  if (active.length) return active.reduce((a, b) => (order(b.stage) < order(a.stage) ? b : a)).stage;
  const reached = nodes.filter((n) => n.status !== 'NOT_READY' && n.status !== 'FUTILE' && n.stage);
  return reached.length ? reached.reduce((a, b) => (order(b.stage) > order(a.stage) ? b : a)).stage : undefined;
}

/** The last lines of the failed node's error file, and casa-verdict's first fatal reason when it judged the node. */
function analyseFailure(v: NodeView, dag: Dag, base: string): void {
  const n = dag.nodes.get(v.node);
  if (!n) return;
  const nodeDir = n.dir ? resolve(base, n.dir) : base;
  try {
    const submitPath = resolve(nodeDir, n.submit);
    const submit = parseSubmit(readFileSync(submitPath, 'utf8'), submitPath);
    const value = nodeSubmitValues(submit, n.name, n.vars, v.retries);
    const error = value('error');
    const initialdir = value('initialdir');
    const cwd = initialdir ? resolve(nodeDir, initialdir) : nodeDir;
    if (error) {
      const file = resolve(cwd, error);
      if (existsSync(file)) v.errorTail = readFileSync(file, 'utf8').trimEnd().split('\n').slice(-5);
    }
  } catch {
    // the analysis is a courtesy: a missing or broken submit file is lint's business
  }
  if (n.post && basename(n.post.executable) === 'casa-verdict') {
    const outAt = n.post.args.indexOf('--out');
    const workAt = n.post.args.indexOf('--workdir');
    const dir = resolve(nodeDir, outAt >= 0 ? n.post.args[outAt + 1] : workAt >= 0 ? n.post.args[workAt + 1] : '.');
    const verdictFile = join(dir, 'casa-verdict.json');
    if (existsSync(verdictFile)) {
      try {
        const verdict = JSON.parse(readFileSync(verdictFile, 'utf8')) as { reasons?: Array<{ severity: string; rule: string; message: string }> };
        const fatal = verdict.reasons?.find((r) => r.severity === 'fatal');
        if (fatal) v.casaReason = `[${fatal.rule}] ${fatal.message}`;
      } catch {
        // an unreadable verdict is reported by casa-verdict itself
      }
    }
  }
}
