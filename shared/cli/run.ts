/**
 * The command-line shell every tool shares: common flags, logging, CAPO, the status file,
 * signal clean-up, and the single place where errors become exit codes.
 *
 * A tool supplies its own options and a `run` function; `runTool` does the rest and returns
 * the exit code (the caller passes it to process.exit, so tests can call runTool directly).
 */
import { appendFileSync, accessSync, constants, statSync } from 'node:fs';
import { resolve } from 'node:path';
import yargs, { type Argv, type Options, type PositionalOptions } from 'yargs';
import type { FlagSpecs, FlagValues } from './flags.js';
import type { Progress } from '../progress.js';
import type { LevelWithSilent } from 'pino';
import { VERSION_STRING } from '../buildinfo.js';
import { loadCapo, type CapoConfig } from '../capo/capo.js';
import { ExitCode, InterruptedError, JobError, OutputError, UsageError, exitCodeFor, exitCodesHelp } from '../errors.js';
import type { EventPublisher, EventsUndeliveredError } from '../events/publisher.js';
import type { WorkflowRef } from '../events/event.js';
import { createLogger, LOG_LEVELS, registerSecrets, setStage, type Logger } from '../log.js';
import { removeAllTemporaries } from '../io/atomic.js';

/** The flags every tool has (README "Common flags"). */
const COMMON_FLAGS = {
  'capo-profile': { type: 'string', describe: 'CAPO profile (default: $CAPO_PROFILE; none = embedded defaults only)' },
  'capo-path': { type: 'string', describe: 'colon-separated CAPO search path (default: $CAPO_PATH, else /home/casa/capo:/home/ssa/capo; ~/.capo always last)' },
  out: { type: 'string', default: '.', describe: 'directory for outputs' },
  json: { type: 'boolean', default: false, describe: 'print the result object as JSON on stdout' },
  'log-level': { choices: LOG_LEVELS, default: 'info', describe: 'log verbosity (stack traces at debug)' },
  'status-file': { type: 'string', describe: 'append one JSON line per stage to this file' },
  'show-config': { type: 'boolean', default: false, describe: 'print the effective configuration with the source of each value, then exit' },
  'require-events': { type: 'boolean', default: false, describe: 'exit 75 when an event cannot be delivered to the broker (default: spool it and carry on)' },
} as const;

export type CommonArgs = FlagValues<typeof COMMON_FLAGS>;

/** What the parser gives: the common flags, the tool's (or its command's), and the words (`_`). */
type ParsedArgs = CommonArgs & Record<string, unknown> & { _: (string | number)[] };

export interface ToolContext {
  tool: string;
  log: Logger;
  capo: CapoConfig;
  /** Absolute output directory, checked to exist and be writable. */
  outDir: string;
  /** Marks a stage transition: logged, stamped on later records, appended to --status-file. */
  stage(name: string, detail?: Record<string, unknown>): void;
  /** Prints the result object on stdout when --json was given. */
  emitResult(result: unknown): void;
  /** Writes a human summary for the operator on stderr (beside the log records). */
  report(text: string): void;
  /** Workflow events (docs/events.md): status file, and the broker when CAPO names one. */
  events: EventPublisher;
  /** Prints on stdout (the tool's own readable or JSON lines). */
  print(text: string): void;
  /** The absolute --status-file, if given. */
  statusFile?: string;
  /** Aborted on SIGINT/SIGTERM (reason: the signal name) for tools with cooperativeInterrupt. */
  interrupted: AbortSignal;
  /** Stages and log lines, for the pipelines in shared/ (which do not know the command line). */
  progress: Progress;
}

interface ToolMeta {
  name: string;
  /** One line for --help. */
  summary: string;
  /** CAPO key prefixes the tool reads; --show-config lists keys under them. */
  capoPrefixes: string[];
  /** No automatic node events (started, each stage, done) for this tool: vlass-events. */
  quietEvents?: boolean;
  /**
   * The tool stops itself on a signal (ctx.interrupted) and records the interruption: a DAG
   * runner that must kill its jobs and write the rescue file. Others are stopped from outside.
   */
  cooperativeInterrupt?: boolean;
  /** `[command line, what it does]` pairs for --help (`$0` is the tool's name). */
  examples?: readonly (readonly [string, string])[];
}

