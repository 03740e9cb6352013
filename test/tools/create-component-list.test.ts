import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createComponentListTool } from '../../tools/create-component-list/cli.js';
import { readCatalog, componentsFromCatalog } from '../../shared/catalog/index.js';
import { FitsReader, readFitsHeader, writeFitsImage } from '../../shared/fits/index.js';
import { SMALL_DIR } from '../../fixtures/vlass/generate.js';
import { runCaptured } from '../helpers/run-tool.js';

const root = mkdtempSync(join(tmpdir(), 'ccl-'));
const SE = join(SMALL_DIR, 'se');
const STEM = 'VLASS2.1.se.T10t01.J000200-003000.06.2048.v1';
const file = (suffix: string) => join(SE, `${STEM}.${suffix}`);

function run(args: string[]) {
  return runCaptured(createComponentListTool, args, { CAPO_PATH: join(root, 'no-capo'), HOME: join(root, 'home') });
}

const sha = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

function truth() {
  const [head, ...rows] = readFileSync(file('truth.csv'), 'utf8').trim().split('\n');
  const cols = head.split(',');
  return rows.map((r) => Object.fromEntries(r.split(',').map((v, i) => [cols[i], Number(v)])));
}

/** A copy of the SE product we may damage. */
function productCopy(name: string): string {
  const dir = join(root, name);
  mkdirSync(dir);
  for (const f of readdirSync(SE)) copyFileSync(join(SE, f), join(dir, f));
  return dir;
}

