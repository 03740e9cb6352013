/**
 * What cube QA reads from headers (shared/cube/plan.ts, shared/fits/beams.ts) and how it finds a
 * cube's windows (shared/cube/discover.ts): the Stokes I plane wherever the STOKES axis puts it, the
 * frequencies, header beams vs CASA BEAMS tables (units, shared beams), and every bad-input case
 * as a DataError (65) naming the file.
 */
import { copyFileSync, mkdirSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DataError, InputMissingError, UsageError } from '../../../shared/errors.js';
import { writeCubeProduct } from '../../../fixtures/vlass/index.js';
import { checkSameGrid, inspectCubeFile } from '../../../shared/cube/plan.js';
import { cubeProductInfo } from '../../../shared/qa/productInfo.js';
import { discoverCube, missingSpws, windowFiles, type CubeFile } from '../../../shared/cube/discover.js';
import { readBeamTable } from '../../../shared/fits/beams.js';
import { MANIFEST_FILE, VLASS_CUBE_SPWS } from '../../../shared/vlass/index.js';
import { FitsReader } from '../../../shared/fits/index.js';
import { appendBeamTable, writeCube } from '../qa/cubeFiles.js';
import { scratch } from '../qa/images.js';

const root = scratch('cube-layout');
let counter = 0;
const fresh = (name: string) => {
  const dir = join(root, `${name}-${counter++}`);
  mkdirSync(dir, { recursive: true });
  return dir;
};
const file = (path: string): CubeFile => ({ path, spw: undefined, name: undefined, commonBeam: path.split('/').pop()!.split('.').includes('com') });

describe('the Stokes I plane is found from the STOKES axis', () => {
  it.each([
    [[1, 2, 3], 0],
    [[2, 1], 1],
    [[4, 3, 2, 1], 3],
    [[-1, 0, 1], 2],
  ])('STOKES values %j: I at pixel %i', (stokes, index) => {
    const path = join(fresh('stokes'), 'c.fits');
    writeCube(path, { stokes });
    expect(inspectCubeFile(file(path)).planes.map((p) => [p.stokesIndex, p.indices])).toEqual([[index, [0, index]]]);
  });
  it('no STOKES axis: the plane is taken as Stokes I (stokesIndex null)', () => {
    const path = join(fresh('nostokes'), 'c.fits');
    writeCube(path, { stokes: null, freqs: 2 });
    expect(inspectCubeFile(file(path)).planes.map((p) => [p.stokesIndex, p.indices])).toEqual([
      [null, [0]],
      [null, [1]],
    ]);
  });
  it('a STOKES axis without I (Q, U only) is bad input', () => {
    const path = join(fresh('qu'), 'c.fits');
    writeCube(path, { stokes: [2, 3] });
    expect(() => inspectCubeFile(file(path))).toThrow(DataError);
    expect(() => inspectCubeFile(file(path))).toThrow(/no Stokes I/);
  });
});

