/**
 * Logging: pino JSON lines on stderr (HTCondor keeps them in the node's .err file), or
 * pino-pretty's readable lines when stderr is a terminal. Every record carries the tool,
 * its version and the current stage. Known secret values (from CAPO keys named like
 * password/secret/token) are scrubbed from every record before it is written.
 */
import pino, { type Logger, type LevelWithSilent } from 'pino';
import { VERSION_STRING } from './buildinfo.js';

export type { Logger };
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export interface LoggerOptions {
  tool: string;
  level?: LevelWithSilent;
  /** Defaults to stderr's TTY state. */
  pretty?: boolean;
  /** Where records go; defaults to fd 2 (tests pass a stream). */
  destination?: NodeJS.WritableStream;
}

let currentStage = 'starting';
const secrets: string[] = [];

/** Sets the stage stamped on every following record. */
export function setStage(stage: string): void {
  currentStage = stage;
}

export function getStage(): string {
  return currentStage;
}

/** Registers values that must never appear in a log record. */
export function registerSecrets(values: string[]): void {
  for (const v of values) if (v && !secrets.includes(v)) secrets.push(v);
}

function scrub(text: string): string {
  let out = text;
  for (const s of secrets) out = out.split(s).join('[redacted]');
  return out;
}

function scrubDeep(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return scrub(value);
  if (depth > 6 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => scrubDeep(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = /password|secret|token/i.test(k) ? '[redacted]' : scrubDeep(v, depth + 1);
  return out;
}

/** Async only because pino-pretty is loaded on demand: it is a third of start-up on a node. */
export async function createLogger(options: LoggerOptions): Promise<Logger> {
  const usePretty = options.pretty ?? Boolean(process.stderr.isTTY);
  const destination =
    options.destination ??
    (usePretty
      ? (await import('pino-pretty')).default({ destination: 2, sync: true, colorize: true, ignore: 'pid,hostname,version', translateTime: 'SYS:HH:MM:ss' })
      : pino.destination({ fd: 2, sync: true }));
  return pino(
    {
      level: options.level ?? 'info',
      base: { tool: options.tool, version: VERSION_STRING },
      mixin: () => ({ stage: currentStage }),
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }), log: (obj) => scrubDeep(obj) as Record<string, unknown> },
      hooks: {
        logMethod(args, method) {
          method.apply(this, args.map((a) => (typeof a === 'string' ? scrub(a) : a)) as Parameters<typeof method>);
        },
      },
    },
    destination,
  );
}
