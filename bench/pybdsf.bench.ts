/**
 * Issue "create-component-list on any radio image": fidelity against PyBDSF's own regression
 * test (../shared/realdata/pybdsf_reference: tbdsf_process_image.py and its reference
 * outputs), run end to end on its image with that run's thresholds (thresh_isl 3, thresh_pix 5).
 * The figures, as the issue defines them, each against PyBDSF's output:
 * - rms map / rmsd_I.fits: median and 95th percentile of |ratio - 1| over the image (target 3%);
 * - mean map: the same over mean_I.fits, as |ours - theirs| / their rms (a ratio of two means near
 *   zero says nothing);
 * - Gaussians: the fraction of its Wave_id 0 Gaussians with one of ours within 1 px and total
 *   flux within 10% (target 90%);
 * - residual image rms / resid_gaus.fits rms (target within 3%);
 * - sources: counts, and the fraction of its sources with one of ours within 1 px and total
 *   flux within 10% (target 90%).
 * Skipped, saying so, without the reference data. The mean follows PyBDSF's mean_map
 * 'default' (a general image's default); the rms box is still CAPO's, not PyBDSF's rms_box rule
 * with adaptive_rms_box: this report measures what that leaves.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { readCatalog } from '../shared/catalog/index.js';
import { FitsReader } from '../shared/fits/index.js';
import { machineLine, median } from './lib/measure.js';
import { bundleJobs } from './lib/tool.js';
import { REALDATA } from '../test/helpers/realdata.js';

const REF = join(REALDATA, 'pybdsf_reference');
const STEM = 'tbdsf_process_image.in_fits.pybdsf';
const OUT = join('bench', 'out', 'pybdsf');

export async function benchPybdsf(): Promise<string> {
  const image = join(REF, `${STEM}.ch0_I.fits`);
  if (!existsSync(image)) return `## create-component-list against PyBDSF's regression test\n\nSkipped: ${REF} is absent.\n`;
  const tool = await bundleJobs();
  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(OUT, { recursive: true });
  const args = [image, '--thresh-isl', '3', '--thresh-pix', '5', '--write-maps', '--catalog-type', 'both', '--out', OUT, '--log-level', 'error'];
  execFileSync('node', [tool, 'create-component-list', ...args], { stdio: 'ignore' });
  const ours = (suffix: string) => join(OUT, `${STEM}.ch0_I.${suffix}`);

  const rmsOurs = plane(ours('rms.fits'));
  const rmsTheirs = plane(join(REF, `${STEM}.rmsd_I.fits`));
  const rmsDev = deviations(rmsOurs, rmsTheirs, (o, t) => Math.abs(o / t - 1));
  const meanDev = deviations(plane(ours('mean.fits')), plane(join(REF, `${STEM}.mean_I.fits`)), (o, t, i) => Math.abs(o - t) / rmsTheirs[i]);
  const residRatio = rmsOfPlane(plane(ours('gaus_resid.fits'))) / rmsOfPlane(plane(join(REF, `${STEM}.resid_gaus.fits`)));

  const theirGaussians = readPybdsfText(join(REF, `${STEM}.gaul`), 'Gaus_id').filter((g) => g.Wave_id === 0);
  const ourGaussians = readCatalog(ours('gaul.csv')).rows.map((r) => ({ x: r.Xposn as number, y: r.Yposn as number, s: r.Total_flux as number }));
  const gaussianMatch = matched(theirGaussians.map((g) => ({ x: g.Xposn, y: g.Yposn, s: g.Total_flux })), ourGaussians);
  const theirSources = readPybdsfText(join(REF, `${STEM}.srl`), 'Source_id');
  const ourSourceRows = readCatalog(ours('srl.csv')).rows;
  const sourceMatch = matchedBySky(
    theirSources.map((s) => ({ ra: s.RA, dec: s.DEC, s: s.Total_flux })),
    ourSourceRows.map((r) => ({ ra: r.RA as number, dec: r.DEC as number, s: r.Total_flux as number })),
    pixelArcsec(image),
  );
  const check = (ok: boolean) => (ok ? 'met' : 'NOT met');
  return [
    "## create-component-list against PyBDSF's regression test",
    '',
    `${machineLine()}. Reproduce: \`npm run bench -- pybdsf\` (needs ../shared/realdata). Run: \`create-component-list ${STEM}.ch0_I.fits --thresh-isl 3 --thresh-pix 5 --write-maps --catalog-type both\`; atrous_do, which that run switched on, is off (its wavelet Gaussians, Wave_id > 0, are left out of the comparison).`,
    '',
    '| figure | value | target | |',
    '|---|---|---|---|',
    `| rms map: median abs(ours/PyBDSF - 1) | ${pct(rmsDev.median)} | 3% | ${check(rmsDev.median <= 0.03)} |`,
    `| rms map: 95th percentile | ${pct(rmsDev.p95)} | 3% | ${check(rmsDev.p95 <= 0.03)} |`,
    `| mean map: median abs(ours - PyBDSF) / PyBDSF rms | ${pct(meanDev.median)} | 3% | ${check(meanDev.median <= 0.03)} |`,
    `| mean map: 95th percentile | ${pct(meanDev.p95)} | 3% | ${check(meanDev.p95 <= 0.03)} |`,
    `| Wave_id 0 Gaussians matched within 1 px and 10% in total flux | ${gaussianMatch.good} of ${theirGaussians.length} (${pct(gaussianMatch.good / theirGaussians.length)}); ${gaussianMatch.near} within 1 px | 90% | ${check(gaussianMatch.good >= 0.9 * theirGaussians.length)} |`,
    `| residual image rms, ours / PyBDSF's | ${residRatio.toFixed(3)} | within 3% | ${check(Math.abs(residRatio - 1) <= 0.03)} |`,
    `| sources: count | ${ourSourceRows.length} vs ${theirSources.length} | | |`,
    `| sources matched within 1 px and 10% in total flux | ${sourceMatch.good} of ${theirSources.length} (${pct(sourceMatch.good / theirSources.length)}); ${sourceMatch.near} within 1 px | 90% | ${check(sourceMatch.good >= 0.9 * theirSources.length)} |`,
    '',
    "What is left is mostly the background and the decomposition: the mean follows PyBDSF's mean_map 'default' (here, as PyBDSF, a constant), but the rms box is CAPO's fixed one, not PyBDSF's rms_box rule with adaptive_rms_box, and the constant is our clipped mean, not PyBDSF's (issue 15).",
    '',
  ].join('\n');
}

function plane(path: string): Float32Array | Float64Array {
  const reader = FitsReader.open(path);
  try {
    return reader.readPlane() as Float32Array | Float64Array;
  } finally {
    reader.close();
  }
}

function deviations(ours: ArrayLike<number>, theirs: ArrayLike<number>, f: (o: number, t: number, i: number) => number): { median: number; p95: number } {
  const d: number[] = [];
  for (let i = 0; i < ours.length; i++) if (Number.isFinite(ours[i]) && Number.isFinite(theirs[i]) && theirs[i] !== 0) d.push(f(ours[i], theirs[i], i));
  d.sort((a, b) => a - b);
  return { median: median(d), p95: d[Math.floor(0.95 * (d.length - 1))] };
}

function rmsOfPlane(values: ArrayLike<number>): number {
  let sum = 0;
  let n = 0;
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) continue;
    sum += values[i] * values[i];
    n++;
  }
  return Math.sqrt(sum / n);
}

/** PyBDSF's ASCII lists: '# ' + column names as the last comment, whitespace-separated values. */
function readPybdsfText(path: string, firstColumn: string): Record<string, number>[] {
  const lines = readFileSync(path, 'utf8').split('\n');
  const header = lines.filter((l) => l.startsWith(`# ${firstColumn} `)).pop()!.slice(2).split(/\s+/);
  return lines
    .filter((l) => l.trim() !== '' && !l.startsWith('#'))
    .map((l) => Object.fromEntries(l.trim().split(/\s+/).map((v, i) => [header[i], Number(v)])));
}

