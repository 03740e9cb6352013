/**
 * Our finder and SourceExtractor on the same full-size SE product: a 6202^2 tt0 image with
 * its rms image, written by fixtures/vlass writeSeProduct with ~3000 components (the full
 * preset's size and seed; 3000 instead of its 300 components so the bright-source statistics
 * mean something). Wall times (GNU time, interleaved, each run a fresh process that reads the
 * FITS files), per-stage times of ours, and both catalogues against the truth.
 *
 * This absorbs the former bench/sources-synthetic.ts (the finder author's timing script): the
 * same two ways of running ours (rms image given; rms measured on rms_box (200, 50)), now on
 * the fixture's image (beam-shaped noise correlation, masks, resolved sources, truth
 * catalogue) instead of a private generator, and with the quality measured, not only timed.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DIST_DIR } from '../../build/paths.js';
import { build } from 'esbuild';
import { writeSeProduct } from '../../fixtures/vlass/index.js';
import { FULL_PRESETS } from '../../fixtures/vlass/presets.js';
import { SE_BEAM } from '../../fixtures/vlass/se.js';
import { type Measurement, machineLine, measure, median, table } from '../lib/measure.js';
import type { CatalogFile, TimingLine } from './find-cli.js';
import { type Tally, isolatedUnmatched, matchOneToOne, median as med, pct, rangeTally } from './match.js';
import { ISOLATION_REACH_PX, MATCH_RADIUS_PX } from './quality.js';
import { SE_CELL_ARCSEC } from './sky.js';
import { SEXTRACTOR, type SexObject, readSexCatalog, writeSexConfig } from './sextractor.js';

export const OUT = join('bench', 'out', 'sources');
const SIZE = FULL_PRESETS.se.size ?? 6202;
const SEED = FULL_PRESETS.se.seed ?? 1;
const N_SOURCES = 3000;
const PRODUCT_DIR = join(OUT, `se-${SIZE}-seed${SEED}-n${N_SOURCES}`);
const STEM = 'VLASS2.1.se.T10t01.J000200-003000.06.2048.v1';
const IMAGE = join(PRODUCT_DIR, `${STEM}.I.iter3.image.pbcor.tt0.subim.fits`);
const RMS_IMAGE = join(PRODUCT_DIR, `${STEM}.I.iter3.image.pbcor.tt0.rms.subim.fits`);
const TRUTH = join(PRODUCT_DIR, `${STEM}.truth.csv`);
/** Width of the band along the image edges (zero border included) where spurious detections are counted apart. */
const EDGE_BAND_PX = 150;

interface Truth {
  x: number;
  y: number;
  totalFluxJy: number;
  snr: number;
  /** Intrinsic major axis, pixels (0 for point sources). */
  sizePx: number;
}

/** The product, written on first use (about 12 s and 770 MB for the five SE images). */
function ensureProduct(): { generatedSeconds?: number } {
  if (existsSync(IMAGE) && existsSync(RMS_IMAGE) && existsSync(TRUTH)) return {};
  const t0 = performance.now();
  rmSync(PRODUCT_DIR, { recursive: true, force: true });
  writeSeProduct(PRODUCT_DIR, { size: SIZE, seed: SEED, nSources: N_SOURCES });
  return { generatedSeconds: (performance.now() - t0) / 1000 };
}

function readTruth(): Truth[] {
  const [head, ...rows] = readFileSync(TRUTH, 'utf8').trim().split('\n');
  const col = Object.fromEntries(head.split(',').map((name, i) => [name, i]));
  return rows.map((r) => {
    const c = r.split(',').map(Number);
    return { x: c[col.x], y: c[col.y], totalFluxJy: c[col.total_flux_jy], snr: c[col.snr], sizePx: c[col.maj_arcsec] / SE_CELL_ARCSEC };
  });
}

async function bundleFinder(): Promise<string> {
  const outfile = join('bench', 'out', 'find-sources.cjs');
  await build({
    entryPoints: ['bench/sources/find-cli.ts'],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    outfile,
    logLevel: 'error',
    define: { 'import.meta.url': '__import_meta_url' },
    banner: { js: "const __import_meta_url = require('node:url').pathToFileURL(__filename).href;" },
  });
  return outfile;
}

interface CatalogQuality {
  name: string;
  detections: number;
  unmatched: number;
  isolated: number;
  /** Isolated ones within EDGE_BAND_PX of the image edge. */
  isolatedAtEdge: number;
  from5to7: Tally;
  above7: Tally;
  brightN: number;
  fluxMedianAbs: number;
  fluxMedianRatio: number;
}

