/**
 * Reading a status file (`--status-file`): it holds `vlass.event/1` events (from the events
 * publisher) and each tool's own stage records (`{time, tool, version, event, stage, ...}`,
 * README "Flags every tool shares"). Both are shown as events; a tool record becomes a node
 * event of that tool, its stage the step.
 */
import { hostname } from 'node:os';
import { EVENT_SCHEMA, checkEvent, isFinalEvent, type EventState, type VlassEvent } from './event.js';

export type StatusLine = { ok: true; event: VlassEvent; final: boolean } | { ok: false; reason: string };

const TOOL_RECORD_STATES: Record<string, EventState> = { stage: 'progress', done: 'done', failed: 'failed', interrupted: 'failed' };

export function parseStatusLine(line: string, origin: string): StatusLine {
  let value: Record<string, unknown>;
  try {
    value = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return { ok: false, reason: `${origin}: not JSON` };
  }
  if (value === null || typeof value !== 'object') return { ok: false, reason: `${origin}: not a JSON object` };
  try {
    if (value.schema !== undefined) {
      const event = checkEvent(value, origin);
      return { ok: true, event, final: isFinalEvent(event) };
    }
    const state = TOOL_RECORD_STATES[String(value.event)];
    if (!state || typeof value.tool !== 'string' || typeof value.time !== 'string') {
      return { ok: false, reason: `${origin}: neither a ${EVENT_SCHEMA} event nor a tool status record` };
    }
    const event = checkEvent(
      {
        schema: EVENT_SCHEMA,
        id: `status-${origin.replace(/[^A-Za-z0-9]/g, '-').slice(-40)}-${String(value.time).replace(/[^0-9]/g, '')}`.slice(0, 64),
        time: value.time,
        env: 'dev',
        source: { tool: value.tool, version: String(value.version ?? 'unknown'), host: hostname() || 'unknown' },
        workflow: { name: 'standalone' },
        kind: 'node',
        state,
        node: value.tool,
        ...(value.event === 'stage' ? { step: String(value.stage) } : {}),
        ...(typeof value.exitCode === 'number' ? { exitCode: value.exitCode } : {}),
        ...(typeof value.message === 'string' ? { message: value.message } : value.event === 'interrupted' ? { message: `interrupted by ${String(value.signal)}` } : {}),
      },
      origin,
    );
    return { ok: true, event, final: value.event !== 'stage' };
  } catch (err) {
    return { ok: false, reason: (err as Error).message };
  }
}
