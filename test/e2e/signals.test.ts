/**
 * SIGTERM and SIGINT through the built executables, as HTCondor sends them (condor_rm,
 * preemption, a DAG abort): during every stage of every tool the process exits 143/130 within
 * a second, appends an `interrupted` record to the status file, and leaves no temporary and no
 * partial output. Inputs are generated here, big enough that each stage takes a while.
 *
 * A clean run first records each tool's stages and outputs; then one run per stage is signalled
 * as soon as the status file shows that stage, and one halfway through the clean run's time.
 * Whatever outputs an interrupted run left must be byte-identical to the clean run's.
 */
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyBuild } from '../build/built.js';
import { writeQlProduct } from '../../fixtures/vlass/ql.js';
import { writeSeProduct } from '../../fixtures/vlass/se.js';
import { writeCubeProduct } from '../../fixtures/vlass/cube.js';
import { writeBigCasaLog } from '../../bench/make-casa-log.js';

let tmp: string;
let bin: string;
const env = { PATH: '/nonexistent' };

interface Case {
  tool: string;
  /** Input directory copied fresh into each run (annotation and QA_REJECTED change inputs). */
  input: string;
  args: (input: string, out: string) => string[];
}

const cases: Case[] = [];

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'vlass-signals-'));
  bin = join(tmp, 'bin');
  await copyBuild(bin);
  const ql = join(tmp, 'in', 'ql');
  const se = join(tmp, 'in', 'se');
  const cc = join(tmp, 'in', 'cc');
  const casa = join(tmp, 'in', 'casa');
  writeQlProduct(ql, { size: 3000, seed: 5, nSources: 100 });
  writeSeProduct(se, { size: 2500, seed: 5, nSources: 300 });
  writeCubeProduct(cc, { size: 900, seed: 5, nSources: 40 });
  // The cube catalog measures the SE catalog's components in the cube's planes.
  const catalogRun = spawnSync(join(bin, 'create-component-list'), ['--dir', se, '--out', cc, '--log-level', 'warn'], { env });
  expect(catalogRun.status).toBe(0);
  const catalog = readdirSync(cc).find((f) => f.endsWith('.catalog.csv'))!;
  mkdirSync(casa, { recursive: true });
  writeBigCasaLog(join(casa, 'casa-20210314-031507.log'), 300 * 2 ** 20);
  cases.push(
    { tool: 'annotateQa', input: ql, args: (i, o) => ['--dir', i, '--previews', '--out', o] },
    { tool: 'annotateQaSE', input: se, args: (i, o) => ['--dir', i, '--previews', '--out', o] },
    { tool: 'create-component-list', input: se, args: (i, o) => ['--dir', i, '--casa-script', '--out', o] },
    { tool: 'annotateQaSECube', input: cc, args: (i, o) => ['--dir', i, '--out', o] },
    { tool: 'create-cube-component-list', input: cc, args: (i, o) => ['--dir', i, '--catalog', join(i, catalog), '--out', o] },
    { tool: 'casa-verdict', input: casa, args: (i, o) => ['--workdir', i, '--exit-code', '0', '--out', o] },
  );
}, 300_000);
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

interface Run {
  code: number | null;
  /** Milliseconds from the signal to the exit. */
  exitAfterSignalMs?: number;
  stages: string[];
  records: Array<Record<string, unknown>>;
  /** Every file the run left (input copy under in/, outputs under out/), by relative path. */
  files: Map<string, Buffer>;
}

/** Runs a tool on a fresh copy of its input; `signalWhen` decides when to send `signal`. */
async function runTool(c: Case, signal?: NodeJS.Signals, signalWhen?: (records: Array<Record<string, unknown>>, elapsedMs: number) => boolean): Promise<Run> {
  // The same path for every run of a tool: outputs name their inputs, and must compare equal.
  const dir = join(tmp, `run-${c.tool}`);
  rmSync(dir, { recursive: true, force: true });
  const input = join(dir, 'in');
  const out = join(dir, 'out');
  mkdirSync(out, { recursive: true });
  cpSync(c.input, input, { recursive: true });
  const status = join(dir, 'status.jsonl');
  const child = spawn(join(bin, c.tool), [...c.args(input, out), '--status-file', status, '--log-level', 'warn'], { env, stdio: 'ignore' });
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  let done = false;
  void exited.then(() => (done = true));
  const start = performance.now();
  let signalledAt: number | undefined;
  while (signal && !done) {
    if (signalWhen!(readRecords(status), performance.now() - start)) {
      signalledAt = performance.now();
      child.kill(signal);
      break;
    }
    await sleep(5);
  }
  const code = await exited;
  const records = readRecords(status);
  return {
    code,
    exitAfterSignalMs: signalledAt === undefined ? undefined : performance.now() - signalledAt,
    stages: records.filter((r) => r.event === 'stage').map((r) => String(r.stage)),
    records,
    files: filesUnder(dir),
  };
}

