/**
 * Signals that always work: the executable runs the tool on a worker thread and keeps the main
 * thread idle, so SIGTERM/SIGINT are handled within milliseconds even while the tool is deep in
 * a synchronous loop (a selection over 14 M pixels, an island fit). A signal handler on the
 * thread doing the work cannot run until that loop ends; HTCondor's grace period after
 * `condor_rm` or preemption does not wait that long.
 *
 * On a signal the main thread terminates the worker (V8 stops running JavaScript at once),
 * removes the temporaries the worker reported, appends the `interrupted` record to the status
 * file and exits 130/143. The worker reports each temporary before creating it and after
 * renaming it (shared/io/atomic.ts), so the main thread's list never misses a file on disk;
 * child processes (taql) are reported while they run and killed before the clean-up.
 */
import { appendFileSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import type { LevelWithSilent } from 'pino';
import { setChildObserver, setTemporaryObserver } from '../io/atomic.js';
import { VERSION_STRING } from '../buildinfo.js';
import { ExitCode, InterruptedError } from '../errors.js';
import { createLogger } from '../log.js';
import { runTool, type RunObserver, type ToolSpec } from './run.js';

declare const __VLASS_BUNDLED__: boolean | undefined;

/** The tool worker's young generation (see superviseTool). */
const YOUNG_GENERATION_MB = 4;

/** How long a cooperative tool has to stop itself after a signal. */
const COOPERATIVE_GRACE_MS = 5000;

/** The bundle's file name inside the single executable's assets (build/sea.ts). */
export const BUNDLE_ASSET = 'vlass-jobs.cjs';

/** What the main thread hands the worker. */
interface WorkerStart {
  vlassTool: string;
  argv: string[];
  /** The main thread's stderr is a terminal (a worker's own streams never are). */
  prettyLogs: boolean;
  /** The main thread's stdout is a terminal. */
  stdoutTerminal: boolean;
  /** The bundle file when run as `node vlass-jobs.cjs` (null in the single executable): assets beside it are found from it. */
  bundleFile: string | null;
}

/** What the worker tells the main thread, in the order things happen. */
type WorkerMessage =
  | { kind: 'temporary'; op: 'add' | 'remove'; path: string }
  | { kind: 'child'; op: 'add' | 'remove'; pid: number }
  | { kind: 'context'; statusFile?: string; logLevel: LevelWithSilent; cooperative: boolean }
  | { kind: 'stage'; name: string }
  | { kind: 'exit'; code: number };

/** True when running from the esbuild bundle (the executable), where a worker can load it. */
export function canSupervise(): boolean {
  return typeof __VLASS_BUNDLED__ !== 'undefined' && __VLASS_BUNDLED__;
}

/** The worker's start data when this thread is a tool worker, else undefined. */
export function toolWorkerStart(): WorkerStart | undefined {
  if (isMainThread) return undefined;
  const data = workerData as Partial<WorkerStart> | undefined;
  return typeof data?.vlassTool === 'string' ? (data as WorkerStart) : undefined;
}

/**
 * The bundle's own source: from the single executable's assets, or the bundle file when run by
 * a plain `node build/.work/vlass-jobs.cjs`. Evaluated as the worker's script.
 */
function bundleSource(): string {
  const sea = require('node:sea') as { isSea(): boolean; getAsset(key: string, encoding: string): string };
  if (sea.isSea()) return sea.getAsset(BUNDLE_ASSET, 'utf8');
  return readFileSync(__filename, 'utf8');
}

/** Main thread: runs `tool` on a worker, handles signals, resolves to the exit code. */
export function superviseTool(tool: string, argv: string[]): Promise<number> {
  const temporaries = new Set<string>();
  const children = new Set<number>();
  let statusFile: string | undefined;
  let logLevel: LevelWithSilent = 'info';
  let stage = 'starting';
  let interrupting = false;
  let cooperative = false;

  const sea = require('node:sea') as { isSea(): boolean };
  const start: WorkerStart = { vlassTool: tool, argv, prettyLogs: Boolean(process.stderr.isTTY), stdoutTerminal: Boolean(process.stdout.isTTY), bundleFile: sea.isSea() ? null : __filename };
  // A small young generation: V8 otherwise grows it to tens of MB during an allocation burst (parsing a
  // 2,000-row catalog) and keeps it committed next to a 150 MB image plane; 4 MB measured no slower.
  const worker = new Worker(bundleSource(), { eval: true, workerData: start, stdout: false, stderr: false, resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB } });

  return new Promise<number>((resolve) => {
    let exitCode: number | undefined;
    worker.on('message', (m: WorkerMessage) => {
      if (m.kind === 'temporary') {
        if (m.op === 'add') temporaries.add(m.path);
        else temporaries.delete(m.path);
      } else if (m.kind === 'child') {
        if (m.op === 'add') children.add(m.pid);
        else children.delete(m.pid);
      } else if (m.kind === 'context') {
        statusFile = m.statusFile;
        logLevel = m.logLevel;
        cooperative = m.cooperative;
      } else if (m.kind === 'stage') stage = m.name;
      else exitCode = m.code;
    });
    worker.on('error', (err) => {
      if (interrupting) return;
      writeSync(2, `${tool}: internal error: ${err?.stack ?? String(err)}\n`);
      exitCode = ExitCode.SOFTWARE;
    });
    let graceTimer: NodeJS.Timeout | undefined;
    // Once the worker has exited on its own the run is over: its status record ('done',
    // 'failed') is the last, and a signal arriving before the process ends must not append an
    // 'interrupted' after it (the status file would contradict the exit code).
    let finished = false;
    worker.on('exit', () => {
      // A cooperative tool that stopped itself after a signal reports its own exit code.
      if (!interrupting || (cooperative && exitCode !== undefined)) {
        finished = true;
        clearTimeout(graceTimer);
        resolve(exitCode ?? ExitCode.SOFTWARE);
      }
    });

    /** Stops the worker from outside: kill its children, terminate it, clean up, record it. */
    const stopHard = (signal: 'SIGINT' | 'SIGTERM') => {
      const err = new InterruptedError(signal);
      // Children first (a taql copy would go on writing into a temporary being removed).
      for (const pid of children) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
      void worker.terminate().then(async () => {
        for (const path of temporaries) rmSync(path, { recursive: true, force: true });
        const log = await createLogger({ tool, level: logLevel, pretty: start.prettyLogs });
        log.warn({ exitCode: err.exitCode, stage }, `${err.message} during ${stage}; temporary files removed`);
        if (statusFile) {
          const record = { time: new Date().toISOString(), tool, version: VERSION_STRING, event: 'interrupted', stage, signal, exitCode: err.exitCode };
          try {
            appendFileSync(statusFile, JSON.stringify(record) + '\n');
          } catch {
            // the log line above already tells the operator
          }
        }
        resolve(err.exitCode);
      });
    };
    const onSignal = (signal: 'SIGINT' | 'SIGTERM') => {
      if (interrupting || finished) return;
      interrupting = true;
      if (!cooperative) return stopHard(signal);
      // The tool stops its own work (a DAG runner kills its jobs, writes the rescue file and
      // reports its exit code); if it has not finished in time, it is stopped like any other.
      worker.postMessage({ kind: 'interrupt', signal });
      graceTimer = setTimeout(() => {
        cooperative = false;
        stopHard(signal);
      }, COOPERATIVE_GRACE_MS);
    };
    process.on('SIGINT', () => onSignal('SIGINT'));
    process.on('SIGTERM', () => onSignal('SIGTERM'));
  });
}

