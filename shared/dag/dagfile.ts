/**
 * DAG input files, as DAGMan reads them (HTCondor manual, "DAGMan Applications"; facts in
 * ../reference/casa-capo-htcondor.md): one command per line, keywords case-insensitive, `#`
 * comments. Parsed into a model that keeps each statement's line for lint findings, and
 * written back by `formatDag` (parse(format(model)) gives the same model).
 *
 * Commands understood: JOB/NODE, FINAL, SERVICE, PARENT ... CHILD ..., SCRIPT [DEFER s t]
 * PRE|POST, RETRY [UNLESS-EXIT], PRE_SKIP, ABORT-DAG-ON [RETURN], VARS, NODE_STATUS_FILE,
 * JOBSTATE_LOG, DOT, CONFIG, SET_JOB_ATTR, CATEGORY, MAXJOBS, PRIORITY, and SUBDAG EXTERNAL
 * (read, for real DAGs; the local runner refuses to run one). SPLICE and INCLUDE are errors:
 * our templates do not use them.
 */
import { DataError } from '../errors.js';

export type NodeKind = 'job' | 'final' | 'service' | 'subdag';

export interface DagScript {
  executable: string;
  args: string[];
  defer?: { status: number; seconds: number };
  line: number;
}

export interface DagNode {
  name: string;
  kind: NodeKind;
  submit: string;
  dir?: string;
  noop: boolean;
  line: number;
  pre?: DagScript;
  post?: DagScript;
  retry?: { count: number; unlessExit?: number; line: number };
  preSkip?: { exit: number; line: number };
  abortOn?: { exit: number; returnValue?: number; line: number };
  vars: Array<{ key: string; value: string; line: number }>;
  category?: string;
  priority?: number;
  parents: string[];
  children: string[];
}

export interface Dag {
  file: string;
  nodes: Map<string, DagNode>;
  /** Edges in the order written (for formatting and lint). */
  edges: Array<{ parents: string[]; children: string[]; line: number }>;
  nodeStatusFile?: { file: string; minUpdateSeconds?: number; alwaysUpdate: boolean; line: number };
  jobstateLog?: { file: string; line: number };
  dot?: { file: string; line: number };
  config?: { file: string; line: number };
  jobAttrs: Array<{ key: string; value: string; line: number }>;
  maxJobs: Array<{ category: string; max: number; line: number }>;
}

/** Splits a line into words; double quotes group (and are removed), `\"` and `\\` escape inside them. */
export function words(text: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < text.length) {
    while (i < text.length && /\s/.test(text[i])) i++;
    if (i >= text.length) break;
    let word = '';
    while (i < text.length && !/\s/.test(text[i])) {
      if (text[i] === '"') {
        i++;
        while (i < text.length && text[i] !== '"') {
          if (text[i] === '\\' && (text[i + 1] === '"' || text[i + 1] === '\\')) i++;
          word += text[i++];
        }
        i++;
      } else word += text[i++];
    }
    out.push(word);
  }
  return out;
}

