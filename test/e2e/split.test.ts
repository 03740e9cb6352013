/**
 * split through the built executable, as a DAG node runs it: SIGTERM while taql is copying
 * (exit 143 within a second, no split and no temporary in the cache, no index entry, and a
 * re-run succeeds), and a full disk (a small tmpfs, when running as root: exit 74, nothing
 * partial left). Measurement sets are made with python-casacore.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyBuild } from '../build/built.js';
import { casacoreSkipReason, makeMs } from '../helpers/casacore.js';

const skip = casacoreSkipReason();
if (skip) console.warn(`e2e/split.test.ts: ${skip}`);

let tmp: string;
let exe: string;
let ms: string;
const IMAGE = ['--phase-center', 'J000000-023000', '--radius-deg', '2', '--epoch', 'VLASS2.1', '--tile', 'T10t01'];
const env = { PATH: process.env.PATH ?? '/usr/bin:/bin' };

beforeAll(async () => {
  if (skip) return;
  tmp = mkdtempSync(join(tmpdir(), 'split-e2e-'));
  await copyBuild(join(tmp, 'bin'));
  exe = join(tmp, 'bin', 'split');
  // About 300 MB, all 40 fields within 2 deg: taql's copy takes a second or more.
  ms = makeMs(join(tmp, 'in', 'VLASS2.1.sb9.eb9.59000.5.ms'), { ra0: 359.5, dec0: -2.5, nchan: 64, targetBytes: 300_000_000 }).out;
}, 240_000);
afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

const imageDir = (cache: string) => join(cache, 'VLASS2.1', 'T10t01', 'J000000-023000');

describe.skipIf(skip)('split executable', () => {
  it('on SIGTERM during the copy exits 143 within a second, leaving nothing in the cache; a re-run succeeds', async () => {
    const cache = join(tmp, 'cache-term');
    const status = join(tmp, 'term.jsonl');
    const child = spawn(exe, ['--ms', ms, ...IMAGE, '--cache', cache, '--status-file', status, '--log-level', 'warn'], { env, stdio: 'ignore' });
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    const copying = () => existsSync(status) && readFileSync(status, 'utf8').includes('"state":"started","step":"split"');
    for (let i = 0; i < 2000 && !copying(); i++) await sleep(5);
    // taql is running once its temporary split directory exists (polled: a fixed wait was
    // sometimes too short on a loaded machine).
    const temporaryThere = () => existsSync(imageDir(cache)) && readdirSync(imageDir(cache)).some((n) => n.includes('.tmp-'));
    for (let i = 0; i < 2000 && !temporaryThere(); i++) await sleep(5);
    await sleep(20);
    expect(temporaryThere()).toBe(true);
    const t0 = performance.now();
    child.kill('SIGTERM');
    expect(await exited).toBe(143);
    expect(performance.now() - t0).toBeLessThan(1000);
    await sleep(200); // a killed taql would still be writing here
    expect(readdirSync(imageDir(cache))).toEqual([]);
    const last = readFileSync(status, 'utf8').trim().split('\n').map((l) => JSON.parse(l)).at(-1);
    expect(last).toMatchObject({ event: 'interrupted', exitCode: 143 });
    expect(spawnSync('pgrep', ['-f', `taql.*${cache}`]).status).not.toBe(0);

    const again = spawnSync(exe, ['--ms', ms, ...IMAGE, '--cache', cache, '--log-level', 'warn'], { env, encoding: 'utf8' });
    expect(again.status).toBe(0);
    expect(readdirSync(imageDir(cache)).sort()).toEqual(['VLASS2.1.sb9.eb9.59000.5_split.ms', 'split-index.json']);
  }, 120_000);

  it('SIGKILLed during the copy (no clean-up can run): nothing under the final name, and a re-run takes over and completes', async () => {
    const cache = join(tmp, 'cache-kill');
    const status = join(tmp, 'kill.jsonl');
    const child = spawn(exe, ['--ms', ms, ...IMAGE, '--cache', cache, '--status-file', status, '--log-level', 'warn'], { env, stdio: 'ignore' });
    const exited = new Promise((r) => child.on('exit', r));
    const copying = () => existsSync(status) && readFileSync(status, 'utf8').includes('"state":"started","step":"split"');
    for (let i = 0; i < 2000 && !copying(); i++) await sleep(5);
    await sleep(150);
    child.kill('SIGKILL');
    await exited;
    // Only a temporary and the dead run's lock: no split under its final name, no index entry.
    expect(readdirSync(imageDir(cache)).filter((n) => !n.startsWith('.'))).toEqual([]);
    const again = spawnSync(exe, ['--ms', ms, ...IMAGE, '--cache', cache, '--json', '--log-level', 'warn'], { env, encoding: 'utf8' });
    expect(again.status, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout).outcomes[0]).toMatchObject({ state: 'split' });
    // The killed run's taql may still be finishing its copy into the removed temporary: wait for it.
    for (let i = 0; i < 200 && spawnSync('pgrep', ['-f', `taql.*${cache}`]).status === 0; i++) await sleep(50);
    expect(readdirSync(imageDir(cache)).sort()).toEqual(['VLASS2.1.sb9.eb9.59000.5_split.ms', 'split-index.json']);
  }, 120_000);

  it('on a full disk exits 74 and leaves no split, temporary or index entry (tmpfs, as root)', () => {
    const mount = join(tmp, 'small');
    mkdirSync(mount);
    const mounted = process.getuid?.() === 0 && spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=20m', 'tmpfs', mount]).status === 0;
    if (!mounted) return console.warn('skipped: a full disk needs root to mount a small tmpfs');
    try {
      const cache = join(mount, 'cache');
      const r = spawnSync(exe, ['--ms', ms, ...IMAGE, '--cache', cache, '--log-level', 'warn'], { env, encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(74);
      expect(r.stderr).toMatch(/disk full .*No space left on device.*; free space and re-run/);
      expect(readdirSync(imageDir(cache))).toEqual([]);
    } finally {
      spawnSync('umount', [mount]);
    }
  }, 120_000);
});
