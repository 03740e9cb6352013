/**
 * Product discovery: by VLASS name in a directory or its products/ subdirectory, by
 * pipeline_manifest.xml, by explicit files; missing products are 66 naming what was looked
 * for, ambiguity is 64.
 */
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputMissingError, UsageError } from '../../../shared/errors.js';
import { productInfo } from '../../../shared/qa/productInfo.js';
import { discoverProduct, productFiles, QL_LAYOUT } from '../../../shared/vlass/index.js';
import { IMAGE_SUFFIX, QL_STEM, RMS_SUFFIX, scratch, writeQl } from '../qa/images.js';

function manifest(dir: string, names: string[]): void {
  writeFileSync(
    join(dir, 'pipeline_manifest.xml'),
    `<?xml version="1.0" ?>\n<piperesults name="unknown">\n  <ous name="unknown">\n${names.map((n) => `    <image imtype="target" name="${n}"/>`).join('\n')}\n  </ous>\n</piperesults>\n`,
  );
}

describe('discoverProduct', () => {
  it('finds the image and rms by name in the directory', async () => {
    const dir = scratch('disc');
    const files = writeQl(dir);
    writeFileSync(join(dir, 'unrelated.fits'), 'x');
    const p = await discoverProduct(QL_LAYOUT, { dir });
    expect(p).toMatchObject({ stem: QL_STEM, directory: dir, files: { image: files.image, rms: files.rms } });
    expect(productInfo(QL_LAYOUT, p)).toEqual({
      name: QL_STEM,
      epoch: 'VLASS2.1',
      type: 'QL',
      tile: 'T10t01',
      phaseCenter: 'J000200-003000',
      files: { image: files.image, rms: files.rms },
    });
  });

  it("looks in products/ when the directory itself has none (the pipeline's export layout)", async () => {
    const dir = scratch('disc');
    const files = writeQl(join(dir, 'products'));
    expect((await discoverProduct(QL_LAYOUT, { dir })).files).toEqual({ image: files.image, rms: files.rms });
  });

  it('an rms image is optional: absent, only the image is returned', async () => {
    const dir = scratch('disc');
    writeQl(dir, { rms: null });
    expect(Object.keys((await discoverProduct(QL_LAYOUT, { dir })).files)).toEqual(['image']);
  });

  it('uses pipeline_manifest.xml when present, and a listed file that is missing is 66 naming it', async () => {
    const dir = scratch('disc');
    const files = writeQl(dir);
    manifest(dir, [`${QL_STEM}.${IMAGE_SUFFIX}`, `${QL_STEM}.${RMS_SUFFIX}`]);
    expect((await discoverProduct(QL_LAYOUT, { dir })).manifest).toBe(join(dir, 'pipeline_manifest.xml'));
    manifest(dir, [`${QL_STEM}.${IMAGE_SUFFIX}`, `${QL_STEM}.${RMS_SUFFIX}`, `VLASS2.1.ql.T10t01.J000200-003000.10.2048.v1.I.iter1.image.pbcor.tt1.subim.fits`]);
    const err = await discoverProduct(QL_LAYOUT, { dir }).catch((e) => e);
    expect(err).toBeInstanceOf(InputMissingError);
    expect(err.message).toContain('tt1.subim.fits: listed in');
    expect(files.image).toBeTruthy();
  });

  it('the manifest decides which product: another QL image beside it is not considered', async () => {
    const dir = scratch('disc');
    writeQl(dir);
    writeQl(dir, { stem: 'VLASS2.1.ql.T10t02.J001000-003000.10.2048.v1' });
    manifest(dir, [`${QL_STEM}.${IMAGE_SUFFIX}`]);
    expect((await discoverProduct(QL_LAYOUT, { dir })).stem).toBe(QL_STEM);
  });

  it('no product: 66 naming the pattern and the places searched', async () => {
    const dir = scratch('disc');
    mkdirSync(join(dir, 'products'));
    const err = await discoverProduct(QL_LAYOUT, { dir }).catch((e) => e);
    expect(err).toBeInstanceOf(InputMissingError);
    expect(err.exitCode).toBe(66);
    expect(err.message).toContain(`*.${IMAGE_SUFFIX}`);
    expect(err.message).toContain(join(dir, 'products'));
  });

  it('a missing directory is 66', async () => {
    await expect(discoverProduct(QL_LAYOUT, { dir: join(scratch('disc'), 'absent') })).rejects.toThrow(InputMissingError);
  });

  it('an SE product is not a QL product', async () => {
    const dir = scratch('disc');
    writeQl(dir, { stem: 'VLASS2.1.se.T10t01.J000200-003000.06.2048.v1' });
    await expect(discoverProduct(QL_LAYOUT, { dir })).rejects.toThrow(/no QL product found/);
  });

  it('two products: 64 asking to choose with --image', async () => {
    const dir = scratch('disc');
    writeQl(dir);
    writeQl(dir, { stem: 'VLASS2.1.ql.T10t02.J001000-003000.10.2048.v1' });
    const err = await discoverProduct(QL_LAYOUT, { dir }).catch((e) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect(err.message).toMatch(/2 QL products .*choose one with --image/);
  });

  it('explicit files win; the rms is still found beside an explicit image', async () => {
    const dir = scratch('disc');
    const files = writeQl(dir);
    const p = await discoverProduct(QL_LAYOUT, { explicit: { image: files.image } });
    expect(p.files).toEqual({ image: files.image, rms: files.rms });
    const other = join(scratch('disc'), 'my-rms.fits');
    copyFileSync(files.rms!, other);
    expect((await discoverProduct(QL_LAYOUT, { dir, explicit: { rms: other } })).files.rms).toBe(other);
  });

  it('an explicit file that does not exist is 66 naming the flag', async () => {
    const err = await discoverProduct(QL_LAYOUT, { explicit: { image: '/nonexistent/x.fits' } }).catch((e) => e);
    expect(err).toBeInstanceOf(InputMissingError);
    expect(err.message).toContain('--image /nonexistent/x.fits');
  });

  it('an explicit SE image given to the QL tool is 64', async () => {
    const dir = scratch('disc');
    const files = writeQl(dir, { stem: 'VLASS2.1.se.T10t01.J000200-003000.06.2048.v1' });
    await expect(discoverProduct(QL_LAYOUT, { explicit: { image: files.image } })).rejects.toThrow(UsageError);
  });

  it('an explicit image not named by VLASS rules is measured under its file name', async () => {
    const dir = scratch('disc');
    const files = writeQl(dir, { stem: 'my-image', rms: null });
    const p = await discoverProduct(QL_LAYOUT, { explicit: { image: files.image } });
    expect(p.stem).toBe(`my-image.${IMAGE_SUFFIX.replace(/\.fits$/, '')}`);
    expect(productInfo(QL_LAYOUT, p)).toMatchObject({ epoch: null, tile: null, type: 'QL' });
  });
});

describe('productFiles', () => {
  it("is every file of the product's stem in its directory, hidden temporaries excluded", async () => {
    const dir = scratch('disc');
    const files = writeQl(dir);
    writeFileSync(join(dir, `${QL_STEM}.truth.csv`), 'x');
    writeFileSync(join(dir, `.${QL_STEM}.qa.json.tmp-1-ab`), 'x');
    writeFileSync(join(dir, 'VLASS2.1.ql.T10t02.J001000-003000.10.2048.v1.I.iter1.image.pbcor.tt0.subim.fits'), 'x');
    const p = await discoverProduct(QL_LAYOUT, { explicit: { image: files.image } });
    expect(productFiles(p)).toEqual([files.image, files.rms, join(dir, `${QL_STEM}.truth.csv`)].sort());
  });
});