/** `key="value" key2="value 2"` of a VARS line, with DAGMan's escapes. */
function parseVars(text: string, where: string): Array<{ key: string; value: string }> {
  const out: Array<{ key: string; value: string }> = [];
  const re = /\s*([A-Za-z_+][A-Za-z0-9_.]*)\s*=\s*"((?:[^"\\]|\\.)*)"/y;
  let rest = text;
  while (rest.trim() !== '') {
    re.lastIndex = 0;
    const m = re.exec(rest);
    if (!m) throw new DataError(`${where}: VARS expects key="value" pairs, got "${rest.trim().slice(0, 60)}"`);
    out.push({ key: m[1], value: m[2].replace(/\\(["\\])/g, '$1') });
    rest = rest.slice(m[0].length);
  }
  return out;
}

function integer(text: string | undefined, where: string, what: string): number {
  // DAGMan reads these as C ints: a value beyond that range is a typo, not a large number.
  if (text === undefined || !/^-?\d+$/.test(text) || Math.abs(Number(text)) > 2147483647)
    throw new DataError(`${where}: ${what} must be an integer (at most 2147483647), got ${text === undefined ? 'nothing' : `"${text}"`}`);
  return Number(text);
}

/** Parses DAG text; DataError naming `file:line` and what to fix. */
export function parseDag(text: string, file: string): Dag {
  const dag: Dag = { file, nodes: new Map(), edges: [], jobAttrs: [], maxJobs: [] };
  const pending: Array<() => void> = [];
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  lines.forEach((raw, index) => {
    const line = index + 1;
    const where = `${file}:${line}`;
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    const w = words(trimmed);
    const keyword = w[0].toUpperCase();
    const node = (name: string | undefined, what: string): DagNode => {
      if (!name) throw new DataError(`${where}: ${what} needs a node name`);
      const n = dag.nodes.get(name);
      if (!n) throw new DataError(`${where}: ${what} names node "${name}", which no JOB defines`);
      return n;
    };
    const targets = (name: string | undefined, what: string): DagNode[] =>
      name === 'ALL_NODES' ? [...dag.nodes.values()].filter((n) => n.kind === 'job' || n.kind === 'subdag') : [node(name, what)];
    switch (keyword) {
      case 'SUBDAG':
      case 'JOB':
      case 'NODE':
      case 'FINAL':
      case 'SERVICE': {
        // SUBDAG EXTERNAL name file.dag: a nested DAG run as its own DAGMan job.
        if (keyword === 'SUBDAG' && w[1]?.toUpperCase() !== 'EXTERNAL') throw new DataError(`${where}: SUBDAG EXTERNAL name file.dag`);
        const [, name, submit, ...rest] = keyword === 'SUBDAG' ? w.slice(1) : w;
        if (!name || !submit) throw new DataError(`${where}: ${keyword} needs a node name and a submit file`);
        if (dag.nodes.has(name)) throw new DataError(`${where}: node "${name}" is defined twice (first on line ${dag.nodes.get(name)!.line})`);
        if (name === 'ALL_NODES' || /[+]/.test(name)) throw new DataError(`${where}: "${name}" cannot be a node name`);
        const kind: NodeKind = keyword === 'FINAL' ? 'final' : keyword === 'SERVICE' ? 'service' : keyword === 'SUBDAG' ? 'subdag' : 'job';
        if (kind === 'final' && [...dag.nodes.values()].some((n) => n.kind === 'final')) throw new DataError(`${where}: a DAG has at most one FINAL node`);
        const n: DagNode = { name, kind, submit, noop: false, line, vars: [], parents: [], children: [] };
        for (let i = 0; i < rest.length; i++) {
          const opt = rest[i].toUpperCase();
          if (opt === 'DIR' && rest[i + 1]) n.dir = rest[++i];
          else if (opt === 'NOOP') n.noop = true;
          else if (opt === 'DONE') continue;
          else throw new DataError(`${where}: unexpected "${rest[i]}" after the submit file (DIR d, NOOP or DONE)`);
        }
        dag.nodes.set(name, n);
        return;
      }
      case 'PARENT': {
        const childAt = w.findIndex((x) => x.toUpperCase() === 'CHILD');
        const parents = w.slice(1, childAt < 0 ? undefined : childAt);
        const children = childAt < 0 ? [] : w.slice(childAt + 1);
        if (!parents.length || !children.length) throw new DataError(`${where}: PARENT p ... CHILD c ... needs at least one of each`);
        dag.edges.push({ parents, children, line });
        // Resolved after every JOB is read: DAGMan allows a PARENT line before the JOB lines.
        pending.push(() => {
          for (const p of parents)
            for (const c of children) {
              const pn = node(p, 'PARENT');
              const cn = node(c, 'CHILD');
              if (pn.kind === 'final' || pn.kind === 'service' || cn.kind === 'final' || cn.kind === 'service') throw new DataError(`${where}: FINAL and SERVICE nodes cannot be in PARENT/CHILD`);
              if (!pn.children.includes(c)) pn.children.push(c);
              if (!cn.parents.includes(p)) cn.parents.push(p);
            }
        });
        return;
      }
      case 'SCRIPT': {
        let i = 1;
        let defer: DagScript['defer'];
        if (w[i]?.toUpperCase() === 'DEFER') {
          defer = { status: integer(w[i + 1], where, 'DEFER status'), seconds: integer(w[i + 2], where, 'DEFER time') };
          i += 3;
        }
        if (w[i]?.toUpperCase() === 'DEBUG') i += 3;
        const when = w[i]?.toUpperCase();
        if (when !== 'PRE' && when !== 'POST') throw new DataError(`${where}: SCRIPT needs PRE or POST${when === 'HOLD' ? ' (HOLD scripts are not supported)' : ''}`);
        const name = w[i + 1];
        const executable = w[i + 2];
        if (!executable) throw new DataError(`${where}: SCRIPT ${when} ${name ?? ''} needs an executable`);
        pending.push(() => {
          for (const n of targets(name, `SCRIPT ${when}`)) {
            const script: DagScript = { executable, args: w.slice(i + 3), line, ...(defer ? { defer } : {}) };
            if (when === 'PRE') n.pre = script;
            else n.post = script;
          }
        });
        return;
      }
      case 'RETRY': {
        const count = integer(w[2], where, 'RETRY count');
        let unlessExit: number | undefined;
        if (w[3] !== undefined) {
          if (w[3].toUpperCase() !== 'UNLESS-EXIT') throw new DataError(`${where}: RETRY node N [UNLESS-EXIT value], got "${w[3]}"`);
          unlessExit = integer(w[4], where, 'UNLESS-EXIT value');
        }
        pending.push(() => {
          for (const n of targets(w[1], 'RETRY')) {
            if (n.kind === 'final' || n.kind === 'service') throw new DataError(`${where}: RETRY cannot name the ${n.kind.toUpperCase()} node ${n.name}`);
            n.retry = { count, line, ...(unlessExit !== undefined ? { unlessExit } : {}) };
          }
        });
        return;
      }
      case 'PRE_SKIP': {
        const exit = integer(w[2], where, 'PRE_SKIP exit code');
        pending.push(() => targets(w[1], 'PRE_SKIP').forEach((n) => (n.preSkip = { exit, line })));
        return;
      }
      case 'ABORT-DAG-ON': {
        const exit = integer(w[2], where, 'ABORT-DAG-ON value');
        let returnValue: number | undefined;
        if (w[3] !== undefined) {
          if (w[3].toUpperCase() !== 'RETURN') throw new DataError(`${where}: ABORT-DAG-ON node value [RETURN r], got "${w[3]}"`);
          returnValue = integer(w[4], where, 'RETURN value');
        }
        pending.push(() => {
          for (const n of targets(w[1], 'ABORT-DAG-ON')) {
            if (n.kind === 'final' || n.kind === 'service') throw new DataError(`${where}: ABORT-DAG-ON cannot name the ${n.kind.toUpperCase()} node ${n.name}`);
            n.abortOn = { exit, line, ...(returnValue !== undefined ? { returnValue } : {}) };
          }
        });
        return;
      }
      case 'VARS': {
        const rest = trimmed.replace(/^\S+\s+\S+/, '');
        const vars = parseVars(rest, where);
        pending.push(() => targets(w[1], 'VARS').forEach((n) => n.vars.push(...vars.map((v) => ({ ...v, line })))));
        return;
      }
      case 'CATEGORY':
        pending.push(() => targets(w[1], 'CATEGORY').forEach((n) => (n.category = w[2])));
        return;
      case 'PRIORITY': {
        const priority = integer(w[2], where, 'PRIORITY');
        pending.push(() => targets(w[1], 'PRIORITY').forEach((n) => (n.priority = priority)));
        return;
      }
      case 'MAXJOBS':
        dag.maxJobs.push({ category: w[1], max: integer(w[2], where, 'MAXJOBS'), line });
        return;
      case 'NODE_STATUS_FILE': {
        if (!w[1]) throw new DataError(`${where}: NODE_STATUS_FILE needs a file name`);
        const alwaysUpdate = w.slice(2).some((x) => x.toUpperCase() === 'ALWAYS-UPDATE');
        const interval = w.slice(2).find((x) => /^\d+$/.test(x));
        dag.nodeStatusFile = { file: w[1], alwaysUpdate, line, ...(interval ? { minUpdateSeconds: integer(interval, where, 'the NODE_STATUS_FILE update interval') } : {}) };
        return;
      }
      case 'JOBSTATE_LOG':
        if (!w[1]) throw new DataError(`${where}: JOBSTATE_LOG needs a file name`);
        dag.jobstateLog = { file: w[1], line };
        return;
      case 'DOT':
        dag.dot = { file: w[1], line };
        return;
      case 'CONFIG':
        dag.config = { file: w[1], line };
        return;
      case 'SET_JOB_ATTR': {
        const m = /^\S+\s+([^=\s]+)\s*=\s*(.*)$/.exec(trimmed);
        if (!m) throw new DataError(`${where}: SET_JOB_ATTR name = value`);
        dag.jobAttrs.push({ key: m[1], value: m[2], line });
        return;
      }
      default:
        throw new DataError(`${where}: "${w[0]}" is not a DAG command we read (SPLICE and INCLUDE are not used by our workflows); check the spelling`);
    }
  });
  // Statements about nodes resolve in file order once every node exists (DAGMan allows them
  // before the JOB line).
  for (const apply of pending) apply();
  return dag;
}

const quoteWord = (w: string) => (/[\s"]/.test(w) || w === '' ? `"${w.replace(/(["\\])/g, '\\$1')}"` : w);

/** Writes a model back as DAG text (the renderer's last step; parseDag reads it back to the same model). */
export function formatDag(dag: Dag): string {
  const lines: string[] = [];
  for (const n of dag.nodes.values()) {
    const keyword = n.kind === 'final' ? 'FINAL' : n.kind === 'service' ? 'SERVICE' : n.kind === 'subdag' ? 'SUBDAG EXTERNAL' : 'JOB';
    lines.push([keyword, n.name, quoteWord(n.submit), ...(n.dir ? ['DIR', quoteWord(n.dir)] : []), ...(n.noop ? ['NOOP'] : [])].join(' '));
    if (n.vars.length) lines.push(`VARS ${n.name} ${n.vars.map((v) => `${v.key}="${v.value.replace(/(["\\])/g, '\\$1')}"`).join(' ')}`);
    for (const [when, s] of [['PRE', n.pre], ['POST', n.post]] as const)
      if (s) lines.push(['SCRIPT', ...(s.defer ? ['DEFER', String(s.defer.status), String(s.defer.seconds)] : []), when, n.name, quoteWord(s.executable), ...s.args.map(quoteWord)].join(' '));
    if (n.retry) lines.push(`RETRY ${n.name} ${n.retry.count}${n.retry.unlessExit !== undefined ? ` UNLESS-EXIT ${n.retry.unlessExit}` : ''}`);
    if (n.preSkip) lines.push(`PRE_SKIP ${n.name} ${n.preSkip.exit}`);
    if (n.abortOn) lines.push(`ABORT-DAG-ON ${n.name} ${n.abortOn.exit}${n.abortOn.returnValue !== undefined ? ` RETURN ${n.abortOn.returnValue}` : ''}`);
    if (n.category) lines.push(`CATEGORY ${n.name} ${n.category}`);
    if (n.priority !== undefined) lines.push(`PRIORITY ${n.name} ${n.priority}`);
  }
  for (const e of dag.edges) lines.push(`PARENT ${e.parents.join(' ')} CHILD ${e.children.join(' ')}`);
  for (const m of dag.maxJobs) lines.push(`MAXJOBS ${m.category} ${m.max}`);
  for (const a of dag.jobAttrs) lines.push(`SET_JOB_ATTR ${a.key} = ${a.value}`);
  if (dag.nodeStatusFile) lines.push(`NODE_STATUS_FILE ${quoteWord(dag.nodeStatusFile.file)}${dag.nodeStatusFile.minUpdateSeconds !== undefined ? ` ${dag.nodeStatusFile.minUpdateSeconds}` : ''}${dag.nodeStatusFile.alwaysUpdate ? ' ALWAYS-UPDATE' : ''}`);
  if (dag.jobstateLog) lines.push(`JOBSTATE_LOG ${quoteWord(dag.jobstateLog.file)}`);
  if (dag.dot) lines.push(`DOT ${quoteWord(dag.dot.file)}`);
  if (dag.config) lines.push(`CONFIG ${quoteWord(dag.config.file)}`);
  return lines.join('\n') + '\n';
}
