/**
 * annotateQa on a full-size Quick Look product (3722^2 pbcor tt0 + rms image, from
 * fixtures/vlass at the full preset) versus an astropy/numpy script computing the same
 * statistics on the same two files: pbcor peak (with position), minimum, median, MAD sigma,
 * blank and zero fractions; rms median, 10th/90th percentiles and the fractions of non-zero rms
 * pixels at or below 120, 168 and 200 uJy. Target (issue 14): at most 0.5x the script's time.
 * The tool is bundled as the executables are (build/bundle.ts) and run by plain node, read-only
 * (no --annotate-fits, --reject-to or previews).
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { bundleJobs } from './lib/tool.js';
import { FULL_DIR, generate } from '../fixtures/vlass/generate.js';
import { FULL_PRESETS } from '../fixtures/vlass/presets.js';
import { machineLine, measure, table } from './lib/measure.js';

const OUT = join('bench', 'out');
const PYTHON = '/usr/bin/python3';

export const NUMPY_SCRIPT = `
import json, sys, warnings
import numpy as np
from astropy.io import fits
from astropy.stats import mad_std
warnings.simplefilter("ignore")
image, rms = sys.argv[1], sys.argv[2]
with fits.open(image, memmap=True) as h:
    p = np.array(h[0].data[0, 0], dtype=np.float32)
with fits.open(rms, memmap=True) as h:
    r = np.array(h[0].data[0, 0], dtype=np.float32)
fin = np.isfinite(p)
kept = p[fin & (p != 0)]
peak = int(np.nanargmax(p))
rk = r[np.isfinite(r) & (r != 0)]
print(json.dumps({
  "peakJy": float(p.flat[peak]), "peakX": peak % p.shape[1], "peakY": peak // p.shape[1], "minJy": float(np.nanmin(p)),
  "medianJy": float(np.median(kept)), "madSigmaJy": float(mad_std(kept)),
  "blankFraction": float((~fin).sum() / p.size), "zeroFraction": float((p == 0).sum() / p.size),
  "rmsMedianJy": float(np.median(rk)), "p10Jy": float(np.percentile(rk, 10)), "p90Jy": float(np.percentile(rk, 90)),
  "below": [float((rk <= np.float32(t)).sum() / rk.size) for t in (120e-6, 168e-6, 200e-6)],
}))
`;

export async function benchAnnotateQa(runs = 5): Promise<string> {
  mkdirSync(OUT, { recursive: true });
  const qlDir = join(FULL_DIR, 'ql');
  if (!existsSync(qlDir)) await generate(FULL_DIR, FULL_PRESETS, { kinds: ['ql'] });
  const files = readdirSync(qlDir);
  const image = join(qlDir, files.find((f) => f.endsWith('.tt0.subim.fits'))!);
  const rms = join(qlDir, files.find((f) => f.endsWith('.tt0.rms.subim.fits'))!);
  const tool = await bundleJobs(join(OUT, 'vlass-jobs.cjs'));
  const script = join(OUT, 'annotate_qa_numpy.py');
  execFileSync('sh', ['-c', `cat > ${script}`], { input: NUMPY_SCRIPT });
  const out = mkdtempSync(join(tmpdir(), 'bench-qa-'));
  const toolArgs = ['node', tool, 'annotateQa', '--dir', qlDir, '--out', out, '--log-level', 'warn', '--json'];

  // The same numbers on both sides, or the timing means nothing.
  const ours = JSON.parse(execFileSync(toolArgs[0], toolArgs.slice(1), { encoding: 'utf8', maxBuffer: 1 << 26 })).metrics;
  const theirs = JSON.parse(execFileSync(PYTHON, [script, image, rms], { encoding: 'utf8' }));
  const pairs: [string, number, number][] = [
    ['pbcor peak', ours.pbcor.peakJy, theirs.peakJy],
    ['pbcor min', ours.pbcor.minJy, theirs.minJy],
    ['pbcor median', ours.pbcor.medianJy, theirs.medianJy],
    ['pbcor MAD sigma', ours.pbcor.madSigmaJy, theirs.madSigmaJy],
    ['blank fraction', ours.pbcor.blankFraction, theirs.blankFraction],
    ['zero fraction', ours.pbcor.zeroFraction, theirs.zeroFraction],
    ['rms median', ours.rms.medianJy, theirs.rmsMedianJy],
    ['rms p10', ours.rms.p10Jy, theirs.p10Jy],
    ['rms p90', ours.rms.p90Jy, theirs.p90Jy],
    ['rms <= 120 uJy', ours.rms.fractionBelow120uJy, theirs.below[0]],
    ['rms <= 168 uJy', ours.rms.fractionBelow168uJy, theirs.below[1]],
    ['rms <= 200 uJy', ours.rms.fractionBelow200uJy, theirs.below[2]],
  ];
  const worst = Math.max(...pairs.map(([, a, b]) => (a === b ? 0 : Math.abs(a - b) / Math.max(Math.abs(b), 1e-30))));

  const results = measure(
    [
      { name: 'astropy/numpy: the same statistics on pbcor + rms (3722^2)', command: [PYTHON, script, image, rms] },
      { name: 'annotateQa (bundled, node)', command: toolArgs },
    ],
    runs,
  );
  const [py, js] = results;
  return [
    '## annotateQa versus astropy/numpy on a full-size QL product',
    '',
    `${machineLine()}; ${runs} interleaved runs; page cache warm. Product: ${qlDir} (3722x3722x1x1 float32 pbcor + rms).`,
    '',
    `Same numbers on both sides: largest relative difference over ${pairs.length} metrics ${worst.toExponential(2)} (${pairs.map(([n]) => n).join(', ')}).`,
    '',
    table(results),
    '',
    `- time ratio annotateQa / Python: **${(js.medianSeconds / py.medianSeconds).toFixed(2)}x** (target <= 0.5x): ${js.medianSeconds <= 0.5 * py.medianSeconds ? 'met' : 'NOT met'}`,
    `- annotateQa also evaluates its CAPO rules and writes the result JSON; the script only computes.`,
    '',
  ].join('\n');
}
