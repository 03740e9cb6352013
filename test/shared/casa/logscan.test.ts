import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scanCasaLog, type CasaLogRecord } from '../../../shared/casa/logscan.js';
import { InputMissingError } from '../../../shared/errors.js';
import { hasRealdata, realdata } from '../../helpers/realdata.js';

const dir = mkdtempSync(join(tmpdir(), 'logscan-'));

async function scan(content: string | Buffer, chunk?: number) {
  const file = join(dir, `log-${Math.random().toString(36).slice(2)}.log`);
  writeFileSync(file, content);
  const records: CasaLogRecord[] = [];
  const summary = await scanCasaLog(file, (r) => records.push(r), chunk);
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
  });

  it('resumes correctly when hits overflow the kernel hit table', async () => {
    const n = 10_000; // more SEVERE lines than MAX_HITS in one chunk
    const text = Array.from({ length: n }, (_, i) => `2021-03-14 03:15:07\tSEVERE\tt::::\tSE ${i}`).join('\n') + '\n';
    const { records, summary } = await scan(text, 1 << 20);
    expect(records).toHaveLength(n);
    expect(records.map((r) => r.line)).toEqual(Array.from({ length: n }, (_, i) => i + 1));
    expect(summary.lines).toBe(n);
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