/** A tool with one job: its flags (a const object, ./flags.ts) and what it runs. */
export interface SingleToolSpec<F extends FlagSpecs> extends ToolMeta {
  flags: F;
  /**
   * A word on the command line that stands for one of the flags (`annotateQa products` for
   * `--dir products`): its name in --help and the flag it fills.
   */
  /** A word on the command line standing for `--flag`; one that names an existing file stands for `--fileFlag` when given. */
  positional?: { name: string; flag: string; fileFlag?: string };
  run(ctx: ToolContext, args: CommonArgs & FlagValues<F>): Promise<number>;
}

/** One command of a tool with several (`vlass-dag lint DIR`): positionals and flags, then what it runs. */
export interface CommandSpec<F extends FlagSpecs, P extends FlagSpecs> {
  describe: string;
  /** Required words after the command, in order (`lint <target>`). */
  positionals?: P;
  flags: F;
  run(ctx: ToolContext, args: CommonArgs & FlagValues<F> & FlagValues<P>): Promise<number>;
}

/** A tool with commands (vlass-dag, vlass-events). */
export interface MultiToolSpec extends ToolMeta {
  // `any`: each command declares and checks its own argument types (defineCommand).
  commands: Readonly<Record<string, CommandSpec<any, any>>>;
}

export type ToolSpec = SingleToolSpec<FlagSpecs> | MultiToolSpec;

/** Declares a tool, inferring its arguments' type from its flags. */
export function defineTool<F extends FlagSpecs>(spec: SingleToolSpec<F> & { positional?: { flag: keyof F & string; fileFlag?: keyof F & string } }): SingleToolSpec<F> {
  return spec;
}

/** Declares a command, inferring its arguments' type from its positionals and flags. */
export function defineCommand<F extends FlagSpecs, P extends FlagSpecs = Record<never, Options>>(spec: CommandSpec<F, P>): CommandSpec<F, P> {
  return spec;
}

export interface RunOptions {
  /** Where stdout text goes (tests capture it). */
  stdout?: (text: string) => void;
  /** Where human summaries go; stderr by default (tests capture it). */
  stderr?: (text: string) => void;
  /** Log destination override (tests). */
  logDestination?: NodeJS.WritableStream;
  /**
   * Install SIGINT/SIGTERM handlers on this thread. Only for `npm run tool` from a checkout:
   * they run at the tool's await points only. The executable supervises the tool from another
   * thread instead (shared/cli/supervise.ts), which stops it at any point.
   */
  handleSignals?: boolean;
  /** Readable log lines instead of JSON (default: stderr is a terminal). */
  prettyLogs?: boolean;
  /** stdout is a terminal: events are also printed there as readable lines (default: asks stdout). */
  stdoutTerminal?: boolean;
  /** Told what a supervising thread needs to record an interruption (supervise.ts). */
  observer?: RunObserver;
  /** Aborted by the supervisor on a signal, for cooperativeInterrupt tools. */
  interrupted?: AbortSignal;
}

export interface RunObserver {
  /** Once the arguments are parsed: the absolute status file, if any, the log level, and whether the tool stops itself on signals. */
  context(statusFile: string | undefined, logLevel: LevelWithSilent, cooperative: boolean): void;
  /** At each stage transition. */
  stage(name: string): void;
}

function commonOptions(y: Argv): Argv {
  return y.options(COMMON_FLAGS).group([...Object.keys(COMMON_FLAGS), 'help', 'version'], 'Common options:');
}

