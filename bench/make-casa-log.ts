/**
 * Writes a large synthetic CASA log for the casa-verdict benchmark: realistic tab-separated
 * records (tclean minor-cycle chatter, task banners, WARN lines) with one recovered SEVERE per
 * block, so the scan does real work. Usage: tsx bench/make-casa-log.ts <file> [GiB]
 */
import { closeSync, openSync, writeSync } from 'node:fs';

export function writeBigCasaLog(path: string, bytes: number): void {
  const block: string[] = [];
  let t = 0;
  const stamp = () => `2021-03-14 ${String(3 + Math.floor(t / 3600) % 20).padStart(2, '0')}:${String(Math.floor(t / 60) % 60).padStart(2, '0')}:${String(t++ % 60).padStart(2, '0')}`;
  const rec = (p: string, o: string, m: string) => block.push(`${stamp()}\t${p}\t${o}\t${m}`);
  rec('INFO', 'plotms::::', 'An error is coming');
  rec('SEVERE', 'plotms::::', 'An error occurred running task plotms.');
  rec('INFO', 'plotms::::+', '##### Begin Task: plotms             #####');
  rec('INFO', 'plotms::::', '##### End Task: plotms               #####');
  rec('INFO', 'tclean::::+', '##### Begin Task: tclean             #####');
  for (let i = 0; i < 10_000; i++) {
    rec('INFO', 'SIImageStore::calcSensitivity', `[VLASS2.1.se.T10t01.J000200-003000.06.2048.v1.I.iter3] Theoretical sensitivity (Jy/bm):${(1.2e-4 + i * 1e-9).toExponential(4)}`);
    if (i % 500 === 0) rec('WARN', 'task_tclean::SDAlgorithmBase::', `Minor cycle ${i}: peak residual within the mask is near the threshold`);
  }
  rec('INFO', 'tclean::::', '##### End Task: tclean               #####');
  const chunk = Buffer.from(block.join('\n') + '\n');
  const fd = openSync(path, 'w');
  try {
    for (let written = 0; written < bytes; written += chunk.length) writeSync(fd, chunk);
  } finally {
    closeSync(fd);
  }
}

if (process.argv[1]?.endsWith('make-casa-log.ts')) {
  const [file, gib = '1'] = process.argv.slice(2);
  writeBigCasaLog(file, Number(gib) * 2 ** 30);
}
