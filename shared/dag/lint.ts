/**
 * Proving a DAG correct before it reaches the cluster. Every finding names the file, the line
 * and a fix. Checks: the graph is acyclic; every node's submit file exists and parses; every
 * $(macro) a submit file uses is defined by the node's VARS, DAGMan ($(JOB), $(RETRY)) or the
 * file; executables and scripts exist and are executable (or are known Workspaces executables,
 * or live in the environment's sbin); output, error and log paths are unique per node;
 * transfer settings are consistent; UNLESS-EXIT and ABORT-DAG-ON use exit codes our tools define.
 */
import { accessSync, constants, existsSync, readFileSync } from 'node:fs';
import { basename, isAbsolute, resolve } from 'node:path';
import { EXIT_CODES } from '../errors.js';
import { JobError } from '../errors.js';
import { parseDag, type Dag, type DagNode } from './dagfile.js';
import { macrosIn, parseSubmit, type SubmitFile } from './submitfile.js';

export interface Finding {
  file: string;
  line: number;
  message: string;
  fix: string;
}

export interface LintOptions {
  /** Executables that live elsewhere (Workspaces' own): accepted by name when not on disk. */
  knownExecutables?: string[];
  /** Directories where an executable may be missing here but present on the cluster (the env's sbin). */
  deployedDirs?: string[];
}

/** DAGMan and HTCondor define these macros themselves. */
const BUILTIN_MACROS = new Set(['JOB', 'RETRY', 'CLUSTER', 'PROCESS', 'PROCID', 'CLUSTERID', 'NODE', 'DAGMANJOBID', 'DAG_STATUS', 'FAILED_COUNT', 'ITEM', 'STEP', 'ROW']);
const ourCodes = new Set<number>(EXIT_CODES.map((c) => c.code));

export function lintDag(dagFile: string, options: LintOptions = {}): Finding[] {
  const findings: Finding[] = [];
  let dag: Dag;
  try {
    dag = parseDag(readFileSync(dagFile, 'utf8'), dagFile);
  } catch (err) {
    if (!(err instanceof JobError)) throw err;
    const m = /^(.*?):(\d+): (.*)$/.exec(err.message);
    return [{ file: m?.[1] ?? dagFile, line: Number(m?.[2] ?? 0), message: m?.[3] ?? err.message, fix: 'correct the DAG file' }];
  }
  const base = resolve(dagFile, '..');
  findCycles(dag, findings);
  const outputs = new Map<string, string>();
  for (const n of dag.nodes.values()) {
    checkScripts(n, base, dagFile, findings, options);
    if (n.retry?.unlessExit !== undefined && !ourCodes.has(n.retry.unlessExit))
      findings.push({ file: dagFile, line: n.retry.line, message: `RETRY ${n.name} UNLESS-EXIT ${n.retry.unlessExit}: no tool of ours exits ${n.retry.unlessExit}`, fix: `use a permanent code from the README's exit-code table (1, 64, 65, 66, 70, 73, 78)` });
    if (n.retry?.unlessExit !== undefined && EXIT_CODES.find((c) => c.code === n.retry!.unlessExit)?.retry)
      findings.push({ file: dagFile, line: n.retry.line, message: `RETRY ${n.name} UNLESS-EXIT ${n.retry.unlessExit}: ${n.retry.unlessExit} is the code worth a retry`, fix: 'name a permanent failure code in UNLESS-EXIT' });
    if (n.abortOn && !ourCodes.has(n.abortOn.exit))
      findings.push({ file: dagFile, line: n.abortOn.line, message: `ABORT-DAG-ON ${n.name} ${n.abortOn.exit}: no tool of ours exits ${n.abortOn.exit}`, fix: 'use a code from the README exit-code table' });
    if (n.noop) continue;
    const submitPath = resolve(n.dir ? resolve(base, n.dir) : base, n.submit);
    if (!existsSync(submitPath)) {
      findings.push({ file: dagFile, line: n.line, message: `node ${n.name}: submit file ${submitPath} does not exist`, fix: 'render the submit file beside the DAG or correct the JOB line' });
      continue;
    }
    let submit: SubmitFile;
    try {
      submit = parseSubmit(readFileSync(submitPath, 'utf8'), submitPath);
    } catch (err) {
      findings.push({ file: submitPath, line: Number(/:(\d+):/.exec((err as Error).message)?.[1] ?? 0), message: (err as Error).message.replace(/^.*?:\d+: /, ''), fix: 'correct the submit file' });
      continue;
    }
    checkSubmit(n, submit, submitPath, outputs, findings, options);
  }
  return findings;
}

function findCycles(dag: Dag, findings: Finding[]): void {
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (name: string, path: string[]): void => {
    if (state.get(name) === 'done') return;
    if (state.get(name) === 'visiting') {
      const cycle = [...path.slice(path.indexOf(name)), name];
      const edge = dag.edges.find((e) => e.parents.includes(path.at(-1)!) && e.children.includes(name));
      findings.push({ file: dag.file, line: edge?.line ?? 0, message: `cycle: ${cycle.join(' -> ')}`, fix: 'remove one of these PARENT/CHILD edges; DAGMan refuses a cyclic DAG' });
      return;
    }
    state.set(name, 'visiting');
    for (const c of dag.nodes.get(name)!.children) visit(c, [...path, name]);
    state.set(name, 'done');
  };
  for (const n of dag.nodes.keys()) visit(n, []);
}

