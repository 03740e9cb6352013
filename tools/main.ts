/**
 * Entry point of the multi-call executable (and of `npm run tool -- <name> ...` in a checkout).
 *
 * The tool is chosen by the name the binary was invoked by (`casa-verdict` is a link to
 * `vlass-jobs`), or by the first argument when invoked as `vlass-jobs <tool> ...`.
 */
import { basename } from 'node:path';
import { runTool } from '../shared/cli/run.js';
import { canSupervise, runToolInWorker, superviseTool, toolWorkerStart } from '../shared/cli/supervise.js';
import { VERSION_STRING } from '../shared/buildinfo.js';
import { ExitCode } from '../shared/errors.js';
import { MAIN_THREAD_TOOLS, TOOLS, TOOL_NAMES } from './registry.js';

export const MULTICALL_NAME = 'vlass-jobs';

function usage(): string {
  return [
    `${MULTICALL_NAME} ${VERSION_STRING}: VLASS job utilities (multi-call binary)`,
    `usage: ${MULTICALL_NAME} <tool> [options]   or invoke through a link named after the tool`,
    `tools: ${TOOL_NAMES.join(', ')}`,
    `Run '<tool> --help' for a tool's options.`,
  ].join('\n');
}

async function main(): Promise<number> {
  const invokedAs = basename(process.argv0 || process.argv[0]);
  let args = process.argv.slice(2);
  let name = TOOLS[invokedAs] ? invokedAs : undefined;
  if (!name) {
    const first = args[0];
    if (first === '--version') {
      process.stdout.write(VERSION_STRING + '\n');
      return ExitCode.OK;
    }
    if (first === undefined || first === '--help' || first === '-h' || first === 'help') {
      process.stdout.write(usage() + '\n');
      return first === undefined ? ExitCode.USAGE : ExitCode.OK;
    }
    if (!TOOLS[first]) {
      process.stderr.write(`${MULTICALL_NAME}: unknown tool "${first}"; choose one of: ${TOOL_NAMES.join(', ')}\n`);
      return ExitCode.USAGE;
    }
    name = first;
    args = args.slice(1);
  }
  // Help and version answer at once, without the cost of starting a worker thread.
  const answersAtOnce = args.some((a) => a === '--help' || a === '-h' || a === '--version');
  if (canSupervise() && !answersAtOnce && !MAIN_THREAD_TOOLS.has(name)) return superviseTool(name, args);
  const spec = await TOOLS[name]();
  return runTool(spec, args, { handleSignals: true });
}

/** A tool's worker thread (started by superviseTool from this same bundle). */
async function workerMain(start: NonNullable<ReturnType<typeof toolWorkerStart>>): Promise<void> {
  const spec = await TOOLS[start.vlassTool]();
  await runToolInWorker(spec, start);
}

const workerStart = toolWorkerStart();
if (workerStart) {
  workerMain(workerStart).catch((err: unknown) => {
    // Reaches the main thread as the worker's 'error' event: reported there as exit 70.
    throw err;
  });
} else main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`${MULTICALL_NAME}: internal error: ${(err as Error)?.stack ?? String(err)}\n`);
    process.exitCode = ExitCode.SOFTWARE;
  },
);
