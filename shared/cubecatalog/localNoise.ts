/**
 * The noise of one plane as it varies over the image: a primary-beam-corrected window's noise
 * rises from the pointing centre outward (σ / response), so one plane-wide σ overstates the
 * errors of central components and understates those near the edge. This is the plane's
 * background rms map in the way PyBDSF makes one (rms_box): the MAD-based σ (astropy's
 * mad_std) of the valid pixels in boxes tiling the plane, bilinearly interpolated between box
 * centres.
 *
 * Pixels are sampled on every `stride`-th row and column: the noise of a restored image is
 * correlated over the beam (several pixels), so neighbouring pixels add little information,
 * and the sampling cuts the cost of a box by stride². A box with fewer than MIN_VALID_FRACTION
 * of its samples valid (blanked corners, flagged regions) takes the mean of its valid
 * neighbours, repeatedly, so the map is defined everywhere the plane has any valid box.
 */
import { type FloatArray, medianAndMad } from '../stats/index.js';

export interface NoiseMap {
  /** σ at a (0-based, fractional) pixel position; NaN when the plane has no valid box. */
  at(x: number, y: number): number;
  boxesX: number;
  boxesY: number;
  box: number;
}

/** Boxes with fewer valid samples than this fraction are filled from their neighbours. */
const MIN_VALID_FRACTION = 0.25;

export function noiseMap(data: FloatArray, width: number, height: number, box: number, stride: number): NoiseMap {
  const boxesX = Math.max(1, Math.round(width / box));
  const boxesY = Math.max(1, Math.round(height / box));
  const sigma = new Float64Array(boxesX * boxesY);
  const edgesX = edges(width, boxesX);
  const edgesY = edges(height, boxesY);
  const scratch = new Float32Array(Math.ceil(Math.max(...steps(edgesX)) / stride) * Math.ceil(Math.max(...steps(edgesY)) / stride));
  for (let by = 0; by < boxesY; by++) {
    for (let bx = 0; bx < boxesX; bx++) {
      let n = 0;
      let samples = 0;
      for (let y = edgesY[by]; y < edgesY[by + 1]; y += stride) {
        const row = y * width;
        for (let x = edgesX[bx]; x < edgesX[bx + 1]; x += stride) {
          samples++;
          const v = data[row + x];
          if (v === v && v !== 0 && v !== Infinity && v !== -Infinity) scratch[n++] = v;
        }
      }
      sigma[by * boxesX + bx] = n >= MIN_VALID_FRACTION * samples && n > 0 ? medianAndMad(scratch.subarray(0, n), { consumeInput: true }).madStd : NaN;
    }
  }
  fillFromNeighbours(sigma, boxesX, boxesY);
  // Box centres, for the interpolation.
  const centresX = Array.from({ length: boxesX }, (_, i) => (edgesX[i] + edgesX[i + 1] - 1) / 2);
  const centresY = Array.from({ length: boxesY }, (_, i) => (edgesY[i] + edgesY[i + 1] - 1) / 2);
  return {
    boxesX,
    boxesY,
    box,
    at(x, y) {
      const [i0, i1, fx] = bracket(centresX, x);
      const [j0, j1, fy] = bracket(centresY, y);
      const s = (i: number, j: number) => sigma[j * boxesX + i];
      return (1 - fy) * ((1 - fx) * s(i0, j0) + fx * s(i1, j0)) + fy * ((1 - fx) * s(i0, j1) + fx * s(i1, j1));
    },
  };
}

/** `count` boxes of (nearly) equal size over `length` pixels: count + 1 edges. */
function edges(length: number, count: number): number[] {
  return Array.from({ length: count + 1 }, (_, i) => Math.round((i * length) / count));
}

function steps(e: number[]): number[] {
  return e.slice(1).map((v, i) => v - e[i]);
}

/** Indices of the two centres around p and the weight of the second (clamped at the ends). */
function bracket(centres: number[], p: number): [number, number, number] {
  const last = centres.length - 1;
  if (last === 0 || p <= centres[0]) return [0, 0, 0];
  if (p >= centres[last]) return [last, last, 0];
  let i = 0;
  while (centres[i + 1] < p) i++;
  return [i, i + 1, (p - centres[i]) / (centres[i + 1] - centres[i])];
}

/** NaN boxes take the mean of their valid 8-neighbours, pass after pass, until none is left or nothing changes. */
function fillFromNeighbours(sigma: Float64Array, nx: number, ny: number): void {
  for (;;) {
    const next = Float64Array.from(sigma);
    let filled = 0;
    let missing = 0;
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++) {
        if (!Number.isNaN(sigma[j * nx + i])) continue;
        missing++;
        let sum = 0;
        let count = 0;
        for (let dj = -1; dj <= 1; dj++)
          for (let di = -1; di <= 1; di++) {
            const a = i + di;
            const b = j + dj;
            if (a < 0 || b < 0 || a >= nx || b >= ny) continue;
            const v = sigma[b * nx + a];
            if (!Number.isNaN(v)) {
              sum += v;
              count++;
            }
          }
        if (count > 0) {
          next[j * nx + i] = sum / count;
          filled++;
        }
      }
    }
    sigma.set(next);
    if (missing === 0 || filled === 0) return;
  }
}
