/**
 * Generic smoke test of the shipped binary, run the way a cluster node runs it: a copy of
 * build/dist in an empty directory, no Node.js on PATH, no inherited environment.
 * Tool behaviour is tested elsewhere; this proves every tool starts, dispatches by its name,
 * and carries the right version.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TOOL_NAMES } from '../../tools/registry.js';
import { REPO_ROOT } from '../../build/paths.js';
import type { BuildManifest } from '../../build/manifest.js';
import { copyBuild } from '../build/built.js';

const PACKAGE_VERSION = (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version;

/** The command a tool with subcommands needs before any other flag. */
const COMMAND_OF: Record<string, string[]> = { 'vlass-events': ['tail', 'status.jsonl'], 'vlass-dag': ['status', '.'] };

let tmp: string;
let bin: string;
let manifest: BuildManifest;
let env: Record<string, string>;

/**
 * '/usr/bin:/bin' without the directories that hold a node (on this machine both do, /bin
 * being a link to /usr/bin); if nothing is left, an empty directory stands in for PATH.
 */
function pathWithoutNode(): string {
  const dirs = ['/usr/bin', '/bin'].filter((d) => !existsSync(join(d, 'node')));
  if (dirs.length) return dirs.join(':');
  const empty = join(tmp, 'empty-bin');
  mkdirSync(empty);
  return empty;
}

function run(dir: string, name: string, args: string[]) {
  return spawnSync(join(dir, name), args, { cwd: dir, env, encoding: 'utf8', timeout: 30_000 });
}

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'vlass-smoke-'));
  bin = join(tmp, 'bin');
  manifest = await copyBuild(bin);
  env = { PATH: pathWithoutNode() };
});

afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('the multi-call binary on a node without Node.js', () => {
  it('runs in an environment where node cannot be found', () => {
    const r = spawnSync('/bin/sh', ['-c', 'command -v node'], { cwd: bin, env, encoding: 'utf8' });
    expect(r.status).not.toBe(0);
    expect(r.stdout).toBe('');
  });

  it('was built with a link for every registered tool', () => {
    expect(manifest.tools).toEqual(TOOL_NAMES);
    for (const tool of TOOL_NAMES) expect(lstatSync(join(bin, tool)).isSymbolicLink()).toBe(true);
  });

  it.each(['vlass-jobs', ...TOOL_NAMES])('%s --version prints the package version and build commit', (name) => {
    const r = run(bin, name, ['--version']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(`${PACKAGE_VERSION} (${manifest.commit})\n`);
    expect(manifest.commit).toMatch(/^[0-9a-f]{12}(-dirty)?$/);
  });

  it.each(TOOL_NAMES)('%s --help describes that tool', (tool) => {
    const r = run(bin, tool, ['--help']);
    expect(r.status).toBe(0);
    expect(r.stdout.startsWith(`${tool}: `)).toBe(true);
    expect(r.stdout).toContain('--log-level');
    expect(r.stdout).toContain('Exit codes:');
  });

  it("help examples keep each command on one line; --log-level silent writes nothing on stderr, the summary included", () => {
    const help = run(bin, 'split', ['--help']).stdout;
    expect(help).toContain('\n  split --ms /data/eb1.ms --phase-center J005000-023000 --radius-deg 1 --epoch VLASS2.1 --tile T10t01\n      one image\n');
    const out = mkdtempSync(join(tmp, 'silent-'));
    const quiet = run(bin, 'annotateQa', [join(REPO_ROOT, 'fixtures', 'vlass', 'small', 'ql'), '--out', out, '--log-level', 'silent']);
    expect(quiet.status).toBe(0);
    expect(quiet.stderr).toBe('');
    expect(readdirSync(out).some((f) => f.endsWith('.qa.json'))).toBe(true);
  });

  it('MANIFEST.json records every bundled npm package with its version and licence', () => {
    const names = (manifest.packages ?? []).map((p) => p.name);
    expect(names).toEqual(expect.arrayContaining(['yargs', 'pino', 'amqplib', 'csv-parse', 'fast-xml-parser', 'ajv', 'jpeg-js']));
    for (const p of manifest.packages ?? []) {
      expect(p.version, p.name).toMatch(/^\d+\.\d+\.\d+/);
      expect(p.license, p.name).not.toBe('UNKNOWN');
    }
  });

  it('vlass-jobs --help lists every tool; without arguments it is a usage error', () => {
    const help = run(bin, 'vlass-jobs', ['--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toContain(`tools: ${TOOL_NAMES.join(', ')}`);
    const bare = run(bin, 'vlass-jobs', []);
    expect(bare.status).toBe(64);
  });

  it.each(TOOL_NAMES)('vlass-jobs %s ... dispatches by its first argument', (tool) => {
    const r = run(bin, 'vlass-jobs', [tool, '--help']);
    expect(r.status).toBe(0);
    expect(r.stdout.startsWith(`${tool}: `)).toBe(true);
  });

  it('rejects an unknown tool with exit 64 and one line', () => {
    const r = run(bin, 'vlass-jobs', ['no-such-tool']);
    expect(r.status).toBe(64);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it.each(TOOL_NAMES)('%s logs a failure as one JSON record on stderr (pino inside the binary)', (tool) => {
    const r = run(bin, tool, [...(COMMAND_OF[tool] ?? []), '--out', join(tmp, 'missing-dir')]);
    expect(r.status).toBe(73);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    const record = JSON.parse(lines[0]) as Record<string, unknown>;
    expect(record).toMatchObject({ level: 'error', tool, version: `${PACKAGE_VERSION} (${manifest.commit})`, exitCode: 73 });
  });

  it.runIf(existsSync('/usr/bin/script'))('logs readable lines when stderr is a terminal (pino-pretty inside the binary)', () => {
    const tool = TOOL_NAMES[0];
    const r = spawnSync('/usr/bin/script', ['-qec', `${join(bin, tool)} --out ${join(tmp, 'missing-dir')}`, '/dev/null'], { cwd: bin, env: { ...env, TERM: 'dumb' }, encoding: 'utf8' });
    expect(r.status).toBe(73);
    expect(r.stdout).toMatch(/ERROR.*does not exist/);
    expect(r.stdout).not.toContain('{"level"');
  });
});

describe('a copy of one tool (cp -L, as HTCondor transfer_input_files makes)', () => {
  it.each(TOOL_NAMES)('%s copied to a plain file still runs as that tool', (tool) => {
    const alone = join(tmp, `alone-${tool}`);
    mkdirSync(alone);
    const r0 = spawnSync('/bin/cp', ['-L', join(bin, tool), join(alone, tool)]);
    expect(r0.status).toBe(0);
    expect(lstatSync(join(alone, tool)).isFile()).toBe(true);
    const version = run(alone, tool, ['--version']);
    expect(version.status).toBe(0);
    expect(version.stdout).toBe(`${PACKAGE_VERSION} (${manifest.commit})\n`);
    const help = run(alone, tool, ['--help']);
    expect(help.status).toBe(0);
    expect(help.stdout.startsWith(`${tool}: `)).toBe(true);
  });

  it('renamed to something else (condor_exec.exe), the first argument picks the tool', () => {
    const dir = join(tmp, 'renamed');
    mkdirSync(dir);
    copyFileSync(join(bin, 'vlass-jobs'), join(dir, 'condor_exec.exe'));
    const tool = TOOL_NAMES[0];
    const r = run(dir, 'condor_exec.exe', [tool, '--version']);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(`${PACKAGE_VERSION} (${manifest.commit})\n`);
  });
});
