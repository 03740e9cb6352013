/**
 * Runs a tool in-process the way its executable would, capturing what it prints: stdout (the
 * --json result), the pino log records, and the human summary on stderr. `env` is applied for
 * the run and restored afterwards (undefined deletes a variable), so CAPO lookups see only
 * what the test chose.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { runTool, type ToolSpec } from '../../shared/cli/run.js';
import { REPO_ROOT } from './realdata.js';

export interface CapturedRun {
  code: number;
  stdout: string;
  /** Log records (JSON lines). */
  logText: string;
  /** The human summary (ctx.report) and usage errors. */
  summary: string;
}

export async function runCaptured(spec: ToolSpec, args: string[], env: Record<string, string | undefined>): Promise<CapturedRun> {
  let stdout = '';
  let summary = '';
  let logText = '';
  const logs = new PassThrough();
  logs.on('data', (d) => (logText += d));
  const saved = { ...process.env };
  for (const [key, value] of Object.entries(env)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  try {
    const code = await runTool(spec, args, { stdout: (t) => (stdout += t), stderr: (t) => (summary += t), logDestination: logs });
    return { code, stdout, logText, summary };
  } finally {
    process.env = saved;
  }
}

/**
 * A scratch area for one tool's tests: `fresh(name)` makes a new directory under it, and
 * `capoDir(overrides)` a CAPO directory whose `<profile>.properties` holds the tool's own
 * embedded defaults (capo/defaults-<tool>.properties) followed by `overrides` (later lines
 * win). Passing the defaults as a site profile keeps tests about the tool's behaviour, whatever
 * the embedding; the embedding itself is tested without a profile.
 */
export function toolSandbox(tool: string) {
  const root = mkdtempSync(join(tmpdir(), `${tool.toLowerCase()}-cli-`));
  const profile = `${tool.toLowerCase()}-test`;
  const defaults = readFileSync(join(REPO_ROOT, 'capo', `defaults-${tool}.properties`), 'utf8');
  let counter = 0;
  const fresh = (name: string) => {
    const dir = join(root, `${name}-${counter++}`);
    mkdirSync(dir, { recursive: true });
    return dir;
  };
  const capoDir = (overrides = '') => {
    const dir = fresh('capo');
    writeFileSync(join(dir, `${profile}.properties`), defaults + '\n' + overrides);
    return dir;
  };
  return { root, profile, fresh, capoDir };
}
