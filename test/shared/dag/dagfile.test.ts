/**
 * DAG and submit files: the real DAGs in ../shared/realdata parse without a false error,
 * DAGMan's real status, rescue and jobstate files read as DAGMan meant them, any model we write
 * parses back to itself (fast-check), garbage is always a DataError, and lint finds what a set of
 * deliberately broken DAGs get wrong.
 */
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataError, JobError } from '../../../shared/errors.js';
import { formatDag, parseDag, type Dag } from '../../../shared/dag/dagfile.js';
import { lintDag } from '../../../shared/dag/lint.js';
import { parseJobstateLog, parseNodeStatusFile, parseRescue } from '../../../shared/dag/statusfiles.js';
import { readDagView } from '../../../shared/dag/status.js';
import { parseSubmit, splitArguments } from '../../../shared/dag/submitfile.js';
import { REALDATA } from '../../helpers/realdata.js';

const DAGS = join(REALDATA, 'htcondor_dags');
const PEGASUS = join(REALDATA, 'htcondor_dags_pegasus');
const haveReal = existsSync(DAGS);
if (!haveReal) console.warn(`dagfile.test.ts: ${DAGS} absent; real-DAG tests skipped`);

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'dagfile-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe.skipIf(!haveReal)('real DAGMan files', () => {
  it('every real DAG parses', () => {
    const files = [...readdirSync(DAGS).map((f) => join(DAGS, f)), ...readdirSync(PEGASUS).map((f) => join(PEGASUS, f))].filter((f) => f.endsWith('.dag'));
    expect(files.length).toBeGreaterThan(4);
    for (const f of files) expect(() => parseDag(readFileSync(f, 'utf8'), f), f).not.toThrow();
    const abort = parseDag(readFileSync(join(DAGS, 'htcondor_test_job_dagman_abort-A.dag'), 'utf8'), 'a');
    expect(abort.nodes.get('C')).toMatchObject({ abortOn: { exit: 5, returnValue: 0 }, retry: { count: 3 }, parents: ['B'], children: ['D'] });
    expect(abort.nodes.get('A')!.vars).toEqual([expect.objectContaining({ key: 'nodename', value: '$(JOB)' })]);
    const tiny = parseDag(readFileSync(join(DAGS, 'tiny_problems.dag'), 'utf8'), 't');
    expect(tiny.nodes.get('finalJob')).toMatchObject({ kind: 'final', post: { args: ['finalJob', '$DAG_STATUS', '$RETURN'] } });
    expect(tiny.nodes.get('provisioningJob')?.kind).toBe('service');
  });

  it('reads the real node status file, comments inside values, NodesFutile and NextUpdate = 0', () => {
    const s = parseNodeStatusFile(readFileSync(join(DAGS, 'tiny_problems.node_status'), 'utf8'), 'x');
    expect(s.dag).toMatchObject({ dagStatus: 6, nodesTotal: 6, nodesDone: 3, nodesFailed: 2, nodesFutile: 1, timestamp: 1739469648 });
    expect(s.nodes.map((n) => n.status)).toEqual(['DONE', 'ERROR', 'DONE', 'FUTILE', 'DONE', 'ERROR']);
    expect(s.nodes[1].details).toBe('Job proc (9231.0.0) failed with status 1');
    expect(s.end).toEqual({ endTime: 1739469648, nextUpdate: 0 });
  });

  it('reads the real rescue DAG and jobstate log', () => {
    expect(parseRescue(readFileSync(join(DAGS, 'tiny_problems.dag.rescue001'), 'utf8'), 'x')).toEqual({
      done: ['pipetaskInit', '4a7f478b-2e9b-435c-a730-afac3f621658_label1_val1a_val2a', '696ee50d-e711-40d6-9caf-ee29ae4a656d_label2_val1a_val2a'],
      failed: ['057c8caf-66f6-4612-abf7-cdea5b666b1b_label1_val1a_val2b', 'finalJob'],
    });
    const events = parseJobstateLog(readFileSync(join(PEGASUS, 'pegasus_hier_failure__jobstate.log'), 'utf8'), 'x');
    expect(events[1]).toMatchObject({ node: 'INTERNAL', event: 'DAGMAN_STARTED' });
    expect(events[2]).toMatchObject({ node: 'create_dir_hierarchical-workflow_0_local', event: 'SUBMIT', condorId: '97.0', tag: 'local', sequence: 1 });
  });

  it('status combines the real files: the DAG failed, with the node that failed and why', () => {
    const dir = join(tmp, 'real');
    mkdirSync(dir);
    const dag = readFileSync(join(DAGS, 'tiny_problems.dag'), 'utf8').replace(/NODE_STATUS_FILE \S+/, 'NODE_STATUS_FILE tiny_problems.node_status');
    writeFileSync(join(dir, 'tiny_problems.dag'), dag);
    for (const f of ['tiny_problems.node_status', 'tiny_problems.dag.rescue001', 'tiny_problems.dag.dagman.out']) writeFileSync(join(dir, f), readFileSync(join(DAGS, f)));
    const view = readDagView(dir);
    expect(view).toMatchObject({ finished: true, outcome: 'failed', exitStatus: 1, done: 3, total: 6 });
    expect(view.nodes.find((n) => n.node.startsWith('057c8caf'))).toMatchObject({ status: 'ERROR', details: 'Job proc (9231.0.0) failed with status 1' });
  });
});

