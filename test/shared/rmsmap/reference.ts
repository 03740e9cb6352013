/** Loads test/reference/rmsmap_reference.json (written by rmsmap_reference.py) and unpacks its arrays. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import { REPO_ROOT } from '../../helpers/realdata.js';

export interface RmsReferenceCase {
  name: string;
  width: number;
  height: number;
  cellArcsec: number;
  boxArcsec: number;
  gridStep: number;
  anchor: [number, number];
  interpolation: 'cubic' | 'linear';
  minValidFraction: number;
  /** The image, float32, NaN and exact zeros included. */
  image: Float32Array;
  grid: {
    halfWidth: number;
    x0: number;
    y0: number;
    nx: number;
    ny: number;
    values: Float64Array;
    validCount: Int32Array;
    keptCount: Int32Array;
  };
  map: { pixels: Int32Array; values: Float64Array };
  summary: { blankNodes: number; clippedNodes: number; sampledPixels: number; nanSamples: number };
}

interface RawCase {
  quantum: number;
  nanCode: number;
  zeroCode: number;
  image: string;
  grid: Record<string, unknown>;
  map: { pixels: string; values: string };
}

export function loadRmsReference(): RmsReferenceCase[] {
  const raw = JSON.parse(readFileSync(join(REPO_ROOT, 'test', 'reference', 'rmsmap_reference.json'), 'utf8')) as { cases: (RawCase & Record<string, unknown>)[] };
  return raw.cases.map((c) => {
    const codes = new Int16Array(unpack(c.image));
    const image = new Float32Array(codes.length);
    for (let i = 0; i < codes.length; i++) {
      const code = codes[i];
      image[i] = code === c.nanCode ? NaN : code === c.zeroCode ? 0 : (code + 0.5) * c.quantum;
    }
    const g = c.grid as Record<string, number | string>;
    return {
      ...(c as unknown as RmsReferenceCase),
      image,
      grid: {
        halfWidth: g.halfWidth as number,
        x0: g.x0 as number,
        y0: g.y0 as number,
        nx: g.nx as number,
        ny: g.ny as number,
        values: new Float64Array(unpack(g.values as string)),
        validCount: new Int32Array(unpack(g.validCount as string)),
        keptCount: new Int32Array(unpack(g.keptCount as string)),
      },
      map: { pixels: new Int32Array(unpack(c.map.pixels)), values: new Float64Array(unpack(c.map.values)) },
    };
  });
}

/** base64 → inflate → a fresh, aligned ArrayBuffer (little-endian, as written). */
function unpack(b64: string): ArrayBuffer {
  const bytes = inflateSync(Buffer.from(b64, 'base64'));
  const buffer = new ArrayBuffer(bytes.length);
  new Uint8Array(buffer).set(bytes);
  return buffer;
}

/** |a − e| / |e|, 0 when equal (including both 0). */
export function relativeError(actual: number, expected: number): number {
  if (actual === expected) return 0;
  return Math.abs(actual - expected) / Math.abs(expected);
}
