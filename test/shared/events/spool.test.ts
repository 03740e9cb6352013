import { appendFileSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { appendToSpool, claimSpool, makeEvent, releaseClaimed, sourceOf } from '../../../shared/events/index.js';
import { parseStatusLine } from '../../../shared/events/statusFile.js';

const dirs: string[] = [];
const fresh = () => {
  const d = mkdtempSync(join(tmpdir(), 'spool-test-'));
  dirs.push(d);
  return d;
};
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

const event = (i: number) => makeEvent('test', sourceOf('t', '1'), { name: 'quicklook' }, { kind: 'stage', state: 'progress', message: `e${i}` });

describe('the event spool', () => {
  it('gives back claimed files oldest first, each in order, and nothing once released', () => {
    const dir = fresh();
    const first = [event(1), event(2)];
    appendToSpool(dir, 'test', first);
    const claimedOnce = claimSpool(dir, 'test');
    expect(claimedOnce).toHaveLength(1);
    const second = [event(3)];
    appendToSpool(dir, 'test', second); // a concurrent writer after the claim: a new live file
    const both = claimSpool(dir, 'test');
    expect(both.map((c) => c.events.map((e) => e.message))).toEqual([['e1', 'e2'], ['e3']]);
    both.forEach(releaseClaimed);
    expect(readdirSync(dir)).toEqual([]);
    expect(claimSpool(dir, 'test')).toEqual([]);
  });

  it('drops a line cut short by a crash, and duplicates, keeping the rest', () => {
    const dir = fresh();
    const [a, b] = [event(1), event(2)];
    const file = appendToSpool(dir, 'test', [a, a]);
    appendFileSync(file, JSON.stringify(b).slice(0, 40));
    const [claimed] = claimSpool(dir, 'test');
    expect(claimed.events.map((e) => e.id)).toEqual([a.id]);
    expect(claimed.bad).toHaveLength(1);
  });

  it('keeps environments apart and ignores a missing directory', () => {
    const dir = fresh();
    appendToSpool(dir, 'prod', [event(1)]);
    expect(claimSpool(dir, 'test')).toEqual([]);
    expect(claimSpool(join(dir, 'absent'), 'test')).toEqual([]);
    expect(readFileSync(join(dir, 'prod.spool.jsonl'), 'utf8').split('\n')).toHaveLength(2);
  });

  it('names the spool file when it cannot append', () => {
    const dir = fresh();
    appendFileSync(join(dir, 'blocker'), 'x');
    expect(() => appendToSpool(join(dir, 'blocker'), 'test', [event(1)])).toThrow(/event spool .*blocker.*: cannot append/);
  });
});

describe('status file lines', () => {
  it('reads events and tool status records alike', () => {
    const e = event(1);
    expect(parseStatusLine(JSON.stringify(e), 'f:1')).toEqual({ ok: true, event: e, final: false });
    const stage = parseStatusLine(JSON.stringify({ time: '2026-12-02T01:00:00.000Z', tool: 'annotateQa', version: '0.1.0 (x)', event: 'stage', stage: 'measuring' }), 'f:2');
    expect(stage).toMatchObject({ ok: true, final: false, event: { kind: 'node', node: 'annotateQa', step: 'measuring', state: 'progress' } });
    const end = parseStatusLine(JSON.stringify({ time: '2026-12-02T01:00:01.000Z', tool: 'annotateQa', version: '0.1.0 (x)', event: 'interrupted', signal: 'SIGTERM', exitCode: 143 }), 'f:3');
    expect(end).toMatchObject({ ok: true, final: true, event: { state: 'failed', exitCode: 143, message: 'interrupted by SIGTERM' } });
    expect(parseStatusLine('[1,2]', 'f:4')).toMatchObject({ ok: false, reason: expect.stringContaining('f:4') });
    expect(parseStatusLine('{"time":1}', 'f:5')).toMatchObject({ ok: false });
  });
});