/** Parses argv and runs the tool; resolves to the exit code. */
export async function runTool(spec: ToolSpec, argv: string[], options: RunOptions = {}): Promise<number> {
  const write = options.stdout ?? ((text: string) => process.stdout.write(text));
  const writeErr = options.stderr ?? ((text: string) => process.stderr.write(text));
  let usageProblem: string | undefined;
  let printed = false;
  const parser = declare(
    spec,
    commonOptions(
      yargs(argv)
        .scriptName(spec.name)
        .usage(`$0: ${spec.summary}${!('commands' in spec) && spec.positional ? `\n\n  $0 [${spec.positional.name}] [options]` : ''}`)
        .version(VERSION_STRING)
        .help()
        .strict()
        .wrap(Math.min(110, process.stdout.columns ?? 110)),
    ),
    argv,
  )
    .exitProcess(false)
    .fail((msg, err) => {
      usageProblem = msg ?? err?.message ?? 'invalid arguments';
    })
    .epilogue([examplesHelp(spec), exitCodesHelp()].filter((t) => t !== '').join('\n\n'));

  let args: ParsedArgs;
  try {
    args = (await parser.parseAsync(argv, {}, (_err, _argv, output) => {
      if (output) {
        write(output + '\n');
        printed = true;
      }
    })) as unknown as ParsedArgs; // yargs types flags by declaration, not by our const objects (FlagValues does)
  } catch (err) {
    usageProblem ??= (err as Error).message;
    args = undefined as never;
  }
  if (usageProblem === undefined && args !== undefined) usageProblem = applyPositional(spec, argv, args);
  if (usageProblem !== undefined) {
    // From the spec itself: a positional tool's flags live in its default command, where the parser's own option list does not show them.
    const commands = 'commands' in spec ? Object.keys(spec.commands) : [];
    const flags = 'commands' in spec ? Object.values(spec.commands).flatMap((c) => Object.keys(c.flags)) : Object.keys(spec.flags);
    const known = [...new Set([...Object.keys(COMMON_FLAGS), 'help', 'version', ...flags])].map((k) => `--${k}`).concat(commands);
    writeErr(`${spec.name}: ${withSuggestions(usageProblem.trim().replace(/\s*\n\s*/g, ' '), known)} (see ${spec.name} --help)\n`);
    return ExitCode.USAGE;
  }
  if (printed) return ExitCode.OK; // --help or --version

  const log = await createLogger({ tool: spec.name, level: args.logLevel, destination: options.logDestination, pretty: options.prettyLogs });
  const statusFile = args.statusFile ? resolve(args.statusFile) : undefined;
  options.observer?.context(statusFile, args.logLevel, spec.cooperativeInterrupt === true);
  const interruption = new AbortController();
  options.interrupted?.addEventListener('abort', () => interruption.abort(options.interrupted!.reason), { once: true });
  const appendStatus = (record: Record<string, unknown>) => {
    if (!statusFile) return;
    const line = JSON.stringify({ time: new Date().toISOString(), tool: spec.name, version: VERSION_STRING, ...record }) + '\n';
    try {
      appendFileSync(statusFile, line);
    } catch (err) {
      log.warn({ err: (err as Error).message }, `cannot append to status file ${statusFile}`);
    }
  };
  let events: EventPublisher | undefined;
  let undeliverable: typeof EventsUndeliveredError | undefined;
  let reportNode = false;
  const stage = (name: string, detail: Record<string, unknown> = {}) => {
    setStage(name);
    options.observer?.stage(name);
    log.info({ event: 'stage', ...detail }, name);
    appendStatus({ event: 'stage', stage: name, ...detail });
    // The status file has this moment already; the broker hears it as the node's step.
    if (reportNode) events!.emit({ kind: 'node', state: 'progress', node: nodeName(spec.name), step: name }, true);
  };

  const removeSignalHandlers = !options.handleSignals
    ? () => {}
    : spec.cooperativeInterrupt
      ? installCooperativeHandlers(interruption)
      : installSignalHandlers(log, appendStatus);
  try {
    const capo = loadCapo({ profile: args.capoProfile, path: args.capoPath });
    registerSecrets(capo.secretValues());
    if (args.showConfig) {
      write(formatConfig(capo, spec.capoPrefixes));
      return ExitCode.OK;
    }
    const outDir = checkOutputDirectory(args.out);
    // Loaded here, not at start-up: --help and --version need none of it (ajv, the schema).
    const [{ EventPublisher, EventsUndeliveredError }, { eventsSettingsFrom }, { sourceOf }] = await Promise.all([
      import('../events/publisher.js'),
      import('../events/config.js'),
      import('../events/event.js'),
    ]);
    undeliverable = EventsUndeliveredError;
    events = new EventPublisher({
      settings: eventsSettingsFrom(capo),
      source: sourceOf(spec.name, VERSION_STRING),
      workflow: workflowFromEnvironment(),
      log,
      statusFile,
      requireDelivery: args.requireEvents,
      print: (options.stdoutTerminal ?? Boolean(process.stdout.isTTY)) && !args.json ? { format: 'human', write } : undefined,
    });
    reportNode = events.hasBroker && !spec.quietEvents;
    if (reportNode) events.emit({ kind: 'node', state: 'started', node: nodeName(spec.name) }, true);
    const ctx: ToolContext = {
      tool: spec.name,
      log,
      capo,
      outDir,
      stage,
      emitResult: (result) => {
        if (args.json) write(JSON.stringify(result, null, 2) + '\n');
      },
      // --log-level silent means nothing on stderr, the summary paragraph included.
      report: (text) => {
        if (args.logLevel !== 'silent') writeErr(text.endsWith('\n') ? text : text + '\n');
      },
      events,
      print: write,
      statusFile,
      interrupted: interruption.signal,
      progress: {
        stage,
        info: (message, detail) => log.info(detail ?? {}, message),
        warn: (message, detail) => log.warn(detail ?? {}, message),
      },
    };
    const code = await runSpec(spec, ctx, args);
    if (interruption.signal.aborted) {
      const signal = String(interruption.signal.reason);
      log.warn({ exitCode: code }, `interrupted by ${signal}`);
      appendStatus({ event: 'interrupted', stage: 'interrupted', signal, exitCode: code });
      return code;
    }
    if (reportNode) events.emit({ kind: 'node', state: code === 0 ? 'done' : 'failed', node: nodeName(spec.name), exitCode: code }, true);
    await events.flush();
    appendStatus({ event: 'done', stage: 'done', exitCode: code });
    return code;
  } catch (err) {
    const code = exitCodeFor(err);
    const message = err instanceof JobError ? err.message : `internal error: ${(err as Error)?.message ?? String(err)}`;
    if (args.logLevel === 'debug' || args.logLevel === 'trace') log.error({ err, exitCode: code }, message);
    else log.error({ exitCode: code }, message);
    appendStatus({ event: 'failed', exitCode: code, message });
    removeAllTemporaries();
    if (events && reportNode && !(undeliverable && err instanceof undeliverable)) {
      events.emit({ kind: 'node', state: 'failed', node: nodeName(spec.name), exitCode: code, message }, true);
      await events.flush().catch(() => undefined);
    }
    return code;
  } finally {
    removeSignalHandlers();
  }
}

