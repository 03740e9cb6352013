/**
 * Sanity of a Single Epoch product's spectral-index images (alpha, alpha.error) and their
 * agreement with the Taylor-term images, measured where the tt0 image is significant.
 *
 * The pixels judged ("high S/N") are those where tt0 and the rms image are finite, the rms is
 * positive and tt0 / rms >= snrMin (compared in float64, as numpy compares the float32 images
 * after `astype(float64)`). Of those, the spectral index statistics use the pixels whose alpha
 * is finite (NaN and ±Infinity are blanks; 0 is a valid, flat, spectral index):
 *
 *   medianHighSnr            median of alpha
 *   madSigmaHighSnr          MAD x 1.482602218505602 of alpha (astropy mad_std)
 *   fractionUnphysical       fraction of alpha < unphysicalBelow or > unphysicalAbove
 *   medianErrorHighSnr       median of alpha.error (its finite values at those pixels)
 *   tt1ConsistencyMedianAbs  median of |alpha - tt1/tt0| (where tt1 is finite): the pipeline's
 *                            alpha is tt1/tt0 of the same restored images, so this is ~1e-7
 *                            (float32 rounding) when the products belong together
 *   blankFractionHighSnr     fraction of the high-S/N pixels whose alpha is blank
 *
 * Memory: only the high-S/N pixel indices are kept; the alpha, alpha.error and tt1 planes can
 * be given as functions that read them, one at a time, so a 6202^2 product never holds more
 * than the tt0 and rms planes plus one more.
 */
import { medianAndMad, median, type FloatArray } from '../../stats/index.js';
import { finiteOrNull } from './pbcor.js';

export interface AlphaOptions {
  /** tt0 / rms at or above which a pixel is "high S/N". */
  snrMin: number;
  /** Spectral indices below this (steeper) are unphysical. */
  unphysicalBelow: number;
  /** Spectral indices above this (more inverted) are unphysical. */
  unphysicalAbove: number;
}

export interface AlphaMetrics {
  /** The S/N cut used (tt0 / rms >= snrMin). */
  snrMin: number;
  /** The physical range used: values outside [min, max] count as unphysical. */
  physicalRange: { min: number; max: number };
  /** Pixels with tt0 / rms >= snrMin. */
  nHighSnr: number;
  /** Of those, pixels with a finite spectral index (the statistics below are over these). */
  nAlphaHighSnr: number;
  /** (nHighSnr - nAlphaHighSnr) / nHighSnr (null: no high-S/N pixel). */
  blankFractionHighSnr: number | null;
  medianHighSnr: number | null;
  madSigmaHighSnr: number | null;
  fractionUnphysical: number | null;
  medianErrorHighSnr: number | null;
  tt1ConsistencyMedianAbs: number | null;
}

/** A plane, or a function that reads it (called once, when it is needed). */
export type PlaneSource = FloatArray | (() => FloatArray);

export interface AlphaPlanes {
  alpha: PlaneSource;
  alphaError: PlaneSource;
  tt1: PlaneSource;
}

/** Indices (row-major) of the pixels with finite tt0 and rms, rms > 0 and tt0 / rms >= snrMin. */
export function highSnrPixels(tt0: FloatArray, rms: FloatArray, snrMin: number): Uint32Array {
  if (tt0.length !== rms.length) throw new RangeError(`tt0 has ${tt0.length} pixels, the rms plane ${rms.length}`);
  if (!(snrMin > 0)) throw new RangeError(`snrMin ${snrMin} must be positive`);
  const keep = (i: number) => {
    const r = rms[i];
    // r > 0 is false for NaN; tt0 NaN gives a NaN ratio, which fails >=; an infinite tt0 or rms is a blank.
    return r > 0 && r !== Infinity && tt0[i] !== Infinity && tt0[i] / r >= snrMin;
  };
  let n = 0;
  for (let i = 0; i < tt0.length; i++) if (keep(i)) n++;
  const out = new Uint32Array(n);
  let k = 0;
  for (let i = 0; i < tt0.length; i++) if (keep(i)) out[k++] = i;
  return out;
}

/** The values of `plane` at `indices`, in float64. */
export function gather(plane: FloatArray, indices: Uint32Array): Float64Array {
  const out = new Float64Array(indices.length);
  for (let k = 0; k < indices.length; k++) out[k] = plane[indices[k]];
  return out;
}

function resolvePlane(source: PlaneSource, length: number, what: string): FloatArray {
  const plane = typeof source === 'function' ? source() : source;
  if (plane.length !== length) throw new RangeError(`the ${what} plane has ${plane.length} pixels, tt0 ${length}`);
  return plane;
}

/** The spectral-index metrics of one SE product (see the module comment). */
export function measureAlpha(tt0: FloatArray, rms: FloatArray, planes: AlphaPlanes, options: AlphaOptions): AlphaMetrics {
  const { snrMin, unphysicalBelow, unphysicalAbove } = options;
  if (!(unphysicalBelow < unphysicalAbove)) throw new RangeError(`unphysical range [${unphysicalBelow}, ${unphysicalAbove}] is empty`);
  const high = highSnrPixels(tt0, rms, snrMin);
  const base = { snrMin, physicalRange: { min: unphysicalBelow, max: unphysicalAbove }, nHighSnr: high.length };

  // Only the pixels with a finite alpha go on: their indices and alpha values.
  const alphaAtHigh = gather(resolvePlane(planes.alpha, tt0.length, 'alpha'), high);
  let nAlpha = 0;
  for (const a of alphaAtHigh) if (Number.isFinite(a)) nAlpha++;
  const idx = new Uint32Array(nAlpha);
  const alpha = new Float64Array(nAlpha);
  let unphysical = 0;
  for (let k = 0, j = 0; k < high.length; k++) {
    const a = alphaAtHigh[k];
    if (!Number.isFinite(a)) continue;
    idx[j] = high[k];
    alpha[j++] = a;
    if (a < unphysicalBelow || a > unphysicalAbove) unphysical++;
  }

  const errors = gather(resolvePlane(planes.alphaError, tt0.length, 'alpha.error'), idx);
  const finiteErrors = errors.filter((e) => Number.isFinite(e));

  const tt1 = gather(resolvePlane(planes.tt1, tt0.length, 'tt1'), idx);
  const differences = new Float64Array(nAlpha);
  let nd = 0;
  for (let j = 0; j < nAlpha; j++) {
    const t1 = tt1[j];
    if (!Number.isFinite(t1)) continue;
    // tt0 here is >= snrMin x rms > 0, so the ratio is finite.
    differences[nd++] = Math.abs(alpha[j] - t1 / tt0[idx[j]]);
  }

  const robust = medianAndMad(alpha, { consumeInput: true });
  return {
    ...base,
    nAlphaHighSnr: nAlpha,
    blankFractionHighSnr: high.length === 0 ? null : (high.length - nAlpha) / high.length,
    medianHighSnr: finiteOrNull(robust.median),
    madSigmaHighSnr: finiteOrNull(robust.madStd),
    fractionUnphysical: nAlpha === 0 ? null : unphysical / nAlpha,
    medianErrorHighSnr: finiteOrNull(median(finiteErrors)),
    tt1ConsistencyMedianAbs: finiteOrNull(median(differences.subarray(0, nd))),
  };
}
