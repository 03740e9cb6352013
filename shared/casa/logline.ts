/**
 * One line of a CASA log: `time<TAB>priority<TAB>origin<TAB>message`.
 *
 * Older CASA versions (and the start of a session) separate time, priority and origin with
 * spaces rather than tabs (`2020-10-08 23:36:51 INFO listobs<TAB>...`), so both are accepted.
 * The origin is `task::tool::method` with empty parts allowed; a trailing `+` marks a
 * continuation line of the previous message. Lines without a timestamp (raw prints, Python
 * tracebacks interleaved by another process) are continuations too and carry no priority.
 */

export const PRIORITIES = ['SEVERE', 'ERROR', 'WARN', 'INFO', 'INFO1', 'INFO2', 'INFO3', 'INFO4', 'INFO5', 'DEBUG', 'DEBUG1', 'DEBUG2'] as const;
export type Priority = (typeof PRIORITIES)[number];

export interface CasaLogLine {
  time: string;
  priority: Priority;
  /** Origin without the continuation `+`. */
  origin: string;
  /** True when the origin ended with `+` (continuation of the previous message). */
  continuation: boolean;
  message: string;
}

const LINE = /^(\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d(?:\.\d+)?)[\t ]+(SEVERE|ERROR|WARN|INFO[1-5]?|DEBUG[12]?)\t? ?([^\t]*)(?:\t(.*))?$/;

/** Parses a line (without its line terminator); undefined for lines that are not log records. */
export function parseCasaLogLine(line: string): CasaLogLine | undefined {
  const m = LINE.exec(line.endsWith('\r') ? line.slice(0, -1) : line);
  if (!m) return undefined;
  let origin = m[3].trim();
  let message = m[4];
  if (message === undefined) {
    // No tab after the origin: a space-separated line whose rest is all message.
    message = origin;
    origin = '';
  }
  const continuation = origin.endsWith('+');
  if (continuation) origin = origin.slice(0, -1);
  return { time: m[1], priority: m[2] as Priority, origin, continuation, message };
}

/** The origin's parts (`plotants::utils::verify` -> ['plotants', 'utils', 'verify']), empty parts dropped. */
export function originParts(origin: string): string[] {
  return origin.split('::').filter((p) => p !== '');
}

const TASK_MARKER = /#####\s+(Begin|End)\s+Task:\s*(\S+)\s*#####/;

/** Recognises `##### Begin Task: name #####` and `##### End Task: name #####`. */
export function parseTaskMarker(message: string): { kind: 'begin' | 'end'; task: string } | undefined {
  const m = TASK_MARKER.exec(message);
  if (!m) return undefined;
  return { kind: m[1] === 'Begin' ? 'begin' : 'end', task: m[2] };
}
