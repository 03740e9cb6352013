import { appendFileSync, chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runTool } from '../../shared/cli/run.js';
import { type Catalog, readCatalog } from '../../shared/catalog/index.js';
import { FitsImageWriter, FitsReader, updateHeaderKeywords, writeFitsImage } from '../../shared/fits/index.js';
import { createCubeComponentListTool } from '../../tools/create-cube-component-list/cli.js';
import { annotateQaSECubeTool } from '../../tools/annotateQaSECube/cli.js';
import { CUBE_REFERENCE_FREQ_HZ, spwFrequency } from '../../fixtures/vlass/cube.js';
import { SMALL_DIR } from '../../fixtures/vlass/generate.js';
import { centredGrid, phaseCentre, pixelToSky, skyToPixel } from '../../fixtures/vlass/grid.js';
import { PHASE_CENTRE } from '../../fixtures/vlass/names.js';
import { SMALL_PRESETS } from '../../fixtures/vlass/presets.js';
import {
  CUBE_STEM,
  SE_STEM,
  type CatalogSource,
  type SynthCube,
  type SynthSource,
  readTruth,
  synthCatalogSources,
  truthSources,
  writeContinuumCatalog,
  writeSyntheticCube,
} from '../shared/cubecatalog/helpers.js';
import { runCaptured } from '../helpers/run-tool.js';

const root = mkdtempSync(join(tmpdir(), 'cccl-'));
const OUTPUT = `${CUBE_STEM}.cube_catalog.csv`;
const windowFile = (dir: string, spw: number) => join(dir, `${CUBE_STEM}.spw${spw}.IQU.iter3.image.pbcor.tt0.subim.fits`);

function run(args: string[]) {
  return runCaptured(createCubeComponentListTool, args, { CAPO_PATH: join(root, 'no-capo'), HOME: join(root, 'home') });
}

const sha = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');
const num = (catalog: Catalog, row: number, column: string) => catalog.rows[row][column] as number;

/** A fresh output directory. */
const outDir = () => mkdtempSync(join(root, 'out-'));

/** A copy of a product directory we may damage. */
function copyDir(from: string, name: string): string {
  const dir = join(root, name);
  mkdirSync(dir);
  for (const f of readdirSync(from)) copyFileSync(join(from, f), join(dir, f));
  return dir;
}

function removeBeam(path: string): void {
  const reader = FitsReader.open(path);
  const data = reader.readAll();
  const header = reader.header.clone();
  const shape = [...reader.layout.naxis];
  reader.close();
  for (const k of ['BMAJ', 'BMIN', 'BPA']) header.remove(k);
  writeFitsImage(path, data, shape, header);
}

// The main synthetic cube: bright components of known spectra, a blend, a faint one, one
// blanked in a window, one window on another grid, and a catalog entry off the image.
const SOURCES: SynthSource[] = [
  { x: 40, y: 40, s0Jy: 0.05, alpha: -0.7 },
  { x: 150, y: 45, s0Jy: 0.04, alpha: 0.4, majArcsec: 6, minArcsec: 3, paDeg: 30 },
  { x: 45, y: 150, s0Jy: 0.08, alpha: -1.3, majArcsec: 10, minArcsec: 5, paDeg: -60 },
  { x: 100.4, y: 99.7, s0Jy: 0.02, alpha: 0.0 },
  { x: 140.2, y: 139.6, s0Jy: 0.012, alpha: -0.5 },
  { x: 95, y: 160, s0Jy: 0.03, alpha: -0.9 }, // blend with the next, 8.1 px = 1.1 spw2 beams apart
  { x: 103, y: 161.3, s0Jy: 0.015, alpha: 0.5 },
  { x: 160, y: 100, s0Jy: 0.002, alpha: -0.7 }, // S/N ~ 10
];
const BLEND = [5, 6];
const BLANKED = { source: 4, spw: 9 };
const SHIFTED_SPW = 12;
const OFF_IMAGE = SOURCES.length; // catalog row after the injected ones
let main: { dir: string; cube: SynthCube; catalogFile: string };

function mainSpec() {
  return {
    size: 192,
    seed: 5,
    noiseJy: 2e-4,
    sources: SOURCES,
    gridFor: (spw: number) => (spw === SHIFTED_SPW ? { dx: 7, dy: -5, size: 200 } : undefined),
    blank: (spw: number, x: number, y: number) => spw === BLANKED.spw && (x - SOURCES[BLANKED.source].x) ** 2 + (y - SOURCES[BLANKED.source].y) ** 2 < 25,
  };
}