describe('frequencies and axes', () => {
  it('every FREQ pixel is a plane at its world frequency', () => {
    const path = join(fresh('freq'), 'c.fits');
    writeCube(path, { freqs: 4, freqHz: 2e9, freqStepHz: 0.5e9 });
    expect(inspectCubeFile(file(path)).planes.map((p) => [p.planeIndex, p.freqHz, p.indices])).toEqual([
      [0, 2e9, [0, 0]],
      [1, 2.5e9, [1, 0]],
      [2, 3e9, [2, 0]],
      [3, 3.5e9, [3, 0]],
    ]);
  });
  it('no spectral axis: 65, naming the file (the beam cannot be scaled without frequencies)', () => {
    const path = join(fresh('nofreq'), 'c.fits');
    writeCube(path, { spectralType: null });
    expect(() => inspectCubeFile(file(path))).toThrow(new RegExp(`${path}: no spectral \\(FREQ\\) axis`));
  });
  it('a velocity axis: 65 (not a frequency)', () => {
    const path = join(fresh('vrad'), 'c.fits');
    writeCube(path, { spectralType: 'VRAD', freqHz: 1000, freqStepHz: 100 });
    expect(() => inspectCubeFile(file(path))).toThrow(/is in m\/s, not a frequency/);
  });
  it('a 2-D image: 65', () => {
    const path = join(fresh('2d'), 'c.fits');
    writeCube(path, { spectralType: null, stokes: null });
    expect(() => inspectCubeFile(file(path))).toThrow(DataError);
  });
  it('a truncated file: 65 naming it, before any pixel is read', () => {
    const path = join(fresh('trunc'), 'c.fits');
    writeCube(path, { width: 64, height: 64 });
    truncateSync(path, statSync(path).size - 5000);
    expect(() => inspectCubeFile(file(path))).toThrow(new RegExp(`${path}: truncated`));
  });
  it('the header SPW gives the window when the name does not', () => {
    const path = join(fresh('spw'), 'c.fits');
    writeCube(path, { spw: '7' });
    expect(inspectCubeFile(file(path)).spw).toBe(7);
    writeCube(path, { spw: '2~17' });
    expect(inspectCubeFile(file(path)).spw).toBeNull();
  });
  it('windows of different sizes: 65 naming both files and shapes', () => {
    const dir = fresh('grid');
    writeCube(join(dir, 'a.fits'), { width: 16, height: 12 });
    writeCube(join(dir, 'b.fits'), { width: 16, height: 14 });
    const plans = ['a.fits', 'b.fits'].map((n) => inspectCubeFile(file(join(dir, n))));
    expect(() => checkSameGrid(plans)).toThrow(DataError);
    expect(() => checkSameGrid(plans)).toThrow(`${join(dir, 'b.fits')} has shape 16x14x1x3 but ${join(dir, 'a.fits')} has 16x12x1x3`);
  });
});

describe('beams', () => {
  it('a one-plane file: its header beam is the plane own (judged)', () => {
    const path = join(fresh('hb'), 'c.fits');
    writeCube(path);
    const [p] = inspectCubeFile(file(path)).planes;
    expect(p.beam).toEqual({ majorArcsec: expect.closeTo(3, 12), minorArcsec: expect.closeTo(2.4, 12), positionAngleDeg: -10 });
    expect([p.beamSource, p.beamShared]).toEqual(['header', false]);
  });
  it('several FREQ planes with only a header beam: shared by all (not judged by the 1/f check)', () => {
    const path = join(fresh('shared'), 'c.fits');
    writeCube(path, { freqs: 3 });
    expect(inspectCubeFile(file(path)).planes.map((p) => [p.beamSource, p.beamShared])).toEqual([
      ['header', true],
      ['header', true],
      ['header', true],
    ]);
  });
  it('a common-beam (.com.) window: shared', () => {
    const path = join(fresh('com'), 'x.spw2.IQU.iter3.image.pbcor.tt0.subim.com.fits');
    writeCube(path);
    expect(inspectCubeFile(file(path)).planes[0].beamShared).toBe(true);
  });
  it('CASAMBM = T and a BEAMS table: each plane its row (CHAN = freq pixel, POL = Stokes I pixel), units converted', () => {
    const path = join(fresh('table'), 'c.fits');
    writeCube(path, { freqs: 2, stokes: [2, 1], beam: null, casambm: true });
    appendBeamTable(
      path,
      [
        { bmaj: 1 / 3600, bmin: 0.5 / 3600, bpa: 0.1, chan: 0, pol: 0 },
        { bmaj: 3 / 3600, bmin: 2 / 3600, bpa: 0.2, chan: 0, pol: 1 },
        { bmaj: 9 / 3600, bmin: 9 / 3600, bpa: 0.3, chan: 1, pol: 0 },
        { bmaj: 2.5 / 3600, bmin: 2 / 3600, bpa: 0.4, chan: 1, pol: 1 },
      ],
      { axes: 'deg', pa: 'rad' },
    );
    const planes = inspectCubeFile(file(path)).planes;
    expect(planes.map((p) => [p.beamSource, p.beamShared, p.stokesIndex])).toEqual([
      ['table', false, 1],
      ['table', false, 1],
    ]);
    expect(planes[0].beam!.majorArcsec).toBeCloseTo(3, 4);
    expect(planes[0].beam!.minorArcsec).toBeCloseTo(2, 4);
    expect(planes[0].beam!.positionAngleDeg).toBeCloseTo((0.2 * 180) / Math.PI, 4);
    expect(planes[1].beam!.majorArcsec).toBeCloseTo(2.5, 4);
  });
  it('a table without the plane row falls back to the header beam; without either, no beam', () => {
    const path = join(fresh('partial'), 'c.fits');
    writeCube(path, { freqs: 2, stokes: [1], casambm: true });
    appendBeamTable(path, [{ bmaj: 5, bmin: 4, bpa: 0, chan: 0, pol: 0 }]);
    expect(inspectCubeFile(file(path)).planes.map((p) => [p.beamSource, p.beam?.majorArcsec])).toEqual([
      ['table', expect.closeTo(5, 6)],
      ['header', expect.closeTo(3, 9)],
    ]);
    const none = join(fresh('none'), 'c.fits');
    writeCube(none, { beam: null });
    expect(inspectCubeFile(file(none)).planes[0]).toMatchObject({ beam: null, beamSource: null, beamShared: false });
  });
  it('readBeamTable: undefined without a BEAMS extension; 65 for a table with an unknown unit', () => {
    const path = join(fresh('rbt'), 'c.fits');
    writeCube(path);
    const reader = FitsReader.open(path);
    expect(readBeamTable(path, reader.layout, reader.fileSize)).toBeUndefined();
    reader.close();
    appendBeamTable(path, [{ bmaj: 5, bmin: 4, bpa: 0, chan: 0, pol: 0 }], { axes: 'furlong' });
    const again = FitsReader.open(path);
    expect(() => readBeamTable(path, again.layout, again.fileSize)).toThrow(/unit 'furlong'/);
    again.close();
  });
});

