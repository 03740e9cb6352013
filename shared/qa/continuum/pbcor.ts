/**
 * Statistics of the primary-beam-corrected image plane: peak and its position, deepest
 * negative, robust level and spread, and how much of the plane carries no value.
 *
 * Blanks: NaN is FITS's blank; CASA also writes exact 0 in masked regions, so the robust
 * statistics skip zeros too. ±Infinity is counted as blank (no CASA product should hold it;
 * if one does, it must not become the "peak").
 */
import { medianAndMad, pixelCensus, type FloatArray } from '../../stats/index.js';
import type { Wcs } from '../../wcs/index.js';
import type { PbcorMetrics } from '../types.js';

export function measurePbcor(plane: FloatArray, width: number, wcs: Wcs | null): PbcorMetrics {
  // One pass for the census and the extrema of the finite values, then the order statistics.
  const { counts, extrema: ext } = pixelCensus(plane, width);
  const robust = medianAndMad(counts.infinite > 0 ? withoutInfinities(plane) : plane, { excludeZeros: true });
  const total = counts.total;
  const blankFraction = total === 0 ? 1 : (counts.nan + counts.infinite) / total;
  const zeroFraction = total === 0 ? 0 : counts.zero / total;

  let peakRaDeg: number | null = null;
  let peakDecDeg: number | null = null;
  if (ext && wcs) {
    const [ra, dec] = wcs.pixelToSky(ext.max.x, ext.max.y);
    if (Number.isFinite(ra) && Number.isFinite(dec)) {
      peakRaDeg = ra;
      peakDecDeg = dec;
    }
  }
  return {
    peakJy: ext ? ext.max.value : null,
    peakRaDeg,
    peakDecDeg,
    peakPixel: ext ? { x: ext.max.x, y: ext.max.y } : null,
    minJy: ext ? ext.min.value : null,
    medianJy: finiteOrNull(robust.median),
    madSigmaJy: finiteOrNull(robust.madStd),
    blankFraction,
    zeroFraction,
    maskedFraction: blankFraction + zeroFraction,
    pixelCount: total,
  };
}

/** A copy with ±Infinity replaced by NaN (the caller's plane is never modified). */
function withoutInfinities(plane: FloatArray): FloatArray {
  const copy = plane.slice();
  for (let i = 0; i < copy.length; i++) if (copy[i] === Infinity || copy[i] === -Infinity) copy[i] = NaN;
  return copy;
}

export function finiteOrNull(v: number): number | null {
  return Number.isFinite(v) ? v : null;
}