/** How far into the run (after its first status record) the SIGINT is sent. */
const SIGINT_AFTER_MS = 10;

function readRecords(file: string): Array<Record<string, unknown>> {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.endsWith('}'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** Every file under `dir`, relative, with its bytes. */
function filesUnder(dir: string): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else files.set(relative(dir, p), readFileSync(p));
    }
  };
  walk(dir);
  return files;
}

/** The interrupted run left nothing partial: no temporaries, and each file either as before or as after a clean run. */
function expectNothingPartial(run: Run, clean: Run, original: string): void {
  const before = filesUnder(original);
  for (const [name, bytes] of run.files) {
    if (name === 'status.jsonl') continue;
    expect(name, `temporary left behind: ${name}`).not.toMatch(/\.tmp-/);
    const asBefore = name.startsWith('in/') && before.get(name.slice(3))?.equals(bytes);
    const asAfter = clean.files.get(name)?.equals(bytes);
    expect(asBefore || asAfter, `${name} is neither the input's nor the clean run's version`).toBe(true);
  }
}

describe.each(['annotateQa', 'annotateQaSE', 'create-component-list', 'annotateQaSECube', 'create-cube-component-list', 'casa-verdict'])('%s interrupted', (tool) => {
  it('stops within a second of SIGTERM at every stage, and of SIGINT mid-run, leaving nothing partial', async () => {
    const c = cases.find((x) => x.tool === tool)!;
    const clean = await runTool(c);
    expect(clean.code === 0 || clean.code === 1).toBe(true);
    const stages = [...new Set(clean.stages)];
    expect(stages.length).toBeGreaterThan(1);

    const attempts: Array<{ what: string; signal: NodeJS.Signals; when: (r: Array<Record<string, unknown>>, ms: number) => boolean }> = stages.map((stage) => ({
      what: `on entering "${stage}"`,
      signal: 'SIGTERM',
      when: (records) => records.some((r) => r.stage === stage),
    }));
    // SIGINT mid-computation: a little into the run's first stage, when nearly all of the work
    // is still ahead. (Half the clean run's time, or its longest stage, were tried: under a
    // loaded test machine this test's own polling can lag by hundreds of ms, and a tool whose
    // work is one 0.1 s stage, casa-verdict's scan, was then done before the signal.)
    let seenAt: number | undefined;
    attempts.push({
      what: `${SIGINT_AFTER_MS} ms into the run`,
      signal: 'SIGINT',
      when: (records, ms) => {
        if (seenAt === undefined && records.length > 0) seenAt = ms;
        return seenAt !== undefined && ms - seenAt >= SIGINT_AFTER_MS;
      },
    });

    let interruptedRuns = 0;
    const outcomes: string[] = [];
    for (const a of attempts) {
      const run = await runTool(c, a.signal, a.when);
      const last = run.records.at(-1)!;
      outcomes.push(`${a.what}: ${run.records.map((r) => `${r.event}${r.stage ? ':' + String(r.stage) : ''}@${String(r.time).slice(17, 23)}`).join(' ')} (exit ${run.code})`);
      if (last.event === 'done') {
        // The tool finished in the few milliseconds before the signal: a complete, clean run.
        expectNothingPartial(run, clean, c.input);
        continue;
      }
      interruptedRuns++;
      const expectedCode = a.signal === 'SIGINT' ? 130 : 143;
      expect(run.code, `${tool} ${a.what}`).toBe(expectedCode);
      expect(run.exitAfterSignalMs!, `${tool} ${a.what}: exit ${run.exitAfterSignalMs} ms after the signal`).toBeLessThan(1000);
      expect(last).toMatchObject({ event: 'interrupted', signal: a.signal, exitCode: expectedCode });
      expectNothingPartial(run, clean, c.input);
    }
    // Most attempts must really have interrupted work, or this test proves nothing.
    expect(interruptedRuns, outcomes.join('\n')).toBeGreaterThanOrEqual(Math.ceil(attempts.length / 2));
  }, 120_000);
});