/** Declares the tool's flags, or its commands with theirs, to yargs. */
function declare(spec: ToolSpec, y: Argv, argv: readonly string[]): Argv {
  let out = y;
  if ('commands' in spec) {
    for (const [name, command] of Object.entries(spec.commands)) {
      const positionals: FlagSpecs = command.positionals ?? {};
      const words = [name, ...Object.keys(positionals).map((p) => `<${p}>`)].join(' ');
      out = out.command(words, command.describe, (c) => {
        let withPositionals = c;
        for (const [p, definition] of Object.entries(positionals)) withPositionals = withPositionals.positional(p, definition as PositionalOptions);
        return withPositionals.options(command.flags);
      });
    }
    // --show-config answers without a command (it shows the tool's keys, whatever the command).
    if (!argv.includes('--show-config')) out = out.demandCommand(1, `name a command: ${Object.keys(spec.commands).join(', ')}`);
  } else {
    const { positional } = spec;
    out = positional
      ? out.command(`$0 [${positional.name}]`, spec.summary, (c) => c.positional(positional.name, { type: 'string', describe: `the same as --${positional.flag}` }).options(spec.flags))
      : out.options(spec.flags);
  }
  return out;
}

/**
 * The positional word into its flag; given both ways, a usage problem. Returns the problem, if any.
 */
