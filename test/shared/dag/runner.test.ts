/**
 * The local runner against DAGMan's documented semantics, one small DAG per rule, with a test
 * program that exits as told (test/doubles/exit-as-told). The files it writes are read back
 * with the same readers that read DAGMan's real files.
 */
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../../shared/log.js';
import { runDag } from '../../../shared/dag/runner.js';
import { parseJobstateLog, parseNodeStatusFile, parseRescue } from '../../../shared/dag/statusfiles.js';
import { readDagView } from '../../../shared/dag/status.js';
import { REPO_ROOT } from '../../helpers/realdata.js';

const DOUBLE = join(REPO_ROOT, 'test', 'doubles', 'exit-as-told');
let tmp: string;
let counter = 0;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'dag-runner-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const log = await createLogger({ tool: 'test', level: 'silent', destination: new PassThrough(), pretty: false });

/**
 * A DAG directory: `dag` is the DAG text; each node's job runs exit-as-told with the node's
 * VARS `codes` (one exit code per attempt, comma-separated) and appends to calls.log.
 */
function dagDir(dag: string, submit = ''): { dir: string; dagFile: string; calls: () => string[] } {
  const dir = join(tmp, `dag-${counter++}`);
  mkdirSync(dir);
  writeFileSync(
    join(dir, 'job.sub'),
    submit ||
      ['executable = ' + DOUBLE, 'arguments = "$(JOB) $(RETRY) $(codes) calls.log"', 'output = $(JOB).out', 'error = $(JOB).err', 'log = dag.log', 'queue', ''].join('\n'),
  );
  const dagFile = join(dir, 'test.dag');
  writeFileSync(dagFile, dag + '\nNODE_STATUS_FILE test.node_status\nJOBSTATE_LOG test.jobstate.log\n');
  return { dir, dagFile, calls: () => (existsSync(join(dir, 'calls.log')) ? readFileSync(join(dir, 'calls.log'), 'utf8').trim().split('\n') : []) };
}

const script = (dir: string, name: string, body: string) => {
  const path = join(dir, name);
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, 0o755);
  return path;
};

