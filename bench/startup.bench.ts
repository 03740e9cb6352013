/**
 * Start-up (issue 14): every executable's `--version` against a bare `node -e 0`, medians of
 * interleaved runs. Target: each within 2x, so that a tool loads its libraries only when it
 * needs them (a DAG runs thousands of short nodes). Needs a build (npm run build).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DIST_DIR } from '../build/paths.js';
import { TOOL_NAMES } from '../tools/registry.js';
import { machineLine, measure, table } from './lib/measure.js';

export async function benchStartup(runs = 21): Promise<string> {
  if (!existsSync(join(DIST_DIR, 'MANIFEST.json'))) throw new Error(`no build in ${DIST_DIR}: run npm run build first`);
  const results = measure(
    [{ name: 'node -e 0', command: [process.execPath, '-e', '0'] }, ...TOOL_NAMES.map((tool) => ({ name: `${tool} --version`, command: [join(DIST_DIR, tool), '--version'] }))],
    runs,
  );
  const reference = results[0].medianSeconds;
  const worst = results.slice(1).reduce((w, r) => (r.medianSeconds > w.medianSeconds ? r : w));
  const ratio = worst.medianSeconds / reference;
  return [
    '## Start-up: --version against a bare node',
    '',
    `${machineLine()}; ${runs} interleaved runs each.`,
    '',
    table(results),
    '',
    `- slowest: ${worst.name}, **${ratio.toFixed(2)}x** \`node -e 0\` (target <= 2x): ${ratio <= 2 ? 'met' : 'NOT met'}`,
    '',
    'Reproduce: `npm run build && npm run bench -- startup`.',
    '',
  ].join('\n');
}
