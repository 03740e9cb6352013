/**
 * Synthetic radio images for the source-finder tests: a seeded PRNG, white and
 * beam-correlated Gaussian noise, analytic elliptical Gaussians, and a SIN header.
 * Everything is reproducible from the seed, so a failing test fails the same way every run.
 */
import { covarianceOf } from '../../../shared/sources/ellipse.js';

/** mulberry32: a small, fast 32-bit PRNG with good statistics for tests; values in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal deviates by Box–Muller. */
export function normal(rand: () => number): () => number {
  let spare: number | null = null;
  return () => {
    if (spare !== null) {
      const s = spare;
      spare = null;
      return s;
    }
    const u = 1 - rand();
    const v = rand();
    const r = Math.sqrt(-2 * Math.log(u));
    spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  };
}

export function whiteNoise(width: number, height: number, sigma: number, seed: number): Float32Array {
  const gauss = normal(mulberry32(seed));
  const out = new Float32Array(width * height);
  for (let i = 0; i < out.length; i++) out[i] = sigma * gauss();
  return out;
}

/**
 * Noise correlated like a restored radio image: white noise convolved with a circular
 * Gaussian kernel of σ_k = σ_beam/√2 (so the noise autocorrelation is the beam), rescaled to
 * standard deviation `sigma` exactly.
 */
export function correlatedNoise(width: number, height: number, sigma: number, beamSigmaPixels: number, seed: number): Float32Array {
  const pad = Math.ceil(4 * beamSigmaPixels);
  const w = width + 2 * pad;
  const h = height + 2 * pad;
  const white = whiteNoise(w, h, 1, seed);
  const sk = beamSigmaPixels / Math.SQRT2;
  const kernel: number[] = [];
  for (let k = -pad; k <= pad; k++) kernel.push(Math.exp((-0.5 * k * k) / (sk * sk)));
  const tmp = new Float64Array(w * h);
  for (let y = 0; y < h; y++)
    for (let x = pad; x < w - pad; x++) {
      let s = 0;
      for (let k = -pad; k <= pad; k++) s += kernel[k + pad] * white[y * w + x + k];
      tmp[y * w + x] = s;
    }
  const out = new Float32Array(width * height);
  let sum = 0;
  let sum2 = 0;
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      let s = 0;
      for (let k = -pad; k <= pad; k++) s += kernel[k + pad] * tmp[(y + pad + k) * w + x + pad];
      out[y * width + x] = s;
      sum += s;
      sum2 += s * s;
    }
  const n = width * height;
  const mean = sum / n;
  const std = Math.sqrt(sum2 / n - mean * mean);
  for (let i = 0; i < n; i++) out[i] = ((out[i] - mean) / std) * sigma;
  return out;
}

export interface TrueGaussian {
  x: number;
  y: number;
  peak: number;
  sigmaMajor: number;
  sigmaMinor: number;
  /** Major axis, radians CCW from +x. */
  angle: number;
}

/** Adds a Gaussian evaluated at pixel centres (within 8σ). */
export function addGaussian(data: Float32Array | Float64Array, width: number, height: number, g: TrueGaussian): void {
  const c = covarianceOf(g.sigmaMajor, g.sigmaMinor, g.angle);
  const det = c.xx * c.yy - c.xy * c.xy;
  const r = Math.ceil(8 * g.sigmaMajor);
  for (let y = Math.max(0, Math.floor(g.y - r)); y <= Math.min(height - 1, Math.ceil(g.y + r)); y++)
    for (let x = Math.max(0, Math.floor(g.x - r)); x <= Math.min(width - 1, Math.ceil(g.x + r)); x++) {
      const dx = x - g.x;
      const dy = y - g.y;
      const q = (c.yy * dx * dx - 2 * c.xy * dx * dy + c.xx * dy * dy) / det;
      data[y * width + x] += g.peak * Math.exp(-0.5 * q);
    }
}

export interface HeaderSpec {
  width: number;
  height: number;
  /** Pixel size, arcsec. */
  cellArcsec?: number;
  /** Beam FWHM, arcsec, and PA east of north, degrees. */
  bmajArcsec: number;
  bminArcsec: number;
  bpaDeg?: number;
  /** Rotation of the pixel grid: PC matrix angle, degrees (CROTA2 sense). */
  rotationDeg?: number;
  crval?: [number, number];
}

/** A SIN header (record) centred on the image, optionally rotated by a PC matrix. */
export function sinHeader(spec: HeaderSpec): Record<string, number | string> {
  const cell = (spec.cellArcsec ?? 0.6) / 3600;
  const rot = ((spec.rotationDeg ?? 0) * Math.PI) / 180;
  const [ra, dec] = spec.crval ?? [150, 30];
  return {
    NAXIS: 2,
    NAXIS1: spec.width,
    NAXIS2: spec.height,
    CTYPE1: 'RA---SIN',
    CTYPE2: 'DEC--SIN',
    CRPIX1: (spec.width + 1) / 2,
    CRPIX2: (spec.height + 1) / 2,
    CRVAL1: ra,
    CRVAL2: dec,
    CDELT1: -cell,
    CDELT2: cell,
    PC1_1: Math.cos(rot),
    PC1_2: -Math.sin(rot),
    PC2_1: Math.sin(rot),
    PC2_2: Math.cos(rot),
    CUNIT1: 'deg',
    CUNIT2: 'deg',
    BMAJ: spec.bmajArcsec / 3600,
    BMIN: spec.bminArcsec / 3600,
    BPA: spec.bpaDeg ?? 0,
    BUNIT: 'Jy/beam',
  };
}

/** A constant map. */
export function constantMap(n: number, value: number): Float32Array {
  return new Float32Array(n).fill(value);
}
