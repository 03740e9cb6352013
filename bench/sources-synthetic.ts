/**
 * Source finder at VLASS SE size: a 6202 x 6202 image (0.6" pixels, 2.8" x 2.2" beam) with
 * about 3000 sources in beam-correlated noise, against SourceExtractor on the same FITS file.
 *
 * Usage: npx tsx bench/sources-synthetic.ts [--runs N] [--size N] [--sources N]
 * The image, its rms map and the SourceExtractor configuration are generated on first use
 * under bench/out/sources/ (not committed). Reports wall times (medians of N runs) with the
 * per-stage times of findSources, for the two ways it runs: with the rms map given (as VLASS
 * SE products ship one) and measuring the rms on a (box, step) grid; and how many injected
 * sources were recovered, as a check that the timed run did the real work.
 * Each of our runs is a fresh Node process (timed inside, from reading the FITS file to the
 * last stage; Node and tsx start-up excluded), so the JIT starts cold as in production.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { FitsHeader, readFitsImage, writeFitsImage } from '../shared/fits/index.js';
import { type FindSourcesOptions, findSources } from '../shared/sources/index.js';
import { covarianceOf } from '../shared/sources/ellipse.js';
import { machineLine, median } from './lib/measure.js';

const args = process.argv.slice(2);
const option = (name: string, fallback: number) => {
  const at = args.indexOf(name);
  return at >= 0 ? Number(args[at + 1]) : fallback;
};
const SIZE = option('--size', 6202);
const RUNS = option('--runs', 3);
const SOURCES = option('--sources', 3000);
const CELL_ARCSEC = 0.6;
const BMAJ = 2.8;
const BMIN = 2.2;
const BPA = 35;
const RMS = 1.2e-4;
const OUT = join('bench', 'out', 'sources');
const IMAGE = join(OUT, `synthetic-${SIZE}.fits`);
const RMS_IMAGE = join(OUT, `synthetic-${SIZE}.rms.fits`);
const TRUTH = join(OUT, `synthetic-${SIZE}.truth.json`);

interface Truth {
  x: number;
  y: number;
  peak: number;
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function header(): FitsHeader {
  const h = new FitsHeader([], 'synthetic');
  const cards: [string, string | number][] = [
    ['BUNIT', 'Jy/beam'], ['BMAJ', BMAJ / 3600], ['BMIN', BMIN / 3600], ['BPA', BPA],
    ['CTYPE1', 'RA---SIN'], ['CRPIX1', (SIZE + 1) / 2], ['CRVAL1', 150], ['CDELT1', -CELL_ARCSEC / 3600], ['CUNIT1', 'deg'],
    ['CTYPE2', 'DEC--SIN'], ['CRPIX2', (SIZE + 1) / 2], ['CRVAL2', 30], ['CDELT2', CELL_ARCSEC / 3600], ['CUNIT2', 'deg'],
  ];
  for (const [k, v] of cards) h.set(k, v);
  return h;
}

/** rms map: flat in the middle, rising 40% to the corners like a primary-beam corrected mosaic. */
function rmsAt(x: number, y: number): number {
  const r2 = ((x - SIZE / 2) ** 2 + (y - SIZE / 2) ** 2) / (SIZE / 2) ** 2;
  return RMS * (1 + 0.2 * r2);
}

