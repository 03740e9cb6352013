/**
 * Faults injected into every image and CASA tool, through the built executables (issue 17):
 * an output path that cannot be written (73), SIGKILL part way and a re-run (succeeds, same bytes
 * as a clean run, no temporaries left), the main input truncated (65/66/74, nothing written),
 * the main input deleted while it is read (a clean exit or 65/66/74, never a crash), and a CAPO
 * key of the wrong type (78, naming the key and the file). SIGTERM at several points:
 * signals.test.ts. Each outcome is counted for the reliability report (helpers/tally.ts).
 */
import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, truncateSync, statSync, writeFileSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyBuild } from '../build/built.js';
import { writeQlProduct } from '../../fixtures/vlass/ql.js';
import { writeSeProduct } from '../../fixtures/vlass/se.js';
import { writeCubeProduct } from '../../fixtures/vlass/cube.js';
import { writeBigCasaLog } from '../../bench/make-casa-log.js';
import { flushTally, tally } from '../helpers/tally.js';

let tmp: string;
let bin: string;
const env = { PATH: '/nonexistent', HOME: '/nonexistent' };
/** Exit codes a tool may end with on bad or vanishing input: never 70 (internal) or a signal. */
const INPUT_FAILURES = [65, 66, 74];

interface Case {
  tool: string;
  /** Copied fresh for each run (annotation and QA_REJECTED change inputs). */
  input: string;
  args: (input: string, out: string) => string[];
  /** The file the tool reads most of (truncated, deleted). */
  mainFile: (input: string) => string;
  /** A CAPO key the tool reads (numeric unless capoBadValue says otherwise). */
  capoKey: string;
  /** A value of the wrong kind for it (default: a word where a number belongs). */
  capoBadValue?: string;
}

const cases: Case[] = [];
const find = (dir: string, suffix: string) => join(dir, readdirSync(dir).find((f) => f.endsWith(suffix))!);

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'vlass-faults-'));
  bin = join(tmp, 'bin');
  await copyBuild(bin);
  const [ql, se, cc, casa] = ['ql', 'se', 'cc', 'casa'].map((k) => join(tmp, 'in', k));
  writeQlProduct(ql, { size: 1500, seed: 7, nSources: 60 });
  writeSeProduct(se, { size: 1200, seed: 7, nSources: 120 });
  writeCubeProduct(cc, { size: 300, seed: 7, nSources: 20 });
  const catalogRun = spawnSync(join(bin, 'create-component-list'), ['--dir', se, '--out', cc, '--log-level', 'warn'], { env });
  expect(catalogRun.status).toBe(0);
  mkdirSync(casa, { recursive: true });
  writeBigCasaLog(join(casa, 'casa-20210314-031507.log'), 60 * 2 ** 20);
  const catalog = find(cc, '.catalog.csv');
  cases.push(
    { tool: 'annotateQa', input: ql, args: (i, o) => [i, '--previews', '--out', o], mainFile: (i) => find(i, '.tt0.subim.fits'), capoKey: 'edu.nrao.vlass.annotateQa.rule.beamMajor.min' },
    { tool: 'annotateQaSE', input: se, args: (i, o) => [i, '--previews', '--out', o], mainFile: (i) => find(i, '.tt0.subim.fits'), capoKey: 'edu.nrao.vlass.annotateQaSE.alpha.snrMin' },
    { tool: 'create-component-list', input: se, args: (i, o) => [i, '--casa-script', '--out', o], mainFile: (i) => find(i, '.tt0.subim.fits'), capoKey: 'edu.nrao.vlass.createComponentList.threshIsl' },
    { tool: 'annotateQaSECube', input: cc, args: (i, o) => [i, '--out', o], mainFile: (i) => find(i, '.spw9.IQU.iter3.image.pbcor.tt0.subim.fits'), capoKey: 'edu.nrao.vlass.annotateQaSECube.beamTolerance' },
    {
      tool: 'create-cube-component-list',
      input: cc,
      args: (i, o) => [i, '--catalog', join(i, catalog.split('/').pop()!), '--out', o],
      mainFile: (i) => find(i, '.catalog.csv'),
      capoKey: 'edu.nrao.vlass.createCubeComponentList.fitRadiusFwhm',
    },
    { tool: 'casa-verdict', input: casa, args: (i, o) => [i, '--exit-code', '0', '--out', o], mainFile: (i) => find(i, '.log'), capoKey: 'edu.nrao.vlass.casaVerdict.allowPattern', capoBadValue: '(unclosed' },
  );
}, 240_000);

afterAll(() => {
  flushTally();
  rmSync(tmp, { recursive: true, force: true });
});

let runCount = 0;
/** A fresh copy of the case's input and an empty output directory. */
function fresh(c: Case): { input: string; out: string } {
  const dir = join(tmp, 'runs', `${c.tool}-${runCount++}`);
  cpSync(c.input, join(dir, 'in'), { recursive: true });
  mkdirSync(join(dir, 'out'));
  return { input: join(dir, 'in'), out: join(dir, 'out') };
}