describe('the local DAG runner', () => {
  it('runs PARENT/CHILD in order and writes DAGMan\'s node status file and jobstate log', async () => {
    const d = dagDir('JOB A job.sub\nJOB B job.sub\nJOB C job.sub\nVARS ALL_NODES codes="0"\nPARENT A CHILD B C');
    const r = await runDag({ dagFile: d.dagFile, maxJobs: 1, force: false, log });
    expect(r.exitCode).toBe(0);
    expect(d.calls().map((c) => c.split(' ')[0])).toEqual(['A', 'B', 'C']);
    const status = parseNodeStatusFile(readFileSync(join(d.dir, 'test.node_status'), 'utf8'), 'x');
    expect(status.dag).toMatchObject({ dagStatus: 5, nodesTotal: 3, nodesDone: 3 });
    expect(status.end?.nextUpdate).toBe(0);
    const events = parseJobstateLog(readFileSync(join(d.dir, 'test.jobstate.log'), 'utf8'), 'x');
    expect(events[0]).toMatchObject({ node: 'INTERNAL', event: 'DAGMAN_STARTED' });
    expect(events.at(-1)).toMatchObject({ node: 'INTERNAL', internal: 'DAGMAN_FINISHED 0' });
    expect(events.filter((e) => e.node === 'A').map((e) => e.event)).toEqual(['SUBMIT', 'EXECUTE', 'JOB_TERMINATED', 'JOB_SUCCESS']);
    expect(existsSync(`${d.dagFile}.rescue001`)).toBe(false);
    expect(readFileSync(join(d.dir, 'B.out'), 'utf8')).toContain('node B attempt 0');
  });

  it('retries until the retries are used up, then fails the node, makes its children futile and writes a rescue DAG', async () => {
    const d = dagDir('JOB A job.sub\nVARS A codes="3,3,3,3"\nRETRY A 2\nJOB B job.sub\nVARS B codes="0"\nPARENT A CHILD B\nJOB C job.sub\nVARS C codes="0"');
    const r = await runDag({ dagFile: d.dagFile, maxJobs: 2, force: false, log });
    expect(r.exitCode).toBe(1);
    expect(d.calls().filter((c) => c.startsWith('A '))).toHaveLength(3);
    expect(r.nodes).toMatchObject({ A: { status: 'ERROR', retries: 2, exitValue: 3 }, B: { status: 'FUTILE' }, C: { status: 'DONE' } });
    expect(parseRescue(readFileSync(`${d.dagFile}.rescue001`, 'utf8'), 'x')).toEqual({ done: ['C'], failed: ['A'] });
  });

  it('does not retry on the UNLESS-EXIT code', async () => {
    const d = dagDir('JOB A job.sub\nVARS A codes="65,0"\nRETRY A 3 UNLESS-EXIT 65');
    const r = await runDag({ dagFile: d.dagFile, maxJobs: 1, force: false, log });
    expect(r.nodes.A).toMatchObject({ status: 'ERROR', retries: 0, exitValue: 65 });
    expect(d.calls()).toHaveLength(1);
  });

  it('retries on other codes and succeeds (a split that exits 75 once)', async () => {
    const d = dagDir('JOB A job.sub\nVARS A codes="75,0"\nRETRY A 2 UNLESS-EXIT 65');
    const r = await runDag({ dagFile: d.dagFile, maxJobs: 1, force: false, log });
    expect(r.exitCode).toBe(0);
    expect(r.nodes.A).toMatchObject({ status: 'DONE', retries: 1 });
  });

  it('ABORT-DAG-ON stops the DAG, wins over retries, returns its RETURN value, and FINAL still runs', async () => {
    const d = dagDir('JOB A job.sub\nVARS A codes="5,0"\nRETRY A 3\nABORT-DAG-ON A 5 RETURN 9\nJOB B job.sub\nVARS B codes="0"\nPARENT A CHILD B\nFINAL F job.sub\nVARS F codes="0"');
    script(d.dir, 'final-post.sh', 'echo "dag_status=$1 failed=$2" > final.txt; exit 1');
    writeFileSync(d.dagFile, readFileSync(d.dagFile, 'utf8') + 'SCRIPT POST F final-post.sh $DAG_STATUS $FAILED_COUNT\n');
    const r = await runDag({ dagFile: d.dagFile, maxJobs: 1, force: false, log });
    expect(d.calls().map((c) => c.split(' ')[0])).toEqual(['A', 'F']);
    expect(readFileSync(join(d.dir, 'final.txt'), 'utf8').trim()).toBe('dag_status=3 failed=1');
    expect(r.exitCode).toBe(9);
    expect(r.nodes.B.status).not.toBe('DONE');
  });

  it('a failed PRE script skips the job and the POST; PRE_SKIP marks the node done instead', async () => {
    const d = dagDir('JOB A job.sub\nVARS A codes="0"\nSCRIPT PRE A pre.sh 4\nJOB B job.sub\nVARS B codes="0"\nSCRIPT PRE B pre.sh 7\nPRE_SKIP B 7\nSCRIPT POST A post.sh');
    script(d.dir, 'pre.sh', 'exit $1');
    script(d.dir, 'post.sh', 'touch post-ran; exit 0');
    const r = await runDag({ dagFile: d.dagFile, maxJobs: 1, force: false, log });
    expect(r.nodes.A).toMatchObject({ status: 'ERROR', exitValue: 4 });
    expect(r.nodes.B.status).toBe('DONE');
    expect(d.calls()).toEqual([]);
    expect(existsSync(join(d.dir, 'post-ran'))).toBe(false);
  });

  it('a POST script turns a failed job into a successful node, seeing $RETURN, $JOB and $RETRY as whole arguments only', async () => {
    const d = dagDir('JOB A job.sub\nVARS A codes="1"\nSCRIPT POST A post.sh $JOB $RETRY $RETURN x$RETURN $MAX_RETRIES');
    script(d.dir, 'post.sh', 'echo "$@" > post-args; exit 0');
    const r = await runDag({ dagFile: d.dagFile, maxJobs: 1, force: false, log });
    expect(r.exitCode).toBe(0);
    expect(readFileSync(join(d.dir, 'post-args'), 'utf8').trim()).toBe('A 0 1 x$RETURN 0');
  });

  it('runs independent nodes in parallel up to --max-jobs', async () => {
    const d = dagDir('JOB A job.sub\nJOB B job.sub\nJOB C job.sub\nJOB D job.sub\nVARS ALL_NODES codes="0"', [
      `executable = ${join(REPO_ROOT, 'test', 'doubles', 'concurrency-probe')}`,
      'arguments = "$(JOB) probe"',
      'queue',
      '',
    ].join('\n'));
    await runDag({ dagFile: d.dagFile, maxJobs: 2, force: false, log });
    const peak = Math.max(...readFileSync(join(d.dir, 'probe.max'), 'utf8').trim().split('\n').map(Number));
    expect(peak).toBe(2);
  });

  it('resumes from the newest rescue DAG after the cause is fixed, running only what did not finish', async () => {
    const d = dagDir('JOB A job.sub\nVARS A codes="0"\nJOB B job.sub\nVARS B codes="1"\nPARENT A CHILD B');
    expect((await runDag({ dagFile: d.dagFile, maxJobs: 1, force: false, log })).exitCode).toBe(1);
    writeFileSync(d.dagFile, readFileSync(d.dagFile, 'utf8').replace('VARS B codes="1"', 'VARS B codes="0"'));
    const r = await runDag({ dagFile: d.dagFile, maxJobs: 1, force: false, log });
    expect(r.exitCode).toBe(0);
    expect(r.resumedFrom).toBe(`${d.dagFile}.rescue001`);
    expect(d.calls().map((c) => c.split(' ')[0])).toEqual(['A', 'B', 'B']);
    // --force starts afresh.
    await runDag({ dagFile: d.dagFile, maxJobs: 1, force: true, log });
    expect(d.calls().map((c) => c.split(' ')[0])).toEqual(['A', 'B', 'B', 'A', 'B']);
  });

  it('on interrupt kills the running jobs, writes the rescue DAG, and exits 143', async () => {
    const d = dagDir('JOB A job.sub\nVARS A codes="0"\nJOB SLOW slow.sub\nPARENT A CHILD SLOW', '');
    writeFileSync(join(d.dir, 'slow.sub'), `executable = ${script(d.dir, 'slow.sh', 'echo $$ > slow.pid; exec sleep 30')}\nqueue\n`);
    const controller = new AbortController();
    const running = runDag({ dagFile: d.dagFile, maxJobs: 1, force: false, log, interrupted: controller.signal });
    for (let i = 0; i < 400 && !existsSync(join(d.dir, 'slow.pid')); i++) await new Promise((r) => setTimeout(r, 10));
    const t0 = performance.now();
    controller.abort('SIGTERM');
    const r = await running;
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(r.exitCode).toBe(143);
    const pid = Number(readFileSync(join(d.dir, 'slow.pid'), 'utf8'));
    expect(() => process.kill(pid, 0)).toThrow();
    expect(parseRescue(readFileSync(`${d.dagFile}.rescue001`, 'utf8'), 'x').done).toEqual(['A']);
    expect(readDagView(d.dagFile)).toMatchObject({ finished: true, outcome: 'failed', exitStatus: 143 });
  });

  it('expands $(macros) from VARS, $(JOB) and the submit file, and honours environment and initialdir', async () => {
    const d = dagDir('JOB A job.sub\nVARS A greeting="hello world" sub="work"', [
      `executable = ${script(join(tmp), `env-probe-${counter}.sh`, 'echo "$GREETING|$1|$2|$(pwd)" > probe.txt')}`,
      'initialdir = $(sub)',
      'arguments = "\'$(greeting)\' $(JOB)-$(suffix)"',
      'suffix = x',
      'environment = "GREETING=\'$(greeting)\'"',
      'queue',
      '',
    ].join('\n'));
    mkdirSync(join(d.dir, 'work'));
    const r = await runDag({ dagFile: d.dagFile, maxJobs: 1, force: false, log });
    expect(r.exitCode).toBe(0);
    expect(readFileSync(join(d.dir, 'work', 'probe.txt'), 'utf8').trim()).toBe(`hello world|hello world|A-x|${join(d.dir, 'work')}`);
  });
});
