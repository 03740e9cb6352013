/** Grid and box placement (CASA imdev's StatImageCreator rules) and argument checking. */
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../shared/errors.js';
import { parseHeaderText } from '../../../shared/fits/index.js';
import { boxSide, computeRmsGrid, computeRmsMap, gridGeometry, referencePixelAnchor } from '../../../shared/rmsmap/index.js';
import { hasRealdata, realdata } from '../../helpers/realdata.js';
import { readFileSync } from 'node:fs';
import { noiseImage } from './noise.js';

describe('gridGeometry', () => {
  it('sizes 60" boxes as casacore rounds them: 61 px at 1", 101 px at 0.6"', () => {
    expect(boxSide(gridGeometry(3722, 3722, { cellArcsec: 1 }))).toBe(61);
    expect(boxSide(gridGeometry(6202, 6202, { cellArcsec: 0.6 }))).toBe(101);
    expect(boxSide(gridGeometry(500, 500, { cellArcsec: 1, boxArcsec: 30 }))).toBe(31);
  });

  it('puts nodes on the anchor lattice from the first non-negative position to the image edge', () => {
    // QL: CRPIX 1861 (1-based) -> anchor 1860 -> nodes at 0, 10, ..., 3720: 373 per axis.
    const ql = gridGeometry(3722, 3722, { cellArcsec: 1, anchor: [1860, 1860] });
    expect([ql.x0, ql.nx, ql.y0, ql.ny]).toEqual([0, 373, 0, 373]);
    const odd = gridGeometry(400, 395, { cellArcsec: 1, anchor: [203, -7] });
    expect([odd.x0, odd.nx]).toEqual([3, 40]); // 3, 13, ..., 393
    expect([odd.y0, odd.ny]).toEqual([3, 40]); // -7 mod 10 = 3; 3, ..., 393 (394 is the last row)
  });

  it('rounds a fractional anchor half to even, as C rint', () => {
    expect(gridGeometry(100, 100, { cellArcsec: 1, anchor: [12.5, 13.5] })).toMatchObject({ x0: 2, y0: 4 });
    expect(gridGeometry(100, 100, { cellArcsec: 1, anchor: [-2.5, 7.4] })).toMatchObject({ x0: 8, y0: 7 });
  });

  it.each([
    [{ cellArcsec: 0 }, /cell size 0/],
    [{ cellArcsec: Number.NaN }, /cell size NaN/],
    [{ cellArcsec: 1, gridStep: 2.5 }, /grid step 2.5/],
    [{ cellArcsec: 61 }, /under 3 pixels/],
  ])('rejects %o with a UsageError naming the problem', (options, message) => {
    expect(() => gridGeometry(100, 100, options)).toThrow(UsageError);
    expect(() => gridGeometry(100, 100, options)).toThrow(message);
  });

  it('rejects a plane whose length does not match the size', () => {
    expect(() => computeRmsMap(new Float32Array(99), 10, 10, { cellArcsec: 1 })).toThrow(/99 pixels, not 10 x 10/);
  });
});

describe('referencePixelAnchor', () => {
  it('is CRPIX − 1 (0-based) and needs both keywords', () => {
    const header = parseHeaderText(['CRPIX1  =               1861.0', 'CRPIX2  =               1861.0'].map((l) => l.padEnd(80)).join('\n'), 'mem');
    expect(referencePixelAnchor(header)).toEqual([1860, 1860]);
    expect(() => referencePixelAnchor(parseHeaderText('CRPIX1  = 3'.padEnd(80), 'mem'))).toThrow(/no CRPIX1\/CRPIX2/);
  });

  it.skipIf(!hasRealdata)('anchors a real QL rms header on nodes 0, 10, ... (CRPIX 1861)', () => {
    const text = readFileSync(realdata('vlass_fits_headers', 'VLASS1.1.ql.T29t05.J110448+763000.10.2048.v1.I.iter1.image.pbcor.tt0.subim.fits.header'), 'utf8');
    const header = parseHeaderText(text, 'QL header');
    const g = gridGeometry(header.requireInteger('NAXIS1'), header.requireInteger('NAXIS2'), { cellArcsec: Math.abs(header.requireNumber('CDELT2')) * 3600, anchor: referencePixelAnchor(header) });
    expect([g.x0, g.y0, g.nx, g.halfWidth]).toEqual([0, 0, 373, 30]);
  });
});

describe('blank pixels and sparse boxes', () => {
  const width = 200;
  const image = noiseImage(width, width, 1e-4, 5);

  it('leaves NaN, infinite and (by default) zero pixels out of the boxes and blank in the map', () => {
    const marked = image.slice();
    marked[50 * width + 50] = Number.NaN;
    marked[60 * width + 60] = Number.POSITIVE_INFINITY;
    marked[70 * width + 70] = 0;
    const map = computeRmsMap(marked, width, width, { cellArcsec: 1 });
    expect(map[50 * width + 50]).toBeNaN();
    expect(map[60 * width + 60]).toBeNaN();
    expect(map[70 * width + 70]).toBeNaN();
    expect(map[71 * width + 70]).toBeGreaterThan(0);
    const grid = computeRmsGrid(marked, width, width, { cellArcsec: 1 });
    const full = computeRmsGrid(image, width, width, { cellArcsec: 1 });
    const node = 7 * grid.geometry.nx + 7; // box around (70, 70) holds all three
    expect(grid.validCount[node]).toBe(full.validCount[node] - 3);
    // With zeros kept, the zero pixel counts again and gets a value.
    const keepZeros = computeRmsMap(marked, width, width, { cellArcsec: 1, excludeZeros: false });
    expect(keepZeros[70 * width + 70]).toBeGreaterThan(0);
  });

  it('blanks a node whose box has less than minValidFraction valid pixels', () => {
    const holey = image.slice();
    // Blank everything but a 15 x 15 patch (225 px) around node (100, 100): 6 % of a 61 x 61 box.
    for (let y = 0; y < width; y++) for (let x = 0; x < width; x++) if (Math.abs(x - 100) > 7 || Math.abs(y - 100) > 7) holey[y * width + x] = Number.NaN;
    const strict = computeRmsGrid(holey, width, width, { cellArcsec: 1 });
    const node = 10 * strict.geometry.nx + 10;
    expect(strict.validCount[node]).toBe(225);
    expect(strict.values[node]).toBeNaN();
    expect(computeRmsMap(holey, width, width, { cellArcsec: 1 })[100 * width + 100]).toBeNaN();
    const lenient = computeRmsGrid(holey, width, width, { cellArcsec: 1, minValidFraction: 0.05 });
    expect(lenient.values[node]).toBeGreaterThan(0);
    expect(computeRmsMap(holey, width, width, { cellArcsec: 1, minValidFraction: 0.05 })[100 * width + 100]).toBeGreaterThan(0);
  });

  it('gives the same answer for float64 pixels', () => {
    const small = image.subarray(0, 120 * width);
    const single = computeRmsGrid(small, width, 120, { cellArcsec: 1 });
    const double = computeRmsGrid(Float64Array.from(small), width, 120, { cellArcsec: 1 });
    expect([...double.values]).toEqual([...single.values]);
  });
});
