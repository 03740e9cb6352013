/**
 * Small QL-shaped products for the QA tests, written with shared/fits writeFitsImage: a 4-D
 * RA---SIN/DEC--SIN/FREQ/STOKES header with 1" cells and a beam, seeded Gaussian noise, and
 * helpers to prove an input was left untouched (SHA-256 of every file in a directory).
 */
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FitsHeader, writeFitsImage } from '../../../shared/fits/index.js';

export const QL_STEM = 'VLASS2.1.ql.T10t01.J000200-003000.10.2048.v1';
export const IMAGE_SUFFIX = 'I.iter1.image.pbcor.tt0.subim.fits';
export const RMS_SUFFIX = 'I.iter1.image.pbcor.tt0.rms.subim.fits';

export interface BeamSpec {
  majArcsec: number;
  minArcsec: number;
  paDeg: number;
}

export const QL_TEST_BEAM: BeamSpec = { majArcsec: 2.5, minArcsec: 2.0, paDeg: -35 };

export function scratch(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `qa-${prefix}-`));
}

/** A QL-like header template (the writer adds SIMPLE/BITPIX/NAXISn). */
export function qlTemplate(width: number, height: number, beam: BeamSpec | null = QL_TEST_BEAM): FitsHeader {
  const h = new FitsHeader([], 'test QL template');
  if (beam) {
    h.set('BMAJ', beam.majArcsec / 3600, '', { asReal: true });
    h.set('BMIN', beam.minArcsec / 3600, '', { asReal: true });
    h.set('BPA', beam.paDeg, '', { asReal: true });
  }
  h.set('BUNIT', 'Jy/beam');
  h.set('RADESYS', 'ICRS');
  const axes: [string, number, number, number, string][] = [
    ['RA---SIN', 0.5, -1 / 3600, (width + 1) / 2, 'deg'],
    ['DEC--SIN', -0.5, 1 / 3600, (height + 1) / 2, 'deg'],
    ['FREQ', 3e9, 2.072e9, 1, 'Hz'],
    ['STOKES', 1, 1, 1, ''],
  ];
  axes.forEach(([ctype, crval, cdelt, crpix, cunit], i) => {
    h.set(`CTYPE${i + 1}`, ctype);
    h.set(`CRVAL${i + 1}`, crval, '', { asReal: true });
    h.set(`CDELT${i + 1}`, cdelt, '', { asReal: true });
    h.set(`CRPIX${i + 1}`, crpix, '', { asReal: true });
    h.set(`CUNIT${i + 1}`, cunit);
  });
  return h;
}

/** Seeded Gaussian noise (mulberry32 + Box-Muller): the same seed gives the same pixels. */
export function noisePlane(width: number, height: number, sigma: number, seed = 1): Float32Array {
  let state = seed >>> 0;
  const uniform = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out = new Float32Array(width * height);
  for (let i = 0; i < out.length; i++) {
    const u = Math.max(uniform(), 1e-12);
    out[i] = sigma * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * uniform());
  }
  return out;
}

export interface QlFiles {
  dir: string;
  image: string;
  rms?: string;
}

export interface QlSpec {
  width?: number;
  height?: number;
  image?: Float32Array;
  /** Undefined: a constant 140 uJy rms image; null: no rms file. */
  rms?: Float32Array | null;
  /** Shape of the rms file when it must differ (the mismatch tests). */
  rmsShape?: number[];
  beam?: BeamSpec | null;
  stem?: string;
  /** Extra planes: NAXIS4 of the image file (wrong-shape tests). */
  imagePlanes?: number;
}

/**
 * Writes `<stem>.I.iter1.image.pbcor.tt0.subim.fits` (64x64 noise of 140 uJy with a 50 mJy
 * source by default: a product every default rule passes) and its rms image into `dir`.
 */
export function writeQl(dir: string, spec: QlSpec = {}): QlFiles {
  const width = spec.width ?? 64;
  const height = spec.height ?? 64;
  mkdirSync(dir, { recursive: true });
  const stem = spec.stem ?? QL_STEM;
  const template = qlTemplate(width, height, spec.beam === undefined ? QL_TEST_BEAM : spec.beam);
  const image = spec.image ?? passingImage(width, height);
  const planes = spec.imagePlanes ?? 1;
  const imagePath = join(dir, `${stem}.${IMAGE_SUFFIX}`);
  const data = planes === 1 ? image : repeat(image, planes);
  writeFitsImage(imagePath, data, [width, height, 1, planes], template);
  const files: QlFiles = { dir, image: imagePath };
  if (spec.rms !== null) {
    const shape = spec.rmsShape ?? [width, height, 1, 1];
    const count = shape.reduce((a, b) => a * b, 1);
    const rms = spec.rms ?? new Float32Array(count).fill(140e-6);
    files.rms = join(dir, `${stem}.${RMS_SUFFIX}`);
    writeFitsImage(files.rms, rms, shape, qlTemplate(shape[0], shape[1], spec.beam === undefined ? QL_TEST_BEAM : spec.beam));
  }
  return files;
}

/** 140 uJy noise and one 50 mJy point at (40, 20): passes every default QL rule. */
export function passingImage(width = 64, height = 64): Float32Array {
  const img = noisePlane(width, height, 140e-6, 7);
  img[20 * width + 40] = 0.05;
  return img;
}

function repeat(plane: Float32Array, n: number): Float32Array {
  const out = new Float32Array(plane.length * n);
  for (let i = 0; i < n; i++) out.set(plane, i * plane.length);
  return out;
}

export function sha256(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

/** name -> SHA-256 of every regular file directly in `dir` (hidden ones included). */
export function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isFile()) out[name] = sha256(path);
  }
  return out;
}
