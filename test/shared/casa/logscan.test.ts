import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scanCasaLog, type CasaLogRecord } from '../../../shared/casa/logscan.js';
import { InputMissingError } from '../../../shared/errors.js';
import { hasRealdata, realdata } from '../../helpers/realdata.js';

const dir = mkdtempSync(join(tmpdir(), 'logscan-'));

async function scan(content: string | Buffer, chunk?: number, workers?: number) {
  const file = join(dir, `log-${Math.random().toString(36).slice(2)}.log`);
  writeFileSync(file, content);
  const records: CasaLogRecord[] = [];
  const summary = await scanCasaLog(file, (r) => records.push(r), { chunkBytes: chunk, workers });
  return { records, summary };
}

const lines = [
  '2021-03-14 03:15:07\tINFO\t::casa\tCASA Version 6.2.1-7',
  '2021-03-14 03:15:08\tINFO\ttclean::::+\t##### Begin Task: tclean           #####',
  '2021-03-14 03:15:09\tSEVERE\ttclean::::\tError in making PSF',
  '2021-03-14 03:15:10\tINFO\ttclean::::\t##### End Task: tclean             #####',
];

describe('scanCasaLog', () => {
  it('finds SEVERE records and task markers with their line numbers', async () => {
    const { records, summary } = await scan(lines.join('\n') + '\n');
    expect(records.map((r) => [r.line, r.parsed.priority, r.marker?.kind])).toEqual([
      [2, 'INFO', 'begin'],
      [3, 'SEVERE', undefined],
      [4, 'INFO', 'end'],
    ]);
    expect(summary).toMatchObject({ lines: 4, severe: 1, tasksBegun: 1 });
  });

  it('gives the same answer whatever the chunk size (lines split across reads)', async () => {
    const text = Array.from({ length: 50 }, () => lines.join('\n')).join('\n') + '\n';
    const whole = await scan(text);
    for (const chunk of [100, 150, 4096]) {
      const part = await scan(text, chunk);
      expect(part.records.map((r) => r.line)).toEqual(whole.records.map((r) => r.line));
      expect(part.summary.lines).toBe(200);
    }
  });

  it('gives the same records, line numbers and counts when the log is cut into ranges on 1, 2 or 3 worker threads, whatever the chunk size', async () => {
    // Lines of varied length (up to ~1000 bytes, within the smallest chunk: longer lines are scanned in pieces by design),
    // so the range boundaries fall mid-line, on a newline and inside hits.
    const varied = Array.from({ length: 300 }, (_, i) => (i % 7 === 0 ? `${lines[i % 4]} ${'x'.repeat(i * 3)}` : lines[i % 4])).join('\n');
    for (const text of [varied + '\n', varied, '\n\n' + varied + '\n\n']) {
      const whole = await scan(text, undefined, 0);
      expect(whole.summary.lines).toBe(text.endsWith('\n') ? text.split('\n').length - 1 : text.split('\n').length);
      for (const workers of [1, 2, 3]) {
        for (const chunk of [1024, 4096, 1 << 20]) {
          const part = await scan(text, chunk, workers);
          expect(part.records.map((r) => [r.line, r.text]), `${workers} workers, chunk ${chunk}`).toEqual(whole.records.map((r) => [r.line, r.text]));
          expect(part.summary).toMatchObject({ lines: whole.summary.lines, bytes: Buffer.byteLength(text), severe: whole.summary.severe, tasksBegun: whole.summary.tasksBegun });
        }
      }
    }
  });

  it('tolerates CRLF, invalid UTF-8 and a truncated last line', async () => {
    const buf = Buffer.concat([
      Buffer.from(lines.slice(0, 2).join('\r\n') + '\r\n'),
      Buffer.from([0xff, 0xfe, 0x0a]),
      Buffer.from('2021-03-14 03:15:09\tSEVERE\ttclean::::\tcut off her'),
    ]);
    const { records, summary } = await scan(buf);
    expect(records).toHaveLength(2);
    expect(records[1]).toMatchObject({ line: 4, text: '2021-03-14 03:15:09\tSEVERE\ttclean::::\tcut off her' });
    expect(records[0].text.endsWith('\r')).toBe(false);
    expect(summary.lines).toBe(4);
  });

  it('ignores SEVERE inside messages of other priorities and in raw prints', async () => {
    const { records } = await scan('2021-03-14 03:15:07\tINFO\tx::::\tno SEVERE here\nSEVERE raw print\n');
    expect(records).toHaveLength(0);
  });

  it('reports a missing file as input missing', async () => {
    await expect(scanCasaLog(join(dir, 'absent.log'), () => {})).rejects.toBeInstanceOf(InputMissingError);
    await expect(scanCasaLog(join(dir, 'absent.log'), () => {}, { workers: 2 })).rejects.toBeInstanceOf(InputMissingError);
  });

  it('resumes correctly when hits overflow the kernel hit table', async () => {
    const n = 10_000; // more SEVERE lines than MAX_HITS in one chunk
    const text = Array.from({ length: n }, (_, i) => `2021-03-14 03:15:07\tSEVERE\tt::::\tSE ${i}`).join('\n') + '\n';
    const { records, summary } = await scan(text, 1 << 20);
    expect(records).toHaveLength(n);
    expect(records.map((r) => r.line)).toEqual(Array.from({ length: n }, (_, i) => i + 1));
    expect(summary.lines).toBe(n);
  });

  it('a SEVERE flood on two workers: every record, in order, the later range waiting its turn (bounded memory)', async () => {
    const n = 60_000; // more than the hits a worker may hand over before it waits (16,384)
    const text = Array.from({ length: n }, (_, i) => `2021-03-14 03:15:07\tSEVERE\tt::::\tSE ${i}`).join('\n') + '\n';
    const { records, summary } = await scan(text, 64 * 1024, 2);
    expect(summary).toMatchObject({ lines: n, severe: n });
    expect(records.map((r) => r.line)).toEqual(Array.from({ length: n }, (_, i) => i + 1));
    expect(records[n - 1].text.endsWith(`SE ${n - 1}`)).toBe(true);
  });

  describe.skipIf(!hasRealdata)('on the real CASA 5.6 log (realdata absent: skipped)', () => {
    it('finds the plotants SEVERE at line 1675 and both task runs', async () => {
      const records: CasaLogRecord[] = [];
      const summary = await scanCasaLog(realdata('casa_logs', 'casa-20201008-233531.log'), (r) => records.push(r));
      expect(summary.lines).toBe(1684);
      const severe = records.filter((r) => r.parsed.priority === 'SEVERE');
      expect(severe.map((r) => r.line)).toEqual([1675]);
      expect(records.filter((r) => r.marker?.kind === 'begin').map((r) => r.marker?.task)).toEqual(['listobs', 'plotants']);
    });
  });
});
