/**
 * The SE product: discovery of its six files (catalog and rms optional, the others required,
 * missing ones 66 naming file and flag), and the grid check of every companion image against
 * tt0 (size from the header before any pixel is read, sky through both WCSs): a mismatch is
 * 65 naming both files.
 */
import { copyFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DataError, InputMissingError, UsageError } from '../../../../shared/errors.js';
import { checkOnGrid, sameSky } from '../../../../shared/qa/continuum/se.js';
import { productInfo } from '../../../../shared/qa/productInfo.js';
import { readSinglePlane } from '../../../../shared/vlass/image.js';
import { SE_LAYOUT, discoverProduct, productFiles } from '../../../../shared/vlass/index.js';
import { scratch } from '../images.js';
import { SE_STEM, copySeFixture, rewriteImage, sePath, writeReferenceCatalog } from '../seProduct.js';

describe('discoverProduct(SE_LAYOUT)', () => {
  it('finds tt0, rms, tt1, alpha, alpha.error and the catalog by name; the product is SE', async () => {
    const dir = scratch('se-disc');
    const files = copySeFixture(dir);
    const catalog = writeReferenceCatalog(dir);
    const p = await discoverProduct(SE_LAYOUT, { dir });
    expect(p.files).toEqual({ ...files, catalog });
    expect(productInfo(SE_LAYOUT, p)).toMatchObject({ name: SE_STEM, type: 'SE', epoch: 'VLASS2.1', tile: 'T10t01', phaseCenter: 'J000200-003000' });
    // every file of the product moves on rejection, the truth CSV too
    expect(productFiles(p)).toEqual([...Object.values(files), catalog, join(dir, `${SE_STEM}.truth.csv`)].sort());
  });

  it('the catalog and the rms image are optional', async () => {
    const dir = scratch('se-disc');
    copySeFixture(dir, ['rms']);
    expect(Object.keys((await discoverProduct(SE_LAYOUT, { dir })).files).sort()).toEqual(['alpha', 'alphaError', 'image', 'tt1']);
  });

  it.each([
    ['alpha', 'I.iter3.alpha.subim.fits', '--alpha'],
    ['alphaError', 'I.iter3.alpha.error.subim.fits', '--alpha-error'],
    ['tt1', 'I.iter3.image.pbcor.tt1.subim.fits', '--tt1'],
  ] as const)('a missing %s is 66 naming the file and the flag', async (role, suffix, flag) => {
    const dir = scratch('se-disc');
    copySeFixture(dir, [role]);
    const err = await discoverProduct(SE_LAYOUT, { dir }).catch((e) => e);
    expect(err).toBeInstanceOf(InputMissingError);
    expect(err.message).toContain(`${SE_STEM}.${suffix}: not found in ${dir}`);
    expect(err.message).toContain(`give it with ${flag})`);
  });

  it('an explicitly given file that does not exist is 66 naming its flag', async () => {
    const dir = scratch('se-disc');
    copySeFixture(dir);
    const err = await discoverProduct(SE_LAYOUT, { dir, explicit: { alphaError: join(dir, 'nope.fits') } }).catch((e) => e);
    expect(err).toBeInstanceOf(InputMissingError);
    expect(err.message).toContain('--alpha-error');
  });

  it('a QL image given as the SE image is a usage error (64) pointing to the QL tool', async () => {
    const dir = scratch('se-disc');
    const ql = join(dir, 'VLASS2.1.ql.T10t01.J000200-003000.10.2048.v1.I.iter1.image.pbcor.tt0.subim.fits');
    copyFileSync(copySeFixture(dir).image, ql);
    const err = await discoverProduct(SE_LAYOUT, { explicit: { image: ql } }).catch((e) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect(err.message).toContain('a VLASS ql product, but this tool checks se products');
  });
});

describe('checkOnGrid: every companion on the tt0 grid', () => {
  const setup = () => {
    const dir = scratch('se-grid');
    const files = copySeFixture(dir);
    return { dir, files, image: readSinglePlane(files.image, 'pbcor tt0 image') };
  };

  it('the fixture companions are on the grid', () => {
    const { files, image } = setup();
    for (const role of ['rms', 'tt1', 'alpha', 'alphaError'] as const) expect(() => checkOnGrid(image, files[role], role)).not.toThrow();
  });

  it('a different size: 65 naming both files and both shapes', () => {
    const { files, image } = setup();
    rewriteImage(files.alpha, { shape: [320, 160, 1, 1] });
    const err = (() => {
      try {
        checkOnGrid(image, files.alpha, 'spectral index image');
      } catch (e) {
        return e as DataError;
      }
    })()!;
    expect(err).toBeInstanceOf(DataError);
    expect(err.message).toContain(`spectral index image ${files.alpha} has shape 320x160x1x1 but the image ${files.image} has shape 320x320x1x1`);
  });

  it('the same size on another part of the sky (CRVAL moved by 3 pixels): 65 naming both files and the offset', () => {
    const { files, image } = setup();
    rewriteImage(files.alpha, { header: (h) => h.set('CRVAL2', (h.get('CRVAL2') as number) + (3 * 0.6) / 3600, '', { asReal: true }) });
    expect(() => checkOnGrid(image, files.alpha, 'spectral index image')).toThrow(DataError);
    expect(() => checkOnGrid(image, files.alpha, 'spectral index image')).toThrow(new RegExp(`${files.alpha.replace(/\./g, '\\.')} is not on the sky grid of the image ${files.image.replace(/\./g, '\\.')}: its pixel \\(0, 0\\) is 1\\.8" \\(3 pixels\\)`));
  });

  it('a shift below the tolerance (0.001 pixel, a header rounding) is the same grid', () => {
    const { files, image } = setup();
    rewriteImage(files.tt1, { header: (h) => h.set('CRVAL1', (h.get('CRVAL1') as number) + (0.001 * 0.6) / 3600, '', { asReal: true }) });
    expect(() => checkOnGrid(image, files.tt1, 'tt1 image')).not.toThrow();
  });

  it('a companion without a celestial WCS cannot be shown to be on the grid: 65', () => {
    const { files, image } = setup();
    rewriteImage(files.alphaError, {
      header: (h) => {
        for (const k of ['CTYPE1', 'CTYPE2', 'CRVAL1', 'CRVAL2', 'CDELT1', 'CDELT2', 'CRPIX1', 'CRPIX2', 'CUNIT1', 'CUNIT2']) h.remove(k);
      },
    });
    expect(() => checkOnGrid(image, files.alphaError, 'spectral index error image')).toThrow(/has no celestial WCS but the image .* has one/);
  });

  it('an image without a WCS is only checked for size (a plain test image)', () => {
    const { files, image } = setup();
    const plain = { ...image, header: image.header.clone() };
    for (const k of ['CTYPE1', 'CTYPE2']) plain.header.remove(k);
    expect(() => sameSky(plain, image.header, files.alpha, 'alpha')).not.toThrow();
  });

  it('a missing companion file is an input error from the reader, not a crash', () => {
    const { files, image } = setup();
    rmSync(files.tt1);
    expect(() => checkOnGrid(image, files.tt1, 'tt1 image')).toThrow(expect.objectContaining({ exitCode: 66 }));
  });
});
