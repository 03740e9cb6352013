/**
 * deploy against temporary roots. Most cases install a fake build (a small shell script
 * standing in for the binary, so they run in milliseconds); one case installs the real binary
 * through the command line, end to end.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sha256File, type BuildManifest } from '../../build/manifest.js';
import { REPO_ROOT } from '../../build/paths.js';
import { deploy, releaseStamp, rollback, type DeployOptions } from '../../build/release.js';
import { copyBuild } from './built.js';

const DEPLOY = join(REPO_ROOT, 'build', 'deploy.ts');
const LEAK_VAR = 'VLASS_DEPLOY_TEST_LEAK';

let tmp: string;
let root: string;
let dist: string;
let clock: number;
let said: string[];

/**
 * A build directory whose "binary" is a shell script answering --version like the real one.
 * It answers wrongly when invoked as `wrongTool`, and fails if LEAK_VAR reaches it (deploy
 * must run the tools with an empty environment).
 */
async function makeFakeDist(dir: string, opts: { tools?: string[]; commit?: string; wrongTool?: string } = {}): Promise<BuildManifest> {
  const tools = opts.tools ?? ['alpha', 'beta'];
  const commit = opts.commit ?? 'abcdef012345';
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const script = [
    '#!/bin/sh',
    `if [ -n "\${${LEAK_VAR}:-}" ]; then echo "environment leaked"; exit 3; fi`,
    'case "${0##*/}" in',
    `  ${opts.wrongTool ?? '__none__'}) echo "9.9.9 (0000)" ;;`,
    `  *) echo "0.1.0 (${commit})" ;;`,
    'esac',
    '',
  ].join('\n');
  writeFileSync(join(dir, 'vlass-jobs'), script);
  chmodSync(join(dir, 'vlass-jobs'), 0o755);
  for (const tool of tools) symlinkSync('vlass-jobs', join(dir, tool));
  const manifest: BuildManifest = {
    version: '0.1.0',
    commit,
    builtAt: new Date().toISOString(),
    node: process.version,
    tools,
    binary: 'vlass-jobs',
    sha256: await sha256File(join(dir, 'vlass-jobs')),
    size: script.length,
  };
  writeFileSync(join(dir, 'MANIFEST.json'), JSON.stringify(manifest));
  return manifest;
}

function options(extra: Partial<DeployOptions> = {}): DeployOptions {
  clock += 60_000;
  return { root, env: 'dev', distDir: dist, now: new Date(clock), say: (line) => said.push(line), ...extra };
}

const envDir = () => join(root, 'vlass_dev');
const releasesDir = () => join(envDir(), 'releases');
const link = (name: string) => (isLink(join(releasesDir(), name)) ? readlinkSync(join(releasesDir(), name)) : undefined);
const releaseNames = () => readdirSync(releasesDir()).filter((n) => /Z$/.test(n)).sort();

function isLink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}

/** Every path under `dir` with its type and link target: to prove nothing changed. */
function snapshot(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      const st = lstatSync(p);
      out.push(`${relative(dir, p)} ${st.isSymbolicLink() ? `-> ${readlinkSync(p)}` : st.isDirectory() ? 'dir' : `file ${st.size} ${st.mtimeMs}`}`);
      if (st.isDirectory()) walk(p);
    }
  };
  walk(dir);
  return out;
}

beforeEach(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'vlass-deploy-'));
  root = join(tmp, 'root');
  mkdirSync(root);
  dist = join(tmp, 'dist');
  clock = Date.parse('2025-03-14T09:30:00Z');
  said = [];
  await makeFakeDist(dist);
});

afterEach(() => {
  delete process.env[LEAK_VAR];
  rmSync(tmp, { recursive: true, force: true });
});

