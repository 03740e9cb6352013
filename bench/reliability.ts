/**
 * The reliability report (issue 17): runs the fuzz suite (test/fuzz), the fault injection
 * through the built executables (test/e2e/faults.test.ts) and the security checks
 * (test/e2e/security.test.ts) with RELIABILITY_TALLY set, so that
 * every case they try is counted, and writes the counts to bench/results/reliability.md: per
 * parser the cases tried and how they ended, per tool the faults injected and how they ended.
 * Nothing in the report is written by hand. Needs a build (npm run build).
 *   npm run reliability [-- --runs N]   (N cases per parser; default the tests' 2000)
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DIST_DIR } from '../build/paths.js';
import type { TallyRecord } from '../test/helpers/tally.js';

const runsAt = process.argv.indexOf('--runs');
const runs = runsAt > 0 ? process.argv[runsAt + 1] : undefined;
if (!existsSync(join(DIST_DIR, 'MANIFEST.json'))) {
  console.error(`reliability: no build in ${DIST_DIR}; run npm run build first`);
  process.exit(66);
}
const tallyFile = join(mkdtempSync(join(tmpdir(), 'reliability-')), 'tally.jsonl');
writeFileSync(tallyFile, '');
const vitest = spawnSync('npx', ['vitest', 'run', 'test/fuzz', 'test/e2e/faults.test.ts', 'test/e2e/security.test.ts'], {
  env: { ...process.env, RELIABILITY_TALLY: tallyFile, ...(runs ? { FUZZ_RUNS: runs } : {}) },
  stdio: ['ignore', 'inherit', 'inherit'],
});
const records = readFileSync(tallyFile, 'utf8')
  .split('\n')
  .filter((l) => l !== '')
  .map((l) => JSON.parse(l) as TallyRecord);

/** Rows of `subject | trial | total | outcome counts`, grouped and sorted. */
function table(area: string, trialHeader: string): string[] {
  const groups = new Map<string, Map<string, number>>();
  for (const r of records.filter((r) => r.area === area)) {
    const key = `${r.subject}\u0000${r.trial}`;
    const counts = groups.get(key) ?? new Map<string, number>();
    counts.set(r.outcome, (counts.get(r.outcome) ?? 0) + 1);
    groups.set(key, counts);
  }
  if (groups.size === 0) return ['(none recorded)'];
  return [
    `| ${area === 'parser' ? 'parser' : 'tool'} | ${trialHeader} | cases | outcomes |`,
    '|---|---|---|---|',
    ...[...groups.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([key, counts]) => {
        const [subject, trial] = key.split('\u0000');
        const total = [...counts.values()].reduce((a, b) => a + b, 0);
        const outcomes = [...counts.entries()].sort((a, b) => b[1] - a[1]).map(([o, n]) => `${o}: ${n}`).join(', ');
        return `| ${subject} | ${trial} | ${total} | ${outcomes} |`;
      }),
  ];
}

const parserCases = records.filter((r) => r.area === 'parser').length;
const faultCases = records.filter((r) => r.area === 'fault').length;
const securityCases = records.filter((r) => r.area === 'security').length;
const report = [
  '## Reliability',
  '',
  `${new Date().toISOString()}; test/fuzz and test/e2e/faults.test.ts, ${vitest.status === 0 ? 'all passed' : `FAILED (vitest exit ${vitest.status})`}. Every parser case is accepted or rejected with one of our exit codes (an unclassified exception fails the suite); every fault ends as documented.`,
  '',
  `### Parsers (${parserCases} cases)`,
  '',
  ...table('parser', 'input'),
  '',
  `### Faults injected through the executables (${faultCases} cases; SIGTERM at several points: test/e2e/signals.test.ts)`,
  '',
  ...table('fault', 'fault'),
  '',
  `### Security (${securityCases} cases: test/e2e/security.test.ts; path traversal in plans and DAG parameters: test/tools/split.test.ts, test/e2e/workflows.test.ts)`,
  '',
  ...table('security', 'check'),
  '',
  'Reproduce: `npm run build && npm run reliability` (`-- --runs N` for N cases per parser).',
  '',
].join('\n');
mkdirSync(join('bench', 'results'), { recursive: true });
writeFileSync(join('bench', 'results', 'reliability.md'), report);
process.stdout.write(report);
process.exit(vitest.status ?? 1);
