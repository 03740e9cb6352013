/**
 * vlass-events: watch the workflows' progress (docs/events.md).
 *   watch   live, from the broker (a temporary queue bound to the exchange)
 *   tail    the same view from a status file, for a job without a broker
 *   replay  send the spooled events now
 *   emit    publish one event (a DAG node or FINAL node reporting its workflow)
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { type CommonArgs, type MultiToolSpec, type ToolContext, defineCommand } from '../../shared/cli/run.js';
import type { FlagValues } from '../../shared/cli/flags.js';
import { ConfigError, DataError, ExitCode, InputMissingError, TemporaryError, UsageError } from '../../shared/errors.js';
import {
  DAG_STAGES,
  EVENTS_PREFIX,
  EVENT_KINDS,
  EVENT_STATES,
  EventPublisher,
  eventsSettingsFrom,
  formatEventLine,
  isFinalEvent,
  readProductName,
  sourceOf,
  watchEvents,
  type EventFields,
  type VlassEvent,
} from '../../shared/events/index.js';
import { VERSION_STRING } from '../../shared/buildinfo.js';
import { writeFileAtomic } from '../../shared/io/atomic.js';
import { parseStatusLine } from '../../shared/events/statusFile.js';
import { readQaOutcomes, rejectionMessage } from '../../shared/events/qaOutcomes.js';

const WATCH_FLAGS = {
  workflow: { type: 'string', describe: 'only this workflow (e.g. quicklook)' },
  image: { type: 'string', describe: 'only events about this image' },
  request: { type: 'string', describe: "only this request id (the manager's)" },
  follow: { type: 'boolean', default: false, describe: 'keep watching after the final event; reconnect when the broker goes away' },
} as const;
const TAIL_FILE = { file: { type: 'string', demandOption: true, describe: 'a --status-file written by any of our tools' } } as const;
const TAIL_FLAGS = { follow: { type: 'boolean', default: false, describe: 'wait for new lines' } } as const;
const REPLAY_FLAGS = { spool: { type: 'string', describe: `spool directory (default: CAPO ${EVENTS_PREFIX}.spoolDir)` } } as const;
const EMIT_FLAGS = {
  workflow: { type: 'string', demandOption: true, describe: 'workflow name (the routing key starts with it)' },
  'request-id': { type: 'string', describe: "the manager's request id" },
  kind: { choices: EVENT_KINDS, demandOption: true, describe: 'what the event is about' },
  state: { choices: EVENT_STATES, describe: 'what happened (or give --dag-status)' },
  'dag-status': { type: 'number', describe: "a FINAL node's $DAG_STATUS: state done (0) or failed, and exit 1 unless 0 so the DAG keeps its outcome" },
  stage: { choices: DAG_STAGES, describe: 'the DAG stage' },
  node: { type: 'string', describe: 'the DAG node' },
  step: { type: 'string', describe: "a tool's own step" },
  image: { type: 'string', describe: 'the image it concerns' },
  ms: { type: 'string', describe: 'the measurement set it concerns' },
  progress: { type: 'number', describe: 'fraction done, 0..1' },
  message: { type: 'string', describe: 'one line for the operator' },
  'results-dir': { type: 'string', describe: 'where the results are' },
  'product-name': { type: 'string', describe: "product name, plain or the manager's {'NAME': 123} form" },
  'product-name-file': { type: 'string', describe: 'read the product name from this file (either form)' },
  'write-product-name': { type: 'string', describe: 'also write {"productName": <plain name>} to this JSON file (calibration-product.json)' },
  'exit-code': { type: 'number', describe: 'exit code of what the event reports' },
  'qa-results': { type: 'string', describe: 'add the QA verdicts of the *.qa.json files in this directory (and two levels below): a FINAL node of an imaging workflow' },
} as const;

export const vlassEventsTool: MultiToolSpec = {
  name: 'vlass-events',
  summary: "watch the VLASS workflows' progress events, from the broker or a status file",
  capoPrefixes: [EVENTS_PREFIX, 'edu.nrao.vlass.env'],
  // Its own events are what it watches or emits; no node events about itself.
  quietEvents: true,
  commands: {
    watch: defineCommand({ describe: 'print events live from the broker until the workflow ends (--follow: keep going)', flags: WATCH_FLAGS, run: watch }),
    tail: defineCommand({ describe: 'print the events in a status file (--follow: wait for more until the final one)', positionals: TAIL_FILE, flags: TAIL_FLAGS, run: tail }),
    replay: defineCommand({ describe: 'send the spooled events to the broker now', flags: REPLAY_FLAGS, run: replay }),
    emit: defineCommand({ describe: 'publish one event (for DAG nodes and FINAL nodes)', flags: EMIT_FLAGS, run: emit }),
  },
  examples: [
    ['$0 watch --workflow quicklook', 'follow the next quicklook run'],
    ['$0 tail split-status.jsonl --follow', 'follow a job through its status file'],
    ['$0 emit --workflow quicklook --kind workflow --state done --results-dir /lustre/results/123', 'a FINAL node'],
  ],
};

function printer(ctx: ToolContext, json: boolean): (e: VlassEvent) => void {
  return (e) => ctx.print((json ? JSON.stringify(e) : formatEventLine(e)) + '\n');
}

/** Whether an event passes watch's filters. */
function matches(e: VlassEvent, args: FlagValues<typeof WATCH_FLAGS>): boolean {
  if (args.workflow && e.workflow.name !== args.workflow) return false;
  if (args.request && e.workflow.requestId !== args.request) return false;
  if (args.image && e.image !== args.image && e.kind !== 'workflow') return false;
  return true;
}

