/**
 * What DAGMan writes beside a DAG, in DAGMan's own formats (../reference/casa-capo-htcondor.md),
 * so that one set of readers serves the cluster's files and our local runner's:
 *   NODE_STATUS_FILE  new ClassAds: one DagStatus, one NodeStatus per node, one StatusEnd;
 *                     rewritten whole; values may carry C comments (`5; /* "STATUS_DONE" *\/`)
 *   JOBSTATE_LOG      appended lines `<time> <node|INTERNAL> <event> <condorId|-> <tag|-> - <seq>`
 *   <dag>.rescueNNN   comments, then `DONE <node>` lines
 */
import { DataError } from '../errors.js';

export const NODE_STATUS = ['NOT_READY', 'READY', 'PRERUN', 'SUBMITTED', 'POSTRUN', 'DONE', 'ERROR', 'FUTILE'] as const;
export type NodeStatusName = (typeof NODE_STATUS)[number];

export interface DagStatusAd {
  timestamp: number;
  dagStatus: number;
  nodesTotal: number;
  nodesDone: number;
  nodesFailed: number;
  nodesFutile: number;
  [key: string]: unknown;
}

export interface NodeStatusAd {
  node: string;
  status: NodeStatusName;
  details: string;
  retryCount: number;
}

export interface NodeStatusFile {
  dag?: DagStatusAd;
  nodes: NodeStatusAd[];
  end?: { endTime: number; nextUpdate: number };
}

type AdValue = string | number | boolean | string[];

/** One ClassAd's attributes: `Name = value;` with strings, numbers, booleans, {lists}, comments. */
function parseAd(body: string, where: string): Record<string, AdValue> {
  const ad: Record<string, AdValue> = {};
  const text = body.replace(/\/\*[\s\S]*?\*\//g, ' ');
  const re = /([A-Za-z_][A-Za-z0-9_]*)\s*=\s*("(?:[^"\\]|\\.)*"|\{[^}]*\}|[^;]+?)\s*;/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text))) {
    const raw = m[2].trim();
    let value: AdValue;
    if (raw.startsWith('"')) value = raw.slice(1, -1).replace(/\\(.)/g, '$1');
    else if (raw.startsWith('{')) value = [...raw.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((x) => x[1]);
    else if (/^(true|false)$/i.test(raw)) value = raw.toLowerCase() === 'true';
    else if (/^-?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(raw)) value = Number(raw);
    else throw new DataError(`${where}: attribute ${m[1]} has a value we cannot read: "${raw.slice(0, 40)}"`);
    ad[m[1]] = value;
  }
  return ad;
}

const num = (v: AdValue | undefined) => (typeof v === 'number' ? v : 0);

/** Reads a node status file (DAGMan's or ours). */
export function parseNodeStatusFile(text: string, file: string): NodeStatusFile {
  const out: NodeStatusFile = { nodes: [] };
  const ads = text.match(/\[[\s\S]*?\]/g) ?? [];
  if (!ads.length && text.trim() !== '') throw new DataError(`${file}: not a node status file (no [ ... ] ClassAds); is it the NODE_STATUS_FILE of a DAG?`);
  for (const body of ads) {
    const ad = parseAd(body.slice(1, -1), file);
    switch (ad.Type) {
      case 'DagStatus':
        out.dag = { ...ad, timestamp: num(ad.Timestamp), dagStatus: num(ad.DagStatus), nodesTotal: num(ad.NodesTotal), nodesDone: num(ad.NodesDone), nodesFailed: num(ad.NodesFailed), nodesFutile: num(ad.NodesFutile) };
        break;
      case 'NodeStatus': {
        const code = num(ad.NodeStatus);
        if (typeof ad.Node !== 'string' || !(code >= 0 && code < NODE_STATUS.length)) throw new DataError(`${file}: a NodeStatus ad without a Node name or with status ${String(ad.NodeStatus)}`);
        out.nodes.push({ node: ad.Node, status: NODE_STATUS[code], details: typeof ad.StatusDetails === 'string' ? ad.StatusDetails : '', retryCount: num(ad.RetryCount) });
        break;
      }
      case 'StatusEnd':
        out.end = { endTime: num(ad.EndTime), nextUpdate: num(ad.NextUpdate) };
        break;
      default:
        break; // other ad types are ignored, as condor tools do
    }
  }
  return out;
}

const DAG_STATUS_TEXT: Record<number, string> = { 3: 'STATUS_SUBMITTED ()', 5: 'STATUS_DONE (success)', 6: 'STATUS_ERROR (failed)' };

function classAd(attrs: Array<[string, AdValue, string?]>): string {
  const lines = attrs.map(([k, v, comment]) => {
    const value = typeof v === 'string' ? JSON.stringify(v) : Array.isArray(v) ? `{\n    ${v.map((x) => JSON.stringify(x)).join(',\n    ')}\n  }` : String(v);
    return `  ${k} = ${value};${comment ? ` /* "${comment}" */` : ''}`;
  });
  return `[\n${lines.join('\n')}\n]\n`;
}

