/**
 * vlass-dag: lint, run locally, follow, draw and submit HTCondor DAGs (docs/vlass-dag.md).
 *   lint DIR        prove a rendered DAG correct before it reaches the cluster
 *   run DAG|DIR     run it here with DAGMan's semantics (a development and test runner)
 *   status DIR      the DAG's stage, nodes, retries and failures, from DAGMan's own files
 *   graph DIR       the DAG as DOT, nodes coloured by stage
 *   submit DIR      condor_submit_dag, on an access point with HTCondor
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants, readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { type CommonArgs, type MultiToolSpec, type ToolContext, defineCommand } from '../../shared/cli/run.js';
import type { FlagSpecs, FlagValues } from '../../shared/cli/flags.js';
import { DataError, ExitCode, InputMissingError, JobError, UsageError } from '../../shared/errors.js';
import { exampleParams, renderWorkflow } from '../../shared/dag/render.js';
import { workflowNames, workflowTemplate } from '../../shared/dag/templates.js';
import { environmentFrom } from '../../shared/events/config.js';
import { writeFileAtomic } from '../../shared/io/atomic.js';
import { parseDag } from '../../shared/dag/dagfile.js';
import { lintDag, type Finding } from '../../shared/dag/lint.js';
import { rescueFiles, runDag } from '../../shared/dag/runner.js';
import { findDagFile, readDagView, readStageMap, stageOf, type DagView } from '../../shared/dag/status.js';
import { DAG_STAGES, sourceOf, type EventFields } from '../../shared/events/event.js';
import { eventsSettingsFrom } from '../../shared/events/config.js';
import { EventPublisher } from '../../shared/events/publisher.js';
import { VERSION_STRING } from '../../shared/buildinfo.js';

/** The DAG a command works on. */
const TARGET = { target: { type: 'string', demandOption: true, describe: 'the DAG directory or .dag file' } } as const;

const RENDER_FLAGS = {
  workflow: { type: 'string', demandOption: true, describe: `the workflow: ${workflowNames().join(', ')}` },
  env: { choices: ['dev', 'test', 'prod'], describe: 'environment (default: CAPO edu.nrao.vlass.env)' },
  params: { type: 'string', describe: "the manager's parameters (JSON; the workflow's params.schema.json)" },
  example: { type: 'boolean', default: false, describe: "use the workflow's example parameters, paths under --out" },
  'known-executable': { type: 'string', array: true, default: [] as string[], describe: "an executable that lives elsewhere (Workspaces' own); repeatable" },
} as const;
const LINT_FLAGS = { 'known-executable': RENDER_FLAGS['known-executable'] } as const;
const RUN_FLAGS = {
  'max-jobs': { type: 'number', default: 2, describe: 'independent nodes run at once' },
  force: { type: 'boolean', default: false, describe: 'start afresh instead of resuming from the newest rescue file' },
} as const;
const STATUS_FLAGS = {
  watch: { type: 'boolean', default: false, describe: 'keep reporting until the DAG ends' },
  workflow: { type: 'string', describe: 'workflow name for events (default: from the DAG directory)' },
  request: { type: 'string', describe: "the manager's request id, for events" },
} as const;
const GRAPH_FLAGS = { svg: { type: 'string', describe: 'also write an SVG picture here (needs Graphviz dot)' } } as const;
const SUBMIT_FLAGS = {
  force: { type: 'boolean', default: false, describe: 'pass -force (start afresh, ignoring the rescue file)' },
  workflow: { type: 'string', describe: 'workflow name for the batch name' },
  request: { type: 'string', describe: "the manager's request id, for the batch name" },
  'known-executable': RENDER_FLAGS['known-executable'],
} as const;

type Targeted<F extends FlagSpecs> = CommonArgs & FlagValues<typeof TARGET> & FlagValues<F>;