function assess(name: string, truth: Truth[], found: { x: number; y: number; flux: number }[]): CatalogQuality {
  const m = matchOneToOne(truth, found, MATCH_RADIUS_PX);
  const snr = truth.map((t) => t.snr);
  const matched = (i: number) => m.truthToFound[i] >= 0;
  const bright = truth.map((t, i) => ({ t, f: m.truthToFound[i] })).filter((o) => o.t.snr >= 20 && o.f >= 0);
  const ratios = bright.map((o) => found[o.f].flux / o.t.totalFluxJy);
  const isolated = isolatedUnmatched(found, m.foundToTruth, truth, ISOLATION_REACH_PX);
  return {
    name,
    detections: found.length,
    unmatched: m.foundToTruth.filter((t) => t < 0).length,
    isolated: isolated.length,
    isolatedAtEdge: isolated.filter((d) => Math.min(d.x, d.y, SIZE - 1 - d.x, SIZE - 1 - d.y) < EDGE_BAND_PX).length,
    from5to7: rangeTally(snr, matched, 5, 7),
    above7: rangeTally(snr, matched, 7),
    brightN: bright.length,
    fluxMedianAbs: med(ratios.map((r) => Math.abs(r - 1))),
    fluxMedianRatio: med(ratios),
  };
}

function readOurs(path: string): { x: number; y: number; flux: number }[] {
  return (JSON.parse(readFileSync(path, 'utf8')) as CatalogFile).components.map(([x, y, flux]) => ({ x, y, flux }));
}

const sexRows = (objects: SexObject[], which: 'fluxAuto' | 'fluxIso') => objects.map((o) => ({ x: o.x, y: o.y, flux: o[which] }));

const STAGES = ['background', 'islands', 'fit', 'wavelets', 'measure', 'quality'];

function stageTable(lines: Record<string, TimingLine[]>): string {
  const rows = Object.entries(lines).map(([label, runs]) => {
    const cell = (f: (l: TimingLine) => number) => (median(runs.map(f)) / 1000).toFixed(2);
    return `| ${label} | ${cell((l) => l.readMs)} | ${STAGES.map((s) => cell((l) => l.stages[s] ?? 0)).join(' | ')} | ${cell((l) => l.totalMs)} | ${runs[0].islands} | ${runs[0].components} |`;
  });
  return [
    `| our finder | read FITS s | ${STAGES.join(' s | ')} s | in-process total s | islands | components |`,
    `|---|---|${STAGES.map(() => '---|').join('')}---|---|---|`,
    ...rows,
  ].join('\n');
}

