/**
 * The one shape of everything we report: `vlass.event/1`. The JSON Schema in
 * docs/events.schema.json is the definition (docs/events.md explains each field); the types
 * below mirror it and `parseEvent` checks data against the schema itself, with ajv.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { Ajv, type ValidateFunction } from 'ajv';
import schema from '../../docs/events.schema.json' with { type: 'json' };
import { DataError } from '../errors.js';

export const EVENT_SCHEMA = 'vlass.event/1';
export const ENVIRONMENTS = ['dev', 'test', 'prod'] as const;
export const EVENT_KINDS = ['workflow', 'stage', 'node', 'split', 'ingestion'] as const;
export const EVENT_STATES = ['started', 'progress', 'done', 'failed', 'retrying'] as const;
/** The broad stages operators asked for (design notes, "Information Granularity"). */
export const DAG_STAGES = ['gathering data', 'running casa', 'post casa work'] as const;

export type Environment = (typeof ENVIRONMENTS)[number];
export type EventKind = (typeof EVENT_KINDS)[number];
export type EventState = (typeof EVENT_STATES)[number];
export type DagStage = (typeof DAG_STAGES)[number];

export interface EventSource {
  tool: string;
  version: string;
  host: string;
}

export interface WorkflowRef {
  name: string;
  requestId?: string;
}

/** What a caller says about an event; the publisher adds schema, id, time, env and source. */
export interface EventFields {
  kind: EventKind;
  state: EventState;
  step?: string;
  stage?: DagStage;
  node?: string;
  image?: string;
  ms?: string;
  progress?: number;
  message?: string;
  resultsDir?: string;
  productName?: string;
  exitCode?: number;
  /** Final workflow events: the delivered products' QA verdicts. */
  qa?: QaOutcome[];
}

export interface QaOutcome {
  product: string;
  verdict: 'PASS' | 'WARN' | 'FAIL';
  /** Its files were moved to QA_REJECTED/. */
  rejected: boolean;
}

export interface VlassEvent extends EventFields {
  schema: typeof EVENT_SCHEMA;
  id: string;
  time: string;
  env: Environment;
  source: EventSource;
  workflow: WorkflowRef;
}

/** Compiled on first use: most runs report no event, and compiling costs start-up time. */
let validator: ValidateFunction<VlassEvent> | undefined;
const validate = (value: unknown): value is VlassEvent => (validator ??= new Ajv({ allErrors: true, strict: true }).compile<VlassEvent>(schema))(value);

/** A complete event, stamped now with a fresh id. Checked against the schema. */
export function makeEvent(env: Environment, source: EventSource, workflow: WorkflowRef, fields: EventFields): VlassEvent {
  const event: VlassEvent = { schema: EVENT_SCHEMA, id: randomUUID(), time: new Date().toISOString(), env, source, workflow: dropUndefined(workflow), ...dropUndefined(fields) };
  return checkEvent(event, 'event');
}

/** This machine as an event source. */
export function sourceOf(tool: string, version: string): EventSource {
  return { tool, version, host: hostname() || 'unknown' };
}

/** Checks a decoded object against the schema; DataError naming `origin` and every problem. */
export function checkEvent(value: unknown, origin: string): VlassEvent {
  if (validate(value)) return value;
  const problems = (validator?.errors ?? []).map((e) => `${e.instancePath || '(top)'} ${e.message}${e.params && 'additionalProperty' in e.params ? ` "${String(e.params.additionalProperty)}"` : ''}`);
  throw new DataError(`${origin}: not a ${EVENT_SCHEMA} event: ${problems.join('; ')}`);
}

/** Parses one JSON text (a message body, a status file line) into a checked event. */
export function parseEvent(text: string, origin: string): VlassEvent {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new DataError(`${origin}: not JSON (${(err as Error).message})`);
  }
  return checkEvent(value, origin);
}

/** The AMQP routing key: `<workflow>.<kind>.<state>`. */
export function routingKeyOf(event: VlassEvent): string {
  return `${event.workflow.name}.${event.kind}.${event.state}`;
}

/** True for the event that ends a workflow (what `vlass-events watch` stops at). */
export function isFinalEvent(event: VlassEvent): boolean {
  return event.kind === 'workflow' && (event.state === 'done' || event.state === 'failed');
}

function dropUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