beforeAll(() => {
  const dir = join(root, 'main');
  mkdirSync(dir);
  const cube = writeSyntheticCube(dir, mainSpec());
  const offSky = pixelToSky(cube.referenceGrid, -60, 96);
  const sources: CatalogSource[] = [...synthCatalogSources(cube, SOURCES), { raDeg: offSky.raDeg, decDeg: offSky.decDeg, majArcsec: 0, minArcsec: 0, paDeg: 0, totalFluxJy: 0.01 }];
  const catalogFile = join(dir, `${CUBE_STEM}.I.catalog.csv`);
  writeContinuumCatalog(catalogFile, sources);
  main = { dir, cube, catalogFile };
});

describe('create-cube-component-list on a synthetic cube with known spectra', () => {
  let catalog: Catalog;
  let text: string;
  let result: { planes: { label: string; rejected: boolean; measured: number }[]; components: number; alphaFitted: number; output: string };

  beforeAll(async () => {
    const out = outDir();
    const before = readdirSync(main.dir).map((f) => sha(join(main.dir, f)));
    const r = await run(['--dir', main.dir, '--out', out, '--json']);
    expect(r.code, r.logText).toBe(0);
    expect(readdirSync(main.dir).map((f) => sha(join(main.dir, f)))).toEqual(before); // inputs untouched
    expect(readdirSync(out)).toEqual([OUTPUT]);
    text = readFileSync(join(out, OUTPUT), 'utf8');
    catalog = readCatalog(join(out, OUTPUT));
    result = JSON.parse(r.stdout);
    // Progress is logged plane by plane.
    expect(r.logText.match(/"event":"plane"/g)).toHaveLength(16);
  });

  it('writes one row per catalog component with the documented columns and header lines', () => {
    expect(catalog.rows).toHaveLength(SOURCES.length + 1);
    const spws = Array.from({ length: 16 }, (_, i) => i + 2);
    expect(catalog.columns.map((c) => c.name)).toEqual(['Gaus_id', 'Isl_id', 'RA', 'DEC', ...spws.flatMap((s) => [`S_spw${s}`, `E_S_spw${s}`]), 'Alpha_cube', 'E_Alpha_cube', 'N_planes']);
    expect(text).toContain('# spw2 = 2.028e9 Hz, rejected: no (');
    expect(text).toContain('# spw17 = 3.948e9 Hz, rejected: no (');
    for (const s of spws) expect(catalog.comments.some((c) => c.startsWith(`# spw${s} = ${spwFrequency(s).toExponential().replace('e+', 'e')} Hz, rejected: no`))).toBe(true);
    expect(result.components).toBe(SOURCES.length + 1);
    expect(result.planes.every((p) => !p.rejected)).toBe(true);
    expect(catalog.rows.map((r) => r.Gaus_id)).toEqual([...Array(SOURCES.length + 1).keys()]);
  });

  it('recovers injected spectral indices within 0.1 for S/N >= 50, and within their errors', () => {
    let bright = 0;
    SOURCES.forEach((s, i) => {
      const snr = median(main.cube.windows.map((w) => num(catalog, i, `S_spw${w.spw}`) / num(catalog, i, `E_S_spw${w.spw}`)));
      const alpha = num(catalog, i, 'Alpha_cube');
      const error = num(catalog, i, 'E_Alpha_cube');
      expect(Math.abs(alpha - s.alpha) / error, `source ${i}: alpha ${alpha} +- ${error}, truth ${s.alpha}`).toBeLessThan(4);
      if (snr >= 50) {
        bright++;
        expect(Math.abs(alpha - s.alpha), `source ${i} at S/N ${snr.toFixed(0)}`).toBeLessThan(0.1);
      }
    });
    expect(bright).toBeGreaterThanOrEqual(6);
  });

  it('per-plane fluxes agree with the truth within their errors, in every window including the one on another grid', () => {
    const pulls: number[] = [];
    SOURCES.forEach((_, i) => {
      for (const w of main.cube.windows) {
        const s = num(catalog, i, `S_spw${w.spw}`);
        if (i === BLANKED.source && w.spw === BLANKED.spw) continue;
        const pull = (s - main.cube.trueFlux(i, w.freqHz)) / num(catalog, i, `E_S_spw${w.spw}`);
        expect(Math.abs(pull), `source ${i} spw${w.spw}`).toBeLessThan(5);
        pulls.push(pull);
      }
    });
    const std = Math.sqrt(pulls.reduce((a, p) => a + p * p, 0) / pulls.length);
    expect(std).toBeGreaterThan(0.6);
    expect(std).toBeLessThan(1.4);
    // Bright, isolated point source: within 1% in the shifted window too.
    expect(num(catalog, 0, `S_spw${SHIFTED_SPW}`) / main.cube.trueFlux(0, spwFrequency(SHIFTED_SPW))).toBeCloseTo(1, 1);
  });

  it('fits the blended pair jointly: neither member takes the other\'s light', () => {
    const [a, b] = BLEND;
    let sum = 0;
    let truth = 0;
    for (const w of main.cube.windows) {
      sum += num(catalog, a, `S_spw${w.spw}`) + num(catalog, b, `S_spw${w.spw}`);
      truth += main.cube.trueFlux(a, w.freqHz) + main.cube.trueFlux(b, w.freqHz);
    }
    expect(sum / truth).toBeGreaterThan(0.98);
    expect(sum / truth).toBeLessThan(1.02);
    expect(Math.abs(num(catalog, b, 'Alpha_cube') - SOURCES[b].alpha)).toBeLessThan(0.15);
  });

  it('a component off the image, or on a blank of one window, gets nan there and no crash', () => {
    for (const w of main.cube.windows) {
      expect(num(catalog, OFF_IMAGE, `S_spw${w.spw}`)).toBeNaN();
      expect(num(catalog, OFF_IMAGE, `E_S_spw${w.spw}`)).toBeNaN();
    }
    expect(num(catalog, OFF_IMAGE, 'Alpha_cube')).toBeNaN();
    expect(num(catalog, OFF_IMAGE, 'N_planes')).toBe(0);
    expect(num(catalog, BLANKED.source, `S_spw${BLANKED.spw}`)).toBeNaN();
    expect(num(catalog, BLANKED.source, 'N_planes')).toBe(15);
    expect(result.planes.find((p) => p.label === `spw${BLANKED.spw}`)!.measured).toBe(SOURCES.length - 1);
  });

  it('re-running writes the same bytes', async () => {
    const a = outDir();
    const b = outDir();
    expect((await run(['--dir', main.dir, '--out', a])).code).toBe(0);
    expect((await run(['--dir', main.dir, '--out', b, '--catalog', main.catalogFile])).code).toBe(0);
    expect(sha(join(b, OUTPUT))).toBe(sha(join(a, OUTPUT)));
  });
});