function applyPositional(spec: ToolSpec, argv: readonly string[], args: ParsedArgs): string | undefined {
  if ('commands' in spec || !spec.positional) return undefined;
  const { name } = spec.positional;
  const value = args[name];
  if (value === undefined) return undefined;
  const flag = spec.positional.fileFlag && isFile(String(value)) ? spec.positional.fileFlag : spec.positional.flag;
  if (argv.some((a) => a === `--${flag}` || a.startsWith(`--${flag}=`))) return `${name} "${String(value)}" and --${flag} both given; give one`;
  const camel = flag.replace(/-(.)/g, (_, c: string) => c.toUpperCase());
  args[camel] = value;
  args[flag] = value;
  return undefined;
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/**
 * The examples, each command on a line of its own and what it does indented below: yargs'
 * two-column examples broke long commands in the middle.
 */
function examplesHelp(spec: ToolSpec): string {
  const examples = spec.examples ?? [];
  if (examples.length === 0) return '';
  return ['Examples:', ...examples.flatMap(([command, description]) => [`  ${command.replace(/\$0/g, spec.name)}`, `      ${description}`])].join('\n');
}

/** Runs the tool, or the command named first on its command line. */
function runSpec(spec: ToolSpec, ctx: ToolContext, args: ParsedArgs): Promise<number> {
  if (!('commands' in spec)) return spec.run(ctx, args as never);
  const name = String(args._[0]);
  const command = spec.commands[name];
  if (!command) throw new UsageError(`unknown command "${name}"; choose one of ${Object.keys(spec.commands).join(', ')}`);
  return command.run(ctx, args);
}

/**
 * The workflow a tool runs in, from the environment the DAG's submit file sets
 * (VLASS_WORKFLOW, VLASS_REQUEST_ID; dags/README.md); `standalone` when run by hand.
 */
function workflowFromEnvironment(): WorkflowRef {
  const name = process.env.VLASS_WORKFLOW;
  const requestId = process.env.VLASS_REQUEST_ID;
  return { name: name && /^[A-Za-z0-9_-]{1,64}$/.test(name) ? name : 'standalone', ...(requestId ? { requestId } : {}) };
}

/** The DAG node a tool runs as (VLASS_NODE), else the tool's own name. */
function nodeName(tool: string): string {
  return process.env.VLASS_NODE || tool;
}

/**
 * yargs' "Unknown arguments: phase-centre, phaseCentre" with a suggestion for each mistyped
 * flag or command ("did you mean --phase-center?"), without yargs' camelCase twins.
 */
export function withSuggestions(problem: string, known: string[]): string {
  const m = /^Unknown arguments?: (.+)$/.exec(problem);
  if (!m) return problem;
  const unknown = m[1].split(', ').filter((u) => !/[A-Z]/.test(u) || !m[1].split(', ').some((v) => v !== u && v.replace(/-(.)/g, (_, c: string) => c.toUpperCase()) === u));
  // yargs names flags and stray words alike without dashes: the closest known flag or command says which it was.
  const hint = (u: string) => {
    let best: string | undefined;
    let bestDistance = Math.max(2, Math.floor(u.length / 3)) + 1;
    for (const k of known) {
      const d = editDistance(u, k.replace(/^--/, ''));
      if (d < bestDistance) [best, bestDistance] = [k, d];
    }
    if (!best) return u;
    return `${best.startsWith('--') ? `--${u}` : u} (did you mean ${best}?)`;
  };
  return `unknown argument${unknown.length > 1 ? 's' : ''}: ${unknown.map(hint).join(', ')}`;
}

/** Levenshtein distance, for suggestions. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    previous = current;
  }
  return previous[b.length];
}

function checkOutputDirectory(out: string): string {
  const dir = resolve(out);
  try {
    if (!statSync(dir).isDirectory()) throw new OutputError(`--out ${dir}: not a directory`);
    accessSync(dir, constants.W_OK);
  } catch (err) {
    if (err instanceof JobError) throw err;
    throw new OutputError(`--out ${dir}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'does not exist; create it first' : 'not writable; check its permissions'}`);
  }
  return dir;
}

function formatConfig(capo: CapoConfig, prefixes: string[]): string {
  // A prefix is a whole key segment: edu.nrao.vlass.annotateQa must not list annotateQaSE's keys.
  const wanted = prefixes.map((p) => p.toLowerCase().replace(/\.?$/, '.'));
  const rows = capo.effective().filter((s) => wanted.some((p) => s.key.toLowerCase().startsWith(p)));
  const lines = [
    `# CAPO profile: ${capo.profile ?? '(none: embedded defaults only)'}`,
    ...capo.searched.map((s) => `# ${s.read ? 'read   ' : 'absent '} ${s.file}`),
    ...rows.map((r) => `${r.key} = ${r.value}    # ${r.source}`),
  ];
  return lines.join('\n') + '\n';
}

/** For cooperativeInterrupt tools: a signal aborts ctx.interrupted; the tool finishes itself. */
function installCooperativeHandlers(controller: AbortController): () => void {
  const onInt = () => controller.abort('SIGINT');
  const onTerm = () => controller.abort('SIGTERM');
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  return () => {
    process.off('SIGINT', onInt);
    process.off('SIGTERM', onTerm);
  };
}

/** On SIGINT/SIGTERM: remove temporaries, record it, exit 130/143. Returns an uninstaller. */
function installSignalHandlers(log: Logger, appendStatus: (r: Record<string, unknown>) => void): () => void {
  const handler = (signal: 'SIGINT' | 'SIGTERM') => {
    const err = new InterruptedError(signal);
    removeAllTemporaries();
    log.warn({ exitCode: err.exitCode }, `${err.message}; temporary files removed`);
    appendStatus({ event: 'interrupted', signal, exitCode: err.exitCode });
    process.exit(err.exitCode);
  };
  const onInt = () => handler('SIGINT');
  const onTerm = () => handler('SIGTERM');
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  return () => {
    process.off('SIGINT', onInt);
    process.off('SIGTERM', onTerm);
  };
}