/** Writes a node status file as DAGMan does. `dagStatus`: 3 running, 5 done, 6 failed. */
export function formatNodeStatusFile(dagFile: string, dagStatus: 3 | 5 | 6, nodes: NodeStatusAd[], now: number, finished: boolean): string {
  const count = (s: NodeStatusName) => nodes.filter((n) => n.status === s).length;
  const date = new Date(now * 1000).toUTCString();
  let text = classAd([
    ['Type', 'DagStatus'],
    ['DagFiles', [dagFile]],
    ['Timestamp', now, date],
    ['DagStatus', dagStatus, DAG_STATUS_TEXT[dagStatus]],
    ['NodesTotal', nodes.length],
    ['NodesDone', count('DONE')],
    ['NodesPre', count('PRERUN')],
    ['NodesQueued', count('SUBMITTED')],
    ['NodesPost', count('POSTRUN')],
    ['NodesReady', count('READY')],
    ['NodesUnready', count('NOT_READY')],
    ['NodesFutile', count('FUTILE')],
    ['NodesFailed', count('ERROR')],
    ['JobProcsHeld', 0],
    ['JobProcsIdle', 0, 'includes held'],
  ]);
  for (const n of nodes) {
    text += classAd([
      ['Type', 'NodeStatus'],
      ['Node', n.node],
      ['NodeStatus', NODE_STATUS.indexOf(n.status), `STATUS_${n.status}`],
      ['StatusDetails', n.details],
      ['RetryCount', n.retryCount],
      ['JobProcsQueued', n.status === 'SUBMITTED' ? 1 : 0],
      ['JobProcsHeld', 0],
    ]);
  }
  text += classAd([
    ['Type', 'StatusEnd'],
    ['EndTime', now, date],
    ['NextUpdate', finished ? 0 : now + 60, finished ? 'none' : new Date((now + 60) * 1000).toUTCString()],
  ]);
  return text;
}

export interface JobstateEvent {
  time: number;
  node: string;
  event: string;
  condorId?: string;
  tag?: string;
  sequence?: number;
  /** For INTERNAL lines: the text between the *** markers, e.g. DAGMAN_FINISHED 0. */
  internal?: string;
}

/** One JOBSTATE_LOG line. */
export function formatJobstateLine(e: JobstateEvent): string {
  if (e.node === 'INTERNAL') return `${e.time} INTERNAL *** ${e.internal} ***`;
  return `${e.time} ${e.node} ${e.event} ${e.condorId ?? '-'} ${e.tag ?? '-'} - ${e.sequence ?? 1}`;
}

/** Reads a JOBSTATE_LOG; a line we cannot read is DataError naming it (a truncated last line is skipped). */
export function parseJobstateLog(text: string, file: string): JobstateEvent[] {
  const lines = text.split('\n');
  const out: JobstateEvent[] = [];
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    const internal = /^(\d+) INTERNAL \*\*\* (.+?) \*\*\*\s*$/.exec(line);
    if (internal) {
      out.push({ time: Number(internal[1]), node: 'INTERNAL', event: internal[2].split(' ')[0], internal: internal[2] });
      return;
    }
    const m = /^(\d+) (\S+) ([A-Z_]+) (\S+) (\S+) (\S+) (\d+)\s*$/.exec(line);
    if (!m) {
      if (i === lines.length - 1 || (i === lines.length - 2 && lines[lines.length - 1] === '')) return; // cut short while being written
      throw new DataError(`${file}:${i + 1}: not a JOBSTATE_LOG line: "${line.slice(0, 80)}"`);
    }
    out.push({ time: Number(m[1]), node: m[2], event: m[3], condorId: m[4] === '-' ? undefined : m[4], tag: m[5] === '-' ? undefined : m[5], sequence: Number(m[7]) });
  });
  return out;
}

/** A rescue DAG's DONE nodes. */
export function parseRescue(text: string, file: string): { done: string[]; failed: string[] } {
  const done: string[] = [];
  let failed: string[] = [];
  text.split('\n').forEach((line, i) => {
    const t = line.trim();
    const f = /^#\s+(.*,<ENDLIST>)\s*$/.exec(t);
    if (f) failed = f[1].split(',').filter((x) => x !== '<ENDLIST>' && x !== '');
    if (t === '' || t.startsWith('#')) return;
    const m = /^DONE\s+(\S+)$/i.exec(t);
    if (m) done.push(m[1]);
    else if (!/^RETRY\s/i.test(t)) throw new DataError(`${file}:${i + 1}: a rescue DAG line we cannot read: "${t.slice(0, 80)}"`);
  });
  return { done, failed };
}

export function formatRescue(dagFile: string, total: number, done: string[], failed: string[], now: Date): string {
  return [
    '# Rescue DAG file, created after running',
    `#   the ${dagFile} DAG file`,
    `# Created ${now.getUTCMonth() + 1}/${now.getUTCDate()}/${now.getUTCFullYear()} ${now.toISOString().slice(11, 19)} UTC`,
    '# Rescue DAG version: 2.0.1 (partial)',
    '#',
    `# Total number of Nodes: ${total}`,
    `# Nodes premarked DONE: ${done.length}`,
    `# Nodes that failed: ${failed.length}`,
    `#   ${[...failed, '<ENDLIST>'].join(',')}`,
    '',
    ...done.map((n) => `DONE ${n}`),
    '',
  ].join('\n');
}
