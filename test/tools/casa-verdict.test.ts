import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { casaVerdictTool, parseExitCode, RESULT_FILE } from '../../tools/casa-verdict/cli.js';
import { writeCasaWorkdir } from '../../fixtures/casa/workdirs.js';
import { runCaptured } from '../helpers/run-tool.js';

const root = mkdtempSync(join(tmpdir(), 'cv-cli-'));

function run(args: string[], env: Record<string, string> = {}) {
  return runCaptured(casaVerdictTool, args, { CAPO_PATH: join(root, 'no-capo'), HOME: join(root, 'home'), ...env });
}

function workdir(name: string, scenario: Parameters<typeof writeCasaWorkdir>[1]) {
  const dir = join(root, name);
  writeCasaWorkdir(dir, scenario);
  return dir;
}

describe('casa-verdict command line', () => {
  it('exits 0 on success and writes casa-verdict.json atomically (no temporaries left)', async () => {
    const dir = workdir('ok', 'success');
    const out = mkdtempSync(join(root, 'out-'));
    const { code } = await run(['--workdir', dir, '--exit-code', '0', '--out', out]);
    expect(code).toBe(0);
    expect(readdirSync(out)).toEqual([RESULT_FILE]);
    const result = JSON.parse(readFileSync(join(out, RESULT_FILE), 'utf8'));
    expect(result).toMatchObject({ verdict: 'success', exitCode: 0 });
  });

  it('exits 1 on failure and prints the result with --json', async () => {
    const dir = workdir('killed', 'success');
    const out = mkdtempSync(join(root, 'out-'));
    const { code, stdout, summary } = await run(['--workdir', dir, '--exit-code', '-9', '--out', out, '--json']);
    expect(code).toBe(1);
    expect(summary).toMatch(/^casa-verdict: FAILURE for .*First fatal reason \[rule killed\]: the job was killed by signal 9\./);
    expect(JSON.parse(stdout)).toMatchObject({ verdict: 'failure', reasons: [{ rule: 'killed', severity: 'fatal' }] });
  });

  it('re-running gives the same output', async () => {
    const dir = workdir('rerun', 'severe-recovered');
    const out = mkdtempSync(join(root, 'out-'));
    await run(['--workdir', dir, '--out', out]);
    const first = readFileSync(join(out, RESULT_FILE), 'utf8');
    await run(['--workdir', dir, '--out', out]);
    expect(readFileSync(join(out, RESULT_FILE), 'utf8')).toBe(first);
  });

  it('--workflow adds the CAPO expectations for that workflow', async () => {
    const dir = workdir('wf', 'success');
    const out = mkdtempSync(join(root, 'out-'));
    expect((await run(['--workdir', dir, '--workflow', 'quicklook', '--out', out])).code).toBe(0);
    expect((await run(['--workdir', dir, '--workflow', 'se_continuum_imaging', '--out', out])).code).toBe(1);
    expect((await run(['--workdir', dir, '--workflow', 'nosuch', '--out', out])).code).toBe(64);
  });

  it('CAPO overrides from the search path change the standard', async () => {
    const dir = workdir('capo', 'severe-allowed');
    const capoDir = join(root, 'capo-dir');
    mkdirSync(capoDir, { recursive: true });
    writeFileSync(join(capoDir, 'dsoc-test.properties'), 'EDU.NRAO.VLASS.CASAVERDICT.ALLOWPATTERN = Leap second\n');
    const out = mkdtempSync(join(root, 'out-'));
    expect((await run(['--workdir', dir, '--out', out])).code).toBe(1);
    expect((await run(['--workdir', dir, '--out', out, '--capo-profile', 'dsoc-test', '--capo-path', capoDir])).code).toBe(0);
  });

  it('--status-file gets one JSON line per stage and the final exit code', async () => {
    const dir = workdir('status', 'success');
    const out = mkdtempSync(join(root, 'out-'));
    const status = join(out, 'status.jsonl');
    await run(['--workdir', dir, '--out', out, '--status-file', status]);
    const records = readFileSync(status, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(records.map((r) => r.stage)).toEqual(['reading', 'writing', 'done']);
    expect(records.at(-1)).toMatchObject({ event: 'done', exitCode: 0, tool: 'casa-verdict' });
  });

  it('--show-config lists the keys with their sources', async () => {
    const { code, stdout } = await run(['--show-config']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/edu\.nrao\.vlass\.casaVerdict\.fatalOrigins = flagmanager\s+# embedded:defaults-casa-verdict\.properties:\d+/);
  });

  describe('its own errors get their documented exit codes and write nothing', () => {
    it('66 when the workdir is missing', async () => {
      const out = mkdtempSync(join(root, 'out-'));
      const { code, logText } = await run(['--workdir', join(root, 'absent'), '--out', out]);
      expect(code).toBe(66);
      expect(logText).toContain('absent');
      expect(readdirSync(out)).toEqual([]);
    });
    it('64 for a non-integer exit code, a missing --workdir, an unknown flag', async () => {
      expect((await run(['--workdir', root, '--exit-code', 'abc'])).code).toBe(64);
      expect((await run([])).code).toBe(64);
      expect((await run(['--workdir', root, '--no-such-flag'])).code).toBe(64);
    });
    it('73 when the output directory is not writable or missing', async () => {
      const dir = workdir('ro', 'success');
      const out = mkdtempSync(join(root, 'ro-'));
      chmodSync(out, 0o500);
      const expected = process.getuid?.() === 0 ? 0 : 73; // root writes anywhere
      expect((await run(['--workdir', dir, '--out', out])).code).toBe(expected);
      expect((await run(['--workdir', dir, '--out', join(root, 'no-such-out')])).code).toBe(73);
    });
    it('78 for an invalid CAPO regular expression, naming the key', async () => {
      const capoDir = join(root, 'bad-capo');
      mkdirSync(capoDir, { recursive: true });
      writeFileSync(join(capoDir, 'dsoc-dev.properties'), 'edu.nrao.vlass.casaVerdict.allowPattern = ([unclosed\n');
      const dir = workdir('badcapo', 'success');
      const out = mkdtempSync(join(root, 'out-'));
      const { code, logText } = await run(['--workdir', dir, '--out', out, '--capo-profile', 'dsoc-dev', '--capo-path', capoDir]);
      expect(code).toBe(78);
      expect(logText).toContain('edu.nrao.vlass.casaVerdict.allowPattern');
      expect(existsSync(join(out, RESULT_FILE))).toBe(false);
    });
  });

  it('parses DAGMan $RETURN values', () => {
    expect(parseExitCode('-1004')).toBe(-1004);
    expect(parseExitCode(' 3 ')).toBe(3);
    expect(parseExitCode(undefined)).toBeUndefined();
    expect(() => parseExitCode('1.5')).toThrow(/--exit-code/);
  });
});
