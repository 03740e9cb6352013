/**
 * Flux densities of known components in one image plane: a linear least-squares fit of the
 * amplitudes only, position and shape fixed (docs/create-cube-component-list.md, "Method").
 *
 * Model of component i in Jy/beam per Jy of total flux:
 *   M_i(p) = k_i exp(-½ (p - p_i)ᵀ Σ_i⁻¹ (p - p_i)),  Σ_i = J⁻¹ (Σ_int + Σ_beam) J⁻ᵀ,
 *   k_i = sqrt(|Σ_beam| / |Σ_int + Σ_beam|)
 * (the intrinsic Gaussian convolved with the plane's restoring beam, evaluated at pixel
 * centres; k turns a total flux into the peak in Jy/beam). So the fitted amplitude is the
 * total flux density S_i in Jy.
 *
 * Fit pixels: for each component, the pixels within `fitRadiusFwhm` of its convolved FWHM
 * (Mahalanobis radius fitRadiusFwhm · 2.3548 σ; 1 keeps 99.6 % of Σ M²), blanks (NaN and exact
 * zeros) left out. Components whose convolved Gaussians are within `blendRadiusFwhm` FWHMs of
 * each other (Δᵀ((Σ_i + Σ_j)/2)⁻¹Δ ≤ (blendRadiusFwhm · 2.3548)², i.e. three beams for two
 * point sources at the default 3) are linked, and each linked group is fitted jointly on the
 * union of its members' fit pixels: normal equations N a = b with N_ij = Σ_p M_i M_j,
 * b_i = Σ_p M_i d. A blend's light is therefore shared out once, not counted in both
 * members; components farther apart couple by less than exp(-12.5) and are fitted alone.
 *
 * Every plane pixel has the same weight (the plane's noise σ is one number), so the
 * amplitudes do not depend on σ: the caller fits first and measures σ afterwards from the
 * same buffer (the MAD then reorders it). Errors per unit σ are returned:
 *   σ_S,i = σ · sqrt((N⁻¹)_ii) · F_i,
 * where F_i (geometry.ts correlatedNoiseFactor2) inflates the white-noise error for noise
 * correlated over the beam.
 *
 * Components not measured (NaN): centre off the plane; centre pixel blank; fewer than
 * `minCoverage` of its Σ M² on valid pixels; model degenerate with a neighbour's. Those with
 * valid pixels still take part in their group's fit as nuisance terms, so their light does
 * not leak into a neighbour's flux.
 */
import type { FloatArray } from '../stats/index.js';
import type { Wcs } from '../wcs/index.js';
import { type Cov2, FWHM_PER_SIGMA, addCov, correlatedNoiseFactor2, det, inverseCov, invertMat, skyJacobian, transformCov } from './geometry.js';
import { choleskyInPlace, inverseDiagonal, solveFactored } from '../linalg/cholesky.js';

export interface FitSettings {
  /** Radius of a component's fit pixels, in FWHMs of its convolved Gaussian. */
  fitRadiusFwhm: number;
  /** Components closer than this many (mean convolved) FWHMs are fitted jointly. */
  blendRadiusFwhm: number;
  /** Least fraction of Σ M² (over the whole Gaussian) that must fall on valid pixels. */
  minCoverage: number;
}

/** A catalog component as the fitter needs it. */
export interface FitComponent {
  raDeg: number;
  decDeg: number;
  /** Intrinsic (deconvolved) covariance in the sky frame, deg² (zero for a point source). */
  intrinsic: Cov2;
}

export interface PlaneGrid {
  data: FloatArray;
  width: number;
  height: number;
  wcs: Wcs;
  /** The plane's restoring beam, sky frame, deg². */
  beam: Cov2;
}

export type FitStatus = 'ok' | 'off-plane' | 'blank' | 'low-coverage' | 'degenerate';

export interface PlaneFit {
  /** Total flux density, Jy (NaN when not measured). */
  flux: Float64Array;
  /** Error for a plane noise of 1 Jy/beam (multiply by σ); NaN when not measured. */
  unitError: Float64Array;
  status: FitStatus[];
  /** 0-based pixel position of each component on this plane (NaN when it has none). */
  x: Float64Array;
  y: Float64Array;
  groups: number;
  largestGroup: number;
}

/** exp(-½ 6²) ≈ 1.5e-8 of the peak: a model is not evaluated beyond 6 σ. */
const EVAL_SIGMAS = 6;
/** A Cholesky pivot below this fraction of its diagonal means the model is a combination of the others. */
const PIVOT_TOLERANCE = 1e-10;

interface Placed {
  index: number;
  x: number;
  y: number;
  /** Image-plane precision Σ⁻¹ of the convolved Gaussian (pixel⁻²). */
  p: Cov2;
  cov: Cov2;
  k: number;
  f2: number;
  /** Half-widths of the fit region's and the evaluation region's bounding boxes. */
  rx: number;
  ry: number;
  ex: number;
  ey: number;
  centreValid: boolean;
  onPlane: boolean;
  /** Σ M²/k² over the whole (untruncated) Gaussian: π sqrt|Σ|. */
  fullSum: number;
}

