/**
 * casacore's `taql` (Debian casacore-tools) as a child process: no shell, the command as one
 * argument, output without headers. taql exits 0 even when a command fails, so failures are
 * recognised by its "Error in TaQL command" text and turned into our error classes.
 */
import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { forgetChild, trackChild } from '../io/atomic.js';
import { DataError, IoError, TemporaryError } from '../errors.js';

export const TAQL = process.env.VLASS_TAQL || 'taql';

export class TaqlError extends DataError {
  constructor(
    message: string,
    readonly detail: string,
  ) {
    super(message);
  }
}

/**
 * casacore refuses to start without HOME ("The HOME environment variable has not been set"),
 * and HTCondor jobs often run without one: give it the scratch directory's temp area then.
 */
function taqlEnvironment(): NodeJS.ProcessEnv {
  return process.env.HOME ? process.env : { ...process.env, HOME: tmpdir() };
}

/** Runs one TaQL command; resolves to its output rows (tab-separated fields), `Unit:` lines dropped. */
export function taql(command: string, what: string): Promise<string[][]> {
  return new Promise((resolve, reject) => {
    let child;
    try {
      child = spawn(TAQL, ['-nopr', '-noph', command], { stdio: ['ignore', 'pipe', 'pipe'], env: taqlEnvironment() });
    } catch (err) {
      reject(new TemporaryError(`${what}: cannot run ${TAQL} (${(err as Error).message})`));
      return;
    }
    if (child.pid) trackChild(child.pid);
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('error', (e: NodeJS.ErrnoException) => {
      if (child.pid) forgetChild(child.pid);
      reject(
        e.code === 'ENOENT'
          ? new TemporaryError(`${what}: ${TAQL} not found on PATH; casacore-tools must be installed on the node (retry once it is)`)
          : new TemporaryError(`${what}: cannot run ${TAQL} (${e.message})`),
      );
    });
    child.on('close', (code, signal) => {
      if (child.pid) forgetChild(child.pid);
      const text = out + err;
      const at = text.indexOf('Error in TaQL command');
      if (at >= 0 || code !== 0) {
        const detail = (at >= 0 ? text.slice(at).split('\n').slice(1).join(' ') : err).replace(/\s+/g, ' ').trim() || `exit ${code ?? signal}`;
        if (/No space left|ENOSPC|Disk quota/i.test(detail)) reject(new IoError(`${what}: disk full (${detail}); free space and re-run`));
        else reject(new TaqlError(`${what}: taql failed: ${detail}`, detail));
        return;
      }
      resolve(
        out
          .split('\n')
          .filter((l) => l !== '' && !l.startsWith('Unit:'))
          .map((l) => l.split('\t')),
      );
    });
  });
}

/** A path as a TaQL table name: quoted; refused when it could break out of the quotes. */
export function taqlPath(path: string): string {
  if (/['"\n\r\0]/.test(path)) throw new DataError(`${path}: quotes, newlines and NUL bytes are not allowed in measurement set paths`);
  return `'${path}'`;
}