describe('deploy', () => {
  it('installs a versioned release, points current and sbin at it, and records checksums', async () => {
    const name = await deploy(options());
    expect(name).toBe('0.1.0-abcdef012345-20250314T093100Z');
    const release = join(releasesDir(), name);
    expect(readdirSync(release).sort()).toEqual(['MANIFEST.sha256', 'alpha', 'beta', 'vlass-jobs']);
    expect(readlinkSync(join(release, 'alpha'))).toBe('vlass-jobs');
    expect(link('current')).toBe(name);
    expect(link('previous')).toBeUndefined();
    expect(readlinkSync(join(envDir(), 'sbin', 'alpha'))).toBe('../releases/current/alpha');

    const check = spawnSync('sha256sum', ['-c', 'MANIFEST.sha256'], { cwd: release, encoding: 'utf8' });
    expect(check.status).toBe(0);
    expect(check.stdout).toContain('vlass-jobs: OK');
    const viaSbin = spawnSync(join(envDir(), 'sbin', 'beta'), ['--version'], { env: {}, encoding: 'utf8' });
    expect(viaSbin.stdout).toBe('0.1.0 (abcdef012345)\n');
  });

  it('a second deploy keeps the first as previous and leaves other files in sbin alone', async () => {
    const first = await deploy(options());
    writeFileSync(join(envDir(), 'sbin', 'site-script'), '#!/bin/sh\n');
    await makeFakeDist(dist, { commit: 'bbbbbbbbbbbb' });
    const second = await deploy(options());
    expect(link('current')).toBe(second);
    expect(link('previous')).toBe(first);
    expect(readFileSync(join(envDir(), 'sbin', 'site-script'), 'utf8')).toBe('#!/bin/sh\n');
    expect(readlinkSync(join(envDir(), 'sbin', 'alpha'))).toBe('../releases/current/alpha');
  });

  it('runs the tools with an empty environment', async () => {
    process.env[LEAK_VAR] = '1';
    await expect(deploy(options())).resolves.toMatch(/Z$/);
  });

  it('refuses, leaving current untouched and no release behind, when a tool answers the wrong version', async () => {
    const first = await deploy(options());
    await makeFakeDist(dist, { commit: 'cccccccccccc', wrongTool: 'beta' });
    await expect(deploy(options())).rejects.toMatchObject({ exitCode: 1, message: expect.stringContaining('beta --version answered "9.9.9 (0000)"') });
    expect(link('current')).toBe(first);
    expect(readdirSync(releasesDir()).sort()).toEqual([first, 'current']);
  });

  it('refuses a build whose binary no longer matches its manifest (exit 66)', async () => {
    writeFileSync(join(dist, 'vlass-jobs'), '#!/bin/sh\necho tampered\n');
    await expect(deploy(options())).rejects.toMatchObject({ exitCode: 66, message: expect.stringContaining('run npm run build first') });
    expect(existsSync(envDir())).toBe(false);
  });

  it('asks for a build when there is none (exit 66)', async () => {
    rmSync(dist, { recursive: true });
    await expect(deploy(options())).rejects.toMatchObject({ exitCode: 66, message: expect.stringMatching(/MANIFEST.json not found; run npm run build first$/) });
  });

  it('refuses to replace a regular file in sbin unless forced', async () => {
    mkdirSync(join(envDir(), 'sbin'), { recursive: true });
    writeFileSync(join(envDir(), 'sbin', 'alpha'), 'an old wrapper script\n');
    await expect(deploy(options())).rejects.toMatchObject({ exitCode: 1, message: expect.stringContaining('pass --force') });
    expect(existsSync(releasesDir())).toBe(false);
    expect(readFileSync(join(envDir(), 'sbin', 'alpha'), 'utf8')).toBe('an old wrapper script\n');

    await deploy(options({ force: true }));
    expect(readlinkSync(join(envDir(), 'sbin', 'alpha'))).toBe('../releases/current/alpha');
  });

  it('refuses to replace a link in sbin that points elsewhere unless forced', async () => {
    mkdirSync(join(envDir(), 'sbin'), { recursive: true });
    symlinkSync('/opt/old/alpha', join(envDir(), 'sbin', 'alpha'));
    await expect(deploy(options())).rejects.toMatchObject({ exitCode: 1, message: expect.stringContaining('a link to /opt/old/alpha') });
  });

  it('keeps at most three releases, pruning the oldest', async () => {
    mkdirSync(join(releasesDir()), { recursive: true });
    mkdirSync(join(releasesDir(), 'notes'));
    const names: string[] = [];
    for (let i = 0; i < 5; i++) names.push(await deploy(options()));
    expect(releaseNames()).toEqual(names.slice(2));
    expect(link('current')).toBe(names[4]);
    expect(link('previous')).toBe(names[3]);
    expect(existsSync(join(releasesDir(), 'notes'))).toBe(true);
  });

  it('never prunes the previous release, even when it is the oldest', async () => {
    const [a, b, c] = [await deploy(options()), await deploy(options()), await deploy(options())];
    await rollback(options()); // current b, previous c
    const d = await deploy(options({ keep: 2 })); // current d, previous b
    expect(link('previous')).toBe(b);
    expect(releaseNames()).toEqual([b, d]);
    expect(releaseNames()).not.toContain(a);
    expect(releaseNames()).not.toContain(c);
  });

  it('--dry-run prints the plan and changes nothing', async () => {
    const before0 = snapshot(root);
    await deploy(options({ dryRun: true }));
    expect(snapshot(root)).toEqual(before0);
    expect(said.some((l) => l.startsWith('would install'))).toBe(true);

    await deploy(options());
    await deploy(options());
    const before = snapshot(root);
    said = [];
    await deploy(options({ dryRun: true }));
    await rollback(options({ dryRun: true }));
    expect(snapshot(root)).toEqual(before);
    expect(said).toContain('dry run: nothing changed');
    expect(said.some((l) => l.startsWith('would switch current'))).toBe(true);
  });

  it('--dry-run to a root that does not exist shows the plan and what it would create, then refuses as the deploy would (73)', async () => {
    const missing = join(tmp, 'not-mounted');
    await expect(deploy(options({ dryRun: true, root: missing }))).rejects.toMatchObject({ exitCode: 73, message: expect.stringContaining('is the filesystem mounted?') });
    expect(said.some((l) => l.startsWith('would install'))).toBe(true);
    expect(said).toContain(`would create ${join(missing, 'vlass_dev', 'releases')}`);
    expect(said).toContain('dry run: nothing changed');
    expect(existsSync(missing)).toBe(false);
  });

  it('refuses while another deploy holds the lock (exit 75)', async () => {
    mkdirSync(join(envDir(), '.deploy.lock'), { recursive: true });
    await expect(deploy(options())).rejects.toMatchObject({ exitCode: 75 });
    expect(existsSync(releasesDir())).toBe(false);
  });

  it('removes a partial release left by a killed deploy', async () => {
    mkdirSync(join(releasesDir(), '.partial-0.1.0-dead-20250101T000000Z'), { recursive: true });
    await deploy(options());
    expect(readdirSync(releasesDir()).filter((n) => n.startsWith('.'))).toEqual([]);
  });

  it('names releases with a sortable UTC stamp free of colons', () => {
    expect(releaseStamp(new Date('2025-03-14T09:30:05.123Z'))).toBe('20250314T093005Z');
  });
});

