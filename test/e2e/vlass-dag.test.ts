/**
 * vlass-dag through the built executable: run a DAG, follow it with status, SIGTERM mid-run
 * (jobs killed, rescue DAG written, exit 143 within a second; the next run resumes), lint's exit
 * code, graph, and submit with a stand-in condor_submit_dag (a test double that records its
 * arguments) and without one (exit 69).
 */
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyBuild } from '../build/built.js';
import { REPO_ROOT } from '../helpers/realdata.js';

let tmp: string;
let exe: string;
beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'vlass-dag-e2e-'));
  await copyBuild(join(tmp, 'bin'));
  exe = join(tmp, 'bin', 'vlass-dag');
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

let counter = 0;
function workflow(slowSeconds: number): string {
  const dir = join(tmp, `wf-${counter++}`);
  mkdirSync(dir);
  const slow = join(dir, 'slow.sh');
  writeFileSync(slow, `#!/bin/sh\necho $$ > "$1.pid"\nsleep ${slowSeconds}\n`);
  chmodSync(slow, 0o755);
  writeFileSync(join(dir, 'fetch.sub'), `executable = ${join(REPO_ROOT, 'test', 'doubles', 'exit-as-told')}\narguments = "$(JOB) $(RETRY) 0 calls.log"\noutput = $(JOB).out\nerror = $(JOB).err\nqueue\n`);
  writeFileSync(join(dir, 'casa.sub'), `executable = ${slow}\narguments = $(JOB)\noutput = $(JOB).out\nerror = $(JOB).err\nqueue\n`);
  writeFileSync(join(dir, 'wf.dag'), ['JOB fetch fetch.sub', 'JOB casa casa.sub', 'JOB qa fetch.sub', 'PARENT fetch CHILD casa', 'PARENT casa CHILD qa', 'NODE_STATUS_FILE wf.node_status', 'JOBSTATE_LOG wf.jobstate.log', ''].join('\n'));
  writeFileSync(join(dir, 'stages.json'), JSON.stringify({ fetch: 'gathering data', casa: 'running casa', qa: 'post casa work' }));
  return dir;
}

const env = { PATH: '/usr/bin:/bin' };

describe('vlass-dag executable', () => {
  it('runs a DAG and status shows every node done, stage by stage', () => {
    const dir = workflow(0);
    const r = spawnSync(exe, ['run', dir, '--log-level', 'warn'], { env, encoding: 'utf8' });
    expect(r.status).toBe(0);
    const s = spawnSync(exe, ['status', dir, '--json', '--log-level', 'warn'], { env, encoding: 'utf8' });
    expect(JSON.parse(s.stdout)).toMatchObject({ finished: true, outcome: 'succeeded', done: 3, stage: 'post casa work' });
    expect(spawnSync(exe, ['lint', dir, '--log-level', 'warn'], { env, encoding: 'utf8' }).status).toBe(0);
    const dot = spawnSync(exe, ['graph', dir], { env, encoding: 'utf8' }).stdout;
    expect(dot).toMatch(/^digraph "wf" \{/);
    expect(dot).toContain('"fetch" -> "casa"');
    expect(dot).toContain('running casa');
  });

  it('on SIGTERM kills the running job, writes the rescue DAG and exits 143 within a second; the next run resumes', async () => {
    const dir = workflow(30);
    const child = spawn(exe, ['run', dir, '--log-level', 'warn', '--status-file', join(dir, 'status.jsonl')], { env, stdio: 'ignore' });
    const exited = new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
    for (let i = 0; i < 1000 && !existsSync(join(dir, 'casa.pid')); i++) await sleep(10);
    const t0 = performance.now();
    child.kill('SIGTERM');
    expect(await exited).toBe(143);
    expect(performance.now() - t0).toBeLessThan(1000);
    const pid = Number(readFileSync(join(dir, 'casa.pid'), 'utf8'));
    expect(() => process.kill(pid, 0)).toThrow();
    expect(readFileSync(join(dir, 'wf.dag.rescue001'), 'utf8')).toMatch(/^DONE fetch$/m);
    const last = readFileSync(join(dir, 'status.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l)).at(-1);
    expect(last).toMatchObject({ event: 'interrupted', signal: 'SIGTERM', exitCode: 143 });
    const status = JSON.parse(spawnSync(exe, ['status', dir, '--json', '--log-level', 'warn'], { env, encoding: 'utf8' }).stdout);
    expect(status).toMatchObject({ finished: true, outcome: 'failed', exitStatus: 143 });
    // The cause fixed (a fast casa), the next run resumes: fetch is not run again.
    writeFileSync(join(dir, 'slow.sh'), '#!/bin/sh\nexit 0\n');
    const again = spawnSync(exe, ['run', dir, '--log-level', 'warn'], { env, encoding: 'utf8' });
    expect(again.status).toBe(0);
    expect(again.stderr).toContain('resumed from wf.dag.rescue001');
    expect(readFileSync(join(dir, 'calls.log'), 'utf8').trim().split('\n').map((l) => l.split(' ')[0])).toEqual(['fetch', 'qa']);
  });

  it('lint exits 65 with one finding per line naming file, line and fix', () => {
    const dir = workflow(0);
    writeFileSync(join(dir, 'wf.dag'), readFileSync(join(dir, 'wf.dag'), 'utf8') + 'PARENT qa CHILD fetch\nRETRY casa 2 UNLESS-EXIT 75\n');
    const r = spawnSync(exe, ['lint', dir], { env, encoding: 'utf8' });
    expect(r.status).toBe(65);
    expect(r.stdout).toMatch(/wf\.dag:\d+: cycle: .*; fix: /);
    expect(r.stdout).toMatch(/wf\.dag:\d+: RETRY casa UNLESS-EXIT 75: 75 is the code worth a retry; fix: /);
  });

  it('submit hands the DAG to condor_submit_dag with a batch name, and exits 69 where there is none', () => {
    const dir = workflow(0);
    const none = spawnSync(exe, ['submit', dir], { env, encoding: 'utf8' });
    expect(none.status).toBe(69);
    expect(none.stderr).toContain('condor_submit_dag is not on the PATH');
    const doubles = join(tmp, 'doubles');
    mkdirSync(doubles, { recursive: true });
    const record = join(tmp, 'submitted.txt');
    writeFileSync(join(doubles, 'condor_submit_dag'), `#!/bin/sh\n# test double: records its arguments\necho "$@" > ${record}\necho "1 job(s) submitted to cluster 4242."\n`);
    chmodSync(join(doubles, 'condor_submit_dag'), 0o755);
    const r = spawnSync(exe, ['submit', dir, '--workflow', 'quicklook', '--request', 'r9', '--log-level', 'warn'], { env: { PATH: `${doubles}:/usr/bin:/bin` }, encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toBe('4242');
    expect(readFileSync(record, 'utf8').trim()).toBe('-batch-name quicklook-r9 wf.dag');
  });
});