function executableProblem(path: string, options: LintOptions): string | undefined {
  if (options.knownExecutables?.includes(basename(path)) && !existsSync(path)) return undefined;
  if (!existsSync(path)) {
    if (options.deployedDirs?.some((d) => path.startsWith(d.endsWith('/') ? d : d + '/'))) return undefined;
    return 'does not exist';
  }
  try {
    accessSync(path, constants.X_OK);
    return undefined;
  } catch {
    return 'is not executable';
  }
}

function checkScripts(n: DagNode, base: string, dagFile: string, findings: Finding[], options: LintOptions): void {
  for (const [when, script] of [['PRE', n.pre], ['POST', n.post]] as const) {
    if (!script) continue;
    const path = isAbsolute(script.executable) ? script.executable : resolve(n.dir ? resolve(base, n.dir) : base, script.executable);
    const problem = executableProblem(path, options);
    if (problem) findings.push({ file: dagFile, line: script.line, message: `SCRIPT ${when} ${n.name}: ${path} ${problem}`, fix: 'deploy the executable to the environment\'s sbin (npm run deploy) or correct the path' });
    for (const a of script.args)
      if (a.startsWith('$') && !['$JOB', '$RETRY', '$MAX_RETRIES', '$RETURN', '$PRE_SCRIPT_RETURN', '$DAG_STATUS', '$FAILED_COUNT', '$JOBID'].includes(a))
        findings.push({ file: dagFile, line: script.line, message: `SCRIPT ${when} ${n.name}: ${a} is not a DAGMan script macro`, fix: 'use $JOB, $RETRY, $MAX_RETRIES, $RETURN, $PRE_SCRIPT_RETURN, $DAG_STATUS, $FAILED_COUNT or $JOBID, as a whole argument' });
      else if (/\$[A-Z_]+/.test(a) && !a.startsWith('$'))
        findings.push({ file: dagFile, line: script.line, message: `SCRIPT ${when} ${n.name}: "${a}" embeds a macro, which DAGMan substitutes only as a whole argument`, fix: 'pass the macro as an argument of its own' });
  }
}

function checkSubmit(n: DagNode, submit: SubmitFile, submitPath: string, outputs: Map<string, string>, findings: Finding[], options: LintOptions): void {
  const vars = new Set(n.vars.map((v) => v.key.toLowerCase()));
  for (const c of submit.commands.values())
    for (const m of macrosIn(c.value))
      if (!BUILTIN_MACROS.has(m.toUpperCase()) && !vars.has(m.toLowerCase()) && !submit.commands.has(m.toLowerCase()))
        findings.push({ file: submitPath, line: c.line, message: `$(${m}) is defined neither by VARS ${n.name} nor by this file`, fix: `add VARS ${n.name} ${m}="..." to the DAG or define ${m} in the submit file` });
  if (submit.queueLine === undefined) findings.push({ file: submitPath, line: 0, message: 'no queue statement: condor_submit would submit nothing', fix: 'end the file with "queue"' });
  const exe = submit.commands.get('executable');
  if (!exe) findings.push({ file: submitPath, line: 0, message: 'no executable', fix: 'add "executable = <path>"' });
  else if (macrosIn(exe.value).length === 0) {
    const path = resolve(submitPath, '..', exe.value);
    const problem = executableProblem(path, options);
    if (problem) findings.push({ file: submitPath, line: exe.line, message: `executable ${path} ${problem}`, fix: 'deploy it to the environment\'s sbin or correct the path' });
  }
  for (const key of ['output', 'error', 'log']) {
    const c = submit.commands.get(key);
    if (!c) continue;
    const resolved = c.value.replace(/\$\(JOB\)/g, n.name).replace(/\$\(([A-Za-z_]\w*)\)/g, (_, v: string) => n.vars.find((x) => x.key === v)?.value ?? `$(${v})`);
    if (key === 'log') continue; // one log for all nodes is DAGMan's usual practice
    const seen = outputs.get(resolved);
    if (seen && seen !== n.name) findings.push({ file: submitPath, line: c.line, message: `${key} ${resolved} is also node ${seen}'s`, fix: 'name it after the node, e.g. $(JOB).err' });
    outputs.set(resolved, n.name);
  }
  const transfer = submit.commands.get('should_transfer_files')?.value.toUpperCase();
  const inputs = submit.commands.get('transfer_input_files');
  if (inputs && transfer === 'NO')
    findings.push({ file: submitPath, line: inputs.line, message: 'transfer_input_files is set but should_transfer_files = NO', fix: 'set should_transfer_files = YES, or drop transfer_input_files' });
  if (transfer && !['YES', 'NO', 'IF_NEEDED'].includes(transfer))
    findings.push({ file: submitPath, line: submit.commands.get('should_transfer_files')!.line, message: `should_transfer_files = ${transfer} is not YES, NO or IF_NEEDED`, fix: 'use YES, NO or IF_NEEDED' });
  const when = submit.commands.get('when_to_transfer_output');
  if (when && transfer === 'NO') findings.push({ file: submitPath, line: when.line, message: 'when_to_transfer_output is set but should_transfer_files = NO', fix: 'drop when_to_transfer_output or transfer files' });
}
