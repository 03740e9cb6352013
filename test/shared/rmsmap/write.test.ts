/** writeRmsImage: the rms plane on the image's own header and axes, written atomically. */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { UsageError } from '../../../shared/errors.js';
import { FitsHeader, FitsReader } from '../../../shared/fits/index.js';
import { writeRmsImage } from '../../../shared/rmsmap/index.js';
import { scratchDir } from '../fits/helpers.js';

function qlLikeHeader(width: number, height: number): FitsHeader {
  const h = new FitsHeader([], 'image.fits');
  h.set('SIMPLE', true);
  h.set('BITPIX', -32);
  h.set('NAXIS', 4);
  [width, height, 1, 1].forEach((n, i) => h.set(`NAXIS${i + 1}`, n));
  h.set('BUNIT', 'Jy/beam');
  h.set('CRPIX1', 3.0);
  h.set('CDELT2', 2.777777777778e-4);
  h.set('DATAMIN', -9.2e-4);
  h.set('DATAMAX', 8.8e-2);
  h.set('BSCALE', 1.0);
  return h;
}

describe('writeRmsImage', () => {
  let cleanup = (): void => {};
  afterEach(() => cleanup());

  it('writes the plane with the template axes and keywords, DATAMIN/DATAMAX of the rms', () => {
    const scratch = scratchDir();
    cleanup = scratch.cleanup;
    const path = join(scratch.dir, 'product.rms.fits');
    const rms = Float32Array.from([1.1e-4, 1.2e-4, Number.NaN, 1.3e-4, 1.4e-4, 1.5e-4]);
    writeRmsImage(path, rms, qlLikeHeader(3, 2), { history: ['rms: imdev-like, 60" boxes'] });
    const reader = FitsReader.open(path);
    try {
      expect(reader.naxis).toEqual([3, 2, 1, 1]);
      expect(reader.header.get('BUNIT')).toBe('Jy/beam');
      expect(reader.header.get('CRPIX1')).toBe(3);
      expect(reader.header.getNumber('DATAMIN')).toBeCloseTo(1.1e-4, 10);
      expect(reader.header.getNumber('DATAMAX')).toBeCloseTo(1.5e-4, 10);
      expect(reader.header.history()).toContain('rms: imdev-like, 60" boxes');
      const back = reader.readPlane();
      expect([...back].map((v) => (Number.isNaN(v) ? 'NaN' : v))).toEqual([...rms].map((v) => (Number.isNaN(v) ? 'NaN' : v)));
    } finally {
      reader.close();
    }
    expect(readdirSync(scratch.dir)).toEqual(['product.rms.fits']); // no temporaries left
  });

  it('refuses a plane that is not the template image\'s, and writes nothing', () => {
    const scratch = scratchDir();
    cleanup = scratch.cleanup;
    const path = join(scratch.dir, 'bad.fits');
    expect(() => writeRmsImage(path, new Float32Array(5), qlLikeHeader(3, 2))).toThrow(UsageError);
    expect(() => writeRmsImage(path, new Float32Array(5), qlLikeHeader(3, 2))).toThrow(/5 pixels but the template header image.fits describes a 3x2x1x1 image/);
    expect(readdirSync(scratch.dir)).toEqual([]);
  });
});