function generate(): void {
  mkdirSync(OUT, { recursive: true });
  const t0 = performance.now();
  const rand = mulberry32(20240601);
  let spare: number | null = null;
  const gauss = () => {
    if (spare !== null) {
      const s = spare;
      spare = null;
      return s;
    }
    const r = Math.sqrt(-2 * Math.log(1 - rand()));
    const a = 2 * Math.PI * rand();
    spare = r * Math.sin(a);
    return r * Math.cos(a);
  };
  // Beam-correlated noise: white noise convolved (separably) with a circular Gaussian of
  // σ_beam/√2 so its autocorrelation is beam-sized, then scaled to the rms map.
  const sigmaBeam = Math.sqrt((BMAJ * BMIN) / CELL_ARCSEC ** 2) / Math.sqrt(8 * Math.LN2);
  const sk = sigmaBeam / Math.SQRT2;
  const half = Math.ceil(4 * sk);
  const kernel = Float64Array.from({ length: 2 * half + 1 }, (_, k) => Math.exp(-0.5 * ((k - half) / sk) ** 2));
  const norm = 1 / Math.sqrt(kernel.reduce((s, v) => s + v * v, 0) ** 2);
  const n = SIZE * SIZE;
  const data = new Float32Array(n);
  for (let i = 0; i < n; i++) data[i] = gauss();
  const row = new Float64Array(SIZE);
  for (let y = 0; y < SIZE; y++) {
    const o = y * SIZE;
    for (let x = 0; x < SIZE; x++) {
      let s = 0;
      for (let k = -half; k <= half; k++) {
        const xx = x + k;
        if (xx >= 0 && xx < SIZE) s += kernel[k + half] * data[o + xx];
      }
      row[x] = s;
    }
    for (let x = 0; x < SIZE; x++) data[o + x] = row[x];
  }
  const col = new Float64Array(SIZE);
  for (let x = 0; x < SIZE; x++) {
    for (let y = 0; y < SIZE; y++) {
      let s = 0;
      for (let k = -half; k <= half; k++) {
        const yy = y + k;
        if (yy >= 0 && yy < SIZE) s += kernel[k + half] * data[yy * SIZE + x];
      }
      col[y] = s;
    }
    for (let y = 0; y < SIZE; y++) data[y * SIZE + x] = col[y] * norm * rmsAt(x, y);
  }
  const rms = new Float32Array(n);
  for (let y = 0; y < SIZE; y++) for (let x = 0; x < SIZE; x++) rms[y * SIZE + x] = rmsAt(x, y);

  // Sources: Euclidean counts N(>S) ∝ S^-1.5 from 6σ to 3000σ; a fifth resolved (up to two
  // beams intrinsic), one in ten a close double.
  const beam = { maj: BMAJ / CELL_ARCSEC / Math.sqrt(8 * Math.LN2), min: BMIN / CELL_ARCSEC / Math.sqrt(8 * Math.LN2), pa: ((90 + BPA) * Math.PI) / 180 };
  const beamCov = covarianceOf(beam.maj, beam.min, beam.pa);
  const truth: Truth[] = [];
  const margin = 30;
  while (truth.length < SOURCES) {
    const x = margin + rand() * (SIZE - 2 * margin);
    const y = margin + rand() * (SIZE - 2 * margin);
    const snr = 6 * Math.pow(1 - rand() * (1 - Math.pow(3000 / 6, -1.5)), -1 / 1.5);
    const parts = rand() < 0.1 ? 2 : 1;
    for (let p = 0; p < parts && truth.length < SOURCES; p++) {
      const sep = p === 0 ? 0 : (1 + 2 * rand()) * BMAJ / CELL_ARCSEC;
      const dir = rand() * Math.PI;
      const gx = x + sep * Math.cos(dir);
      const gy = y + sep * Math.sin(dir);
      const resolved = rand() < 0.2;
      const intrinsic = resolved ? covarianceOf(rand() * 2 * beam.maj, rand() * beam.min, rand() * Math.PI) : { xx: 0, xy: 0, yy: 0 };
      const c = { xx: beamCov.xx + intrinsic.xx, xy: beamCov.xy + intrinsic.xy, yy: beamCov.yy + intrinsic.yy };
      // Same total flux as a point source of this S/N: the peak drops as the area grows.
      const areaRatio = Math.sqrt((beamCov.xx * beamCov.yy - beamCov.xy ** 2) / (c.xx * c.yy - c.xy ** 2));
      const peak = snr * rmsAt(gx, gy) * areaRatio * (p === 0 ? 1 : 0.3 + 0.7 * rand());
      const det = c.xx * c.yy - c.xy * c.xy;
      const r = Math.ceil(8 * Math.sqrt(Math.max(c.xx, c.yy)));
      for (let yy = Math.max(0, Math.floor(gy - r)); yy <= Math.min(SIZE - 1, Math.ceil(gy + r)); yy++)
        for (let xx = Math.max(0, Math.floor(gx - r)); xx <= Math.min(SIZE - 1, Math.ceil(gx + r)); xx++) {
          const dx = xx - gx;
          const dy = yy - gy;
          data[yy * SIZE + xx] += peak * Math.exp((-0.5 * (c.yy * dx * dx - 2 * c.xy * dx * dy + c.xx * dy * dy)) / det);
        }
      truth.push({ x: gx, y: gy, peak });
    }
  }
  writeFitsImage(IMAGE, data, [SIZE, SIZE], header());
  writeFitsImage(RMS_IMAGE, rms, [SIZE, SIZE], header());
  writeFileSync(TRUTH, JSON.stringify(truth));
  console.error(`generated ${IMAGE} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}

function sextractorConfig(): string {
  const param = join(OUT, 'bench.param');
  const conf = join(OUT, 'bench.sex');
  writeFileSync(param, ['NUMBER', 'X_IMAGE', 'Y_IMAGE', 'FLUX_AUTO', 'FLUX_MAX', 'A_IMAGE', 'B_IMAGE', 'THETA_IMAGE', 'FLAGS'].join('\n') + '\n');
  writeFileSync(
    conf,
    [
      `CATALOG_NAME ${join(OUT, 'sex.cat')}`,
      'CATALOG_TYPE ASCII_HEAD',
      `PARAMETERS_NAME ${param}`,
      'DETECT_MINAREA 6',
      'DETECT_THRESH 3',
      'ANALYSIS_THRESH 3',
      'FILTER N',
      'CHECKIMAGE_TYPE NONE',
      'VERBOSE_TYPE QUIET',
      'BACK_SIZE 128',
      'NTHREADS 1',
    ].join('\n') + '\n',
  );
  return conf;
}

function timeSextractor(conf: string): { seconds: number; detections: number } {
  const t0 = performance.now();
  execFileSync('source-extractor', [IMAGE, '-c', conf], { stdio: 'ignore' });
  const seconds = (performance.now() - t0) / 1000;
  const detections = readFileSync(join(OUT, 'sex.cat'), 'utf8').split('\n').filter((l) => l && !l.startsWith('#')).length;
  return { seconds, detections };
}

interface OurRun {
  seconds: number;
  readSeconds: number;
  stages: Record<string, number>;
  components: number;
  islands: number;
  recovered: number;
}

function timeOurs(options: FindSourcesOptions & { useRmsMap: boolean }, truth: Truth[]): OurRun {
  const t0 = performance.now();
  const image = readFitsImage(IMAGE);
  const rmsMap = options.useRmsMap ? readFitsImage(RMS_IMAGE).data : undefined;
  const readSeconds = (performance.now() - t0) / 1000;
  const header = image.header;
  const result = findSources(
    { data: image.data, width: SIZE, height: SIZE, wcs: (k) => { const v = header.get(k); return v === null || typeof v === 'object' ? undefined : v; } },
    { ...options, rmsMap },
  );
  const seconds = (performance.now() - t0) / 1000;
  const stages = Object.fromEntries(result.timings.map((t) => [t.stage, t.ms / 1000]));
  return { seconds, readSeconds, stages, components: result.components.length, islands: result.islands.length, recovered: recovered(result.components, truth) };
}

/** Injected sources above 8σ with a component within 1.5 pixels. */
function recovered(components: { xPosn: { value: number }; yPosn: { value: number } }[], truth: Truth[]): number {
  const cell = 8;
  const grid = new Map<string, { x: number; y: number }[]>();
  for (const c of components) {
    const key = `${Math.floor(c.xPosn.value / cell)},${Math.floor(c.yPosn.value / cell)}`;
    if (!grid.has(key)) grid.set(key, []);
    grid.get(key)!.push({ x: c.xPosn.value, y: c.yPosn.value });
  }
  const bright = truth.filter((t) => t.peak > 8 * rmsAt(t.x, t.y));
  let found = 0;
  for (const t of bright) {
    const cx = Math.floor(t.x / cell);
    const cy = Math.floor(t.y / cell);
    let hit = false;
    for (let dy = -1; dy <= 1 && !hit; dy++)
      for (let dx = -1; dx <= 1 && !hit; dx++) hit = (grid.get(`${cx + dx},${cy + dy}`) ?? []).some((c) => Math.hypot(c.x - t.x, c.y - t.y) < 1.5);
    if (hit) found++;
  }
  return found / bright.length;
}

/** One run of ours in a fresh process (cold JIT). */
function timeOursFresh(mode: 'given' | 'grid'): OurRun {
  const out = execFileSync(process.execPath, ['--import', 'tsx', process.argv[1], '--child', mode, '--size', String(SIZE), '--sources', String(SOURCES)], {
    encoding: 'utf8',
    maxBuffer: 1 << 24,
  });
  return JSON.parse(out.trim().split('\n').pop()!) as OurRun;
}

const child = args.indexOf('--child');
if (child >= 0) {
  const truth = JSON.parse(readFileSync(TRUTH, 'utf8')) as Truth[];
  const mode = args[child + 1];
  console.log(JSON.stringify(mode === 'given' ? timeOurs({ useRmsMap: true }, truth) : timeOurs({ useRmsMap: false, rmsBox: [200, 50] }, truth)));
  process.exit(0);
}

if (!existsSync(IMAGE) || !existsSync(TRUTH)) generate();
const truth = JSON.parse(readFileSync(TRUTH, 'utf8')) as Truth[];
const conf = sextractorConfig();
const sex: { seconds: number; detections: number }[] = [];
const given: OurRun[] = [];
const grid: OurRun[] = [];
for (let r = 0; r < RUNS; r++) {
  sex.push(timeSextractor(conf));
  given.push(timeOursFresh('given'));
  grid.push(timeOursFresh('grid'));
}

const fmt = (v: number) => v.toFixed(2);
const stageLine = (runs: OurRun[]) =>
  Object.keys(runs[0].stages)
    .map((s) => `${s} ${fmt(median(runs.map((r) => r.stages[s])))}`)
    .join(', ');
const sexMedian = median(sex.map((s) => s.seconds));
const report = [
  `# Source finding on a ${SIZE}x${SIZE} synthetic VLASS SE image (${truth.length} injected Gaussians)`,
  '',
  machineLine(),
  '',
  '| run | median wall s | ratio to SourceExtractor | objects | per stage (s) |',
  '|---|---|---|---|---|',
  `| source-extractor (BACK_SIZE 128, DETECT_THRESH 3, 1 thread) | ${fmt(sexMedian)} | 1.00x | ${sex[0].detections} detections | |`,
  `| findSources, rms map given | ${fmt(median(given.map((r) => r.seconds)))} | ${fmt(median(given.map((r) => r.seconds)) / sexMedian)}x | ${given[0].components} Gaussians in ${given[0].islands} islands, ${(100 * given[0].recovered).toFixed(1)}% of >8σ injected recovered | read ${fmt(median(given.map((r) => r.readSeconds)))}, ${stageLine(given)} |`,
  `| findSources, rms_box (200, 50) | ${fmt(median(grid.map((r) => r.seconds)))} | ${fmt(median(grid.map((r) => r.seconds)) / sexMedian)}x | ${grid[0].components} Gaussians in ${grid[0].islands} islands, ${(100 * grid[0].recovered).toFixed(1)}% recovered | read ${fmt(median(grid.map((r) => r.readSeconds)))}, ${stageLine(grid)} |`,
  '',
  'Wall times include reading the FITS file(s) for both tools; ours exclude Node start-up (each run is a fresh process, cold JIT).',
].join('\n');
writeFileSync(join(OUT, 'report.md'), report + '\n');
console.log(report);
