/**
 * Runs a tool in-process the way its executable would, capturing what it prints: stdout (the
 * --json result), the pino log records, and the human summary on stderr. `env` is applied for
 * the run and restored afterwards (undefined deletes a variable), so CAPO lookups see only
 * what the test chose.
 */
import { PassThrough } from 'node:stream';
import { runTool, type ToolSpec } from '../../shared/cli/run.js';

export interface CapturedRun {
  code: number;
  stdout: string;
  /** Log records (JSON lines). */
  logText: string;
  /** The human summary (ctx.report) and usage errors. */
  summary: string;
}

export async function runCaptured<A>(spec: ToolSpec<A>, args: string[], env: Record<string, string | undefined>): Promise<CapturedRun> {
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
