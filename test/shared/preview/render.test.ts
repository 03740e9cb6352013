/**
 * Rendered previews as the archive will show them: decoded back from JPEG, the size is
 * right, blank areas are the flat neutral grey, a bright source appears where it is on the
 * sky with north up, and the stretch is the one asked for.
 */
import jpeg from 'jpeg-js';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../shared/errors.js';
import { encodeJpeg, previewSize, renderPreview } from '../../../shared/preview/index.js';
import { addGaussian, noiseImage } from '../rmsmap/noise.js';

// A plane wider than tall, so a transposed or unflipped image could not pass.
const WIDTH = 1500;
const HEIGHT = 1100;
const SIGMA = 1e-4;

function testPlane(): Float32Array {
  const plane = noiseImage(WIDTH, HEIGHT, SIGMA, 21);
  // Bright source near the bottom-left of the FITS array (row 0 is south): it must come out
  // near the bottom-left of the picture.
  addGaussian(plane, WIDTH, 300, 150, 500 * SIGMA, 6);
  // Blank (NaN) block at the top-right of the FITS array (north-east corner of the data).
  for (let y = HEIGHT - 200; y < HEIGHT; y++) for (let x = WIDTH - 300; x < WIDTH; x++) plane[y * WIDTH + x] = Number.NaN;
  return plane;
}

const plane = testPlane();

function decode(bytes: Uint8Array): { width: number; height: number; data: Uint8Array } {
  return jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true });
}

function grey(img: { width: number; data: Uint8Array }, x: number, y: number): number {
  return img.data[4 * (y * img.width + x)];
}

describe('renderPreview', () => {
  const preview = renderPreview(plane, WIDTH, HEIGHT); // defaults: 1024 px, asinh
  const decoded = decode(encodeJpeg(preview));

  it('is 1024 px on the longest side, aspect kept, and decodes to that size', () => {
    expect([preview.width, preview.height]).toEqual([1024, 751]);
    expect([decoded.width, decoded.height]).toEqual([1024, 751]);
    expect(decoded.data.length).toBe(1024 * 751 * 4);
  });

  it('shows the blank block flat neutral grey, in the top-right corner (north up)', () => {
    const sx = 1024 / WIDTH;
    const sy = 751 / HEIGHT;
    const values: number[] = [];
    // Well inside the block: preview rows 0 .. 200·sy, columns (WIDTH − 300)·sx .. 1023.
    for (let y = 10; y < 200 * sy - 10; y++) for (let x = Math.ceil((WIDTH - 300) * sx) + 10; x < 1014; x++) values.push(...[0, 1, 2].map((c) => decoded.data[4 * (y * 1024 + x) + c]));
    expect(Math.min(...values)).toBeGreaterThanOrEqual(125);
    expect(Math.max(...values)).toBeLessThanOrEqual(131);
    // The same-size corner at the bottom-left is noise: textured, not flat.
    const noise: number[] = [];
    for (let y = 751 - 120; y < 751 - 10; y++) for (let x = 500; x < 600; x++) noise.push(grey(decoded, x, y));
    const mean = noise.reduce((a, b) => a + b, 0) / noise.length;
    const sd = Math.sqrt(noise.reduce((a, b) => a + (b - mean) ** 2, 0) / noise.length);
    expect(sd).toBeGreaterThan(10);
  });

  it('puts the bright source where it is on the sky: FITS (300, 150) → preview (204.65, 647.75)', () => {
    // Centroid of the saturated pixels (the source core; noise never reaches white).
    let n = 0;
    let sx = 0;
    let sy = 0;
    for (let y = 0; y < decoded.height; y++)
      for (let x = 0; x < decoded.width; x++)
        if (grey(decoded, x, y) >= 250) {
          n++;
          sx += x;
          sy += y;
        }
    expect(n).toBeGreaterThan(3);
    // Pixel centres: x = (300 + 0.5)·1024/1500 − 0.5 = 204.65; counted from the top,
    // y = 750 − ((150 + 0.5)·751/1100 − 0.5) = 647.75.
    expect(Math.abs(sx / n - 204.65)).toBeLessThan(1);
    expect(Math.abs(sy / n - 647.75)).toBeLessThan(1);
  });

  it('asinh puts the noise in the lower part of the range, zscale centres it', () => {
    const median = (img: ReturnType<typeof decode>): number => {
      const v: number[] = [];
      for (let y = 400; y < 700; y += 3) for (let x = 400; x < 700; x += 3) v.push(grey(img, x, y));
      return v.sort((a, b) => a - b)[v.length >> 1];
    };
    const zscale = decode(encodeJpeg(renderPreview(plane, WIDTH, HEIGHT, { stretch: 'zscale' })));
    expect(median(decoded)).toBeGreaterThan(60);
    expect(median(decoded)).toBeLessThan(120);
    expect(Math.abs(median(zscale) - 128)).toBeLessThan(30);
  });

  it('renders the 256 px thumbnail too, and never enlarges a small image', () => {
    const thumb = renderPreview(plane, WIDTH, HEIGHT, { maxSize: 256 });
    expect([thumb.width, thumb.height]).toEqual([256, 188]);
    expect(previewSize(200, 100, 1024)).toEqual({ width: 200, height: 100 });
    const small = renderPreview(plane.subarray(0, 200 * 100), 200, 100);
    expect([small.width, small.height]).toEqual([200, 100]);
  });

  it('can treat exact zeros as blank and use another blank colour', () => {
    const zeros = plane.slice(0, 300 * 200);
    zeros.fill(0, 0, 300 * 50); // bottom 50 rows
    const p = renderPreview(zeros, 300, 200, { excludeZeros: true, blankColor: [0, 0, 255] });
    const bottomRow = 199 * 300 * 4;
    expect(Array.from(p.rgba.subarray(bottomRow, bottomRow + 4))).toEqual([0, 0, 255, 255]);
    const plain = renderPreview(zeros, 300, 200);
    expect(plain.rgba[bottomRow + 2]).not.toBe(255);
  });

  it.each([
    [{ maxSize: 0 }, /maxSize 0/],
    [{ stretch: 'log' as never }, /stretch 'log'/],
    [{ percentiles: [99.5, 0.5] as [number, number] }, /percentiles \[99.5, 0.5\]/],
    [{ asinhA: 0 }, /asinhA 0/],
    [{ headroom: 0.5 }, /headroom 0.5/],
    [{ blankColor: [1, 2, 300] as [number, number, number] }, /blankColor/],
  ])('rejects %o with a one-line UsageError', (options, message) => {
    expect(() => renderPreview(plane, WIDTH, HEIGHT, options)).toThrow(UsageError);
    expect(() => renderPreview(plane, WIDTH, HEIGHT, options)).toThrow(message);
  });

  it('rejects a plane that does not match its size', () => {
    expect(() => renderPreview(plane, WIDTH, HEIGHT + 1)).toThrow(/does not match 1500 x 1101/);
  });
});