async function watch(ctx: ToolContext, args: CommonArgs & FlagValues<typeof WATCH_FLAGS>): Promise<number> {
  const settings = eventsSettingsFrom(ctx.capo);
  if (!settings.broker) throw new ConfigError(`vlass-events watch needs a broker: set CAPO ${EVENTS_PREFIX}.amqp.url (or .host) in the profile`);
  const show = printer(ctx, args.json);
  ctx.stage('watching', { broker: settings.broker.displayUrl, workflow: args.workflow });
  try {
    await watchEvents({
      broker: settings.broker,
      env: settings.env,
      log: ctx.log,
      workflow: args.workflow,
      follow: args.follow,
      onEvent: (e) => {
        if (!matches(e, args)) return false;
        show(e);
        return !args.follow && isFinalEvent(e);
      },
    });
  } catch (err) {
    throw new TemporaryError(`watch: broker ${settings.broker.displayUrl}: ${(err as Error).message}; retry, or use --follow to reconnect`);
  }
  return ExitCode.OK;
}

async function tail(ctx: ToolContext, args: CommonArgs & FlagValues<typeof TAIL_FILE> & FlagValues<typeof TAIL_FLAGS>): Promise<number> {
  const file = resolve(args.file);
  const show = printer(ctx, args.json);
  let offset = 0;
  let partial = '';
  let bad = 0;
  let lineNo = 0;
  for (;;) {
    let text: string;
    try {
      const all = readFileSync(file);
      text = all.subarray(offset).toString('utf8');
      offset = all.length;
    } catch (err) {
      throw new InputMissingError(`${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'not found' : 'cannot be read'}; pass a status file written with --status-file`);
    }
    const lines = (partial + text).split('\n');
    partial = lines.pop() ?? '';
    let final = false;
    for (const line of lines) {
      lineNo++;
      if (line.trim() === '') continue;
      const parsed = parseStatusLine(line, `${file}:${lineNo}`);
      if (!parsed.ok) {
        bad++;
        ctx.log.warn(parsed.reason);
        continue;
      }
      show(parsed.event);
      final ||= parsed.final;
    }
    if (!args.follow || final) break;
    await sleep(250);
  }
  if (bad) ctx.log.warn({ skipped: bad }, `${file}: skipped ${bad} line(s) that are not events or tool status records`);
  return ExitCode.OK;
}