export const vlassDagTool: MultiToolSpec = {
  name: 'vlass-dag',
  summary: 'render workflow templates, lint, run locally, follow, draw and submit HTCondor DAGs',
  capoPrefixes: ['edu.nrao.vlass.dag', 'edu.nrao.vlass.sbinDir', 'edu.nrao.vlass.workspaces'],
  cooperativeInterrupt: true,
  quietEvents: true,
  commands: {
    render: defineCommand({ describe: 'fill a workflow template into a DAG directory (then lint it)', flags: RENDER_FLAGS, run: render }),
    lint: defineCommand({ describe: 'check a rendered DAG: graph, submit files, macros, executables, outputs, exit codes', positionals: TARGET, flags: LINT_FLAGS, run: lint }),
    run: defineCommand({ describe: "run the DAG here with DAGMan's semantics (development and tests; production uses condor_submit_dag)", positionals: TARGET, flags: RUN_FLAGS, run }),
    status: defineCommand({ describe: "the DAG's stage, nodes and failures, from DAGMan's files (events too when a broker is configured)", positionals: TARGET, flags: STATUS_FLAGS, run: status }),
    graph: defineCommand({ describe: 'the DAG as DOT, nodes coloured by stage (--svg: drawn by Graphviz)', positionals: TARGET, flags: GRAPH_FLAGS, run: graph }),
    submit: defineCommand({ describe: 'submit with condor_submit_dag (on an access point with HTCondor)', positionals: TARGET, flags: SUBMIT_FLAGS, run: submit }),
  },
};

async function render(ctx: ToolContext, args: CommonArgs & FlagValues<typeof RENDER_FLAGS>): Promise<number> {
  const template = workflowTemplate(args.workflow);
  const out = ctx.outDir;
  if (!args.example && !args.params) throw new UsageError('give --params FILE (the manager\'s parameters) or --example');
  const params = args.example ? exampleParams(template, out) : readParams(args.params!);
  const env = args.env ?? environmentFrom(ctx.capo);
  const roots = [...ctx.capo.getList('edu.nrao.vlass.dag.allowedRoots', ['/lustre/aoc/cluster/pipeline']), ...(args.example ? [out] : [])];
  ctx.stage('rendering', { workflow: args.workflow, env, out });
  const rendered = renderWorkflow({ workflow: args.workflow, template, params, capo: ctx.capo, env, out, allowedRoots: roots, knownExecutables: lintOptions(ctx, args).knownExecutables });
  ctx.emitResult(rendered);
  ctx.report(`vlass-dag render: ${args.workflow} for ${env} in ${rendered.dir} (${rendered.files.length} files), lint clean.`);
  return ExitCode.OK;
}

function readParams(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(resolve(file), 'utf8');
  } catch {
    throw new InputMissingError(`--params ${resolve(file)}: not found or unreadable`);
  }
  try {
    const value = JSON.parse(text) as unknown;
    if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new Error('not a JSON object');
    return value as Record<string, unknown>;
  } catch (err) {
    throw new DataError(`--params ${resolve(file)}: ${(err as Error).message}; see the workflow's params.schema.json`);
  }
}

function lintOptions(ctx: ToolContext, args: FlagValues<typeof LINT_FLAGS>) {
  return {
    knownExecutables: [...(args.knownExecutable ?? []), ...ctx.capo.getList('edu.nrao.vlass.dag.knownExecutables', [])],
    deployedDirs: [ctx.capo.getString('edu.nrao.vlass.sbinDir', '')].filter(Boolean),
  };
}

function formatFinding(f: Finding): string {
  return `${f.file}:${f.line}: ${f.message}; fix: ${f.fix}`;
}

async function lint(ctx: ToolContext, args: Targeted<typeof LINT_FLAGS>): Promise<number> {
  const dagFile = findDagFile(args.target);
  const findings = lintDag(dagFile, lintOptions(ctx, args));
  for (const f of findings) ctx.print(formatFinding(f) + '\n');
  ctx.emitResult({ dagFile, findings });
  ctx.report(findings.length ? `vlass-dag lint: ${findings.length} finding(s) in ${dagFile}.` : `vlass-dag lint: ${dagFile} is clean.`);
  if (findings.length) throw new DataError(`${dagFile}: ${findings.length} lint finding(s), the first: ${formatFinding(findings[0])}`);
  return ExitCode.OK;
}

