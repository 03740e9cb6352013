/**
 * Issue "cube component list" performance targets: create-cube-component-list on the
 * full-size coarse cube (16 windows of 6202x6202x1x3, fixtures/full/cc) with a continuum
 * catalog of ~2000 components, run as the executables run it (bundled by build/bundle.ts, plain
 * node): wall time under 60 s, peak memory under two planes' worth (2 x 6202^2 x 4 bytes).
 *
 * The catalog: the cube's 300 truth components (positions, intrinsic shapes) plus 1700 more
 * at seeded random places in the well-covered part of the image (30% resolved, 100 of them
 * one to two beams from a truth component, so blends are fitted jointly), written with
 * shared/catalog's writer. The report also gives the accuracy on the truth components:
 * per-plane flux pulls and spectral-index recovery by S/N.
 */
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { bundleJobs } from './lib/tool.js';
import { measure, table, machineLine, median } from './lib/measure.js';
import { mulberry32 } from './lib/random.js';
import { generate, FULL_DIR } from '../fixtures/vlass/generate.js';
import { FULL_PRESETS } from '../fixtures/vlass/presets.js';
import { CUBE_REFERENCE_FREQ_HZ, spwFrequency } from '../fixtures/vlass/cube.js';
import { coverageFor, responseAt } from '../fixtures/vlass/coverage.js';
import { centredGrid, phaseCentre, pixelToSky } from '../fixtures/vlass/grid.js';
import { readCatalog } from '../shared/catalog/index.js';
import { CUBE_STEM, type CatalogSource, readTruth, truthSources, writeContinuumCatalog } from '../test/shared/cubecatalog/helpers.js';

const OUT = join('bench', 'out', 'cube-catalog');
const SIZE = 6202;
const EXTRA = 1700;

/** The full cube, generated once (about 3 minutes on 2 cores). */
async function fullCube(): Promise<string> {
  const dir = join(FULL_DIR, 'cc');
  const windows = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.IQU.iter3.image.pbcor.tt0.subim.fits')).length : 0;
  if (windows !== 16) await generate(FULL_DIR, FULL_PRESETS, { kinds: ['cc'], workers: availableParallelism() });
  return dir;
}

/** Truth components first (rows 0..299, in truth order), then the extra positions. */
function writeBenchCatalog(path: string, truthFile: string): number {
  const truth = truthSources(readTruth(truthFile));
  const grid = centredGrid(SIZE, SIZE, 0.6, phaseCentre('J000200-003000'));
  const coverage = coverageFor(SIZE, SIZE);
  const random = mulberry32(20260101);
  const extra: CatalogSource[] = [];
  while (extra.length < EXTRA) {
    let x: number;
    let y: number;
    if (extra.length < 100) {
      const t = truth[extra.length % truth.length];
      const r = (1 + random()) * 7; // 1-2 beams of ~7 pixels
      const phi = 2 * Math.PI * random();
      x = t.x! + r * Math.cos(phi);
      y = t.y! + r * Math.sin(phi);
    } else {
      x = SIZE * random();
      y = SIZE * random();
    }
    if (responseAt(coverage, Math.round(x), Math.round(y)) < 0.45) continue;
    const sky = pixelToSky(grid, x, y);
    const resolved = random() < 0.3;
    const maj = resolved ? 10 ** random() : 0;
    extra.push({ raDeg: sky.raDeg, decDeg: sky.decDeg, majArcsec: maj, minArcsec: maj * (0.3 + 0.7 * random()), paDeg: 180 * random(), totalFluxJy: 1e-3, x, y });
  }
  writeContinuumCatalog(path, [...truth, ...extra]);
  return truth.length + extra.length;
}