async function replay(ctx: ToolContext, args: CommonArgs & FlagValues<typeof REPLAY_FLAGS>): Promise<number> {
  const settings = eventsSettingsFrom(ctx.capo);
  if (!settings.broker) throw new ConfigError(`vlass-events replay needs a broker: set CAPO ${EVENTS_PREFIX}.amqp.url (or .host) in the profile`);
  if (args.spool) settings.spoolDir = resolve(args.spool);
  const publisher = new EventPublisher({ settings, source: sourceOf('vlass-events', VERSION_STRING), workflow: { name: 'standalone' }, log: ctx.log, requireDelivery: true });
  ctx.stage('replaying', { spool: settings.spoolDir });
  const report = await publisher.sendSpool();
  ctx.report(`vlass-events: sent ${report.delivered} spooled event(s) from ${settings.spoolDir} to ${settings.broker.displayUrl}.`);
  ctx.emitResult(report);
  return ExitCode.OK;
}

async function emit(ctx: ToolContext, args: CommonArgs & FlagValues<typeof EMIT_FLAGS>): Promise<number> {
  if ((args.state === undefined) === (args.dagStatus === undefined)) throw new UsageError('give exactly one of --state and --dag-status');
  const fields: EventFields = {
    kind: args.kind,
    state: args.state !== undefined ? args.state : args.dagStatus === 0 ? 'done' : 'failed',
    stage: args.stage,
    node: args.node,
    step: args.step,
    image: args.image,
    ms: args.ms,
    progress: args.progress,
    message: args.message,
    resultsDir: args.resultsDir,
    exitCode: args.exitCode ?? args.dagStatus,
    ...(args.dagStatus !== undefined && args.dagStatus !== 0 && !args.message ? { message: `DAG status ${args.dagStatus} (${DAG_STATUS_NAMES[args.dagStatus] ?? 'unknown'})` } : {}),
  };
  if (args.qaResults !== undefined) {
    const outcomes = readQaOutcomes(resolve(args.qaResults), (message) => ctx.log.warn(message));
    if (outcomes.length) fields.qa = outcomes;
    const rejected = rejectionMessage(outcomes);
    if (rejected) fields.message = fields.message ? `${fields.message}; ${rejected}` : rejected;
  }
  const named = args.productNameFile ? readText(args.productNameFile) : args.productName;
  if (named !== undefined) {
    const product = readProductName(named, args.productNameFile ? resolve(args.productNameFile) : '--product-name');
    ctx.log.info({ productName: product.name, form: product.form }, `product name ${product.name} (given in the ${product.form === 'dict' ? "manager's {'NAME': ...}" : 'plain'} form)`);
    fields.productName = product.name;
    if (args.writeProductName) writeFileAtomic(resolve(args.writeProductName), JSON.stringify({ productName: product.name, givenAs: product.form }, null, 2) + '\n');
  } else if (args.writeProductName) throw new UsageError('--write-product-name needs --product-name or --product-name-file');
  const settings = eventsSettingsFrom(ctx.capo);
  const publisher = new EventPublisher({
    settings,
    source: sourceOf(process.env.VLASS_NODE ? `vlass-events:${process.env.VLASS_NODE}` : 'vlass-events', VERSION_STRING),
    workflow: { name: args.workflow, ...(args.requestId ? { requestId: args.requestId } : {}) },
    log: ctx.log,
    statusFile: ctx.statusFile,
    print: { format: args.json ? 'json' : 'human', write: ctx.print },
    requireDelivery: args.requireEvents,
  });
  publisher.emit(fields);
  await publisher.flush();
  // A FINAL node's result decides the DAG: keep the DAG's outcome.
  return args.dagStatus !== undefined && args.dagStatus !== 0 ? ExitCode.SUBJECT_FAILED : ExitCode.OK;
}

/** DAGMan's $DAG_STATUS values. */
const DAG_STATUS_NAMES: Record<number, string> = { 0: 'ok', 1: 'error', 2: 'a node failed', 3: 'aborted', 4: 'removed', 5: 'cycle', 6: 'halted' };

function readText(path: string): string {
  try {
    return readFileSync(resolve(path), 'utf8').trim();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new InputMissingError(`--product-name-file ${resolve(path)}: not found`);
    throw new DataError(`--product-name-file ${resolve(path)}: cannot be read (${(err as NodeJS.ErrnoException).code})`);
  }
}
