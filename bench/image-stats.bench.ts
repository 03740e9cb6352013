/**
 * Issue "FITS, statistics, fixtures" performance targets, side by side with astropy/numpy:
 *  1. read a 3722^2 float32 QL image and compute median, MAD sigma and the 120/168/200 uJy
 *     fractions; target at most 1.0x Python's time, peak memory at most 2x the image's bytes;
 *  2. read one plane of a 6202x6202x1x3 cube window; target memory under 2x one plane.
 * Our side is bundled with esbuild and run by plain node (as the executables run).
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { build } from 'esbuild';
import { measure, table, machineLine } from './lib/measure.js';
import { generate, FULL_DIR } from '../fixtures/vlass/generate.js';
import { FULL_PRESETS } from '../fixtures/vlass/presets.js';
import { FitsImageWriter } from '../shared/fits/index.js';
import { mulberry32, normal } from './lib/random.js';

const OUT = join('bench', 'out');
const PYTHON = '/usr/bin/python3';

async function bundle(entry: string, name: string): Promise<string> {
  const outfile = join(OUT, `${name}.cjs`);
  await build({ entryPoints: [entry], bundle: true, platform: 'node', target: 'node20', format: 'cjs', outfile, logLevel: 'error', define: { 'import.meta.url': '__import_meta_url' }, banner: { js: "const __import_meta_url = require('node:url').pathToFileURL(__filename).href;" } });
  return outfile;
}

/** A 6202x6202x1x3 window of unit-variance noise with 5% NaN rows, written plane by plane. */
function writeCubeWindow(path: string): void {
  const n = 6202;
  const writer = new FitsImageWriter(path, { shape: [n, n, 1, 3], bitpix: -32 });
  const random = mulberry32(20261125);
  const row = new Float32Array(n);
  for (let plane = 0; plane < 3; plane++)
    for (let y = 0; y < n; y++) {
      for (let x = 0; x < n; x++) row[x] = y % 20 === 0 ? NaN : normal(random);
      writer.write(row);
    }
  writer.commit();
}

export async function benchImageStats(runs = 5): Promise<string> {
  mkdirSync(OUT, { recursive: true });
  const qlDir = join(FULL_DIR, 'ql');
  if (!existsSync(qlDir)) await generate(FULL_DIR, FULL_PRESETS, { kinds: ['ql'] });
  const image = execFileSync('sh', ['-c', `ls ${qlDir}/*.tt0.subim.fits`], { encoding: 'utf8' }).trim();
  const rmsImage = image.replace('.tt0.subim.fits', '.tt0.rms.subim.fits');
  const cube = join(OUT, 'cube-window-6202x6202x1x3.fits');
  if (!existsSync(cube)) writeCubeWindow(cube);
  const stats = await bundle('bench/image-stats/stats.ts', 'image-stats');
  const plane = await bundle('bench/image-stats/plane.ts', 'plane-read');

  // Same answers first: a benchmark of different computations is meaningless.
  const ours = JSON.parse(execFileSync('node', [stats, rmsImage], { encoding: 'utf8' }));
  const theirs = JSON.parse(execFileSync(PYTHON, ['bench/image-stats/stats_numpy.py', rmsImage], { encoding: 'utf8' }));
  const agree = Math.abs(ours.median / theirs.median - 1) < 1e-6 && Math.abs(ours.madSigma / theirs.madSigma - 1) < 1e-6 && ours.fractions.every((f: number, i: number) => Math.abs(f - theirs.fractions[i]) < 1e-9);

  const statsRuns = measure(
    [
      { name: 'astropy/numpy stats (rms image 3722^2)', command: [PYTHON, 'bench/image-stats/stats_numpy.py', rmsImage] },
      { name: 'vlass-jobs stats (same image)', command: ['node', stats, rmsImage] },
    ],
    runs,
  );
  const planeRuns = measure(
    [
      { name: 'astropy memmap: one plane of 6202x6202x1x3', command: [PYTHON, 'bench/image-stats/plane_numpy.py', cube, '2'] },
      { name: 'vlass-jobs FitsReader.readPlane (same plane)', command: ['node', plane, cube, '2'] },
    ],
    runs,
  );
  const imageMiB = (3722 * 3722 * 4) / 2 ** 20;
  const planeMiB = (6202 * 6202 * 4) / 2 ** 20;
  const nodeBaseline = measure([{ name: 'node -e 0', command: ['node', '-e', '0'] }], 3)[0].medianPeakMiB;
  const [py, js] = statsRuns;
  return [
    '## Image statistics and plane reads versus astropy/numpy',
    '',
    `${machineLine()}; ${runs} interleaved runs; page cache warm after the first run.`,
    `Results agree (median, MAD sigma to 1e-6 relative; fractions to 1e-9): ${agree ? 'yes' : 'NO'} — ours ${JSON.stringify({ median: ours.median, madSigma: ours.madSigma, fractions: ours.fractions })}, numpy ${JSON.stringify({ median: theirs.median, madSigma: theirs.madSigma, fractions: theirs.fractions })}.`,
    '',
    table(statsRuns),
    '',
    `- time ratio ours / Python: **${(js.medianSeconds / py.medianSeconds).toFixed(2)}x** (target <= 1.0x): ${js.medianSeconds <= py.medianSeconds ? 'met' : 'NOT met'}`,
    `- peak memory: ${js.medianPeakMiB.toFixed(0)} MiB = ${(js.medianPeakMiB / imageMiB).toFixed(2)}x the image's ${imageMiB.toFixed(0)} MiB (target <= 2x): ${js.medianPeakMiB <= 2 * imageMiB ? 'met' : 'NOT met'}; Node's own baseline is ${nodeBaseline.toFixed(0)} MiB, so the data cost ${((js.medianPeakMiB - nodeBaseline) / imageMiB).toFixed(2)}x the image`,
    '',
    table(planeRuns),
    '',
    `- peak memory reading one plane: ${planeRuns[1].medianPeakMiB.toFixed(0)} MiB = ${(planeRuns[1].medianPeakMiB / planeMiB).toFixed(2)}x one plane's ${planeMiB.toFixed(0)} MiB (target < 2x): ${planeRuns[1].medianPeakMiB < 2 * planeMiB ? 'met' : 'NOT met'}; time ratio ours / astropy ${(planeRuns[1].medianSeconds / planeRuns[0].medianSeconds).toFixed(2)}x`,
    '',
  ].join('\n');
}
