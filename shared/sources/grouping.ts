/**
 * Grouping an island's Gaussians into sources, and S_Code.
 *
 * Two Gaussians of one island belong to the same source when the island's model (the sum of
 * its Gaussians) runs between their centres without a significant dip, following PyBDSF's
 * gaul2srl rules (group_tol = 1 by default). Along the segment joining the two centres:
 *  - if the model has no interior minimum below its lower end, one Gaussian sits on the flank
 *    of the other: same source;
 *  - otherwise they are one source when both
 *      (a) the dip is shallow: lower end − minimum <= group_tol · thresh_isl · rms, i.e. the
 *          island did not need two separate detections there, and
 *      (b) they overlap: distance <= (group_tol / 2) · (FWHM₁ + FWHM₂), each FWHM measured
 *          along the joining direction (their half-maximum ellipses touch or overlap).
 * Sources are the connected groups of that relation (union–find over pairs), numbered in
 * the order of their brightest Gaussian.
 *
 * S_Code: 'S' for the only Gaussian of its island, 'M' for a Gaussian of a multi-Gaussian
 * source, 'C' for a single-Gaussian source sharing its island with other sources.
 */
import { type Cov2, covarianceOf, fwhmAlong } from './ellipse.js';
import type { FittedGaussian } from './fit.js';

export interface GroupingOptions {
  /** PyBDSF group_tol (default 1). */
  groupTol?: number;
  /** thresh_isl (default 3). */
  threshIsl?: number;
}

/** Samples per pixel of separation along the joining segment (at least MIN_SAMPLES). */
const SAMPLES_PER_PIXEL = 4;
const MIN_SAMPLES = 16;

/**
 * Source index (0-based, within the island) of each Gaussian, given in the island's order;
 * `rms` is the island's rms.
 */
export function groupIsland(gaussians: readonly FittedGaussian[], rms: number, options: GroupingOptions = {}): number[] {
  const n = gaussians.length;
  const tol = options.groupTol ?? 1;
  const threshIsl = options.threshIsl ?? 3;
  const parent = gaussians.map((_, i) => i);
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i])));
  const covs = gaussians.map((g) => covarianceOf(g.sigmaMajor, g.sigmaMinor, g.angle));
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      if (find(i) === find(j)) continue;
      if (sameSource(gaussians, covs, i, j, tol * threshIsl * rms, tol / 2)) parent[find(j)] = find(i);
    }
  }
  const number = new Map<number, number>();
  return gaussians.map((_, i) => {
    const root = find(i);
    if (!number.has(root)) number.set(root, number.size);
    return number.get(root)!;
  });
}

/** S_Code of each Gaussian from its island's source indices. */
export function sourceCodes(sourceIndex: readonly number[]): ('S' | 'C' | 'M')[] {
  if (sourceIndex.length === 1) return ['S'];
  const members = new Map<number, number>();
  for (const s of sourceIndex) members.set(s, (members.get(s) ?? 0) + 1);
  return sourceIndex.map((s) => (members.get(s)! > 1 ? 'M' : 'C'));
}

function sameSource(gaussians: readonly FittedGaussian[], covs: readonly Cov2[], i: number, j: number, maxDip: number, overlapTol: number): boolean {
  const a = gaussians[i];
  const b = gaussians[j];
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const dist = Math.hypot(dx, dy);
  if (dist === 0) return true;
  const samples = Math.max(MIN_SAMPLES, Math.ceil(dist * SAMPLES_PER_PIXEL));
  let lowest = Infinity;
  let lowestAt = 0;
  let start = 0;
  let end = 0;
  for (let s = 0; s <= samples; s++) {
    const t = s / samples;
    const v = modelAt(gaussians, covs, a.x + t * dx, a.y + t * dy);
    if (s === 0) start = v;
    if (s === samples) end = v;
    if (v < lowest) {
      lowest = v;
      lowestAt = s;
    }
  }
  const lowerEnd = Math.min(start, end);
  const interiorDip = lowestAt !== 0 && lowestAt !== samples && lowest < lowerEnd * (1 - 1e-9);
  if (!interiorDip) return true;
  const direction = Math.atan2(dy, dx);
  const overlap = dist <= overlapTol * (fwhmAlong(covs[i], direction) + fwhmAlong(covs[j], direction));
  return lowerEnd - lowest <= maxDip && overlap;
}

function modelAt(gaussians: readonly FittedGaussian[], covs: readonly Cov2[], x: number, y: number): number {
  let sum = 0;
  for (let k = 0; k < gaussians.length; k++) {
    const g = gaussians[k];
    const c = covs[k];
    const dx = x - g.x;
    const dy = y - g.y;
    const det = c.xx * c.yy - c.xy * c.xy;
    const q = (c.yy * dx * dx - 2 * c.xy * dx * dy + c.xx * dy * dy) / det;
    sum += g.peak * Math.exp(-0.5 * q);
  }
  return sum;
}
