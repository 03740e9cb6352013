/**
 * PyBDSF's rms_box rule and adaptive_rms_box. A wrong box either smooths the noise over a
 * bright source's artefacts (spurious islands around it) or measures the rms in boxes so
 * small that sources raise it.
 */
import { describe, expect, it } from 'vitest';
import { estimateBackground } from '../../../shared/sources/background.js';
import { bstat } from '../../../shared/sources/bstat.js';
import { pybdsfRmsBox } from '../../../shared/sources/rmsBoxRule.js';
import type { PixelBeam } from '../../../shared/sources/image.js';
import { addGaussian, mulberry32, normal, whiteNoise } from './synthetic.js';

const beam = (fwhm: number): PixelBeam => {
  const s = fwhm / Math.sqrt(8 * Math.LN2);
  return { cov: { xx: s * s, xy: 0, yy: s * s }, sigmaMajor: s, sigmaMinor: s, angle: 0, fwhmMajor: fwhm, fwhmMinor: fwhm, areaPixels: 2 * Math.PI * s * s };
};

const SIZE = 400;
const FWHM = 4;
const SOURCE = { x: 200.3, y: 150.6, peak: 1000, sigmaMajor: 1.7, sigmaMinor: 1.7, angle: 0 };

function imageWithBrightSource(): Float32Array {
  const data = whiteNoise(SIZE, SIZE, 1, 11);
  addGaussian(data, SIZE, SIZE, SOURCE);
  return data;
}

/** Extent (pixels along x or y, the larger) of the pixels at or above `level`, counted directly. */
function extentAbove(data: Float32Array, level: number): number {
  let xMin = Infinity;
  let xMax = -Infinity;
  let yMin = Infinity;
  let yMax = -Infinity;
  for (let y = 0; y < SIZE; y++)
    for (let x = 0; x < SIZE; x++)
      if (data[y * SIZE + x] >= level) {
        xMin = Math.min(xMin, x);
        xMax = Math.max(xMax, x);
        yMin = Math.min(yMin, y);
        yMax = Math.max(yMax, y);
      }
  return Math.max(xMax - xMin + 1, yMax - yMin + 1);
}

describe("PyBDSF's rms_box rule", () => {
  const data = imageWithBrightSource();
  const whole = bstat(Float32Array.from(data), data.length, 3);

  it('takes five times the largest 10-sigma island, or a tenth of the image, with a step of a third', () => {
    const extent = extentAbove(data, whole.mean + 10 * whole.rms); // one source: its island is all that passes
    const box = Math.max(Math.trunc(Math.max(SIZE / 10, 5 * extent)), Math.trunc(9 * FWHM));
    const expected = box % 10 === 0 ? box + 1 : box;
    const choice = pybdsfRmsBox(data, SIZE, SIZE, beam(FWHM), whole, { adaptive: false });
    expect(choice.rmsBox).toEqual([expected, Math.round(Math.min(expected / 3, SIZE / 10))]);
    expect(choice.brightBox).toBeUndefined();
  });

  it('with adaptive_rms_box finds the bright source and sizes the small box from it (at least 9 beams)', () => {
    const choice = pybdsfRmsBox(data, SIZE, SIZE, beam(FWHM), whole, { adaptive: true });
    expect(choice.brightPeaks).toEqual([151 * SIZE + 200]); // the brightest pixel
    // The brightest source's size, 2 FWHM/2.3548 sqrt(2 ln(1000/3)), is 12 px; 9 beams, 36 px, is more.
    expect(choice.brightBox).toEqual([36, 12]);
  });

  it('keeps a given rms_box, and without a bright source has no small box', () => {
    expect(pybdsfRmsBox(data, SIZE, SIZE, beam(FWHM), whole, { rmsBox: [90, 30], adaptive: true }).rmsBox).toEqual([90, 30]);
    const noise = whiteNoise(SIZE, SIZE, 1, 12);
    const quiet = pybdsfRmsBox(noise, SIZE, SIZE, beam(FWHM), bstat(Float32Array.from(noise), noise.length, 3), { adaptive: true });
    expect(quiet.brightBox).toBeUndefined();
    expect(quiet.rmsBox).toEqual([41, 14]); // a tenth of the image, 40, made odd
  });
});

describe('adaptive_rms_box in the background', () => {
  // Artefacts around the bright source: noise three times higher within 20 px of it.
  const data = imageWithBrightSource();
  const gauss = normal(mulberry32(13));
  for (let y = 0; y < SIZE; y++)
    for (let x = 0; x < SIZE; x++) if (Math.hypot(x - SOURCE.x, y - SOURCE.y) < 20) data[y * SIZE + x] += Math.sqrt(8) * gauss();

  it('raises the rms around the bright source more than the one large box does, and leaves the rest at the noise', () => {
    const plain = estimateBackground(data, SIZE, SIZE, beam(FWHM), { rmsMap: 'map', rmsBox: [81, 27] });
    const adaptive = estimateBackground(data, SIZE, SIZE, beam(FWHM), { rmsBox: [81, 27], adaptiveRmsBox: true });
    expect(adaptive.brightBox).toEqual([36, 12]);
    expect(adaptive.brightSources).toBe(1);
    expect(adaptive.rmsSource).toBe('grid'); // a bright source always keeps the map, as PyBDSF
    const near = 160 * SIZE + 200;
    expect(adaptive.rms[near]).toBeGreaterThan(1.5 * plain.rms[near]);
    for (const far of [40 * SIZE + 40, 350 * SIZE + 350]) expect(Math.abs(adaptive.rms[far] - 1)).toBeLessThan(0.1);
  });
});
