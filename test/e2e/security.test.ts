/**
 * Security, asserted (issue 17): no command line is built for a shell anywhere in the code we
 * ship; and CAPO secrets (a password key, a token key, an AMQP URL with credentials) never
 * appear in any tool's stdout, stderr, status file or spooled events, whether it shows its
 * configuration, fails on bad input, or cannot reach the broker.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyBuild } from '../build/built.js';
import { REPO_ROOT } from '../helpers/realdata.js';
import { TOOL_NAMES } from '../../tools/registry.js';
import { flushTally, tally } from '../helpers/tally.js';

describe('no shell', () => {
  it('nothing in shared/, tools/ or build/ runs a command through a shell (shell: true, exec, sh -c)', () => {
    const files = ['shared', 'tools', 'build']
      .flatMap((d) => readdirSync(join(REPO_ROOT, d), { recursive: true, withFileTypes: true }).filter((e) => e.isFile() && e.name.endsWith('.ts')).map((e) => join(e.parentPath, e.name)))
      .filter((f) => !f.includes(`${join('build', 'dist')}`));
    // (CASA's own `casa -c script` is an argument to CASA, not a shell.)
    const forbidden = [/shell:\s*true/, /\bexecSync\s*\(/, /[^.\w]exec\s*\(\s*['"`]/, /\bspawn(Sync)?\(\s*['"`](\/bin\/)?(ba|da)?sh['"`]/, /\bexecFile(Sync)?\(\s*['"`](\/bin\/)?(ba|da)?sh['"`]/];
    const offenders = files.flatMap((f) => {
      const text = readFileSync(f, 'utf8');
      return forbidden.filter((re) => re.test(text)).map((re) => `${relative(REPO_ROOT, f)}: ${re}`);
    });
    tally({ area: 'security', subject: 'source', trial: 'no shell command lines', outcome: offenders.length ? 'found' : 'none' });
    expect(offenders).toEqual([]);
  });
});

describe('secrets stay secret', () => {
  const PASSWORD = 'Pw-3x4mple-S3cret';
  const TOKEN = 'tok-9f8e7d6c5b4a';
  let tmp: string;
  let bin: string;
  let capo: string[];

  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'vlass-secrets-'));
    bin = join(tmp, 'bin');
    await copyBuild(bin);
    const capoDir = join(tmp, 'capo');
    mkdirSync(capoDir);
    writeFileSync(
      join(capoDir, 'secrets.properties'),
      [
        // A broker that is not there: events are spooled, with the URL's password in the settings.
        `edu.nrao.vlass.events.amqp.url = amqp://vlass:${PASSWORD}@127.0.0.1:1/vlass`,
        `edu.nrao.vlass.events.spoolDir = ${join(tmp, 'spool')}`,
        `edu.nrao.vlass.ingestion.token = ${TOKEN}`,
        `edu.nrao.vlass.archive.password = ${PASSWORD}`,
      ].join('\n') + '\n',
    );
    capo = ['--capo-profile', 'secrets', '--capo-path', capoDir];
  }, 120_000);

  afterAll(() => {
    flushTally();
    rmSync(tmp, { recursive: true, force: true });
  });

  const leaks = (text: string) => [PASSWORD, TOKEN].filter((s) => text.includes(s));

  it.each(TOOL_NAMES)('%s: --show-config, a failing run with a status file, and its spooled events never show a secret', (tool) => {
    const out = mkdtempSync(join(tmp, `out-${tool}-`));
    const env = { PATH: '/usr/bin:/bin', HOME: tmp };
    const shown = spawnSync(join(bin, tool), ['--show-config', ...capo], { env, encoding: 'utf8' });
    expect(shown.status, shown.stderr).toBe(0);
    // Bad input for every tool: a directory that is not there (and a first word for the tools with commands).
    const words = tool === 'vlass-dag' ? ['lint', join(tmp, 'missing')] : tool === 'vlass-events' ? ['tail', join(tmp, 'missing.jsonl')] : [];
    const status = join(out, 'status.jsonl');
    const failed = spawnSync(join(bin, tool), [...words, ...(words.length ? [] : ['--dir', join(tmp, 'missing')]), '--out', out, '--status-file', status, '--json', ...capo], {
      env: { ...env, VLASS_WORKFLOW: 'quicklook', VLASS_REQUEST_ID: 'r1' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(failed.status).not.toBe(0);
    const spooled = (() => {
      try {
        return readdirSync(join(tmp, 'spool')).map((f) => readFileSync(join(tmp, 'spool', f), 'utf8')).join('\n');
      } catch {
        return '';
      }
    })();
    const everything = [shown.stdout, shown.stderr, failed.stdout, failed.stderr, (() => {
      try {
        return readFileSync(status, 'utf8');
      } catch {
        return '';
      }
    })(), spooled].join('\n');
    const found = leaks(everything);
    tally({ area: 'security', subject: tool, trial: 'secrets in outputs, logs, status file, events', outcome: found.length ? 'leaked' : 'none shown' });
    expect(found).toEqual([]);
  });
});