export function fitPlane(plane: PlaneGrid, components: readonly FitComponent[], settings: FitSettings): PlaneFit {
  const n = components.length;
  const out: PlaneFit = {
    flux: new Float64Array(n).fill(NaN),
    unitError: new Float64Array(n).fill(NaN),
    status: new Array<FitStatus>(n).fill('off-plane'),
    x: new Float64Array(n).fill(NaN),
    y: new Float64Array(n).fill(NaN),
    groups: 0,
    largestGroup: 0,
  };
  const r2 = (settings.fitRadiusFwhm * FWHM_PER_SIGMA) ** 2;
  const placed: Placed[] = [];
  for (let i = 0; i < n; i++) {
    const p = place(plane, components[i], i, Math.sqrt(r2));
    if (!p) continue;
    out.x[i] = p.x;
    out.y[i] = p.y;
    if (!p.onPlane) continue;
    placed.push(p);
  }

  for (const group of linkGroups(placed, (settings.blendRadiusFwhm * FWHM_PER_SIGMA) ** 2)) {
    out.groups++;
    out.largestGroup = Math.max(out.largestGroup, group.length);
    fitGroup(plane, group, r2, settings.minCoverage, out);
  }
  return out;
}

/** Position, shape and regions of one component on this plane; undefined when it has no pixel position. */
function place(plane: PlaneGrid, c: FitComponent, index: number, radius: number): Placed | undefined {
  if (!Number.isFinite(c.raDeg) || !Number.isFinite(c.decDeg)) return undefined;
  const [x, y] = plane.wcs.skyToPixel(c.raDeg, c.decDeg);
  if (!Number.isFinite(x) || !Number.isFinite(y)) return undefined;
  const jac = skyJacobian(plane.wcs, x, y);
  if (!jac) return undefined;
  const toPixel = invertMat(jac);
  const convSky = addCov(c.intrinsic, plane.beam);
  const cov = transformCov(toPixel, convSky);
  const beamPix = transformCov(toPixel, plane.beam);
  const k = Math.sqrt(det(plane.beam) / det(convSky));
  const sx = Math.sqrt(cov.xx);
  const sy = Math.sqrt(cov.yy);
  const { width, height, data } = plane;
  const cx = Math.round(x);
  const cy = Math.round(y);
  const centreInside = cx >= 0 && cx < width && cy >= 0 && cy < height;
  const v = centreInside ? data[cy * width + cx] : NaN;
  const rx = radius * sx;
  const ry = radius * sy;
  // The fit region must touch the plane for the component to matter here at all.
  const onPlane = x + rx >= 0 && x - rx <= width - 1 && y + ry >= 0 && y - ry <= height - 1;
  return {
    index,
    x,
    y,
    p: inverseCov(cov),
    cov,
    k,
    f2: correlatedNoiseFactor2(beamPix, cov),
    rx,
    ry,
    ex: EVAL_SIGMAS * sx,
    ey: EVAL_SIGMAS * sy,
    centreValid: centreInside && v === v && v !== 0,
    onPlane,
    fullSum: Math.PI * Math.sqrt(det(cov)),
  };
}

/** Friends-of-friends groups of components whose convolved Gaussians are within the blend radius. */
function linkGroups(placed: Placed[], link2: number): Placed[][] {
  const m = placed.length;
  const parent = Int32Array.from({ length: m }, (_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) {
      parent[i] = parent[parent[i]];
      i = parent[i];
    }
    return i;
  };
  // Largest possible linking distance: sqrt(link2 · largest eigenvalue of any Σ).
  let maxEig = 0;
  for (const p of placed) {
    const t = (p.cov.xx + p.cov.yy) / 2;
    maxEig = Math.max(maxEig, t + Math.sqrt(Math.max(0, t * t - det(p.cov))));
  }
  const reach = Math.sqrt(link2 * maxEig);
  const order = placed.map((_, i) => i).sort((a, b) => placed[a].x - placed[b].x);
  for (let s = 0; s < m; s++) {
    const a = placed[order[s]];
    for (let t = s + 1; t < m; t++) {
      const b = placed[order[t]];
      if (b.x - a.x > reach) break;
      const dy = b.y - a.y;
      if (Math.abs(dy) > reach) continue;
      const dx = b.x - a.x;
      const mean = { xx: (a.cov.xx + b.cov.xx) / 2, xy: (a.cov.xy + b.cov.xy) / 2, yy: (a.cov.yy + b.cov.yy) / 2 };
      const q = inverseCov(mean);
      if (q.xx * dx * dx + 2 * q.xy * dx * dy + q.yy * dy * dy <= link2) {
        const ra = find(order[s]);
        const rb = find(order[t]);
        if (ra !== rb) parent[Math.max(ra, rb)] = Math.min(ra, rb);
      }
    }
  }
  const groups = new Map<number, Placed[]>();
  for (let i = 0; i < m; i++) {
    const r = find(i);
    let g = groups.get(r);
    if (!g) groups.set(r, (g = []));
    g.push(placed[i]);
  }
  return [...groups.values()];
}