describe('create-component-list on the small SE fixture', () => {
  it('runs the wavelet scales when CAPO atrousDo is true: the image\'s own Gaussians unchanged, the stage logged', async () => {
    const capo = mkdtempSync(join(root, 'capo-'));
    writeFileSync(join(capo, 'dsoc-test.properties'), 'edu.nrao.vlass.createComponentList.atrousDo = true\n');
    const plainOut = mkdtempSync(join(root, 'out-'));
    const waveOut = mkdtempSync(join(root, 'out-'));
    expect((await run(['--dir', SE, '--out', plainOut])).code).toBe(0);
    const { code, logText } = await run(['--dir', SE, '--out', waveOut, '--capo-profile', 'dsoc-test', '--capo-path', capo, '--log-level', 'debug']);
    expect(code).toBe(0);
    expect(logText).toContain('finding: wavelets');
    const read = (dir: string) => componentsFromCatalog(readCatalog(join(dir, `${STEM}.I.catalog.csv`)));
    const plain = read(plainOut);
    const withWavelets = read(waveOut);
    const own = withWavelets.filter((c) => c.waveId === 0);
    expect(own.map((c) => [c.xPosn.value, c.totalFlux.value])).toEqual(plain.map((c) => [c.xPosn.value, c.totalFlux.value]));
    for (const c of withWavelets.filter((c) => c.waveId > 0)) expect(c.waveId).toBeLessThanOrEqual(3);
  });

  it('writes the catalog, regions, CASA script and island mask, and finds the bright truth components', async () => {
    const out = mkdtempSync(join(root, 'out-'));
    const before = readdirSync(SE).map((f) => sha(join(SE, f)));
    const { code, stdout } = await run(['--dir', SE, '--out', out, '--casa-script', '--island-mask', '--json']);
    expect(code).toBe(0);
    expect(readdirSync(SE).map((f) => sha(join(SE, f)))).toEqual(before); // inputs untouched
    expect(readdirSync(out).sort()).toEqual(
      ['I.catalog.crtf', 'I.catalog.csv', 'I.catalog.reg', 'I.componentlist.py', 'I.island_mask.fits'].map((s) => `${STEM}.${s}`),
    );
    const result = JSON.parse(stdout);
    const catalog = readCatalog(join(out, `${STEM}.I.catalog.csv`));
    const components = componentsFromCatalog(catalog);
    expect(components).toHaveLength(result.components);

    // Every injected component with S/N >= 10 is found within 1.5 pixels, total flux within 15%.
    const bright = truth().filter((t) => t.snr >= 10);
    expect(bright.length).toBeGreaterThanOrEqual(3);
    for (const t of bright) {
      const match = components.find((c) => Math.hypot(c.xPosn.value - t.x, c.yPosn.value - t.y) < 1.5);
      expect(match, `truth ${t.id} at (${t.x}, ${t.y}) S/N ${t.snr}`).toBeDefined();
      expect(Math.abs(match!.totalFlux.value / t.total_flux_jy - 1)).toBeLessThan(0.15);
    }

    // Alpha is the alpha image's value at the component's nearest pixel.
    const alpha = FitsReader.open(file('I.iter3.alpha.subim.fits'));
    const plane = alpha.readPlane();
    for (const c of components) {
      const v = plane[Math.round(c.yPosn.value) * alpha.width + Math.round(c.xPosn.value)];
      if (Number.isNaN(v)) expect(c.vlass!.alpha).toBeNaN();
      else expect(c.vlass!.alpha).toBeCloseTo(v, 3);
    }
    alpha.close();

    // The island mask covers every component's peak pixel, on the image grid.
    const mask = FitsReader.open(join(out, `${STEM}.I.island_mask.fits`));
    const m = mask.readPlane();
    expect(mask.width).toBe(alpha.width);
    for (const c of components) expect(m[Math.round(c.yPosn.value) * mask.width + Math.round(c.xPosn.value)]).toBe(1);
    mask.close();

    const script = readFileSync(join(out, `${STEM}.I.componentlist.py`), 'utf8');
    expect(script.match(/cl\.addcomponent\(/g)).toHaveLength(components.length);
  });

  it('re-running writes the same bytes', async () => {
    const a = mkdtempSync(join(root, 'out-'));
    const b = mkdtempSync(join(root, 'out-'));
    await run(['--dir', SE, '--out', a]);
    await run(['--dir', SE, '--out', b]);
    for (const f of readdirSync(a)) expect(sha(join(b, f)), f).toBe(sha(join(a, f)));
  });

  it('an empty sky is a valid, empty catalog', async () => {
    const dir = productCopy('empty');
    const image = join(dir, `${STEM}.I.iter3.image.pbcor.tt0.subim.fits`);
    const header = readFitsHeader(image);
    const reader = FitsReader.open(image);
    const shape = [...reader.layout.naxis];
    reader.close();
    writeFitsImage(image, new Float32Array(shape.reduce((a, n) => a * n, 1)), shape, header);
    const out = mkdtempSync(join(root, 'out-'));
    const { code, stdout } = await run(['--dir', dir, '--out', out, '--json']);
    expect(code).toBe(0);
    expect(JSON.parse(stdout).components).toBe(0);
    expect(readCatalog(join(out, `${STEM}.I.catalog.csv`)).rows).toEqual([]);
  });

  describe('bad input: documented exit codes, nothing written', () => {
    it('65 for an image without beam keywords', async () => {
      const dir = productCopy('nobeam');
      const image = join(dir, `${STEM}.I.iter3.image.pbcor.tt0.subim.fits`);
      const reader = FitsReader.open(image);
      const data = reader.readAll();
      const header = reader.header.clone();
      const shape = [...reader.layout.naxis];
      reader.close();
      for (const k of ['BMAJ', 'BMIN', 'BPA']) header.remove(k);
      writeFitsImage(image, data as Float32Array, shape, header);
      const out = mkdtempSync(join(root, 'out-'));
      const { code, logText } = await run(['--dir', dir, '--out', out]);
      expect(code).toBe(65);
      expect(logText).toContain('no BMAJ/BMIN beam keywords');
      expect(readdirSync(out)).toEqual([]);
    });
    it('65 for an alpha image not on the tt0 grid, naming both files', async () => {
      const dir = productCopy('offgrid');
      writeFitsImage(join(dir, `${STEM}.I.iter3.alpha.subim.fits`), new Float32Array(10 * 12), [10, 12]);
      const out = mkdtempSync(join(root, 'out-'));
      const { code, logText } = await run(['--dir', dir, '--out', out]);
      expect(code).toBe(65);
      expect(logText).toContain('alpha.subim.fits');
      expect(readdirSync(out)).toEqual([]);
    });
    it('without the alpha images: the catalog all the same, Alpha and AlphaErr nan, said once in the log', async () => {
      const dir = productCopy('noalpha');
      const { rmSync } = await import('node:fs');
      rmSync(join(dir, `${STEM}.I.iter3.alpha.subim.fits`));
      rmSync(join(dir, `${STEM}.I.iter3.alpha.error.subim.fits`));
      const out = mkdtempSync(join(root, 'out-'));
      const { code, logText } = await run(['--dir', dir, '--out', out]);
      expect(code, logText).toBe(0);
      const rows = readCatalog(join(out, `${STEM}.I.catalog.csv`)).rows;
      expect(rows.length).toBeGreaterThan(0);
      for (const row of rows) expect([row.Alpha, row.AlphaErr]).toEqual([NaN, NaN]);
      expect(logText.match(/no alpha or alpha\.error image beside/g)).toHaveLength(1);
    });
    it('65 for a truncated detection image', async () => {
      const dir = productCopy('truncated');
      const image = join(dir, `${STEM}.I.iter3.image.pbcor.tt0.subim.fits`);
      writeFileSync(image, readFileSync(image).subarray(0, 2880 * 3));
      const { code, logText } = await run(['--dir', dir, '--out', mkdtempSync(join(root, 'out-'))]);
      expect(code).toBe(65);
      expect(logText).toContain(image);
    });
    it('73 for an unwritable output directory', async () => {
      const out = mkdtempSync(join(root, 'ro-'));
      chmodSync(out, 0o500);
      const expected = process.getuid?.() === 0 ? 0 : 73; // root writes anywhere
      expect((await run(['--dir', SE, '--out', out])).code).toBe(expected);
      expect((await run(['--dir', SE, '--out', join(root, 'missing-out')])).code).toBe(73);
    });
    it('78 for invalid finder settings in CAPO, naming the key', async () => {
      const capo = join(root, 'capo');
      mkdirSync(capo, { recursive: true });
      writeFileSync(join(capo, 'dsoc-test.properties'), 'edu.nrao.vlass.createComponentList.rmsBox = 50, 200\n');
      const { code, logText } = await run(['--dir', SE, '--out', mkdtempSync(join(root, 'out-')), '--capo-profile', 'dsoc-test', '--capo-path', capo]);
      expect(code).toBe(78);
      expect(logText).toContain('edu.nrao.vlass.createComponentList.rmsBox');
    });
    it.each(['atrousJmax = 0', 'atrousJmax = 16', 'atrousDo = perhaps', 'catalogType = gaus', 'rmsMap = perhaps', 'groupByIsl = perhaps'])('78 for %s in CAPO, naming the key', async (setting) => {
      const capo = mkdtempSync(join(root, 'capo-'));
      writeFileSync(join(capo, 'dsoc-test.properties'), `edu.nrao.vlass.createComponentList.${setting}\n`);
      const out = mkdtempSync(join(root, 'out-'));
      const { code, logText } = await run(['--dir', SE, '--out', out, '--capo-profile', 'dsoc-test', '--capo-path', capo]);
      expect(code).toBe(78);
      expect(logText).toContain(`edu.nrao.vlass.createComponentList.${setting.split(' ')[0]}`);
      expect(readdirSync(out)).toEqual([]);
    });
  });
});

describe("PyBDSF's catalog_type, rms_map and group_by_isl as CAPO keys", () => {
  it('catalogType both and groupByIsl true in CAPO: the source list too, one source per island; the flags still override them', async () => {
    const capo = mkdtempSync(join(root, 'capo-'));
    writeFileSync(join(capo, 'dsoc-test.properties'), 'edu.nrao.vlass.createComponentList.catalogType = both\nedu.nrao.vlass.createComponentList.groupByIsl = true\nedu.nrao.vlass.createComponentList.rmsMap = false\n');
    const out = mkdtempSync(join(root, 'out-'));
    const r = await run(['--dir', SE, '--out', out, '--capo-profile', 'dsoc-test', '--capo-path', capo, '--json']);
    expect(r.code, r.logText).toBe(0);
    expect(readdirSync(out)).toContain(`${STEM}.srl.csv`);
    expect(JSON.parse(r.stdout).rmsSource).toBe('constant');
    const sources = readCatalog(join(out, `${STEM}.srl.csv`)).rows;
    expect(new Set(sources.map((s) => s.Isl_id)).size).toBe(sources.length);
    const flagged = mkdtempSync(join(root, 'out-'));
    const f = await run(['--dir', SE, '--out', flagged, '--capo-profile', 'dsoc-test', '--capo-path', capo, '--catalog-type', 'gaul', '--rms-map', '--json']);
    expect(f.code, f.logText).toBe(0);
    expect(readdirSync(flagged)).not.toContain(`${STEM}.srl.csv`);
    expect(JSON.parse(f.stdout).rmsSource).not.toBe('rms image');
  });
});

describe('any image: a PyBDSF Gaussian list', () => {
  const tt0 = join(SE, `${STEM}.I.iter3.image.pbcor.tt0.subim.fits`);

  /** The SE fixture's detection image under a plain name, as any image would be. */
  function plainImage(name: string, edit?: (header: ReturnType<typeof readFitsHeader>) => void): string {
    const dir = mkdtempSync(join(root, 'plain-'));
    const path = join(dir, name);
    if (!edit) copyFileSync(tt0, path);
    else {
      const reader = FitsReader.open(tt0);
      const data = reader.readAll();
      const header = reader.header.clone();
      const shape = [...reader.layout.naxis];
      reader.close();
      edit(header);
      writeFitsImage(path, data as Float32Array, shape, header);
    }
    return path;
  }

  it('the image as the positional word: <stem>.gaul.csv with the VLASS run\'s components, without the VLASS columns, and its regions', async () => {
    const image = plainImage('my-field.fits');
    const out = mkdtempSync(join(root, 'out-'));
    // The rms image given, as the VLASS run finds it beside its tt0, and VLASS's zero mean (a general image's default is PyBDSF's mean_map 'default').
    const r = await run([image, '--rms', join(SE, `${STEM}.I.iter3.image.pbcor.tt0.rms.subim.fits`), '--mean-map', 'zero', '--out', out, '--json']);
    expect(r.code, r.logText).toBe(0);
    expect(readdirSync(out).sort()).toEqual(['my-field.gaul.crtf', 'my-field.gaul.csv', 'my-field.gaul.reg']);
    expect(JSON.parse(r.stdout)).toMatchObject({ catalogKind: 'gaussian list', product: 'my-field', meanMap: 'zero' });
    // Without --mean-map, PyBDSF's default decides (a constant for this flat background).
    const byDefault = await run([image, '--out', mkdtempSync(join(root, 'out-')), '--json']);
    expect(JSON.parse(byDefault.stdout).meanMap).toBe('const');
    const list = readCatalog(join(out, 'my-field.gaul.csv'));
    expect(list.comments.slice(0, 4)).toEqual([
      '# Gaussian list for my-field.fits',
      expect.stringMatching(/^# Generated by create-component-list /),
      '# Reference frequency of the detection ("ch0") image: 3.00000e+09 Hz',
      '# Equinox : 2000.0 ',
    ]);
    expect(list.columns.map((c) => c.name)).not.toContain('Tile');
    expect(list.columns.map((c) => c.name)).not.toContain('Alpha');
    // The same finder, the same components as the VLASS catalog of this image.
    const vlassOut = mkdtempSync(join(root, 'out-'));
    expect((await run(['--dir', SE, '--out', vlassOut])).code).toBe(0);
    const vlass = componentsFromCatalog(readCatalog(join(vlassOut, `${STEM}.I.catalog.csv`)));
    const general = componentsFromCatalog(list);
    expect(general.map((c) => [c.ra.value, c.dec.value, c.totalFlux.value])).toEqual(vlass.map((c) => [c.ra.value, c.dec.value, c.totalFlux.value]));
  });

  it("PyBDSF's background by default (its rms_box rule, the JSON says which box); --catalog-type srl writes the source list alone; --report with srl is 64", async () => {
    const image = plainImage('field.fits');
    const out = mkdtempSync(join(root, 'out-'));
    const r = await run([image, '--catalog-type', 'srl', '--adaptive-rms-box', '--out', out, '--json']);
    expect(r.code, r.logText).toBe(0);
    const result = JSON.parse(r.stdout);
    // The rule's box is at least 9 beams and odd when a multiple of 10; the step at most a tenth of the image.
    expect(result.rmsBox).toHaveLength(2);
    expect(result.rmsBox[0] % 10).not.toBe(0);
    expect(['measured', 'constant']).toContain(result.rmsSource);
    expect(readdirSync(out).sort()).toEqual(['field.gaul.crtf', 'field.gaul.reg', 'field.srl.csv']);
    expect(readCatalog(join(out, 'field.srl.csv')).rows.length).toBeGreaterThan(5);
    const refused = await run([image, '--catalog-type', 'srl', '--report', '--out', mkdtempSync(join(root, 'out-'))]);
    expect(refused.code).toBe(64);
    expect(refused.logText).toContain('--catalog-type gaul or both');
  });

  it('an image without beam keywords: 65 naming the file and --beam; with --beam the list is made; a bad --beam is 64', async () => {
    const image = plainImage('no-beam.fits', (h) => ['BMAJ', 'BMIN', 'BPA'].forEach((k) => h.remove(k)));
    const out = mkdtempSync(join(root, 'out-'));
    const missing = await run([image, '--out', out]);
    expect(missing.code).toBe(65);
    expect(missing.logText).toContain(image);
    expect(missing.logText).toContain('--beam MAJ,MIN,PA');
    expect(readdirSync(out)).toEqual([]);
    const given = await run([image, '--beam', '2.8323,2.154,0.8472', '--out', out]);
    expect(given.code, given.logText).toBe(0);
    expect(readCatalog(join(out, 'no-beam.gaul.csv')).rows.length).toBeGreaterThan(5);
    for (const bad of ['2.8', '1,2,0', 'a,b,c'])
      expect((await run([image, '--beam', bad, '--out', mkdtempSync(join(root, 'out-'))])).code, bad).toBe(64);
  });
});

describe("PyBDSF's options by PyBDSF's names", () => {
  it('--thresh-pix, --thresh-isl, --rms-box, --mean-map override CAPO for the run; bad values are 64 naming the flag', async () => {
    const count = async (args: string[]) => {
      const r = await run(['--dir', SE, '--out', mkdtempSync(join(root, 'out-')), '--json', ...args]);
      expect(r.code, r.logText).toBe(0);
      return JSON.parse(r.stdout).components as number;
    };
    const defaults = await count([]);
    expect(await count(['--thresh-pix', '10'])).toBeLessThan(defaults);
    expect(await count(['--thresh-pix', '5', '--thresh-isl', '3', '--rms-box', '200,50', '--mean-map', 'zero'])).toBe(defaults);
    for (const [args, flag] of [
      [['--thresh-isl', '6', '--thresh-pix', '5'], '--thresh-isl 6 is above --thresh-pix 5'],
      [['--thresh-pix', '-1'], '--thresh-pix -1'],
      [['--rms-box', '50,200'], 'give BOX,STEP in pixels'],
      [['--mean-map', 'median'], 'mean-map'],
    ] as const) {
      const r = await run(['--dir', SE, '--out', mkdtempSync(join(root, 'out-')), ...args]);
      expect(r.code, args.join(' ')).toBe(64);
      expect(r.summary + r.logText).toContain(flag);
    }
  });
});

describe('--write-maps', () => {
  it('writes the rms and mean maps, the Gaussian model and image minus model on the image grid; the model takes the sources out to the noise', async () => {
    const out = mkdtempSync(join(root, 'out-'));
    const r = await run(['--dir', SE, '--out', out, '--write-maps']);
    expect(r.code, r.logText).toBe(0);
    const read = (name: string) => {
      const reader = FitsReader.open(join(out, `${STEM}.${name}.fits`));
      const plane = reader.readPlane();
      const header = reader.header;
      reader.close();
      return { plane, header };
    };
    const imageReader = FitsReader.open(join(SE, `${STEM}.I.iter3.image.pbcor.tt0.subim.fits`));
    const image = imageReader.readPlane();
    const imageHeader = imageReader.header;
    imageReader.close();
    const [rms, mean, model, resid] = ['rms', 'mean', 'gaus_model', 'gaus_resid'].map(read);
    for (const m of [rms, mean, model, resid]) for (const key of ['NAXIS1', 'NAXIS2', 'CRVAL1', 'CRVAL2', 'CDELT1', 'CDELT2']) expect(m.header.get(key)).toEqual(imageHeader.get(key));
    const rmsImage = FitsReader.open(join(SE, `${STEM}.I.iter3.image.pbcor.tt0.rms.subim.fits`));
    expect(Array.from(rms.plane)).toEqual(Array.from(rmsImage.readPlane())); // the rms image was the noise map
    rmsImage.close();
    expect(mean.plane.every((v) => v === 0)).toBe(true); // meanMap zero
    let peak = 0;
    let worst = 0;
    for (let i = 0; i < image.length; i++) {
      if (Number.isNaN(image[i])) continue;
      expect(resid.plane[i]).toBeCloseTo(image[i] - model.plane[i], 6);
      peak = Math.max(peak, model.plane[i]);
      // Where the model is bright, what is left is noise (a misoriented ellipse would leave lobes of tens of sigma).
      if (model.plane[i] > 10 * rms.plane[i]) worst = Math.max(worst, Math.abs(resid.plane[i]) / rms.plane[i]);
    }
    expect(peak).toBeGreaterThan(0.01);
    expect(worst).toBeLessThan(5);
  });
});

describe("PyBDSF's rms_map and group_by_isl", () => {
  it('--no-rms-map: one clipped rms for the whole image (the rms map written is constant); --rms-map measures a map even beside the rms image', async () => {
    const out = mkdtempSync(join(root, 'out-'));
    const r = await run(['--dir', SE, '--out', out, '--no-rms-map', '--write-maps', '--json']);
    expect(r.code, r.logText).toBe(0);
    expect(JSON.parse(r.stdout).rmsSource).toBe('constant');
    const reader = FitsReader.open(join(out, `${STEM}.rms.fits`));
    const rms = reader.readPlane();
    reader.close();
    expect(new Set(rms).size).toBe(1);
    expect(rms[0]).toBeGreaterThan(5e-5); // the SE fixture's noise is ~1.2e-4 Jy/beam at the centre, higher at the edges
    const measured = await run(['--dir', SE, '--out', mkdtempSync(join(root, 'out-')), '--rms-map', '--json']);
    expect(JSON.parse(measured.stdout).rmsSource).toBe('measured');
  });

  it('--group-by-isl: one source per island, S_Code S or M, in the Gaussian list and the source list alike', async () => {
    // The SE fixture with a second source 1.3 beams from its brightest: one island of two Gaussians.
    const dir = productCopy('blend');
    const image = join(dir, `${STEM}.I.iter3.image.pbcor.tt0.subim.fits`);
    const reader = FitsReader.open(image);
    const data = reader.readAll() as Float32Array;
    const header = reader.header.clone();
    const shape = [...reader.layout.naxis];
    const width = reader.width;
    reader.close();
    let peak = 0;
    for (let i = 1; i < data.length; i++) if (data[i] > data[peak]) peak = i;
    const [px, py] = [peak % width, Math.floor(peak / width)];
    const sigma = 4.7 / 2.3548;
    for (let y = py - 15; y <= py + 15; y++) for (let x = px - 10; x <= px + 22; x++) data[y * width + x] += 0.8 * data[peak] * Math.exp(-((x - px - 6) ** 2 + (y - py) ** 2) / (2 * sigma * sigma));
    writeFitsImage(image, data, shape, header);
    const out = mkdtempSync(join(root, 'out-'));
    const r = await run(['--dir', dir, '--out', out, '--group-by-isl', '--catalog-type', 'both']);
    expect(r.code, r.logText).toBe(0);
    const gaussians = readCatalog(join(out, `${STEM}.I.catalog.csv`)).rows;
    const islands = new Set(gaussians.map((g) => g.Isl_id));
    const sources = readCatalog(join(out, `${STEM}.srl.csv`)).rows;
    expect(sources).toHaveLength(islands.size);
    expect(gaussians.some((g) => g.S_Code === 'M')).toBe(true);
    for (const g of gaussians) {
      const members = gaussians.filter((o) => o.Isl_id === g.Isl_id);
      expect(members.every((o) => o.Source_id === g.Source_id)).toBe(true);
      expect(g.S_Code).toBe(members.length > 1 ? 'M' : 'S');
    }
  });
});