describe('rollback', () => {
  it('swaps current and previous, so a second rollback undoes the first', async () => {
    const first = await deploy(options());
    const second = await deploy(options());
    await rollback(options());
    expect([link('current'), link('previous')]).toEqual([first, second]);
    await rollback(options());
    expect([link('current'), link('previous')]).toEqual([second, first]);
  });

  it('refuses when there is no previous release', async () => {
    await deploy(options());
    await expect(rollback(options())).rejects.toMatchObject({ exitCode: 1, message: expect.stringContaining('nothing to roll back to') });
  });

  it('refuses to return to a release whose binary no longer matches its checksums', async () => {
    const first = await deploy(options());
    const second = await deploy(options());
    writeFileSync(join(releasesDir(), first, 'vlass-jobs'), 'corrupt');
    await expect(rollback(options())).rejects.toMatchObject({ exitCode: 1, message: expect.stringContaining('does not match') });
    expect(link('current')).toBe(second);
  });
});

describe('deploy command line', () => {
  const cli = (args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', DEPLOY, ...args], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 120_000 });

  it.each([
    [[], /Missing required argument: env/],
    [['--env', 'staging'], /Invalid values: Argument: env, Given: "staging"/],
    [['--env', 'dev', '--colour'], /Unknown argument: colour/],
  ])('%j is a usage error: exit 64, one line', (args, message) => {
    const r = cli(args as string[]);
    expect(r.status).toBe(64);
    expect(r.stderr).toMatch(message as RegExp);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('exit 66 without a build, 73 without a root', () => {
    const empty = join(tmp, 'empty');
    mkdirSync(empty);
    const noBuild = cli(['--env', 'dev', '--root', root, '--dist', empty]);
    expect(noBuild.status).toBe(66);
    expect(noBuild.stderr).toBe(`deploy: ${join(empty, 'MANIFEST.json')} not found; run npm run build first\n`);
    const noRoot = cli(['--env', 'dev', '--root', join(tmp, 'not-mounted'), '--dist', dist]);
    expect(noRoot.status).toBe(73);
    expect(noRoot.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('installs the real binary end to end; the sbin links run it without Node', async () => {
    const real = join(tmp, 'real-dist');
    const manifest = await copyBuild(real);
    const r = cli(['--env', 'test', '--root', root, '--dist', real]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const envTest = join(root, 'vlass_test');
    expect(readlinkSync(join(envTest, 'releases', 'current'))).toMatch(new RegExp(`^${manifest.version}-${manifest.commit}-\\d{8}T\\d{6}Z$`));
    for (const tool of manifest.tools) {
      const v = spawnSync(join(envTest, 'sbin', tool), ['--version'], { env: {}, encoding: 'utf8' });
      expect(v.stdout).toBe(`${manifest.version} (${manifest.commit})\n`);
    }
    const back = cli(['--env', 'test', '--root', root, '--rollback']);
    expect(back.status).toBe(1);
    expect(back.stderr).toMatch(/^deploy: no previous release in .*; nothing to roll back to\n$/);
  });
});
