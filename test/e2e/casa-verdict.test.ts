/**
 * casa-verdict as a DAG runs it: the built executable, copied alone to an empty directory,
 * no Node.js on PATH, judging working directories as a POST script would.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyBuild } from '../build/built.js';
import { DEMO_DIR } from '../../fixtures/casa/generate.js';
import { writeCasaWorkdir } from '../../fixtures/casa/workdirs.js';
import { writeBigCasaLog } from '../../bench/make-casa-log.js';

let tmp: string;
let exe: string;
const env = { PATH: '/nonexistent' };

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'cv-e2e-'));
  await copyBuild(join(tmp, 'bin'));
  exe = join(tmp, 'bin', 'casa-verdict');
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function verdict(args: string[]) {
  const out = mkdtempSync(join(tmp, 'out-'));
  const r = spawnSync(exe, [...args, '--out', out], { cwd: out, env, encoding: 'utf8', timeout: 60_000 });
  return { ...r, out };
}

describe('casa-verdict executable', () => {
  it('sees through the false failure in the bundled demo fixture', () => {
    const r = verdict(['--workdir', DEMO_DIR, '--exit-code', '1', '--workflow', 'quicklook']);
    expect(r.status).toBe(0);
    const result = JSON.parse(readFileSync(join(r.out, 'casa-verdict.json'), 'utf8'));
    expect(result.verdict).toBe('success');
    expect(result.reasons).toEqual([expect.objectContaining({ rule: 'exit-status', severity: 'warning' })]);
    expect(r.stderr).toContain('casa-verdict: SUCCESS');
  });

  it('fails an errorexit run that CASA exited 0 from, naming the marker', () => {
    const dir = join(tmp, 'errorexit');
    writeCasaWorkdir(dir, 'errorexit');
    const r = verdict(['--workdir', dir, '--exit-code', '0', '--json']);
    expect(r.status).toBe(1);
    expect(JSON.parse(r.stdout).reasons[0]).toMatchObject({ rule: 'errorexit', severity: 'fatal' });
    expect(r.stderr).toMatch(/First fatal reason \[rule errorexit\]: the pipeline wrote the failure marker errorexit-\d{8}T\d{6}\.txt/);
  });

  it('exits 66 with one line naming the missing workdir, and no stack trace', () => {
    const r = verdict(['--workdir', join(tmp, 'absent')]);
    expect(r.status).toBe(66);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0])).toMatchObject({ level: 'error', tool: 'casa-verdict', msg: expect.stringContaining(join(tmp, 'absent')) });
  });

  it('on SIGTERM exits 143, leaves no temporary and no half-written result', async () => {
    const dir = join(tmp, 'big');
    mkdirSync(dir);
    writeBigCasaLog(join(dir, 'casa-20210314-031507.log'), 500 * 2 ** 20); // scanning takes ~0.3 s
    const out = mkdtempSync(join(tmp, 'out-'));
    const status = join(out, 'status.jsonl');
    const child = spawn(exe, ['--workdir', dir, '--out', out, '--status-file', status], { env });
    // Signal as soon as the scan has started.
    while (!(existsSync(status) && readFileSync(status, 'utf8').includes('"reading"'))) await new Promise((r) => setTimeout(r, 5));
    child.kill('SIGTERM');
    const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
    expect(code).toBe(143);
    expect(readdirSync(out).filter((f) => f !== 'status.jsonl')).toEqual([]);
    const last = readFileSync(join(out, 'status.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l)).at(-1);
    expect(last).toMatchObject({ event: 'interrupted', signal: 'SIGTERM', exitCode: 143 });
  });
});