function run(c: Case, input: string, out: string, extra: string[] = [], extraEnv: Record<string, string> = {}) {
  return spawnSync(join(bin, c.tool), [...c.args(input, out), '--log-level', 'warn', ...extra], { env: { ...env, ...extraEnv }, encoding: 'utf8', timeout: 120_000 });
}

/** The output files' contents, with the lines that carry a time or a run's own path masked. */
function outputs(out: string, input: string): Record<string, string> {
  const files = readdirSync(out).sort();
  return Object.fromEntries(
    files.map((f) => {
      const bytes = readFileSync(join(out, f));
      const text = /\.(json|csv|py|reg|crtf|txt)$/.test(f) ? bytes.toString('utf8').replaceAll(input, '<input>').replaceAll(out, '<out>').replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z?/g, '<time>') : bytes.toString('base64');
      return [f, text];
    }),
  );
}

const outcome = (status: number | null, signal: NodeJS.Signals | null) => (signal ? `signal ${signal}` : `exit ${status}`);

describe.each(['annotateQa', 'annotateQaSE', 'create-component-list', 'annotateQaSECube', 'create-cube-component-list', 'casa-verdict'])('%s under faults', (tool) => {
  const theCase = () => cases.find((c) => c.tool === tool)!;

  it('an output path that is a file, not a directory: 73, nothing written', () => {
    const c = theCase();
    const { input, out } = fresh(c);
    const notADirectory = join(out, 'file');
    writeFileSync(notADirectory, '');
    const r = run(c, input, notADirectory);
    tally({ area: 'fault', subject: tool, trial: 'output not writable', outcome: outcome(r.status, r.signal) });
    expect(r.status, r.stderr).toBe(73);
    expect(readdirSync(out)).toEqual(['file']);
  });

  it('a full disk under --out: 74, nothing partial left (a full tmpfs, when running as root; skipped otherwise)', () => {
    const c = theCase();
    const { input, out } = fresh(c);
    if (process.getuid?.() !== 0 || spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', out]).status !== 0) {
      console.warn(`${tool}: full-disk case skipped: mounting a small tmpfs needs root`);
      return;
    }
    try {
      // Filled to the last byte: every write of the tool fails with ENOSPC.
      const filler = join(out, 'filler');
      writeFileSync(filler, '');
      for (let chunk = 65536; chunk >= 1; chunk >>= 1) {
        try {
          for (;;) appendFileSync(filler, Buffer.alloc(chunk));
        } catch {
          // this size no longer fits: try smaller
        }
      }
      const r = run(c, input, out);
      tally({ area: 'fault', subject: tool, trial: 'disk full', outcome: outcome(r.status, r.signal) });
      expect(r.status, r.stderr).toBe(74);
      expect(readdirSync(out)).toEqual(['filler']);
    } finally {
      spawnSync('umount', [out]);
    }
  });

  it('SIGKILL part way, then a re-run: succeeds with the same outputs as a clean run, no temporaries left', async () => {
    const c = theCase();
    const clean = fresh(c);
    expect(run(c, clean.input, clean.out).status).toBe(0);
    const expected = outputs(clean.out, clean.input);
    for (const afterMs of [150, 500]) {
      const { input, out } = fresh(c);
      const child = spawn(join(bin, c.tool), [...c.args(input, out), '--log-level', 'warn'], { env, stdio: 'ignore' });
      const closed = new Promise((r) => child.on('close', r)); // it may finish before the kill
      await new Promise((r) => setTimeout(r, afterMs));
      child.kill('SIGKILL');
      await closed;
      const again = run(c, input, out);
      tally({ area: 'fault', subject: tool, trial: `SIGKILL after ${afterMs} ms, re-run`, outcome: outcome(again.status, again.signal) });
      expect(again.status, again.stderr).toBe(0);
      expect(outputs(out, input)).toEqual(expected);
      expect(readdirSync(out).filter((f) => f.startsWith('.') || f.includes('.tmp'))).toEqual([]);
    }
  }, 120_000);

  it('its main input truncated: 65, 66 or 74 with one line naming it, nothing written', () => {
    const c = theCase();
    const { input, out } = fresh(c);
    const file = c.mainFile(input);
    truncateSync(file, Math.floor(statSync(file).size / 2) + 17);
    const r = run(c, input, out);
    tally({ area: 'fault', subject: tool, trial: 'input truncated', outcome: outcome(r.status, r.signal) });
    if (tool === 'casa-verdict' || tool === 'annotateQaSECube') {
      // A truncated log is still a log (its last line is cut); a truncated window is rejected as unreadable.
      expect([0, ...INPUT_FAILURES]).toContain(r.status);
      return;
    }
    expect(INPUT_FAILURES, r.stderr).toContain(r.status);
    expect(r.stderr).toContain(file.split('/').pop());
    expect(readdirSync(out)).toEqual([]);
  });

  it('its main input deleted while it is read: a clean exit or 65/66/74, never a crash', async () => {
    const c = theCase();
    const { input, out } = fresh(c);
    const mainFile = c.mainFile(input);
    const child = spawn(join(bin, c.tool), [...c.args(input, out), '--log-level', 'warn'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const closed = new Promise<[number | null, NodeJS.Signals | null]>((r) => child.on('close', (code, sig) => r([code, sig])));
    await new Promise((r) => setTimeout(r, 100));
    if (existsSync(mainFile)) unlinkSync(mainFile);
    const [status, signal] = await closed;
    tally({ area: 'fault', subject: tool, trial: 'input deleted while read', outcome: outcome(status, signal) });
    expect(signal).toBeNull();
    expect([0, 1, ...INPUT_FAILURES], stderr).toContain(status);
  }, 60_000);

  it('a CAPO key of the wrong type: 78, naming the key and the file it came from', () => {
    const c = theCase();
    const { input, out } = fresh(c);
    const capoDir = join(out, '..', 'capo');
    mkdirSync(capoDir);
    writeFileSync(join(capoDir, 'faulty.properties'), `${c.capoKey} = ${c.capoBadValue ?? 'twelve'}\n`);
    const r = run(c, input, out, ['--capo-profile', 'faulty', '--capo-path', capoDir]);
    tally({ area: 'fault', subject: tool, trial: 'CAPO key of the wrong type', outcome: outcome(r.status, r.signal) });
    expect(r.status, r.stderr).toBe(78);
    expect(r.stderr).toContain(c.capoKey);
    expect(r.stderr).toContain(join(capoDir, 'faulty.properties'));
  });
});

describe('the workflow tools under faults', () => {
  const empty = () => mkdtempSync(join(tmp, 'wf-'));
  /** Each tool with a command line that gets as far as its work, given a scratch directory. */
  const lines: Record<string, (dir: string) => string[]> = {
    split: (d) => ['--ms', join(d, 'missing.ms'), '--phase-center', 'J000000-023000', '--radius-deg', '1', '--epoch', 'VLASS2.1', '--tile', 'T10t01', '--cache', d],
    'cache-products': (d) => ['--files', join(d, 'files.json'), '--destination', d],
    'vlass-dag': (d) => ['lint', d],
    'vlass-events': (d) => ['emit', '--workflow', 'quicklook', '--kind', 'workflow', '--state', 'done', '--results-dir', d],
  };
  const runTool = (tool: string, args: string[]) => spawnSync(join(bin, tool), [...args, '--log-level', 'warn'], { env, encoding: 'utf8', timeout: 60_000 });

  it.each(Object.keys(lines))('%s: an output path that is a file, not a directory: 73', (tool) => {
    const d = empty();
    writeFileSync(join(d, 'file'), '');
    const r = runTool(tool, [...lines[tool](d), '--out', join(d, 'file')]);
    tally({ area: 'fault', subject: tool, trial: 'output not writable', outcome: outcome(r.status, r.signal) });
    expect(r.status, r.stderr).toBe(73);
  });

  it.each(Object.keys(lines))('%s: a CAPO key of the wrong type (the events timeout every tool reads): 78, naming the key and the file', (tool) => {
    const d = empty();
    const capoDir = join(d, 'capo');
    mkdirSync(capoDir);
    const key = 'edu.nrao.vlass.events.amqp.connectTimeoutMs';
    writeFileSync(join(capoDir, 'faulty.properties'), `${key} = twelve\n`);
    const r = runTool(tool, [...lines[tool](d), '--out', d, '--capo-profile', 'faulty', '--capo-path', capoDir]);
    tally({ area: 'fault', subject: tool, trial: 'CAPO key of the wrong type', outcome: outcome(r.status, r.signal) });
    expect(r.status, r.stderr).toBe(78);
    expect(r.stderr).toContain(key);
    expect(r.stderr).toContain(join(capoDir, 'faulty.properties'));
  });

  it('vlass-dag: a truncated DAG file is 65 with the file and line; a truncated status file does not crash vlass-events tail', () => {
    const d = empty();
    writeFileSync(join(d, 'w.dag'), 'JOB a a.sub\nRETRY a 2 UNLESS-EX');
    const lint = runTool('vlass-dag', ['lint', d, '--out', d]);
    tally({ area: 'fault', subject: 'vlass-dag', trial: 'input truncated', outcome: outcome(lint.status, lint.signal) });
    expect(lint.status, lint.stderr).toBe(65);
    expect(lint.stderr).toContain('w.dag');
    const status = join(d, 'status.jsonl');
    writeFileSync(status, '{"time":"2026-12-02T00:00:00Z","tool":"split","event":"stage","stage":"splitt');
    const tail = runTool('vlass-events', ['tail', status, '--out', d]);
    tally({ area: 'fault', subject: 'vlass-events', trial: 'input truncated', outcome: outcome(tail.status, tail.signal) });
    expect([0, 65]).toContain(tail.status);
    expect(tail.signal).toBeNull();
  });
});