/** Joint fit of one group on the union of its members' fit regions. */
function fitGroup(plane: PlaneGrid, group: Placed[], r2: number, minCoverage: number, out: PlaneFit): void {
  const { data, width, height } = plane;
  const n = group.length;
  const normal = new Float64Array(n * n);
  const rhs = new Float64Array(n);
  const own = new Float64Array(n);
  const model = new Float64Array(n);
  const rows = unionRows(group, r2, width, height);
  const active: number[] = [];
  for (const [y, intervals] of rows) {
    active.length = 0;
    for (let j = 0; j < n; j++) if (Math.abs(y - group[j].y) <= group[j].ey) active.push(j);
    for (let s = 0; s < intervals.length; s += 2) {
      for (let x = intervals[s]; x <= intervals[s + 1]; x++) {
        const v = data[y * width + x];
        if (v !== v || v === 0) continue;
        for (const j of active) {
          const g = group[j];
          const dx = x - g.x;
          if (Math.abs(dx) > g.ex) {
            model[j] = 0;
            continue;
          }
          const dy = y - g.y;
          const q = g.p.xx * dx * dx + 2 * g.p.xy * dx * dy + g.p.yy * dy * dy;
          const e = Math.exp(-0.5 * q);
          model[j] = g.k * e;
          if (q <= r2) own[j] += e * e;
        }
        for (const i of active) {
          const mi = model[i];
          if (mi === 0) continue;
          rhs[i] += mi * v;
          for (const j of active) normal[i * n + j] += mi * model[j];
        }
      }
    }
  }
  const { solution, inverseDiagonal, dropped } = solveSpd(normal, rhs, n);
  for (let j = 0; j < n; j++) {
    const g = group[j];
    const i = g.index;
    const coverage = own[j] / g.fullSum;
    let status: FitStatus = 'ok';
    if (!(Math.round(g.x) >= 0 && Math.round(g.x) < width && Math.round(g.y) >= 0 && Math.round(g.y) < height)) status = 'off-plane';
    else if (!g.centreValid) status = 'blank';
    else if (!(coverage >= minCoverage)) status = 'low-coverage';
    else if (dropped[j]) status = 'degenerate';
    out.status[i] = status;
    if (status !== 'ok') continue;
    out.flux[i] = solution[j];
    out.unitError[i] = Math.sqrt(inverseDiagonal[j] * g.f2);
  }
}

/**
 * The union of the members' fit ellipses, row by row, clipped to the plane: row -> sorted,
 * merged [x0, x1, x0, x1, ...] (inclusive).
 */
function unionRows(group: Placed[], r2: number, width: number, height: number): Map<number, number[]> {
  const rows = new Map<number, number[]>();
  for (const g of group) {
    const y0 = Math.max(0, Math.ceil(g.y - g.ry));
    const y1 = Math.min(height - 1, Math.floor(g.y + g.ry));
    for (let y = y0; y <= y1; y++) {
      // P_xx dx² + 2 P_xy dx dy + P_yy dy² <= r2, solved for dx.
      const dy = y - g.y;
      const disc = g.p.xy * g.p.xy * dy * dy - g.p.xx * (g.p.yy * dy * dy - r2);
      if (disc < 0) continue;
      const root = Math.sqrt(disc);
      const x0 = Math.max(0, Math.ceil(g.x + (-g.p.xy * dy - root) / g.p.xx));
      const x1 = Math.min(width - 1, Math.floor(g.x + (-g.p.xy * dy + root) / g.p.xx));
      if (x0 > x1) continue;
      let list = rows.get(y);
      if (!list) rows.set(y, (list = []));
      list.push(x0, x1);
    }
  }
  if (group.length > 1) for (const [y, list] of rows) rows.set(y, mergeIntervals(list));
  return rows;
}

function mergeIntervals(list: number[]): number[] {
  const pairs: [number, number][] = [];
  for (let i = 0; i < list.length; i += 2) pairs.push([list[i], list[i + 1]]);
  pairs.sort((a, b) => a[0] - b[0]);
  const merged: number[] = [];
  for (const [a, b] of pairs) {
    const last = merged.length - 1;
    if (last > 0 && a <= merged[last] + 1) merged[last] = Math.max(merged[last], b);
    else merged.push(a, b);
  }
  return merged;
}

/**
 * Solves N a = b for a symmetric positive (semi-)definite N by Cholesky, and returns the
 * diagonal of N⁻¹. A member whose pivot is below PIVOT_TOLERANCE of its diagonal (no valid
 * pixel, or a model that is a combination of the others) is dropped from the system.
 */
export function solveSpd(normal: Float64Array, rhs: Float64Array, n: number): { solution: Float64Array; inverseDiagonal: Float64Array; dropped: boolean[] } {
  const l = Float64Array.from(normal);
  const dropped = choleskyInPlace(l, n, PIVOT_TOLERANCE)!;
  const b = Float64Array.from(rhs, (v, j) => (dropped[j] ? 0 : v));
  const solution = new Float64Array(n);
  solveFactored(l, b, solution, n);
  return { solution, inverseDiagonal: inverseDiagonal(l, n), dropped };
}