/** A generated DAG model (lines are not compared). */
const name = fc.tuple(fc.constantFrom('A', 'casa', 'split_', 'fetch-', 'Node'), fc.nat(999)).map(([a, n]) => `${a}${n}`);
const value = fc.string({ maxLength: 12 }).filter((s) => !/[\n\r\0]/.test(s));
const arbitraryDag = fc
  .uniqueArray(name, { minLength: 1, maxLength: 6 })
  .chain((names) =>
    fc.record({
      names: fc.constant(names),
      vars: fc.array(fc.array(fc.tuple(fc.constantFrom('workdir', 'request_id', 'spw', 'x1'), value), { maxLength: 3 }), { minLength: names.length, maxLength: names.length }),
      retries: fc.array(fc.option(fc.tuple(fc.nat(5), fc.option(fc.constantFrom(1, 64, 65, 66, 78)))), { minLength: names.length, maxLength: names.length }),
      posts: fc.array(fc.option(fc.array(fc.constantFrom('$JOB', '$RETURN', '--workdir', 'x y', '$RETRY'), { maxLength: 4 })), { minLength: names.length, maxLength: names.length }),
      edges: fc.array(fc.tuple(fc.nat(names.length - 1), fc.nat(names.length - 1)), { maxLength: 6 }),
      final: fc.boolean(),
    }),
  );

interface DagModel {
  names: string[];
  vars: Array<Array<[string, string]>>;
  retries: Array<[number, number | null] | null>;
  posts: Array<string[] | null>;
  edges: Array<[number, number]>;
  final: boolean;
}

function modelText(m: DagModel): string {
  const lines: string[] = [];
  m.names.forEach((n, i) => {
    lines.push(`JOB ${n} "${n} job.sub"`);
    if (m.vars[i].length) lines.push(`VARS ${n} ${m.vars[i].map(([k, v]) => `${k}="${v.replace(/(["\\])/g, '\\$1')}"`).join(' ')}`);
    const r = m.retries[i];
    if (r) lines.push(`RETRY ${n} ${r[0]}${r[1] !== null ? ` UNLESS-EXIT ${r[1]}` : ''}`);
    const p = m.posts[i];
    if (p) lines.push(`SCRIPT POST ${n} /sbin/casa-verdict ${p.map((a) => (a.includes(' ') ? `"${a}"` : a)).join(' ')}`);
  });
  for (const [a, b] of m.edges) if (a < b) lines.push(`PARENT ${m.names[a]} CHILD ${m.names[b]}`);
  if (m.final) lines.push('FINAL the_final final.sub');
  lines.push('NODE_STATUS_FILE status.txt 30', 'JOBSTATE_LOG jobstate.log');
  return lines.join('\n');
}

function withoutLines(dag: Dag): unknown {
  return JSON.parse(JSON.stringify({ ...dag, file: '', nodes: [...dag.nodes.values()], edges: dag.edges.map((e) => ({ ...e, line: 0 })) }, (k, v) => (k === 'line' ? undefined : v)));
}

