/**
 * Error classes and the one place that maps them to process exit codes.
 *
 * Exit codes follow sysexits(3) so that DAG templates can tell permanent failures from
 * transient ones with `RETRY <node> N UNLESS-EXIT <code>`. The README documents this table;
 * keep the two in step.
 */

export const ExitCode = {
  OK: 0,
  /** The subject failed: CASA judged failed, QA rejected with --fail-on-reject. */
  SUBJECT_FAILED: 1,
  USAGE: 64,
  DATA_ERR: 65,
  NO_INPUT: 66,
  /** A program the command needs is not installed here (EX_UNAVAILABLE): `vlass-dag submit` without HTCondor. */
  UNAVAILABLE: 69,
  /** A bug in this program (EX_SOFTWARE). */
  SOFTWARE: 70,
  CANT_CREATE: 73,
  IO_ERR: 74,
  TEMP_FAIL: 75,
  CONFIG: 78,
  SIGINT: 130,
  SIGTERM: 143,
} as const;
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

export interface ExitCodeInfo {
  code: ExitCodeValue;
  /** The README's name for it. */
  name: string;
  /** The README's meaning. */
  meaning: string;
  /** A few words for --help. */
  brief: string;
  /** Worth a DAG retry (`RETRY ... UNLESS-EXIT` must not list it). */
  retry: boolean;
}

/**
 * The one exit-code table: `--help` is generated from it, and a test checks the README's table
 * and every docs/ page against it.
 */
export const EXIT_CODES: readonly ExitCodeInfo[] = [
  { code: ExitCode.OK, name: 'OK', brief: 'done', retry: false, meaning: 'done (for QA tools: whatever the verdict, unless `--fail-on-reject`)' },
  { code: ExitCode.SUBJECT_FAILED, name: 'subject failed', brief: 'subject failed', retry: false, meaning: 'CASA judged failed; QA rejected with `--fail-on-reject`' },
  { code: ExitCode.USAGE, name: 'usage', brief: 'usage', retry: false, meaning: 'bad flags or arguments' },
  { code: ExitCode.DATA_ERR, name: 'data error', brief: 'bad input data', retry: false, meaning: 'an input exists but its content is wrong (corrupt FITS, malformed CSV)' },
  { code: ExitCode.NO_INPUT, name: 'no input', brief: 'input missing', retry: false, meaning: 'an input file or directory is missing or unreadable' },
  { code: ExitCode.UNAVAILABLE, name: 'unavailable', brief: 'unavailable here', retry: false, meaning: 'a program the command needs is not installed here (`vlass-dag submit` where `condor_submit_dag` is not on the PATH)' },
  { code: ExitCode.SOFTWARE, name: 'software', brief: 'internal error', retry: false, meaning: 'a bug in this program (report it; the stack trace is logged at `--log-level debug`)' },
  { code: ExitCode.CANT_CREATE, name: 'cannot create', brief: 'cannot create output', retry: false, meaning: 'the output directory is missing or not writable' },
  { code: ExitCode.IO_ERR, name: 'I/O error', brief: 'I/O error', retry: true, meaning: 'reading or writing failed part way (disk full, quota)' },
  { code: ExitCode.TEMP_FAIL, name: 'temporary', brief: 'retry', retry: true, meaning: 'a service is unreachable or a lock is held; retry later' },
  { code: ExitCode.CONFIG, name: 'configuration', brief: 'configuration', retry: false, meaning: 'a CAPO value is missing or invalid (the message names the key and the files searched)' },
  { code: ExitCode.SIGINT, name: 'interrupted', brief: 'interrupted (SIGINT)', retry: true, meaning: 'SIGINT, after removing temporary files' },
  { code: ExitCode.SIGTERM, name: 'interrupted', brief: 'interrupted (SIGTERM)', retry: true, meaning: 'SIGTERM, after removing temporary files' },
];

/** The exit-code line of every tool's --help. */
export function exitCodesHelp(): string {
  return `Exit codes: ${EXIT_CODES.map((c) => `${c.code} ${c.brief}`).join(', ')}. See README.md.`;
}

