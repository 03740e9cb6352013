/** Loads test/reference/preview_reference.json (written by preview_reference.py). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../../helpers/realdata.js';

export interface PreviewDataset {
  name: string;
  width: number;
  height: number;
  data: Float32Array;
  zscale: [number, number];
  percentiles: Record<string, [number, number]>;
  asinh: [number, number];
  /** Grey levels north up (first row = top), −1 for blank; only for some datasets. */
  asinhGrey?: Int16Array;
  zscaleGrey?: Int16Array;
}

export interface PreviewReference {
  headroom: number;
  asinhA: number;
  datasets: PreviewDataset[];
  asinhStretch: { a: number; x: number[]; y: number[] }[];
  areaAverage: { width: number; height: number; data: Float32Array; outWidth: number; outHeight: number; mean: Float64Array };
}

export function loadPreviewReference(): PreviewReference {
  const raw = JSON.parse(readFileSync(join(REPO_ROOT, 'test', 'reference', 'preview_reference.json'), 'utf8'));
  for (const d of raw.datasets) {
    d.data = new Float32Array(bytes(d.data));
    if (d.asinhGrey) d.asinhGrey = new Int16Array(bytes(d.asinhGrey));
    if (d.zscaleGrey) d.zscaleGrey = new Int16Array(bytes(d.zscaleGrey));
  }
  raw.areaAverage.data = new Float32Array(bytes(raw.areaAverage.data));
  raw.areaAverage.mean = new Float64Array(bytes(raw.areaAverage.mean));
  return raw as PreviewReference;
}

/** base64 → a fresh, aligned ArrayBuffer (little-endian, as written). */
function bytes(b64: string): ArrayBuffer {
  const buf = Buffer.from(b64, 'base64');
  const out = new ArrayBuffer(buf.length);
  new Uint8Array(out).set(buf);
  return out;
}

export function relativeError(actual: number, expected: number): number {
  if (actual === expected) return 0;
  return Math.abs(actual - expected) / Math.abs(expected);
}
