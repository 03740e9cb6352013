/**
 * The report's plots as Vega-Lite specifications: histograms with thresholds marked, and
 * points against frequency (or any x) with flagged points marked.
 */
import { histogram } from '../stats/index.js';
import type { FloatArray } from '../stats/index.js';
import { type ChartSpec, COLOURS } from './vega.js';

export interface Threshold {
  value: number;
  label: string;
}

/**
 * Histogram of the finite, non-zero values between the `lower` and `upper` quantiles (the
 * tails would squash the bulk into one bar), log counts, with thresholds drawn as rules.
 */
export function histogramSpec(values: FloatArray, options: { title: string; unit: string; range: [number, number]; thresholds?: readonly Threshold[]; bins?: number; yTitle?: string }): ChartSpec {
  const [lo, hi] = options.range;
  const h = histogram(values, { bins: options.bins ?? 80, range: [lo, hi], excludeZeros: true });
  const bars = Array.from(h.counts, (count, i) => ({ lo: h.edges[i], hi: h.edges[i + 1], count })).filter((b) => b.count > 0);
  const rules = (options.thresholds ?? []).filter((t) => t.value >= lo && t.value <= hi);
  return {
    title: options.title,
    width: 520,
    height: 200,
    layer: [
      {
        data: { values: bars },
        mark: { type: 'rect', color: COLOURS.data },
        encoding: {
          x: { field: 'lo', type: 'quantitative', title: options.unit, scale: { domain: [lo, hi], nice: false, zero: false }, axis: { format: '.3~g' } },
          x2: { field: 'hi' },
          y: { field: 'count', type: 'quantitative', title: options.yTitle ?? 'pixels', scale: { type: 'log' } },
        },
      },
      ...(rules.length
        ? [
            { data: { values: rules }, mark: { type: 'rule', color: COLOURS.fail, strokeDash: [4, 3] }, encoding: { x: { field: 'value', type: 'quantitative' } } },
            { data: { values: rules }, mark: { type: 'text', color: COLOURS.fail, angle: 270, align: 'left', baseline: 'bottom', dx: 4, dy: -2, fontSize: 10 }, encoding: { x: { field: 'value', type: 'quantitative' }, y: { value: 0 }, text: { field: 'label' } } },
          ]
        : []),
    ],
  } as ChartSpec;
}

export interface SeriesPoint {
  x: number;
  y: number;
  /** Marked in red (a rejected plane). */
  flagged?: boolean;
  label?: string;
}

/** Points (and a line through the unflagged ones) against x, an optional expected curve, flagged points in red. */
export function seriesSpec(points: readonly SeriesPoint[], options: { title: string; x: string; y: string; expected?: readonly { x: number; y: number }[]; expectedLabel?: string; yZero?: boolean; xLog?: boolean }): ChartSpec {
  const values = points.filter((p) => Number.isFinite(p.y)).map((p) => ({ ...p, state: p.flagged ? 'rejected' : 'kept' }));
  return {
    title: options.title,
    width: 520,
    height: 180,
    layer: [
      ...(options.expected
        ? [{ data: { values: options.expected.map((e) => ({ ...e, what: options.expectedLabel ?? 'expected' })) }, mark: { type: 'line', strokeDash: [5, 3], color: '#888' }, encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'y', type: 'quantitative' } } }]
        : []),
      {
        data: { values },
        mark: { type: 'point', filled: true, size: 50 },
        encoding: {
          x: { field: 'x', type: 'quantitative', title: options.x, scale: options.xLog ? { type: 'log' } : { zero: false } },
          y: { field: 'y', type: 'quantitative', title: options.y, scale: { zero: options.yZero ?? false } },
          color: { field: 'state', type: 'nominal', title: null, scale: { domain: ['kept', 'rejected'], range: [COLOURS.data, COLOURS.fail] } },
          tooltip: [{ field: 'label', type: 'nominal' }],
        },
      },
    ],
  } as ChartSpec;
}
