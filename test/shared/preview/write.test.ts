/** writePreviews: the two archive JPEGs, named after the product, written atomically. */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import jpeg from 'jpeg-js';
import { afterEach, describe, expect, it } from 'vitest';
import { OutputError, UsageError } from '../../../shared/errors.js';
import { writePreviews } from '../../../shared/preview/index.js';
import { scratchDir } from '../fits/helpers.js';
import { addGaussian, noiseImage } from '../rmsmap/noise.js';

const PRODUCT = 'VLASS2.1.ql.T10t01.J000200-003000.10.2048.v1.I.iter1.image.pbcor.tt0.subim';

describe('writePreviews', () => {
  let cleanup = (): void => {};
  afterEach(() => cleanup());

  it('writes <product>_prev.jpg (1024 px) and <product>_prev_256.jpg (256 px), and nothing else', () => {
    const scratch = scratchDir();
    cleanup = scratch.cleanup;
    // A smooth sky (cheap to encode) with one source in the middle.
    const plane = Float32Array.from({ length: 1100 * 1100 }, (_, i) => 1e-5 * Math.sin(i / 5e4));
    addGaussian(plane, 1100, 550, 550, 0.05, 4);
    const paths = writePreviews(plane, 1100, 1100, scratch.dir, PRODUCT);
    expect(paths).toEqual([join(scratch.dir, `${PRODUCT}_prev.jpg`), join(scratch.dir, `${PRODUCT}_prev_256.jpg`)]);
    expect(readdirSync(scratch.dir).sort()).toEqual([`${PRODUCT}_prev.jpg`, `${PRODUCT}_prev_256.jpg`]);
    const large = jpeg.decode(readFileSync(paths[0]), { useTArray: true });
    const small = jpeg.decode(readFileSync(paths[1]), { useTArray: true });
    expect([large.width, large.height]).toEqual([1024, 1024]);
    expect([small.width, small.height]).toEqual([256, 256]);
    // The source sits in the middle of both.
    expect(small.data[4 * (128 * 256 + 128)]).toBeGreaterThan(240);
  });

  it('passes options through (size of the large preview, JPEG quality)', () => {
    const scratch = scratchDir();
    cleanup = scratch.cleanup;
    const plane = noiseImage(600, 400, 1e-4, 4);
    const [large] = writePreviews(plane, 600, 400, scratch.dir, 'p', { maxSize: 300, quality: 50, stretch: 'zscale' });
    const decoded = jpeg.decode(readFileSync(large), { useTArray: true });
    expect([decoded.width, decoded.height]).toEqual([300, 200]);
  });

  it('refuses a product name with a directory part and a bad quality before writing anything', () => {
    const scratch = scratchDir();
    cleanup = scratch.cleanup;
    const plane = noiseImage(64, 64, 1, 1);
    expect(() => writePreviews(plane, 64, 64, scratch.dir, '../escape')).toThrow(UsageError);
    expect(() => writePreviews(plane, 64, 64, scratch.dir, 'p', { quality: 0 })).toThrow(/quality 0/);
    expect(readdirSync(scratch.dir)).toEqual([]);
  });

  it('reports a missing output directory as an OutputError naming it', () => {
    const plane = noiseImage(64, 64, 1, 1);
    expect(() => writePreviews(plane, 64, 64, '/nonexistent-dir-for-previews', 'p')).toThrow(OutputError);
    expect(() => writePreviews(plane, 64, 64, '/nonexistent-dir-for-previews', 'p')).toThrow(/nonexistent-dir-for-previews\/p_prev.jpg/);
  });
});
