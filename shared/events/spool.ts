/**
 * The spool: events the broker did not confirm, kept on disk in order until a later run (or
 * `vlass-events replay`) delivers them. Delivery is at least once; consumers de-duplicate on
 * the event id.
 *
 * Writers append whole lines to `<dir>/<env>.spool.jsonl` with O_APPEND and fsync, so
 * concurrent jobs on a shared filesystem do not interleave within a line. A sender first
 * claims the live file by renaming it to `<env>.sending-<time>-<pid>.jsonl` (atomic: a
 * concurrent writer either appended before the rename or creates a new live file after it),
 * sends the claimed files oldest first, and removes each only when all its events are
 * confirmed. A claimed file left by a failed send is sent again, whole, by the next run.
 */
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, readdirSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { IoError } from '../errors.js';
import { parseEvent, type Environment, type VlassEvent } from './event.js';

const liveName = (env: Environment) => `${env}.spool.jsonl`;
const CLAIMED = (env: Environment) => new RegExp(`^${env}\\.sending-(\\d{13})-(\\d+)\\.jsonl$`);

/** Appends events, in order, durably. IoError names the spool file. */
export function appendToSpool(dir: string, env: Environment, events: VlassEvent[]): string {
  const file = join(dir, liveName(env));
  if (events.length === 0) return file;
  let fd: number | undefined;
  try {
    mkdirSync(dir, { recursive: true });
    fd = openSync(file, 'a', 0o600);
    writeSync(fd, events.map((e) => JSON.stringify(e) + '\n').join(''));
    fsyncSync(fd);
  } catch (err) {
    throw new IoError(`event spool ${file}: cannot append (${(err as NodeJS.ErrnoException).code ?? String(err)}); ${events.length} event(s) not kept`);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
  return file;
}

export interface ClaimedSpool {
  file: string;
  events: VlassEvent[];
  /** Lines that were not valid events (reported, then dropped with the file). */
  bad: string[];
}

/** Claims the live spool and returns every claimed file, oldest first, with its events. */
export function claimSpool(dir: string, env: Environment): ClaimedSpool[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new IoError(`event spool ${dir}: cannot list (${(err as NodeJS.ErrnoException).code})`);
  }
  if (names.includes(liveName(env))) {
    const claimed = `${env}.sending-${String(Date.now()).padStart(13, '0')}-${process.pid}.jsonl`;
    try {
      renameSync(join(dir, liveName(env)), join(dir, claimed));
      names.push(claimed);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new IoError(`event spool ${dir}: cannot claim ${liveName(env)} (${(err as NodeJS.ErrnoException).code})`);
    }
  }
  const pattern = CLAIMED(env);
  return names
    .filter((n) => pattern.test(n))
    .sort()
    .map((n) => readClaimed(join(dir, n)));
}

function readClaimed(file: string): ClaimedSpool {
  const events: VlassEvent[] = [];
  const bad: string[] = [];
  const seen = new Set<string>();
  // A line cut short by a crash mid-append is the only partial thing a spool can hold.
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    try {
      const event = parseEvent(line, file);
      if (!seen.has(event.id)) events.push(event);
      seen.add(event.id);
    } catch {
      bad.push(line);
    }
  }
  return { file, events, bad };
}

/** Removes a claimed file once all its events are confirmed. */
export function releaseClaimed(spool: ClaimedSpool): void {
  rmSync(spool.file, { force: true });
}