function matched(theirs: { x: number; y: number; s: number }[], ours: { x: number; y: number; s: number }[]): { near: number; good: number } {
  let near = 0;
  let good = 0;
  for (const t of theirs) {
    const best = ours.reduce<{ d: number; s: number }>((b, o) => {
      const d = Math.hypot(o.x - t.x, o.y - t.y);
      return d < b.d ? { d, s: o.s } : b;
    }, { d: Infinity, s: NaN });
    if (best.d > 1) continue;
    near++;
    if (Math.abs(best.s / t.s - 1) <= 0.1) good++;
  }
  return { near, good };
}

function matchedBySky(theirs: { ra: number; dec: number; s: number }[], ours: { ra: number; dec: number; s: number }[], pixelArcsecs: number): { near: number; good: number } {
  const toPixels = (r: { ra: number; dec: number; s: number }) => ({ x: (r.ra * Math.cos((r.dec * Math.PI) / 180) * 3600) / pixelArcsecs, y: (r.dec * 3600) / pixelArcsecs, s: r.s });
  return matched(theirs.map(toPixels), ours.map(toPixels));
}

function pixelArcsec(path: string): number {
  const reader = FitsReader.open(path);
  try {
    return Math.abs(reader.header.requireNumber('CDELT2')) * 3600;
  } finally {
    reader.close();
  }
}

function pct(x: number): string {
  return `${(100 * x).toFixed(1)}%`;
}
