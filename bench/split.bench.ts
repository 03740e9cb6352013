/**
 * split on generated VLASS-like measurement sets (python-casacore, fixtures/ms/make_ms.py)
 * against the equivalent plain taql command on the same data: the same field selection copied
 * into a plain table (`SELECT FROM ... WHERE FIELD_ID IN [...] GIVING ... AS PLAIN`), which is
 * the copy split makes before it re-indexes, prunes and verifies. Two sizes (about 0.5 and
 * 1.1 GB) show whether peak memory stays flat as the measurement set grows.
 * Target (issue 11): split <= 1.1x taql on >= 1 GB; peak memory flat.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DIST_DIR } from '../build/paths.js';
import { machineLine, measure, table, type Measurement } from './lib/measure.js';

const PYTHON = '/usr/bin/python3';
const OUT = resolve('bench', 'out', 'ms');

function makeSet(name: string, bytes: number): string {
  const path = join(OUT, name);
  if (!existsSync(join(path, 'table.dat'))) {
    mkdirSync(OUT, { recursive: true });
    execFileSync(PYTHON, ['fixtures/ms/make_ms.py', path, '--ra0', '359.5', '--dec0', '-2.5', '--nchan', '64', '--target-bytes', String(bytes)], { stdio: ['ignore', 'ignore', 'inherit'] });
  }
  execFileSync('/bin/sh', ['-c', `cat '${path}'/table.f* > /dev/null`]); // warm the page cache for both
  return path;
}

export async function benchSplit(requestedRuns = 6): Promise<string> {
  // An even number of runs: with the order alternating, each subject is second equally often.
  const runs = requestedRuns + (requestedRuns % 2);
  const exe = join(DIST_DIR, 'split');
  if (!existsSync(exe)) throw new Error(`${exe} missing: run npm run build first`);
  const sizes: Array<[string, number]> = [
    ['0.5 GB', 500_000_000],
    ['1.2 GB', 1_300_000_000],
  ];
  const sections: string[] = [];
  const all: Measurement[][] = [];
  for (const [label, bytes] of sizes) {
    const ms = makeSet(`eb-${bytes}.ms`, bytes);
    const du = execFileSync('du', ['-sb', ms], { encoding: 'utf8' }).split('\t')[0];
    // The fields within 0.6 deg of (0h, -2.5 deg), by casacore's own angdist: what split selects.
    const ids = execFileSync('taql', ['-nopr', '-noph', `select ROWID() from '${ms}/FIELD' where angdist([PHASE_DIR[0,0], PHASE_DIR[0,1]], [0rad, -2.5deg]) <= 0.6deg`], { encoding: 'utf8' })
      .trim()
      .split('\n')
      .join(',');
    const cache = join(OUT, `cache-${bytes}`);
    const plain = join(OUT, `plain-${bytes}.ms`);
    const wipe = ['/bin/sh', '-c', `rm -rf '${cache}' '${plain}'`];
    // Each run starts from the same state (untimed): neither subject's output on disk (the other
    // subject's 1 GB left in place was what cost the second of a pair 1-2 s), synced, the source
    // warm; the order alternates every round.
    const clean = `rm -rf '${cache}' '${plain}' && sync && cat '${ms}'/table.f* > /dev/null`;
    const results = measure(
      [
        {
          name: `taql select ... giving plain (${label})`,
          prepare: ['/bin/sh', '-c', clean],
          command: ['taql', '-nopr', '-noph', `select from '${ms}' where FIELD_ID in [${ids}] giving '${plain}' as plain`],
        },
        {
          name: `split, taql backend (${label})`,
          prepare: ['/bin/sh', '-c', clean],
          command: [exe, '--ms', ms, '--phase-center', 'J000000-023000', '--radius-deg', '0.6', '--epoch', 'VLASS2.1', '--tile', 'T10t01', '--cache', cache, '--log-level', 'warn'],
        },
      ],
      runs,
      [0],
      true,
    );
    execFileSync(wipe[0], wipe.slice(1));
    all.push(results);
    sections.push(`### ${label} (${du} bytes, ${ids.split(',').length} of 40 fields selected)`, '', table(results), '');
  }
  rmSync(join(OUT, 'cache'), { recursive: true, force: true });
  const ratio = all[1][1].medianSeconds / all[1][0].medianSeconds;
  const [small, big] = [all[0][1].medianPeakMiB, all[1][1].medianPeakMiB];
  return [
    '## split versus plain taql',
    '',
    `${machineLine()}; ${runs} interleaved runs each, page cache warm. split's time includes its whole overhead: inspecting the source, selecting fields, re-indexing, pruning FIELD/SOURCE/POINTING, verifying with casacore, the index and the rename.`,
    '',
    ...sections,
    `- time ratio split / taql on 1.2 GB: **${ratio.toFixed(2)}x** (target <= 1.1x): ${ratio <= 1.1 ? 'met' : 'NOT met'}`,
    `- split's peak memory: ${small.toFixed(1)} MiB at 0.5 GB, ${big.toFixed(1)} MiB at 1.2 GB (flat: ${Math.abs(big - small) < 0.2 * small ? 'yes' : 'NO'})`,
    '',
    'Reproduce: `npm run build && npm run bench -- split` (needs casacore-tools and python3-casacore).',
    '',
  ].join('\n');
}
