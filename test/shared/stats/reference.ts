/** Loads test/reference/stats_reference.json (written by make_reference.py) and decodes its arrays. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../../helpers/realdata.js';

export interface PixelRef {
  value: number;
  index: number;
  x: number;
  y: number;
}

export interface HistogramRef {
  bins: number;
  range?: [number, number];
  counts: number[];
  edges: number[];
  below?: number;
  above?: number;
}

export interface SigmaClipRef {
  options: { sigma?: number; sigma_lower?: number; sigma_upper?: number; maxiters?: number | null; std_ddof?: number };
  count: number;
  mean: number;
  median: number;
  std: number | null;
  iterations: number;
  lower: number;
  upper: number;
}

export interface ChauvenetRef {
  options: { maxIterations: number; zscore?: number };
  count: number;
  mean: number;
  std: number;
  passes: number;
  zscore: number;
  lower: number;
  upper: number;
}

export interface Summary {
  count: number;
  median: number;
  percentiles: number[];
  mad: number;
  madStd: number;
  mean: number;
  std: number;
  stdDdof1: number | null;
  min: PixelRef;
  max: PixelRef;
  histogramDefault: HistogramRef;
  histogramRange: HistogramRef;
  fractionsBelow: { thresholds: number[]; fractions: number[] };
  sigmaClip: SigmaClipRef[];
  chauvenet: ChauvenetRef[];
}

export interface Dataset {
  name: string;
  dtype: 'f4' | 'f8';
  width: number;
  data: Float32Array | Float64Array;
  counts: { total: number; nan: number; zero: number; infinite: number; finite: number };
  all: Summary;
  excludeZeros: Summary;
}

export interface StatsReference {
  percentiles: number[];
  chauvenetZScores: Record<string, number>;
  datasets: Dataset[];
}

export function loadStatsReference(): StatsReference {
  const raw = JSON.parse(readFileSync(join(REPO_ROOT, 'test', 'reference', 'stats_reference.json'), 'utf8'));
  for (const d of raw.datasets) d.data = decode(d.data, d.dtype);
  return raw as StatsReference;
}

/** Base64 of little-endian float32/float64 → typed array (copied, so it is aligned). */
function decode(b64: string, dtype: 'f4' | 'f8'): Float32Array | Float64Array {
  const bytes = Buffer.from(b64, 'base64');
  const buffer = new ArrayBuffer(bytes.length);
  new Uint8Array(buffer).set(bytes);
  return dtype === 'f4' ? new Float32Array(buffer) : new Float64Array(buffer);
}

/** |actual − expected| <= rel·|expected|; an expected 0 must be matched exactly. */
export function relativeError(actual: number, expected: number): number {
  if (actual === expected) return 0;
  return Math.abs(actual - expected) / Math.abs(expected);
}