export async function sideBySide(runs: number): Promise<string> {
  mkdirSync(OUT, { recursive: true });
  const { generatedSeconds } = ensureProduct();
  const truth = readTruth();
  const finder = await bundleFinder();
  const sex = writeSexConfig(OUT, RMS_IMAGE, 'none');
  const sexVersion = execFileSync(SEXTRACTOR, ['--version'], { encoding: 'utf8' }).trim();
  const ours = { catalog: join(OUT, 'ours-given.json'), timings: join(OUT, 'ours-given.jsonl') };
  const grid = { catalog: join(OUT, 'ours-grid.json'), timings: join(OUT, 'ours-grid.jsonl') };
  const wavelet = { catalog: join(OUT, 'ours-atrous.json'), timings: join(OUT, 'ours-atrous.jsonl') };
  for (const f of [ours.timings, grid.timings, wavelet.timings]) rmSync(f, { force: true });
  if (!existsSync(join(DIST_DIR, 'create-component-list'))) throw new Error(`${DIST_DIR}/create-component-list missing: run npm run build first`);
  const toolOut = mkdtempSync(join(tmpdir(), 'bench-cl-'));
  // Warm the page cache so neither side pays for the first read from disk.
  for (const f of [IMAGE, RMS_IMAGE]) readFileSync(f);

  const results: Measurement[] = measure(
    [
      { name: `SourceExtractor (FILTER N, rms image as MAP_RMS)`, command: [SEXTRACTOR, IMAGE, '-c', sex.conf] },
      { name: 'ours: findSources, rms image given (as VLASS SE)', command: ['node', finder, IMAGE, RMS_IMAGE, ours.catalog, ours.timings] },
      { name: 'ours: findSources, rms measured, rms_box (200, 50)', command: ['node', finder, IMAGE, '-', grid.catalog, grid.timings, '200,50'] },
      { name: 'ours: findSources, rms image given, atrous_do with atrous_jmax 3 (not the VLASS setting)', command: ['node', finder, IMAGE, RMS_IMAGE, wavelet.catalog, wavelet.timings, '-', '3'] },
      {
        name: 'create-component-list (the built executable: the whole tool, catalog, regions and spectral indices written)',
        command: [join(DIST_DIR, 'create-component-list'), PRODUCT_DIR, '--out', toolOut, '--log-level', 'warn'],
      },
    ],
    runs,
  );
  const [sexRun, oursRun, gridRun, waveletRun, toolRun] = results;
  const toolRatio = toolRun.medianSeconds / sexRun.medianSeconds;
  const ratio = oursRun.medianSeconds / sexRun.medianSeconds;
  const perRunRatios = oursRun.seconds.map((s, i) => s / sexRun.seconds[i]);
  const readLines = (p: string) => readFileSync(p, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as TimingLine);

  // Quality of each catalogue (the last run's; every run writes the same one).
  const sexObjects = readSexCatalog(sex.catalog);
  const beamSex = writeSexConfig(OUT, RMS_IMAGE, 'beam');
  const tBeam = performance.now();
  execFileSync(SEXTRACTOR, [IMAGE, '-c', beamSex.conf], { stdio: 'ignore' });
  const beamSeconds = (performance.now() - tBeam) / 1000;
  const beamObjects = readSexCatalog(beamSex.catalog);
  const q = [
    assess('ours, rms image given', truth, readOurs(ours.catalog)),
    assess('ours, rms_box (200, 50)', truth, readOurs(grid.catalog)),
    assess('ours, rms image given, atrous_do (jmax 3)', truth, readOurs(wavelet.catalog)),
    assess('SourceExtractor FILTER N, FLUX_AUTO', truth, sexRows(sexObjects, 'fluxAuto')),
    assess('SourceExtractor FILTER N, FLUX_ISO', truth, sexRows(sexObjects, 'fluxIso')),
    assess(`SourceExtractor beam filter, FLUX_AUTO (one untimed run, ${beamSeconds.toFixed(1)} s)`, truth, sexRows(beamObjects, 'fluxAuto')),
  ];
  const [qOurs, qGrid, , qSexAuto, qSexIso] = q;
  const nBright = truth.filter((t) => t.snr >= 20).length;
  const n57 = truth.filter((t) => t.snr >= 5 && t.snr < 7).length;
  const oursBetter = qOurs.fluxMedianAbs < Math.min(qSexAuto.fluxMedianAbs, qSexIso.fluxMedianAbs);

  return [
    `### Side by side with SourceExtractor on a ${SIZE}^2 SE image`,
    '',
    `${machineLine()}; ${runs} interleaved runs; page cache warm.`,
    `Input: fixtures/vlass writeSeProduct(size ${SIZE}, seed ${SEED}, nSources ${N_SOURCES}) -> ${PRODUCT_DIR}/ (the full preset's size and seed with ${N_SOURCES} components instead of 300${generatedSeconds === undefined ? '; reused from an earlier run' : `; written in ${generatedSeconds.toFixed(0)} s on this run`}):`,
    `tt0 and rms images as 4-D FITS (${SIZE}x${SIZE}x1x1, float32, ${((SIZE * SIZE * 4) / 2 ** 20).toFixed(0)} MiB each), beam ${SE_BEAM.majArcsec}" x ${SE_BEAM.minArcsec}", 0.6" pixels, ${truth.length} components (${nBright} at peak S/N >= 20, ${n57} at 5-7).`,
    `${sexVersion} reads the 4-D files as they are (NAXIS3 = NAXIS4 = 1; it warns "Maximum number of dimensions supported by this version of the software exceeded" and measures the one plane: its positions match the truth), so both tools read the very same files and no 2-D copy is needed.`,
    `SourceExtractor configuration (${sex.conf}): ${sex.description}; CLEAN Y, DEBLEND 32/0.005, GAIN 0, PHOT_AUTOPARAMS 2.5,3.5. FILTER N because a radio image is already the sky convolved with the beam, with noise correlated as the beam: it is its own matched filter. A normalised beam-shaped kernel halves a point source's peak while this noise only drops to 0.58 sigma, and SourceExtractor's threshold stays in units of the unfiltered rms, so filtering needs ~10-sigma sources (the beam-filter row below, one untimed run, shows it).`,
    `Ours: bench/sources/find-cli.ts bundled with esbuild (${finder}) and run by node: reads the tt0 plane and the rms image, runs findSources (thresh_isl 3, thresh_pix 5, mean 0, quality measures on), writes a JSON catalogue. Wall times are whole processes (start-up, FITS reading, catalogue writing) for both tools.`,
    '',
    table(results),
    '',
    `- the whole create-component-list (issue 14: reads the tt0 and rms images, samples the spectral index images at the components, writes the catalog and regions) / SourceExtractor: **${toolRatio.toFixed(2)}x** (target <= 1.0x): ${toolRatio <= 1 ? '**met**' : '**NOT met**'}`,
    `- time ratio ours (rms image given) / SourceExtractor: **${ratio.toFixed(2)}x** (median of ours / median of theirs; per-run ratios ${perRunRatios.map((r) => r.toFixed(2)).join(', ')}; target <= 3x): ${ratio <= 3 ? '**met**' : '**NOT met**'}`,
    `- peak memory (no target): ours ${oursRun.medianPeakMiB.toFixed(0)} MiB (tt0 and rms planes, the island label image, Node itself) vs SourceExtractor ${sexRun.medianPeakMiB.toFixed(0)} MiB (it streams the image through a line buffer)`,
    `- with the rms measured on rms_box (200, 50) instead: ${(gridRun.medianSeconds / sexRun.medianSeconds).toFixed(2)}x SourceExtractor (what measuring the rms ourselves costs; SourceExtractor uses the rms image in both comparisons)`,
    `- with the wavelet scales on (atrous_do, jmax 3; off in VLASS runs, no target): ${(waveletRun.medianSeconds / sexRun.medianSeconds).toFixed(2)}x SourceExtractor, ${(waveletRun.medianSeconds / oursRun.medianSeconds).toFixed(2)}x the plain run's time, ${waveletRun.medianPeakMiB.toFixed(0)} MiB peak (the residual, its smoothed copies and each scale's rms map and labels are whole planes)`,
    '',
    `Quality of the same catalogues (matching as above: one-to-one within 1 beam FWHM, truth S/N = the fixture's peak / rms image; isolated = unmatched and farther than 3 beams + 2 source sizes from every truth component, i.e. spurious):`,
    '',
    '| catalogue | detections | unmatched (isolated) | completeness 5 <= S/N < 7 | completeness S/N >= 7 | S/N >= 20 matched | median abs(S/S_true - 1), S/N >= 20 | median S/S_true |',
    '|---|---|---|---|---|---|---|---|',
    ...q.map((c) => `| ${c.name} | ${c.detections} | ${c.unmatched} (${c.isolated}) | ${pct(c.from5to7)} (${c.from5to7.found}/${c.from5to7.total}) | ${pct(c.above7)} | ${c.brightN} | ${(100 * c.fluxMedianAbs).toFixed(3)}% | ${c.fluxMedianRatio.toFixed(4)} |`),
    '',
    `- flux accuracy at S/N >= 20: ours ${(100 * qOurs.fluxMedianAbs).toFixed(3)}% vs SourceExtractor ${(100 * qSexAuto.fluxMedianAbs).toFixed(3)}% (FLUX_AUTO) / ${(100 * qSexIso.fluxMedianAbs).toFixed(3)}% (FLUX_ISO): ours ${oursBetter ? '**better**' : '**not better**'} (the issue expects ours to be better); ours ${qOurs.fluxMedianAbs <= 0.02 ? 'within' : 'outside'} the 2% target on this image`,
    `- completeness at 5 <= S/N < 7: ours ${pct(qOurs.from5to7)}, SourceExtractor ${pct(qSexAuto.from5to7)} (the issue quotes ~53% for SExtractor)`,
    `- spurious (isolated unmatched) detections: ours ${qOurs.isolated} with the rms image, ${qGrid.isolated} with rms_box (200, 50) (${qGrid.isolatedAtEdge} of them within ${EDGE_BAND_PX} px of the image edge, where the boxes hold fewest valid pixels; the exact-zero border (${Math.round(SIZE / 128)} px) counts as blank, not as data), SourceExtractor ${qSexAuto.isolated}`,
    '',
    `#### Per-stage times of our finder on the ${SIZE}^2 image (medians of ${runs} runs, from findSources' timings; read = both FITS planes)`,
    '',
    stageTable({ 'rms image given': readLines(ours.timings), 'rms_box (200, 50)': readLines(grid.timings), 'rms image given, atrous_do': readLines(wavelet.timings) }),
    '',
  ].join('\n');
}
