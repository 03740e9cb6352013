/**
 * Truth-to-catalogue matching and the statistics the quality report is made of.
 *
 * Matching is one-to-one: every (truth, detection) pair closer than the radius is a candidate;
 * candidates are taken in order of increasing separation and a pair is kept when neither side
 * is matched yet (greedy nearest-first, so a detection never counts for two truth sources and a
 * truth source never has two detections).
 */

export interface Point {
  x: number;
  y: number;
}

export interface Matching {
  /** Index of the matched detection per truth entry, or -1. */
  truthToFound: Int32Array;
  /** Index of the matched truth entry per detection, or -1. */
  foundToTruth: Int32Array;
}

export function matchOneToOne(truth: readonly Point[], found: readonly Point[], radius: number): Matching {
  const cell = radius;
  const grid = new Map<string, number[]>();
  const key = (cx: number, cy: number) => `${cx},${cy}`;
  found.forEach((f, i) => {
    if (!Number.isFinite(f.x) || !Number.isFinite(f.y)) return;
    const k = key(Math.floor(f.x / cell), Math.floor(f.y / cell));
    let list = grid.get(k);
    if (!list) grid.set(k, (list = []));
    list.push(i);
  });
  const pairs: { t: number; f: number; d: number }[] = [];
  truth.forEach((t, ti) => {
    const cx = Math.floor(t.x / cell);
    const cy = Math.floor(t.y / cell);
    for (let dy = -1; dy <= 1; dy++)
      for (let dx = -1; dx <= 1; dx++)
        for (const fi of grid.get(key(cx + dx, cy + dy)) ?? []) {
          const d = Math.hypot(found[fi].x - t.x, found[fi].y - t.y);
          if (d <= radius) pairs.push({ t: ti, f: fi, d });
        }
  });
  pairs.sort((a, b) => a.d - b.d);
  const truthToFound = new Int32Array(truth.length).fill(-1);
  const foundToTruth = new Int32Array(found.length).fill(-1);
  for (const p of pairs)
    if (truthToFound[p.t] < 0 && foundToTruth[p.f] < 0) {
      truthToFound[p.t] = p.f;
      foundToTruth[p.f] = p.t;
    }
  return { truthToFound, foundToTruth };
}

/**
 * Unmatched detections far from every truth component: farther than `reach` plus twice the
 * component's intrinsic size (pixels). Unmatched detections closer than that are extra
 * Gaussians of resolved or blended sources; the far ones are spurious.
 */
export function isolatedUnmatched<P extends Point>(found: readonly P[], foundToTruth: Int32Array, truth: readonly (Point & { sizePx: number })[], reach: number): P[] {
  return found.filter((d, i) => foundToTruth[i] < 0 && !truth.some((t) => Math.hypot(t.x - d.x, t.y - d.y) < reach + 2 * t.sizePx));
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Peak S/N bins [lo, hi) of the completeness curve; the first catches the faint tail. */
export const SNR_BINS: readonly [number, number][] = [
  [0, 3],
  [3, 4],
  [4, 5],
  [5, 6],
  [6, 7],
  [7, 10],
  [10, 20],
  [20, 50],
  [50, Infinity],
];

export function binLabel([lo, hi]: readonly [number, number]): string {
  if (lo === 0) return `< ${hi}`;
  if (hi === Infinity) return `>= ${lo}`;
  return `${lo}-${hi}`;
}

export interface Tally {
  found: number;
  total: number;
}

export function fraction(t: Tally): number {
  return t.total ? t.found / t.total : NaN;
}

export function pct(t: Tally, digits = 1): string {
  return t.total ? `${(100 * fraction(t)).toFixed(digits)}%` : 'n/a';
}

/** Wilson 95% interval of a binomial fraction, as "lo-hi%". */
export function wilson(t: Tally): string {
  if (!t.total) return '';
  const z = 1.96;
  const p = t.found / t.total;
  const n = t.total;
  const centre = (p + (z * z) / (2 * n)) / (1 + (z * z) / n);
  const half = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / (1 + (z * z) / n);
  return `${(100 * Math.max(0, centre - half)).toFixed(1)}-${(100 * Math.min(1, centre + half)).toFixed(1)}%`;
}

/** Completeness per bin: truth entries with snr in [lo, hi) that were matched. */
export function completeness(snr: readonly number[], matched: (i: number) => boolean, bins: readonly (readonly [number, number])[] = SNR_BINS): Tally[] {
  const out = bins.map(() => ({ found: 0, total: 0 }));
  snr.forEach((s, i) => {
    const b = bins.findIndex(([lo, hi]) => s >= lo && s < hi);
    if (b < 0) return;
    out[b].total++;
    if (matched(i)) out[b].found++;
  });
  return out;
}

export function addTallies(a: Tally[], b: Tally[]): Tally[] {
  return a.map((t, i) => ({ found: t.found + b[i].found, total: t.total + b[i].total }));
}

/** Sums truth entries with snr in [lo, hi) over several tallies into one. */
export function rangeTally(snr: readonly number[], matched: (i: number) => boolean, lo: number, hi = Infinity): Tally {
  return completeness(snr, matched, [[lo, hi]])[0];
}
