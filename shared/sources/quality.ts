/**
 * Stage 5: CIRADA VLASS catalogue quality measures (Gordon et al. 2021, ApJS 255, 30; see
 * catalogs.md).
 *
 * - Peak_to_ring: the largest pixel within 5" of the component's centre divided by the
 *   largest pixel in the 5"–10" annulus around it, on the image itself. Sidelobe artefacts
 *   near bright sources sit in a ring of comparable brightness, so a low ratio marks a
 *   likely artefact. NaN when the annulus has no pixel on the image.
 * - NN_dist: great-circle distance in arcsec to the nearest other component (Infinity for a
 *   lone component). Found by a sweep over components sorted by declination: |Δδ| never
 *   exceeds the separation, so the sweep stops once |Δδ| passes the best distance so far.
 * - Quality_flag bits: 1 = Peak_to_ring < 2 and NN_dist >= 20" (an isolated component
 *   that looks like a sidelobe), 2 = Peak_flux < 5 x Isl_rms, 4 = Peak_flux > Total_flux
 *   (smaller than the beam: unphysical for a restored image).
 * The radii and limits are options so non-VLASS images (other resolutions) can scale them.
 */
import { angularSeparation } from '../wcs/index.js';
import type { FloatArray } from './image.js';
import type { Component } from './types.js';

export interface QualityOptions {
  /** Inner radius, arcsec (default 5). */
  innerRadiusArcsec?: number;
  /** Outer radius of the ring, arcsec (default 10). */
  outerRadiusArcsec?: number;
  /** Peak_to_ring below this flags a possible sidelobe (default 2). */
  peakToRingLimit?: number;
  /** ... when the nearest neighbour is at least this far, arcsec (default 20). */
  isolationArcsec?: number;
  /** Peak_flux below this many Isl_rms sets bit 2 (default 5). */
  snrLimit?: number;
}

export const QUALITY_SIDELOBE = 1;
export const QUALITY_LOW_SNR = 2;
export const QUALITY_PEAK_OVER_TOTAL = 4;

/**
 * Adds `quality` to each component. `pixelScaleArcsec` is the pixel size at each component
 * (a function, so that projected images can give the local scale).
 */
export function assessQuality(
  components: Component[],
  data: FloatArray,
  width: number,
  height: number,
  pixelScaleArcsec: (x: number, y: number) => number,
  options: QualityOptions = {},
): void {
  const inner = options.innerRadiusArcsec ?? 5;
  const outer = options.outerRadiusArcsec ?? 10;
  const ringLimit = options.peakToRingLimit ?? 2;
  const isolation = options.isolationArcsec ?? 20;
  const snrLimit = options.snrLimit ?? 5;
  const nn = nearestNeighbourArcsec(components);
  components.forEach((c, k) => {
    const peakToRing = peakToRingRatio(data, width, height, c.xPosn.value, c.yPosn.value, inner, outer, pixelScaleArcsec(c.xPosn.value, c.yPosn.value));
    let qualityFlag = 0;
    if (peakToRing < ringLimit && nn[k] >= isolation) qualityFlag |= QUALITY_SIDELOBE;
    if (c.peakFlux.value < snrLimit * c.islRms) qualityFlag |= QUALITY_LOW_SNR;
    if (c.peakFlux.value > c.totalFlux.value) qualityFlag |= QUALITY_PEAK_OVER_TOTAL;
    c.quality = { peakToRing, nnDistArcsec: nn[k], qualityFlag };
  });
}

/** Max pixel within `inner` arcsec of (x, y) over max pixel in the inner–outer annulus. */
export function peakToRingRatio(data: FloatArray, width: number, height: number, x: number, y: number, inner: number, outer: number, scaleArcsec: number): number {
  const rInner = inner / scaleArcsec;
  const rOuter = outer / scaleArcsec;
  const inner2 = rInner * rInner;
  const outer2 = rOuter * rOuter;
  const x0 = Math.max(0, Math.floor(x - rOuter));
  const x1 = Math.min(width - 1, Math.ceil(x + rOuter));
  const y0 = Math.max(0, Math.floor(y - rOuter));
  const y1 = Math.min(height - 1, Math.ceil(y + rOuter));
  let peak = -Infinity;
  let ring = -Infinity;
  for (let iy = y0; iy <= y1; iy++) {
    for (let ix = x0; ix <= x1; ix++) {
      const v = data[iy * width + ix];
      if (v !== v) continue;
      const r2 = (ix - x) * (ix - x) + (iy - y) * (iy - y);
      if (r2 <= inner2) {
        if (v > peak) peak = v;
      } else if (r2 <= outer2 && v > ring) ring = v;
    }
  }
  if (peak === -Infinity) {
    // The centre falls between pixels with none within the inner radius: use the nearest.
    const ix = Math.min(width - 1, Math.max(0, Math.round(x)));
    const iy = Math.min(height - 1, Math.max(0, Math.round(y)));
    peak = data[iy * width + ix];
  }
  return ring === -Infinity ? NaN : peak / ring;
}

/** Distance (arcsec) from each component to its nearest other component. */
export function nearestNeighbourArcsec(components: readonly Component[]): Float64Array {
  const n = components.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => components[a].dec.value - components[b].dec.value);
  const best = new Float64Array(n).fill(Infinity);
  for (let p = 0; p < n; p++) {
    const i = order[p];
    const { value: ra } = components[i].ra;
    const { value: dec } = components[i].dec;
    for (const step of [-1, 1]) {
      for (let q = p + step; q >= 0 && q < n; q += step) {
        const j = order[q];
        if (Math.abs(components[j].dec.value - dec) * 3600 > best[i]) break;
        const d = angularSeparation(ra, dec, components[j].ra.value, components[j].dec.value) * 3600;
        if (d < best[i]) best[i] = d;
      }
    }
  }
  return best;
}
