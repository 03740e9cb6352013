/**
 * casa-verdict on a generated 1 GiB CASA log versus `grep -c SEVERE` on the same file.
 * Target (issue 14): within 2x of grep's median wall time (issue 2 asked 3x), peak memory under 100 MB whatever
 * the log size (checked by also running a 64 MiB log).
 */
import { existsSync, mkdirSync, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { measure, table, machineLine, type Measurement } from './lib/measure.js';
import { writeBigCasaLog } from './make-casa-log.js';
import { DIST_DIR } from '../build/paths.js';

export async function benchCasaVerdict(runs = 5): Promise<string> {
  const exe = join(DIST_DIR, 'casa-verdict');
  if (!existsSync(exe)) throw new Error(`${exe} missing: run npm run build first`);
  const logs: Record<string, string> = {};
  for (const [label, bytes] of [['1 GiB', 2 ** 30], ['64 MiB', 64 * 2 ** 20]] as const) {
    const dir = join('bench', 'out', `casa-log-${bytes}`);
    const file = join(dir, 'casa-20210314-031507.log');
    if (!existsSync(file) || statSync(file).size < bytes) {
      mkdirSync(dir, { recursive: true });
      writeBigCasaLog(file, bytes);
    }
    execFileSync('cat', [file], { stdio: ['ignore', 'ignore', 'inherit'] }); // warm the page cache for both tools
    logs[label] = dir;
  }
  const out = mkdtempSync(join(tmpdir(), 'bench-cv-'));
  const big = join(logs['1 GiB'], 'casa-20210314-031507.log');
  const results: Measurement[] = measure(
    [
      { name: 'grep -c SEVERE (1 GiB)', command: ['grep', '-c', 'SEVERE', big] },
      { name: 'casa-verdict (1 GiB)', command: [exe, '--workdir', logs['1 GiB'], '--out', out, '--log-level', 'warn'] },
      { name: 'casa-verdict (64 MiB)', command: [exe, '--workdir', logs['64 MiB'], '--out', out, '--log-level', 'warn'] },
    ],
    runs,
    [0, 1],
  );
  const [grep, cv1g, cv64] = results;
  const ratio = cv1g.medianSeconds / grep.medianSeconds;
  return [
    '## casa-verdict versus grep',
    '',
    `${machineLine()}; ${runs} interleaved runs each, page cache warm; log: ${statSync(big).size} bytes, ${execFileSync('wc', ['-l', big], { encoding: 'utf8' }).split(' ')[0]} lines.`,
    '',
    table(results),
    '',
    `- time ratio casa-verdict / grep on 1 GiB: **${ratio.toFixed(2)}x** (target <= 2x): ${ratio <= 2 ? 'met' : 'NOT met'}`,
    `- peak memory: ${cv1g.medianPeakMiB.toFixed(1)} MiB on 1 GiB, ${cv64.medianPeakMiB.toFixed(1)} MiB on 64 MiB (target < 100 MB, independent of size): ${cv1g.medianPeakMiB * 1.048576 < 100 ? 'met' : 'NOT met'}`,
    '',
    'How: a log of 32 MiB or more is cut into two byte ranges scanned at once on two worker threads (shared/casa/logscan.ts, scanrange.ts), each reading synchronously',
    'into its own SIMD kernel; the main thread waits, free for signals. Of the 1 GiB run about 0.085 s is the executable starting (as `--version`), the rest the scan;',
    'the second thread and the synchronous reads took the scan from about 0.37 s to 0.18 s, and a lighter string-width (shared/cli/stringWidth.ts) took 0.02 s off every start.',
    'The 64 MiB run is mostly the start.',
    '',
  ].join('\n');
}