describe('discovering a cube', () => {
  const made = (() => {
    const dir = fresh('product');
    const r = writeCubeProduct(dir, { size: 32, rms: true });
    return { dir, r };
  })();

  it('finds the 16 windows by name, ordered by spw; not the rms twins, truth or windows.json', async () => {
    const p = await discoverCube({ dir: made.dir });
    expect(p.files.map((f) => f.spw)).toEqual(VLASS_CUBE_SPWS);
    expect(p.files.every((f) => f.path.endsWith('.IQU.iter3.image.pbcor.tt0.subim.fits'))).toBe(true);
    expect(missingSpws(p)).toEqual([]);
    expect(Object.keys(cubeProductInfo(p).files)).toEqual(VLASS_CUBE_SPWS.map((s) => `spw${s}`));
    expect(cubeProductInfo(p)).toMatchObject({ name: 'VLASS2.1.cc.T10t01.J000200-003000.06.2048.v1', type: 'CC', epoch: 'VLASS2.1', tile: 'T10t01' });
  });

  it('looks in products/ too, and reports missing windows', async () => {
    const dir = fresh('nested');
    mkdirSync(join(dir, 'products'));
    for (const w of made.r.windows.filter((w) => w.spw !== 5)) copyFileSync(w.file, join(dir, 'products', w.file.split('/').pop()!));
    const p = await discoverCube({ dir });
    expect(p.directory).toBe(join(dir, 'products'));
    expect(missingSpws(p)).toEqual([5]);
  });

  it("finds the windows in the fanned-out workflow's per-window working directories (spwN/products), the product directory being --dir", async () => {
    const dir = fresh('fanned');
    for (const w of made.r.windows.filter((w) => w.spw !== 7)) {
      mkdirSync(join(dir, `spw${w.spw}`, 'products'), { recursive: true });
      copyFileSync(w.file, join(dir, `spw${w.spw}`, 'products', w.file.split('/').pop()!));
    }
    mkdirSync(join(dir, 'spw7')); // imaged nothing
    const p = await discoverCube({ dir });
    expect(p.directory).toBe(dir);
    expect(p.files.map((f) => f.spw)).toEqual(VLASS_CUBE_SPWS.filter((s) => s !== 7));
    expect(p.files.every((f) => f.path.startsWith(join(dir, `spw${f.spw}`, 'products')))).toBe(true);
    expect(missingSpws(p)).toEqual([7]);
    // The same window in two working directories is refused, naming both.
    copyFileSync(made.r.windows[0].file, join(dir, 'spw3', made.r.windows[0].file.split('/').pop()!));
    await expect(discoverCube({ dir })).rejects.toThrow(/spw2 is found twice/);
  });

  it('a pipeline_manifest.xml names the windows (each must exist: 66)', async () => {
    const dir = fresh('manifest');
    const w = made.r.windows.slice(0, 3);
    for (const x of w) copyFileSync(x.file, join(dir, x.file.split('/').pop()!));
    const entries = (names: string[]) => `<?xml version="1.0"?>\n<piperesults><ous>${names.map((n) => `<image imtype="target" name="${n}"/>`).join('')}</ous></piperesults>\n`;
    writeFileSync(join(dir, MANIFEST_FILE), entries(w.slice(0, 2).map((x) => x.file.split('/').pop()!)));
    expect((await discoverCube({ dir })).files.map((f) => f.spw)).toEqual([2, 3]);
    writeFileSync(join(dir, MANIFEST_FILE), entries([...w.map((x) => x.file.split('/').pop()!), w[0].file.split('/').pop()!.replace('spw2', 'spw9')]));
    await expect(discoverCube({ dir })).rejects.toThrow(InputMissingError);
  });

  it('no window: 66 naming the pattern; two products: 64', async () => {
    await expect(discoverCube({ dir: fresh('empty') })).rejects.toThrow(/no CC product found: looked for \*\.spwN\.IQU\.iter3\.image\.pbcor\.tt0\.subim\.fits/);
    const two = fresh('two');
    copyFileSync(made.r.windows[0].file, join(two, made.r.windows[0].file.split('/').pop()!));
    copyFileSync(made.r.windows[0].file, join(two, made.r.windows[0].file.split('/').pop()!.replace('T10t01', 'T10t02')));
    await expect(discoverCube({ dir: two })).rejects.toThrow(UsageError);
  });

  it('explicit files: used as given; a QL file is refused (64); a missing file is 66; spw twice is 64', async () => {
    const p = await discoverCube({ explicit: [made.r.windows[3].file, made.r.windows[1].file] });
    expect(p.files.map((f) => f.spw)).toEqual([3, 5]);
    expect(missingSpws(p)).toEqual([]);
    await expect(discoverCube({ explicit: [join(made.dir, 'nope.fits')] })).rejects.toThrow(InputMissingError);
    await expect(discoverCube({ explicit: ['/x/VLASS2.1.ql.T10t01.J000200-003000.10.2048.v1.I.iter1.image.pbcor.tt0.subim.fits'] })).rejects.toThrow(InputMissingError);
    const ql = join(fresh('ql'), 'VLASS2.1.ql.T10t01.J000200-003000.10.2048.v1.I.iter1.image.pbcor.tt0.subim.fits');
    writeCube(ql);
    await expect(discoverCube({ explicit: [ql] })).rejects.toThrow(UsageError);
    const com = made.r.windows[0].file.replace('.subim.fits', '.subim.com.fits');
    copyFileSync(made.r.windows[0].file, com);
    await expect(discoverCube({ explicit: [made.r.windows[0].file, com] })).rejects.toThrow(/spw2 is given twice/);
  });

  it("windowFiles: a window's own files (twins, variants), never spw1x's for spw1", async () => {
    const p = await discoverCube({ dir: made.dir });
    const spw2 = p.files[0];
    copyFileSync(spw2.path, spw2.path.replace('.subim.fits', '.subim.com.fits'));
    const names = windowFiles(spw2).map((f) => f.split('/').pop());
    expect(names).toEqual(
      ['VLASS2.1.cc.T10t01.J000200-003000.06.2048.v1.spw2.IQU.iter3.image.pbcor.tt0.rms.subim.fits', 'VLASS2.1.cc.T10t01.J000200-003000.06.2048.v1.spw2.IQU.iter3.image.pbcor.tt0.subim.com.fits', 'VLASS2.1.cc.T10t01.J000200-003000.06.2048.v1.spw2.IQU.iter3.image.pbcor.tt0.subim.fits'].sort(),
    );
    // a fake spw1 window must not take spw10..17
    const fake: CubeFile = { ...spw2, spw: 1, path: spw2.path.replace('.spw2.', '.spw1.') };
    expect(windowFiles(fake)).toEqual([fake.path]);
  });
});
