import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { DataError } from '../../../shared/errors.js';
import { formatEventLine, isFinalEvent, makeEvent, parseEvent, readProductName, routingKeyOf, sourceOf } from '../../../shared/events/index.js';
import { REPO_ROOT } from '../../helpers/realdata.js';

const source = sourceOf('split', '0.1.0 (abc)');

describe('the vlass.event/1 schema', () => {
  const schema = JSON.parse(readFileSync(join(REPO_ROOT, 'docs', 'events.schema.json'), 'utf8'));

  it('is a valid draft-07 schema that a fresh validator accepts our events with', () => {
    const validate = new Ajv({ strict: true }).compile(schema);
    const e = makeEvent('prod', source, { name: 'seci_split_measurement_sets', requestId: '123' }, { kind: 'split', state: 'progress', step: 'split', image: 'J005000-023000', ms: '/a.ms', progress: 0.25 });
    expect(validate(e)).toBe(true);
    expect(e).toMatchObject({ schema: 'vlass.event/1', env: 'prod', source: { tool: 'split', host: expect.any(String) } });
    expect(e.id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('documents every field in docs/events.md', () => {
    const doc = readFileSync(join(REPO_ROOT, 'docs', 'events.md'), 'utf8');
    for (const field of Object.keys(schema.properties)) expect(doc).toContain(`\`${field}\``);
  });

  it('rejects what is not an event, naming the origin and every problem', () => {
    const good = makeEvent('dev', source, { name: 'quicklook' }, { kind: 'workflow', state: 'done' });
    const bad = { ...good, schema: 'vlass.event/2', state: 'finished', extra: 1 } as Record<string, unknown>;
    delete bad.time;
    expect(() => parseEvent(JSON.stringify(bad), 'msg 7')).toThrow(DataError);
    try {
      parseEvent(JSON.stringify(bad), 'msg 7');
    } catch (err) {
      const m = (err as Error).message;
      expect(m).toMatch(/^msg 7: not a vlass.event\/1 event/);
      for (const part of ['time', '/schema', '/state', 'extra']) expect(m).toContain(part);
    }
    expect(() => parseEvent('{oops', 'line 3')).toThrow(/line 3: not JSON/);
    expect(() => makeEvent('dev', source, { name: 'quick look' }, { kind: 'workflow', state: 'done' })).toThrow(/workflow\/name/);
    expect(() => makeEvent('dev', source, { name: 'q' }, { kind: 'stage', state: 'progress', progress: 1.5 })).toThrow(/progress/);
  });

  it('routes by <workflow>.<kind>.<state> and knows the final event', () => {
    const e = makeEvent('dev', source, { name: 'quicklook' }, { kind: 'workflow', state: 'failed', exitCode: 1 });
    expect(routingKeyOf(e)).toBe('quicklook.workflow.failed');
    expect(isFinalEvent(e)).toBe(true);
    expect(isFinalEvent({ ...e, kind: 'node' })).toBe(false);
  });

  it('reads as one line for an operator', () => {
    const e = { ...makeEvent('dev', source, { name: 'quicklook', requestId: '9' }, { kind: 'stage', state: 'progress', stage: 'running casa', node: 'casa', progress: 0.456, message: 'tclean' }), time: '2026-12-02T01:02:03.456Z' };
    expect(formatEventLine(e)).toBe('2026-12-02 01:02:03Z  quicklook#9  stage [running casa] node casa  PROGRESS 46%  tclean');
  });
});

describe('the calibration product name', () => {
  it.each([
    ["{'VLASS2.1.cal.123': 123}", 'VLASS2.1.cal.123', 'dict'],
    ['{"VLASS2.1.cal.123": 123}', 'VLASS2.1.cal.123', 'dict'],
    ["  {'NAME' : 'x'}  ", 'NAME', 'dict'],
    ['VLASS2.1.cal.123', 'VLASS2.1.cal.123', 'plain'],
    [' VLASS2.1.cal.123\n', 'VLASS2.1.cal.123', 'plain'],
  ])('%j is %s (%s form)', (text, name, form) => {
    expect(readProductName(text, 'x')).toEqual({ name, form });
  });

  it('takes a decoded object with one key as the dict form', () => {
    expect(readProductName({ 'VLASS2.1.cal.9': 9 }, 'x')).toEqual({ name: 'VLASS2.1.cal.9', form: 'dict' });
  });

  it.each(['', '{}', "{'a': 1, 'b': 2}", '../etc/passwd', 'two words', "{'a b': 1}", 'x;rm -rf /'])('rejects %j naming where it came from', (text) => {
    expect(() => readProductName(text, 'ingestion.out')).toThrow(/^ingestion.out: /);
  });
});