/**
 * A synchronous writer to fd 1 or 2 that stops writing once the reader has gone (`tool | head`
 * closes the pipe: EPIPE is the reader's choice, not the tool's failure).
 */
function quietOnClosedPipe(fd: number): (text: string) => void {
  let closed = false;
  return (text) => {
    if (closed) return;
    try {
      writeSync(fd, text);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EPIPE') throw err;
      closed = true;
    }
  };
}

/** Worker thread: runs the tool, reporting temporaries, status file, stages and the exit code. */
export async function runToolInWorker(spec: ToolSpec, start: WorkerStart): Promise<void> {
  const post = (m: WorkerMessage) => parentPort!.postMessage(m);
  setTemporaryObserver((op, path) => post({ kind: 'temporary', op, path }));
  setChildObserver((op, pid) => post({ kind: 'child', op, pid }));
  const interrupted = new AbortController();
  const onMessage = (m: { kind?: string; signal?: string }) => {
    if (m.kind === 'interrupt') interrupted.abort(m.signal);
  };
  parentPort!.on('message', onMessage);
  const observer: RunObserver = {
    context: (statusFile, logLevel, cooperative) => post({ kind: 'context', statusFile, logLevel, cooperative }),
    stage: (name) => post({ kind: 'stage', name }),
  };
  const code = await runTool(spec, start.argv, {
    // Synchronous writes to the process's own descriptors: nothing is buffered in the worker,
    // so nothing is lost when the main thread exits right after the worker.
    stdout: quietOnClosedPipe(1),
    stderr: quietOnClosedPipe(2),
    prettyLogs: start.prettyLogs,
    stdoutTerminal: start.stdoutTerminal,
    observer,
    interrupted: interrupted.signal,
  });
  post({ kind: 'exit', code });
  // The listener keeps the port, and so the worker, alive: let the worker end.
  parentPort!.off('message', onMessage);
  parentPort!.unref();
}