/** Base class: an error the user can act on, with a one-line message and an exit code. */
export class JobError extends Error {
  readonly exitCode: ExitCodeValue;
  constructor(message: string, exitCode: ExitCodeValue, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.exitCode = exitCode;
  }
}

/** Bad command line (64). */
export class UsageError extends JobError {
  constructor(message: string) {
    super(message, ExitCode.USAGE);
  }
}

/** The input exists but its content is wrong: corrupt FITS, malformed XML, bad CSV (65). */
export class DataError extends JobError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, ExitCode.DATA_ERR, options);
  }
}

/**
 * Runs `fn`, naming `path` in a DataError that does not name it yet: header parsers (WCS,
 * beam, keyword types) do not know which file they read.
 */
export function inFile<T>(path: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof DataError && !err.message.includes(path)) throw new DataError(`${path}: ${err.message}`, { cause: err });
    throw err;
  }
}

/** An input file or directory is missing or unreadable (66). */
export class InputMissingError extends JobError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, ExitCode.NO_INPUT, options);
  }
}

/** An output cannot be created: directory missing or not writable (73). */
export class OutputError extends JobError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, ExitCode.CANT_CREATE, options);
  }
}

/** Reading or writing failed part way: disk full, device error (74). */
export class IoError extends JobError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, ExitCode.IO_ERR, options);
  }
}

/** Worth a retry: a service unreachable, a lock held (75). */
export class TemporaryError extends JobError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, ExitCode.TEMP_FAIL, options);
  }
}

/** CAPO or other configuration is missing or invalid (78). */
export class ConfigError extends JobError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, ExitCode.CONFIG, options);
  }
}

/** Raised when a signal interrupts the tool; temporaries are already removed. */
export class InterruptedError extends JobError {
  constructor(signal: 'SIGINT' | 'SIGTERM') {
    super(`interrupted by ${signal}`, signal === 'SIGINT' ? ExitCode.SIGINT : ExitCode.SIGTERM);
  }
}

/**
 * Exit code for any thrown value. Node system errors that escaped a module without being
 * wrapped are classified by errno so the code still tells retry-worthy from permanent.
 */
export function exitCodeFor(err: unknown): number {
  if (err instanceof JobError) return err.exitCode;
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT':
    case 'EACCES':
    case 'EISDIR':
    case 'ENOTDIR':
      return ExitCode.NO_INPUT;
    case 'ENOSPC':
    case 'EIO':
    case 'EDQUOT':
    case 'EROFS':
      return ExitCode.IO_ERR;
    case 'EAGAIN':
    case 'EBUSY':
    case 'ETIMEDOUT':
    case 'ECONNREFUSED':
      return ExitCode.TEMP_FAIL;
    default:
      return ExitCode.SOFTWARE; // a bug in this program; the stack trace is logged at debug level
  }
}

/** Wraps a Node fs error on `path` into the matching JobError, keeping a one-line message. */
export function fsError(err: unknown, path: string, doing: 'reading' | 'writing'): JobError {
  const e = err as NodeJS.ErrnoException;
  const why = e?.code ? `${e.code}: ${e.message.replace(/^\w+: /, '').split(',')[0]}` : String(err);
  if (doing === 'reading') {
    if (e?.code === 'ENOENT') return new InputMissingError(`${path}: not found`, { cause: err });
    if (e?.code === 'EACCES') return new InputMissingError(`${path}: permission denied; check its mode and owner`, { cause: err });
    if (e?.code === 'EISDIR') return new InputMissingError(`${path}: is a directory, expected a file`, { cause: err });
    return new IoError(`${path}: read failed (${why})`, { cause: err });
  }
  if (e?.code === 'ENOSPC' || e?.code === 'EDQUOT' || e?.code === 'EIO')
    return new IoError(`${path}: write failed (${why}); free space and re-run`, { cause: err });
  return new OutputError(`${path}: cannot create (${why}); check the output directory exists and is writable`, { cause: err });
}