export async function benchCubeCatalog(runs = 3): Promise<string> {
  mkdirSync(OUT, { recursive: true });
  const ccDir = await fullCube();
  const truthFile = join(ccDir, `${CUBE_STEM}.truth.csv`);
  const catalogFile = join(OUT, `${CUBE_STEM}.I.catalog.csv`);
  const components = writeBenchCatalog(catalogFile, truthFile);
  const tool = await bundleJobs();
  const args = ['create-cube-component-list', '--dir', ccDir, '--catalog', catalogFile, '--out', OUT, '--log-level', 'warn'];

  // One run for the result object (per-plane times) and the output, then the measured ones.
  const result = JSON.parse(execFileSync('node', [tool, ...args, '--json'], { encoding: 'utf8', maxBuffer: 1 << 26 })) as {
    planes: { label: string; seconds: number; measured: number; rmsJy: number | null; largestGroup: number }[];
    alphaFitted: number;
  };
  const runsMeasured = measure([{ name: `create-cube-component-list (16 x 6202^2 x 1 x 3 windows, ${components} components)`, command: ['node', tool, ...args] }], runs);
  const [m] = runsMeasured;
  const planeMiB = (SIZE * SIZE * 4) / 2 ** 20;
  const nodeBaseline = measure([{ name: 'node -e 0', command: ['node', '-e', '0'] }], 3)[0].medianPeakMiB;
  const accuracy = accuracyLines(join(OUT, `${CUBE_STEM}.cube_catalog.csv`), truthFile);
  const planeSeconds = result.planes.map((p) => p.seconds);
  return [
    '## create-cube-component-list on the full-size cube',
    '',
    `${machineLine()}; ${runs} runs; page cache warm after the first run (the 16 Stokes I planes are 2.4 GB).`,
    `Input: fixtures/full/cc (seed 1, 300 injected components; spw3 mostly flagged, spw11 with a 1.4x beam in header and pixels, no cube QA result so both are measured); catalog of ${components} components (300 truth + ${EXTRA} extra positions).`,
    '',
    table(runsMeasured),
    '',
    `- wall time: **${m.medianSeconds.toFixed(1)} s** (target < 60 s): ${m.medianSeconds < 60 ? 'met' : 'NOT met'}; per plane median ${median(planeSeconds).toFixed(2)} s (read, fit, MAD), max ${Math.max(...planeSeconds).toFixed(2)} s; largest jointly fitted group ${Math.max(...result.planes.map((p) => p.largestGroup))} components`,
    `- peak memory: **${m.medianPeakMiB.toFixed(0)} MiB** = ${(m.medianPeakMiB / planeMiB).toFixed(2)} planes of ${planeMiB.toFixed(0)} MiB (target < 2 planes = ${(2 * planeMiB).toFixed(0)} MiB): ${m.medianPeakMiB < 2 * planeMiB ? 'met' : 'NOT met'}; Node's own baseline is ${nodeBaseline.toFixed(0)} MiB`,
    `- spectral index for ${result.alphaFitted} of ${components} components`,
    '',
    ...accuracy,
    '',
  ].join('\n');
}

/** Per-plane flux pulls and alpha recovery on the truth components (catalog rows 0..299). */
function accuracyLines(output: string, truthFile: string): string[] {
  const truth = readTruth(truthFile);
  const catalog = readCatalog(output);
  const spws = Array.from({ length: 16 }, (_, i) => i + 2);
  const pulls: number[] = [];
  const bins = [
    { lo: 3, hi: 10 },
    { lo: 10, hi: 30 },
    { lo: 30, hi: 50 },
    { lo: 50, hi: 100 },
    { lo: 100, hi: Infinity },
  ].map((b) => ({ ...b, errors: [] as number[], quoted: [] as number[], pulls: [] as number[] }));
  truth.forEach((t, i) => {
    const row = catalog.rows[i];
    const snr: number[] = [];
    for (const spw of spws) {
      const s = row[`S_spw${spw}`] as number;
      const e = row[`E_S_spw${spw}`] as number;
      if (!Number.isFinite(s)) continue;
      snr.push(s / e);
      pulls.push((s - t.total_flux_jy * (spwFrequency(spw) / CUBE_REFERENCE_FREQ_HZ) ** t.alpha) / e);
    }
    const alpha = row.Alpha_cube as number;
    if (!Number.isFinite(alpha) || snr.length === 0) return;
    const m = median(snr);
    const bin = bins.find((b) => m >= b.lo && m < b.hi);
    if (!bin) return;
    bin.errors.push(Math.abs(alpha - t.alpha));
    bin.quoted.push(row.E_Alpha_cube as number);
    bin.pulls.push((alpha - t.alpha) / (row.E_Alpha_cube as number));
  });
  const rmsOf = (v: number[]) => Math.sqrt(v.reduce((a, x) => a + x * x, 0) / v.length);
  return [
    `Accuracy on the 300 truth components: per-plane flux pulls (S - S_true) / E_S over ${pulls.length} measurements: rms ${rmsOf(pulls).toFixed(2)}, ` +
      `${pulls.filter((p) => Math.abs(p) > 5).length} beyond 5 sigma (near the image edges, where the primary-beam-corrected noise is above the plane's one MAD sigma).`,
    '',
    '| median per-plane S/N | components | median abs(alpha - truth) | fraction within 0.1 | median E_Alpha | rms of (alpha - truth) / E_Alpha |',
    '|---|---|---|---|---|---|',
    ...bins.map((b) =>
      b.errors.length === 0
        ? `| ${b.lo}-${b.hi} | 0 | | | | |`
        : `| ${b.lo}-${b.hi === Infinity ? '' : b.hi} | ${b.errors.length} | ${median(b.errors).toFixed(3)} | ${(b.errors.filter((e) => e < 0.1).length / b.errors.length).toFixed(2)} | ${median(b.quoted).toFixed(3)} | ${rmsOf(b.pulls).toFixed(2)} |`,
    ),
  ];
}