async function run(ctx: ToolContext, args: Targeted<typeof RUN_FLAGS>): Promise<number> {
  const dagFile = findDagFile(args.target);
  if (!Number.isInteger(args.maxJobs) || args.maxJobs < 1) throw new UsageError(`--max-jobs ${args.maxJobs}: a whole number >= 1`);
  ctx.stage('running', { dag: dagFile });
  const stages = readStageMap(dagFile);
  const result = await runDag({
    dagFile,
    maxJobs: args.maxJobs,
    force: args.force,
    log: ctx.log,
    interrupted: ctx.interrupted,
    onNodeChange: (node, status, detail) => ctx.log.info({ node, status, stage: stageOf(stages, node) }, `node ${node}: ${status}${detail ? ` (${detail})` : ''}`),
  });
  ctx.emitResult(result);
  const failed = Object.entries(result.nodes).filter(([, n]) => n.status === 'ERROR').map(([name]) => name);
  ctx.report(
    `vlass-dag run: ${basename(dagFile)} ${result.exitCode === 0 ? 'succeeded' : `ended with exit ${result.exitCode}`}${result.resumedFrom ? ` (resumed from ${basename(result.resumedFrom)})` : ''}${failed.length ? `; failed: ${failed.join(', ')}` : ''}${result.rescueFile ? `; rescue DAG ${result.rescueFile}` : ''}.`,
  );
  return result.exitCode;
}