describe('rejected planes: cube QA result and VLASSRJ', () => {
  it('skips planes rejected by qa.json and by VLASSRJ = T, marks them in the header lines, fits alpha without them', async () => {
    const dir = copyDir(main.dir, 'rejected');
    updateHeaderKeywords(windowFile(dir, 11), { VLASSRJ: true }, { VLASSRJ: 'bmaj +40% bmin +40% vs expected' });
    // A rejected window needs no beam: it is never measured.
    removeBeam(windowFile(dir, 3));
    const qa = {
      product: { name: CUBE_STEM },
      verdict: 'WARN',
      planes: Array.from({ length: 16 }, (_, i) => i + 2).map((spw) => ({
        file: `/somewhere/else/${basename(windowFile(dir, spw))}`,
        spw,
        planeIndex: 0,
        stokesIndex: 0,
        freqHz: spwFrequency(spw),
        rejected: spw === 3 || spw === 16,
        reasons: spw === 3 ? ['flagged fraction 0.899 >= 0.8'] : spw === 16 ? ['beam major axis 4.1" is 40% above the expected 2.9"'] : [],
      })),
    };
    writeFileSync(join(dir, `${CUBE_STEM}.qa.json`), JSON.stringify(qa, null, 2));
    const out = outDir();
    const { code, stdout, logText } = await run(['--dir', dir, '--out', out, '--json']);
    expect(code, logText).toBe(0);
    const catalog = readCatalog(join(out, OUTPUT));
    const text = readFileSync(join(out, OUTPUT), 'utf8');
    expect(text).toContain('# spw3 = 2.156e9 Hz, rejected: yes (cube QA: flagged fraction 0.899 >= 0.8)');
    expect(text).toContain('# spw11 = 3.18e9 Hz, rejected: yes (header VLASSRJ = T)');
    expect(text).toContain('# spw16 = 3.82e9 Hz, rejected: yes (cube QA: beam major axis');
    expect(text).toContain('# spw2 = 2.028e9 Hz, rejected: no');
    for (const spw of [3, 11, 16]) for (let i = 0; i < catalog.rows.length; i++) expect(num(catalog, i, `S_spw${spw}`)).toBeNaN();
    expect(num(catalog, 0, 'N_planes')).toBe(13);
    expect(Math.abs(num(catalog, 0, 'Alpha_cube') - SOURCES[0].alpha)).toBeLessThan(0.1);
    const result = JSON.parse(stdout);
    expect(result.qa).toBe(join(dir, `${CUBE_STEM}.qa.json`));
    expect(result.skippedPlanes).toBe(3);
    expect(logText).toContain('spw3 (2.156e9 Hz) [2/16]: skipped');
  });

  it('end to end after annotateQaSECube on the small fixture cube: its qa.json and VLASSRJ marks skip spw3 and spw11', async () => {
    const dir = copyDir(join(SMALL_DIR, 'cc'), 'qa-e2e');
    writeContinuumCatalog(join(dir, `${CUBE_STEM}.I.catalog.csv`), truthSources(readTruth(join(dir, `${CUBE_STEM}.truth.csv`))));
    const saved = { ...process.env };
    Object.assign(process.env, { CAPO_PATH: join(root, 'no-capo'), HOME: join(root, 'home') });
    let qaCode: number;
    try {
      qaCode = await runTool(annotateQaSECubeTool, ['--dir', dir, '--out', dir, '--annotate-fits', '--log-level', 'silent'], { stdout: () => {}, stderr: () => {} });
    } finally {
      process.env = saved;
    }
    expect(qaCode).toBe(0);
    const qa = JSON.parse(readFileSync(join(dir, `${CUBE_STEM}.qa.json`), 'utf8'));
    const rejected = qa.planes.filter((p: { rejected: boolean }) => p.rejected).map((p: { spw: number }) => p.spw);
    expect(rejected).toEqual([3, 11]);
    const out = outDir();
    const { code, logText } = await run(['--dir', dir, '--out', out]);
    expect(code, logText).toBe(0);
    const text = readFileSync(join(out, OUTPUT), 'utf8');
    for (const spw of [3, 11]) expect(text).toMatch(new RegExp(`# spw${spw} = [0-9.e]+ Hz, rejected: yes \\(header VLASSRJ = T; cube QA: `));
    expect(text).toContain('# spw2 = 2.028e9 Hz, rejected: no');
    const catalog = readCatalog(join(out, OUTPUT));
    for (let i = 0; i < catalog.rows.length; i++) for (const spw of [3, 11]) expect(num(catalog, i, `S_spw${spw}`)).toBeNaN();
  });

  it("skips the windows cube QA found unreadable (its unreadable[] list), even when their headers read now", async () => {
    const dir = copyDir(main.dir, 'qa-unreadable');
    const f = windowFile(dir, 12);
    const qaFile = join(root, 'unreadable.qa.json');
    writeFileSync(qaFile, JSON.stringify({ product: { name: CUBE_STEM }, planes: [], unreadable: [{ file: f, spw: 12, reason: `${f}: truncated` }] }));
    const out = outDir();
    const r = await run(['--dir', dir, '--out', out, '--qa', qaFile]);
    expect(r.code, r.logText).toBe(0);
    expect(readFileSync(join(out, OUTPUT), 'utf8')).toMatch(/# spw12 = [0-9.e]+ Hz, rejected: yes \(cube QA: unreadable \(.*truncated\)\)/);
  });

  it('--qa names the file explicitly; a missing one is 66, another product\'s is 65, a damaged one 65', async () => {
    const qaFile = join(root, 'other.qa.json');
    writeFileSync(qaFile, JSON.stringify({ product: { name: CUBE_STEM }, planes: [{ spw: 7, rejected: true, reasons: ['by hand'] }] }));
    const out = outDir();
    expect((await run(['--dir', main.dir, '--out', out, '--qa', qaFile])).code).toBe(0);
    expect(readFileSync(join(out, OUTPUT), 'utf8')).toContain('# spw7 = 2.668e9 Hz, rejected: yes (cube QA: by hand)');

    const empty = outDir();
    expect((await run(['--dir', main.dir, '--out', empty, '--qa', join(root, 'absent.qa.json')])).code).toBe(66);
    writeFileSync(qaFile, JSON.stringify({ product: { name: 'VLASS2.1.cc.T99t99.J000000+000000.06.2048.v1' }, planes: [] }));
    const wrong = await run(['--dir', main.dir, '--out', empty, '--qa', qaFile]);
    expect(wrong.code).toBe(65);
    expect(wrong.logText).toContain('not for');
    writeFileSync(qaFile, '{"planes": [{"spw": 3}');
    const damaged = await run(['--dir', main.dir, '--out', empty, '--qa', qaFile]);
    expect(damaged.code).toBe(65);
    expect(damaged.logText).toContain(qaFile);
    expect(readdirSync(empty)).toEqual([]);
  });
});

describe('the committed small cube fixture (fixtures/vlass/small/cc), catalog from its truth', () => {
  const CC = join(SMALL_DIR, 'cc');
  const truth = readTruth(join(CC, `${CUBE_STEM}.truth.csv`));
  const windows = JSON.parse(readFileSync(join(CC, `${CUBE_STEM}.windows.json`), 'utf8')).windows as { spw: number; freqHz: number; defect: string | null }[];

  it('the SE fixture\'s components: those in the cube\'s cut-out measured, the rest counted as outside every plane', async () => {
    const seTruth = readTruth(join(SMALL_DIR, 'se', `${SE_STEM}.truth.csv`));
    const seCatalog = join(root, 'se-truth.I.catalog.csv');
    writeContinuumCatalog(seCatalog, truthSources(seTruth));
    const r = await run(['--dir', CC, '--out', outDir(), '--catalog', seCatalog, '--json']);
    expect(r.code, r.logText).toBe(0);
    // The cube's truth is the SE truth inside its well-covered area (fixtures/vlass/cube.ts `sky`);
    // components off the cube's grid are outside every plane.
    const size = SMALL_PRESETS.cc.size!;
    const grid = centredGrid(size, size, 0.6, phaseCentre(PHASE_CENTRE));
    const off = seTruth.filter((t) => {
      const { x, y } = skyToPixel(grid, t.ra_deg, t.dec_deg);
      return !(x > -0.5 && y > -0.5 && x < size - 0.5 && y < size - 0.5);
    }).length;
    expect(truth.length).toBeGreaterThan(3);
    const result = JSON.parse(r.stdout) as { components: number; measuredComponents: number; offEveryPlane: number };
    expect(result).toMatchObject({ components: seTruth.length, offEveryPlane: off });
    expect(result.measuredComponents).toBeGreaterThanOrEqual(truth.length);
  });

  it("says how many components it measured, and how many lie outside every plane", async () => {
    const catalogFile = join(root, 'small-truth-json.I.catalog.csv');
    writeContinuumCatalog(catalogFile, truthSources(truth));
    const inside = await run(['--dir', CC, '--out', outDir(), '--catalog', catalogFile, '--json']);
    expect(JSON.parse(inside.stdout)).toMatchObject({ components: truth.length, measuredComponents: truth.length, offEveryPlane: 0 });
    // The same components moved half a degree away: no plane covers them.
    const far = truthSources(truth).map((c) => ({ ...c, decDeg: c.decDeg + 0.5 }));
    const farFile = join(root, 'far.I.catalog.csv');
    writeContinuumCatalog(farFile, far);
    const r = await run(['--dir', CC, '--out', outDir(), '--catalog', farFile, '--json']);
    expect(JSON.parse(r.stdout)).toMatchObject({ components: truth.length, measuredComponents: 0, offEveryPlane: truth.length });
    expect(r.summary).toMatch(new RegExp(`0 of ${truth.length} components .* \\(${truth.length} outside every plane: the cube does not cover them\\)`));
  });

  it('measures the injected components in every window within their errors, the wrong-beam one included (its header beam is its pixels\' beam)', async () => {
    const catalogFile = join(root, 'small-truth.I.catalog.csv');
    writeContinuumCatalog(catalogFile, truthSources(truth));
    const before = readdirSync(CC).map((f) => sha(join(CC, f)));
    const out = outDir();
    const { code, logText } = await run(['--dir', CC, '--out', out, '--catalog', catalogFile]);
    expect(code, logText).toBe(0);
    expect(readdirSync(CC).map((f) => sha(join(CC, f)))).toEqual(before);
    const catalog = readCatalog(join(out, OUTPUT));
    let checked = 0;
    truth.forEach((t, i) => {
      for (const w of windows) {
        const s = num(catalog, i, `S_spw${w.spw}`);
        if (Number.isNaN(s)) {
          // Only the mostly flagged window blanks components (outside its central disc).
          expect(w.defect, `component ${t.id} spw${w.spw}`).toBe('flagged');
          continue;
        }
        const expected = t.total_flux_jy * (w.freqHz / CUBE_REFERENCE_FREQ_HZ) ** t.alpha;
        expect(Math.abs(s - expected) / num(catalog, i, `E_S_spw${w.spw}`), `component ${t.id} spw${w.spw}`).toBeLessThan(5);
        checked++;
      }
    });
    // The cube shows the SE fixture's central components (each in 14 kept windows + the flagged one where covered).
    expect(checked).toBeGreaterThanOrEqual(truth.length * 14);
  });
});

describe('one multi-plane cube (--cube) with a CASA BEAMS table', () => {
  it('gives the same fluxes as the per-window files it was built from', async () => {
    const spws = [2, 3, 4, 5, 6, 7, 8, 9];
    const file = join(root, `${CUBE_STEM}.multi.fits`);
    buildMultiPlaneCube(file, spws.map((s) => windowFile(main.dir, s)), 'table');
    const out = outDir();
    const { code, logText } = await run(['--cube', file, '--catalog', main.catalogFile, '--out', out]);
    expect(code, logText).toBe(0);
    const multi = readCatalog(join(out, `${CUBE_STEM}.cube_catalog.csv`));
    const perWindow = readCatalog(join(await mainOutput(), OUTPUT));
    expect(multi.columns.map((c) => c.name).slice(4, 8)).toEqual(['S_chan0', 'E_S_chan0', 'S_chan1', 'E_S_chan1']);
    spws.forEach((spw, k) => {
      for (let i = 0; i < SOURCES.length; i++) {
        const a = num(multi, i, `S_chan${k}`);
        const b = num(perWindow, i, `S_spw${spw}`);
        if (Number.isNaN(b)) expect(a).toBeNaN();
        else expect(a / b).toBeCloseTo(1, 5);
      }
    });
    expect(readFileSync(join(out, OUTPUT), 'utf8')).toContain('# chan0 = 2.028e9 Hz, rejected: no');
  });

  it('errors follow the local noise: where a window is noisier (towards a pbcor edge), its components get larger errors', async () => {
    const dir = join(root, 'rising-noise');
    mkdirSync(dir);
    const size = 240;
    const noiseScale = (x: number) => 1 + (2 * x) / (size - 1);
    const sources: SynthSource[] = [20, 60, 100, 140, 180, 220].flatMap((y) => [
      { x: 30, y, s0Jy: 0.01, alpha: -0.7 },
      { x: 210, y, s0Jy: 0.01, alpha: -0.7 },
    ]);
    const cube = writeSyntheticCube(dir, { size, seed: 9, noiseJy: 2e-4, noiseScale, sources, spws: [2, 6, 10, 14] });
    const catalogFile = join(dir, `${CUBE_STEM}.I.catalog.csv`);
    writeContinuumCatalog(catalogFile, synthCatalogSources(cube, sources));
    // A small test plane: boxes of 8 beams (56 px at spw2), not the default 30, to map its noise.
    const capo = join(root, 'capo-noise-box');
    mkdirSync(capo);
    writeFileSync(join(capo, 'dsoc-test.properties'), 'edu.nrao.vlass.createCubeComponentList.noiseBoxBeams = 8\n');
    const out = outDir();
    const r = await run(['--dir', dir, '--out', out, '--capo-profile', 'dsoc-test', '--capo-path', capo]);
    expect(r.code, r.logText).toBe(0);
    const result = readCatalog(join(out, OUTPUT));
    for (const w of cube.windows) {
      const errorAt = (x: number) => median(sources.flatMap((src, i) => (src.x === x ? [num(result, i, `E_S_spw${w.spw}`)] : [])));
      // One plane-wide sigma would give a ratio of 1.
      expect(errorAt(210) / errorAt(30), `spw${w.spw}`).toBeGreaterThan((noiseScale(210) / noiseScale(30)) * 0.85);
      expect(errorAt(210) / errorAt(30), `spw${w.spw}`).toBeLessThan((noiseScale(210) / noiseScale(30)) * 1.15);
    }
  });

  it('a single header beam for every plane is used for all of them, with a warning', async () => {
    const file = join(root, 'shared-beam', `${CUBE_STEM}.multi.fits`);
    mkdirSync(join(root, 'shared-beam'));
    buildMultiPlaneCube(file, [2, 3].map((s) => windowFile(main.dir, s)), 'header');
    const { code, logText } = await run(['--cube', file, '--catalog', main.catalogFile, '--out', outDir()]);
    expect(code).toBe(0);
    expect(logText).toContain('one header beam for 2 planes');
  });
});

describe('bad input: documented exit codes, nothing written', () => {
  it('65 for a corrupt catalog CSV, naming the file and line', async () => {
    const bad = join(root, 'corrupt.I.catalog.csv');
    const lines = readFileSync(main.catalogFile, 'utf8').split('\n');
    const dataLine = lines.findIndex((l) => l !== '' && !l.startsWith('#')) + 2; // 1-based line of the 2nd row
    lines[dataLine - 1] = lines[dataLine - 1].split(', ').slice(0, 10).join(', ');
    writeFileSync(bad, lines.join('\n'));
    const out = outDir();
    const { code, logText } = await run(['--dir', main.dir, '--out', out, '--catalog', bad]);
    expect(code).toBe(65);
    expect(logText).toContain(`${bad}:${dataLine}`);
    expect(readdirSync(out)).toEqual([]);
  });

  it('66 for a missing catalog (none beside the cube, or --catalog absent)', async () => {
    const dir = copyDir(main.dir, 'nocatalog');
    rmSync(join(dir, `${CUBE_STEM}.I.catalog.csv`));
    const out = outDir();
    const r = await run(['--dir', dir, '--out', out]);
    expect(r.code).toBe(66);
    expect(r.logText).toContain('no continuum catalog');
    expect((await run(['--dir', main.dir, '--out', out, '--catalog', join(root, 'absent.csv')])).code).toBe(66);
    expect(readdirSync(out)).toEqual([]);
  });

  it('the SE product\'s catalog of the same tile is the default when the cube has none', async () => {
    const dir = copyDir(main.dir, 'secatalog');
    const se = join(dir, `${CUBE_STEM.replace('.cc.', '.se.')}.I.catalog.csv`);
    copyFileSync(join(dir, `${CUBE_STEM}.I.catalog.csv`), se);
    rmSync(join(dir, `${CUBE_STEM}.I.catalog.csv`));
    const { code, stdout } = await run(['--dir', dir, '--out', outDir(), '--json']);
    expect(code).toBe(0);
    expect(JSON.parse(stdout).catalog).toBe(se);
  });

  it('uses the common-beam (.com.) windows when they are all there is; two products in one directory are 64', async () => {
    const dir = join(root, 'common');
    mkdirSync(dir);
    for (const spw of [2, 9, 17]) copyFileSync(windowFile(main.dir, spw), join(dir, basename(windowFile(main.dir, spw)).replace('.subim.fits', '.subim.com.fits')));
    copyFileSync(main.catalogFile, join(dir, basename(main.catalogFile)));
    const out = outDir();
    const { code, logText } = await run(['--dir', dir, '--out', out]);
    expect(code, logText).toBe(0);
    const text = readFileSync(join(out, OUTPUT), 'utf8');
    expect(text).toContain('# spw9 = 2.924e9 Hz, rejected: no');
    expect(text).toContain('# spw3 = nan Hz, rejected: yes (window file not found)');
    expect(readCatalog(join(out, OUTPUT)).rows[0].N_planes).toBe(3);

    const two = copyDir(main.dir, 'twoproducts');
    copyFileSync(windowFile(main.dir, 2), join(two, basename(windowFile(main.dir, 2)).replace('T10t01', 'T10t02')));
    const r = await run(['--dir', two, '--out', outDir()]);
    expect(r.code).toBe(64);
    expect(r.logText).toContain('2 cube products');
  });

  it('65 for a kept window without beam keywords, naming the file', async () => {
    const dir = copyDir(main.dir, 'nobeam');
    removeBeam(windowFile(dir, 5));
    const out = outDir();
    const { code, logText } = await run(['--dir', dir, '--out', out]);
    expect(code).toBe(65);
    expect(logText).toContain(windowFile(dir, 5));
    expect(logText).toContain('no BMAJ/BMIN beam keywords');
    expect(readdirSync(out)).toEqual([]);
  });

  it('a truncated window file is skipped as unreadable (its column nan, the reason in the header), the others measured; 66 for a directory without windows', async () => {
    const dir = copyDir(main.dir, 'truncated');
    const f = windowFile(dir, 8);
    writeFileSync(f, readFileSync(f).subarray(0, 2880 * 3));
    const out = outDir();
    const r = await run(['--dir', dir, '--out', out]);
    expect(r.code).toBe(0);
    const text = readFileSync(join(out, OUTPUT), 'utf8');
    expect(text).toMatch(/# spw8 = nan Hz, rejected: yes \(unreadable: .*spw8/);
    expect(text).toContain('# spw2 = 2.028e9 Hz, rejected: no');
    const emptyDir = mkdtempSync(join(root, 'nowindows-'));
    const emptyOut = outDir();
    expect((await run(['--dir', emptyDir, '--out', emptyOut])).code).toBe(66);
    expect(readdirSync(emptyOut)).toEqual([]);
  });

  it('73 for an unwritable or missing output directory', async () => {
    const out = mkdtempSync(join(root, 'ro-'));
    chmodSync(out, 0o500);
    const expected = process.getuid?.() === 0 ? 0 : 73; // root writes anywhere
    expect((await run(['--dir', main.dir, '--out', out])).code).toBe(expected);
    expect((await run(['--dir', main.dir, '--out', join(root, 'missing-out')])).code).toBe(73);
    chmodSync(out, 0o700);
    if (expected === 73) expect(readdirSync(out)).toEqual([]);
  });

  it('78 for invalid fit settings in CAPO, naming the key', async () => {
    const capo = join(root, 'capo');
    mkdirSync(capo, { recursive: true });
    writeFileSync(join(capo, 'dsoc-test.properties'), 'edu.nrao.vlass.createCubeComponentList.alphaMinPlanes = 1\n');
    const { code, logText } = await run(['--dir', main.dir, '--out', outDir(), '--capo-profile', 'dsoc-test', '--capo-path', capo]);
    expect(code).toBe(78);
    expect(logText).toContain('edu.nrao.vlass.createCubeComponentList.alphaMinPlanes');
  });

  it('an empty catalog is a valid, header-only cube catalog', async () => {
    const empty = join(root, 'empty.I.catalog.csv');
    writeContinuumCatalog(empty, []);
    const out = outDir();
    const { code } = await run(['--dir', main.dir, '--out', out, '--catalog', empty]);
    expect(code).toBe(0);
    expect(readCatalog(join(out, OUTPUT)).rows).toEqual([]);
  });
});

let mainOut: string | undefined;
async function mainOutput(): Promise<string> {
  if (!mainOut) {
    mainOut = outDir();
    expect((await run(['--dir', main.dir, '--out', mainOut])).code).toBe(0);
  }
  return mainOut;
}

function median(values: number[]): number {
  const s = [...values].filter(Number.isFinite).sort((a, b) => a - b);
  return s[s.length >> 1];
}

/**
 * A NxNxKx2 cube (FREQ, then STOKES I, Q) from per-window files on one grid. Beams: a CASA
 * BEAMS table (CASAMBM = T, no BMAJ in the primary header), or spw2's header beam for all.
 */
function buildMultiPlaneCube(path: string, windows: string[], beams: 'table' | 'header'): void {
  const readers = windows.map((w) => FitsReader.open(w));
  const first = readers[0];
  const header = first.header.clone();
  const { width, height } = first;
  if (beams === 'table') {
    for (const k of ['BMAJ', 'BMIN', 'BPA']) header.remove(k);
    header.set('CASAMBM', true, 'CASA multiple beams table present');
  }
  const writer = new FitsImageWriter(path, { shape: [width, height, windows.length, 2], bitpix: -32, header });
  for (let stokes = 0; stokes < 2; stokes++) for (const r of readers) writer.writePlane(r.readPlane(0, stokes));
  writer.commit();
  const rows = readers.flatMap((r, chan) =>
    [0, 1].map((pol) => ({ chan, pol, bmaj: r.header.requireNumber('BMAJ') * 3600, bmin: r.header.requireNumber('BMIN') * 3600, bpa: r.header.requireNumber('BPA') })),
  );
  for (const r of readers) r.close();
  if (beams === 'table') appendFileSync(path, beamsTable(rows));
}

/** A FITS BINTABLE extension 'BEAMS' as CASA's exportfits writes it (BMAJ, BMIN arcsec; BPA deg; CHAN, POL). */
function beamsTable(rows: { chan: number; pol: number; bmaj: number; bmin: number; bpa: number }[]): Buffer {
  const card = (key: string, value: string | number) => {
    const v = typeof value === 'string' ? `'${value.padEnd(8)}'`.padEnd(20) : String(value).padStart(20);
    return `${key.padEnd(8)}= ${v}`.padEnd(80);
  };
  const columns: [string, string, string][] = [
    ['BMAJ', '1E', 'arcsec'],
    ['BMIN', '1E', 'arcsec'],
    ['BPA', '1E', 'deg'],
    ['CHAN', '1J', ''],
    ['POL', '1J', ''],
  ];
  const cards = [
    card('XTENSION', 'BINTABLE'),
    card('BITPIX', 8),
    card('NAXIS', 2),
    card('NAXIS1', 20),
    card('NAXIS2', rows.length),
    card('PCOUNT', 0),
    card('GCOUNT', 1),
    card('TFIELDS', 5),
    ...columns.flatMap(([name, form, unit], i) => [card(`TTYPE${i + 1}`, name), card(`TFORM${i + 1}`, form), ...(unit ? [card(`TUNIT${i + 1}`, unit)] : [])]),
    card('EXTNAME', 'BEAMS'),
    card('NCHAN', rows.length / 2),
    card('NPOL', 2),
    'END'.padEnd(80),
  ];
  const headerText = cards.join('');
  const headerBytes = Buffer.alloc(Math.ceil(headerText.length / 2880) * 2880, ' ');
  headerBytes.write(headerText, 'latin1');
  const data = Buffer.alloc(Math.ceil((rows.length * 20) / 2880) * 2880);
  rows.forEach((r, i) => {
    data.writeFloatBE(r.bmaj, i * 20);
    data.writeFloatBE(r.bmin, i * 20 + 4);
    data.writeFloatBE(r.bpa, i * 20 + 8);
    data.writeInt32BE(r.chan, i * 20 + 12);
    data.writeInt32BE(r.pol, i * 20 + 16);
  });
  return Buffer.concat([headerBytes, data]);
}