describe('DAG files, property-based', () => {
  it('any DAG parses, formats and parses back to the same model', () => {
    fc.assert(
      fc.property(arbitraryDag, (m) => {
        const first = parseDag(modelText(m), 'a.dag');
        const second = parseDag(formatDag(first), 'b.dag');
        expect(withoutLines(second)).toEqual(withoutLines(first));
      }),
      { numRuns: 2000 },
    );
  });

  it('mutated DAG and submit text is either read or refused with a DataError naming the file', () => {
    fc.assert(
      fc.property(arbitraryDag, fc.nat(), fc.constantFrom('truncate', 'flip', 'crlf', 'nul', 'quote', 'repeat'), (m, at, how) => {
        const text = modelText(m);
        const i = at % (text.length + 1);
        const mutated =
          how === 'truncate' ? text.slice(0, i) : how === 'flip' ? text.slice(0, i) + String.fromCharCode((text.charCodeAt(i) || 65) ^ 0x20) + text.slice(i + 1) : how === 'crlf' ? text.replace(/\n/g, '\r\n') : how === 'nul' ? text.slice(0, i) + '\0' + text.slice(i) : how === 'quote' ? text.slice(0, i) + '"' + text.slice(i) : text + '\n' + text;
        for (const parse of [() => parseDag(mutated, 'm.dag'), () => parseSubmit(mutated, 'm.sub')]) {
          try {
            parse();
          } catch (err) {
            expect(err).toBeInstanceOf(DataError);
            expect((err as Error).message).toMatch(/^m\.(dag|sub):\d+: /);
          }
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('splits HTCondor arguments as condor_submit does', () => {
    expect(splitArguments('"a \'b c\' d""e \'it\'\'s\'"', 'x')).toEqual(['a', 'b c', 'd"e', "it's"]);
    expect(splitArguments('a b  c', 'x')).toEqual(['a', 'b', 'c']);
    expect(() => splitArguments('"a \'b"', 'x')).toThrow(JobError);
  });
});

describe('lint', () => {
  function broken(dag: string, submit: string, extra: Record<string, string> = {}) {
    const dir = mkdtempSync(join(tmp, 'lint-'));
    writeFileSync(join(dir, 'w.dag'), dag);
    writeFileSync(join(dir, 'job.sub'), submit);
    for (const [f, t] of Object.entries(extra)) writeFileSync(join(dir, f), t);
    const exe = join(dir, 'tool');
    writeFileSync(exe, '#!/bin/sh\n');
    chmodSync(exe, 0o755);
    return lintDag(join(dir, 'w.dag'));
  }
  const goodSub = 'executable = tool\noutput = $(JOB).out\nerror = $(JOB).err\nlog = w.log\nqueue\n';

  it('a clean DAG has no finding', () => {
    expect(broken('JOB A job.sub\nJOB B job.sub\nPARENT A CHILD B\nRETRY A 2 UNLESS-EXIT 65\nSCRIPT POST A tool $JOB $RETURN', goodSub)).toEqual([]);
  });

  it.each([
    ['a cycle', 'JOB A job.sub\nJOB B job.sub\nPARENT A CHILD B\nPARENT B CHILD A', goodSub, {}, /cycle: .*A -> B -> A|cycle: .*B -> A -> B/],
    ['a missing submit file', 'JOB A missing.sub', goodSub, {}, /submit file .*missing.sub does not exist/],
    ['an undefined macro', 'JOB A job.sub', 'executable = tool\narguments = $(workdir)\nqueue\n', {}, /\$\(workdir\) is defined neither by VARS A nor by this file/],
    ['a missing executable', 'JOB A job.sub', 'executable = nope\nqueue\n', {}, /executable .*nope does not exist/],
    ['a missing POST script', 'JOB A job.sub\nSCRIPT POST A /no/such/casa-verdict $RETURN', goodSub, {}, /SCRIPT POST A: \/no\/such\/casa-verdict does not exist/],
    ['an embedded script macro', 'JOB A job.sub\nSCRIPT POST A tool --code=$RETURN', goodSub, {}, /embeds a macro/],
    ['shared error files', 'JOB A job.sub\nJOB B job.sub', 'executable = tool\nerror = all.err\nqueue\n', {}, /error all.err is also node A's/],
    ['inconsistent transfer settings', 'JOB A job.sub', 'executable = tool\nshould_transfer_files = NO\ntransfer_input_files = a,b\nqueue\n', {}, /transfer_input_files is set but should_transfer_files = NO/],
    ['a retry on the retry code', 'JOB A job.sub\nRETRY A 3 UNLESS-EXIT 75', goodSub, {}, /75 is the code worth a retry/],
    ['an exit code no tool uses', 'JOB A job.sub\nABORT-DAG-ON A 42', goodSub, {}, /no tool of ours exits 42/],
    ['a RETRY of an unknown node', 'JOB A job.sub\nRETRY Z 2', goodSub, {}, /names node "Z", which no JOB defines/],
    ['no queue statement', 'JOB A job.sub', 'executable = tool\n', {}, /no queue statement/],
  ])('finds %s, with file, line and fix', (_, dag, submit, extra, message) => {
    const findings = broken(dag, submit, extra);
    expect(findings.length).toBeGreaterThan(0);
    expect(findings.map((f) => f.message).join('\n')).toMatch(message);
    for (const f of findings) {
      expect(f.file).toMatch(/\.(dag|sub)$/);
      expect(f.fix.length).toBeGreaterThan(5);
    }
  });
});