function bar(done: number, total: number): string {
  const width = 30;
  const filled = total ? Math.round((done / total) * width) : 0;
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total}`;
}

function formatView(view: DagView, terminal: boolean): string {
  const lines = [`${view.dagFile}: ${view.outcome}${view.stage ? `, stage "${view.stage}"` : ''}${view.exitStatus !== undefined ? `, exit ${view.exitStatus}` : ''}`];
  if (terminal) lines.push(bar(view.done, view.total));
  for (const n of view.nodes) {
    lines.push(`  ${n.node.padEnd(24)} ${n.status.padEnd(10)}${n.stage ? ` [${n.stage}]` : ''}${n.retries ? ` retries ${n.retries}` : ''}${n.details ? `  ${n.details}` : ''}`);
    if (n.casaReason) lines.push(`      casa-verdict: ${n.casaReason}`);
    for (const t of n.errorTail ?? []) lines.push(`      | ${t}`);
  }
  if (view.rescueFile) lines.push(`  rescue DAG: ${view.rescueFile}`);
  return lines.join('\n') + '\n';
}

/** What was last reported, kept beside the DAG so each change is sent once, across runs. */
interface Reported {
  stage?: string;
  outcome?: string;
  nodes: Record<string, string>;
}

async function status(ctx: ToolContext, args: Targeted<typeof STATUS_FLAGS>): Promise<number> {
  const dagFile = findDagFile(args.target);
  const memoFile = `${dagFile}.reported.json`;
  const workflow = args.workflow ?? basename(resolve(dagFile, '..')).replace(/[^A-Za-z0-9_-]/g, '_');
  const settings = eventsSettingsFrom(ctx.capo);
  for (;;) {
    const view = readDagView(dagFile);
    if (args.json) ctx.emitResult(view);
    else ctx.print(formatView(view, Boolean(process.stdout.isTTY)));
    if (settings.broker) {
      const events = new EventPublisher({ settings, source: sourceOf('vlass-dag', VERSION_STRING), workflow: { name: workflow, ...(args.request ? { requestId: args.request } : {}) }, log: ctx.log });
      reportChanges(view, memoFile, (fields) => events.emit(fields));
      await events.flush();
    }
    if (!args.watch || view.finished || ctx.interrupted.aborted) return ExitCode.OK;
    await sleep(2000);
  }
}

/** Emits a stage or node event for each change since the last report, and remembers it. */
function reportChanges(view: DagView, memoFile: string, emit: (fields: EventFields) => void): void {
  let memo: Reported = { nodes: {} };
  try {
    memo = JSON.parse(readFileSync(memoFile, 'utf8')) as Reported;
  } catch {
    // first report
  }
  if (view.stage && view.stage !== memo.stage) {
    emit({ kind: 'stage', state: 'started', stage: view.stage });
    memo.stage = view.stage;
  }
  for (const n of view.nodes) {
    if (memo.nodes[n.node] === n.status) continue;
    memo.nodes[n.node] = n.status;
    const state = n.status === 'DONE' ? 'done' : n.status === 'ERROR' || n.status === 'FUTILE' ? 'failed' : n.status === 'NOT_READY' ? undefined : n.retries ? 'retrying' : 'started';
    if (state) emit({ kind: 'node', state, node: n.node, ...(n.stage ? { stage: n.stage } : {}), ...(n.details ? { message: n.details.slice(0, 4000) } : {}) });
  }
  if (view.finished && memo.outcome !== view.outcome) {
    emit({ kind: 'stage', state: view.outcome === 'succeeded' ? 'done' : 'failed', ...(view.stage ? { stage: view.stage } : {}), ...(view.exitStatus !== undefined ? { exitCode: view.exitStatus } : {}) });
    memo.outcome = view.outcome;
  }
  writeFileAtomic(memoFile, JSON.stringify(memo) + '\n');
}

const STAGE_COLOURS: Record<string, string> = { 'gathering data': '#9ecae1', 'running casa': '#fdae6b', 'post casa work': '#a1d99b' };

async function graph(ctx: ToolContext, args: Targeted<typeof GRAPH_FLAGS>): Promise<number> {
  const dagFile = findDagFile(args.target);
  const dag = parseDag(readFileSync(dagFile, 'utf8'), dagFile);
  const stages = readStageMap(dagFile);
  const q = (s: string) => JSON.stringify(s);
  const lines = [`digraph ${q(basename(dagFile, '.dag'))} {`, '  rankdir=TB;', '  node [shape=box, style="rounded,filled", fontname="Helvetica"];'];
  for (const n of dag.nodes.values()) {
    const stage = stageOf(stages, n.name);
    lines.push(`  ${q(n.name)} [label=${q(`${n.name}${stage ? `\n(${stage})` : ''}${n.kind !== 'job' ? `\n${n.kind.toUpperCase()}` : ''}`)}, fillcolor=${q(stage ? STAGE_COLOURS[stage] : '#eeeeee')}${n.kind === 'final' ? ', peripheries=2' : ''}];`);
  }
  for (const n of dag.nodes.values()) for (const c of n.children) lines.push(`  ${q(n.name)} -> ${q(c)};`);
  lines.push('  subgraph cluster_legend { label="stages"; ' + DAG_STAGES.map((s) => `${q('legend: ' + s)} [label=${q(s)}, fillcolor=${q(STAGE_COLOURS[s])}];`).join(' ') + ' }', '}');
  const dot = lines.join('\n') + '\n';
  ctx.print(dot);
  if (args.svg) {
    const svg = spawnSync('dot', ['-Tsvg'], { input: dot, encoding: 'utf8' });
    if (svg.error) {
      ctx.log.error({ exitCode: ExitCode.UNAVAILABLE }, 'Graphviz dot is not on the PATH: install graphviz for --svg (the DOT text is printed)');
      return ExitCode.UNAVAILABLE;
    }
    if (svg.status !== 0) throw new JobError(`dot -Tsvg failed: ${svg.stderr.trim().split('\n')[0]}`, ExitCode.SOFTWARE);
    writeFileAtomic(resolve(args.svg), svg.stdout);
  }
  return ExitCode.OK;
}

async function submit(ctx: ToolContext, args: Targeted<typeof SUBMIT_FLAGS>): Promise<number> {
  const dagFile = findDagFile(args.target);
  if (!onPath('condor_submit_dag')) {
    ctx.log.error({ exitCode: ExitCode.UNAVAILABLE }, 'condor_submit_dag is not on the PATH: submit from an HTCondor access point (here, use vlass-dag run)');
    return ExitCode.UNAVAILABLE;
  }
  const findings = lintDag(dagFile, lintOptions(ctx, args));
  if (findings.length) throw new DataError(`${dagFile}: not submitted, ${findings.length} lint finding(s); the first: ${formatFinding(findings[0])}`);
  const batch = [args.workflow ?? basename(resolve(dagFile, '..')), args.request].filter(Boolean).join('-');
  const argv = ['-batch-name', batch, ...(args.force ? ['-force'] : []), basename(dagFile)];
  const rescue = rescueFiles(dagFile).at(-1);
  ctx.stage('submitting', { dag: dagFile, batch, rescue });
  const r = spawnSync('condor_submit_dag', argv, { cwd: resolve(dagFile, '..'), encoding: 'utf8' });
  if (r.status !== 0) throw new JobError(`condor_submit_dag failed (exit ${r.status}): ${(r.stderr || r.stdout).trim().split('\n').slice(-2).join(' | ')}`, ExitCode.TEMP_FAIL);
  const id = /submitted to cluster (\d+)/.exec(r.stdout)?.[1];
  ctx.print(`${id ?? r.stdout.trim()}\n`);
  ctx.emitResult({ dagFile, batch, clusterId: id, resumesFrom: args.force ? undefined : rescue });
  return ExitCode.OK;
}

/** Whether an executable of this name is on the PATH (what the shell's `command -v` answers, without a shell). */
function onPath(name: string): boolean {
  return (process.env.PATH ?? '').split(':').some((dir) => {
    try {
      accessSync(join(dir || '.', name), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}
