/**
 * IRAF's zscale display limits, as astropy.visualization.ZScaleInterval computes them
 * (astropy 5.x, itself after stsci.numdisplay): step for step, so previews made here and
 * images shown with astropy or DS9's zscale agree.
 *
 * 1. Drop non-finite values; take every stride-th of the rest in array order, stride =
 *    trunc(max(1, N / nSamples)), at most nSamples of them; sort.
 * 2. Fit a straight line to sample value against rank (least squares over the good samples),
 *    reject samples further than krej × (population std of the good residuals) from it, grow
 *    each rejection to its neighbours (numpy.convolve with ones(ngrow), mode 'same', ngrow =
 *    max(1, trunc(0.01·n))), and refit, up to maxIterations times or until a fit rejects
 *    nothing new or fewer than minpix = max(minNpixels, trunc(n·maxReject)) samples are left.
 * 3. If enough are left, the limits are median ∓ the fitted slope / contrast times the
 *    distance in rank to the ends of the sample, clamped to the sample's minimum and maximum;
 *    otherwise the sample's minimum and maximum.
 */
import type { FloatArray } from '../stats/index.js';

export interface ZScaleOptions {
  nSamples?: number;
  contrast?: number;
  maxReject?: number;
  minNpixels?: number;
  krej?: number;
  maxIterations?: number;
}

export interface Limits {
  vmin: number;
  vmax: number;
}

/** astropy ZScaleInterval().get_limits(values) with its defaults; NaN limits when no finite value. */
export function zscaleLimits(values: FloatArray, options: ZScaleOptions = {}): Limits {
  const nSamples = options.nSamples ?? 1000;
  const contrast = options.contrast ?? 0.25;
  const maxReject = options.maxReject ?? 0.5;
  const minNpixels = options.minNpixels ?? 5;
  const krej = options.krej ?? 2.5;
  const maxIterations = options.maxIterations ?? 5;

  const samples = sampleFinite(values, nSamples);
  const npix = samples.length;
  if (npix === 0) return { vmin: NaN, vmax: NaN };
  samples.sort();
  let vmin = samples[0];
  let vmax = samples[npix - 1];

  const minpix = Math.max(minNpixels, Math.trunc(npix * maxReject));
  const ngrow = Math.max(1, Math.trunc(npix * 0.01));
  let bad: Uint8Array = new Uint8Array(npix);
  let ngood = npix;
  let lastNgood = npix + 1;
  let slope = NaN;
  for (let iteration = 0; iteration < maxIterations; iteration++) {
    if (ngood >= lastNgood || ngood < minpix) break;
    const line = fitLine(samples, bad);
    slope = line.slope;
    // Residuals from the line, and the spread of the good ones.
    const flat = new Float64Array(npix);
    let sum = 0;
    for (let i = 0; i < npix; i++) {
      flat[i] = samples[i] - (line.slope * i + line.intercept);
      if (!bad[i]) sum += flat[i];
    }
    const mean = sum / ngood;
    let squares = 0;
    for (let i = 0; i < npix; i++) if (!bad[i]) squares += (flat[i] - mean) ** 2;
    const threshold = krej * Math.sqrt(squares / ngood);
    for (let i = 0; i < npix; i++) if (flat[i] < -threshold || flat[i] > threshold) bad[i] = 1;
    bad = grow(bad, ngrow);
    lastNgood = ngood;
    ngood = 0;
    for (let i = 0; i < npix; i++) if (!bad[i]) ngood++;
  }

  if (ngood >= minpix) {
    const steep = contrast > 0 ? slope / contrast : slope;
    const centre = Math.trunc((npix - 1) / 2);
    const median = npix % 2 === 1 ? samples[centre] : (samples[centre] + samples[centre + 1]) / 2;
    vmin = Math.max(vmin, median - (centre - 1) * steep);
    vmax = Math.min(vmax, median + (npix - centre) * steep);
  }
  return { vmin, vmax };
}

/** Every stride-th finite value in array order, at most n of them (float64). */
function sampleFinite(values: FloatArray, n: number): Float64Array {
  let finite = 0;
  for (let i = 0; i < values.length; i++) if (values[i] - values[i] === 0) finite++;
  const stride = Math.trunc(Math.max(1, finite / n));
  const samples = new Float64Array(Math.min(n, Math.ceil(finite / stride)));
  let seen = 0;
  let taken = 0;
  for (let i = 0; i < values.length && taken < samples.length; i++) {
    const v = values[i];
    if (v - v !== 0) continue;
    if (seen % stride === 0) samples[taken++] = v;
    seen++;
  }
  return samples;
}

/** Least-squares line through (i, y[i]) over the samples not marked bad. */
function fitLine(y: Float64Array, bad: Uint8Array): { slope: number; intercept: number } {
  let n = 0;
  let sx = 0;
  let sy = 0;
  for (let i = 0; i < y.length; i++) {
    if (bad[i]) continue;
    n++;
    sx += i;
    sy += y[i];
  }
  const mx = sx / n;
  const my = sy / n;
  let sxx = 0;
  let sxy = 0;
  for (let i = 0; i < y.length; i++) {
    if (bad[i]) continue;
    sxx += (i - mx) ** 2;
    sxy += (i - mx) * (y[i] - my);
  }
  const slope = sxx > 0 ? sxy / sxx : 0;
  return { slope, intercept: my - slope * mx };
}

/**
 * numpy.convolve(bad, ones(k), mode='same') on booleans: sample i becomes bad when any of
 * i − floor(k/2) .. i + floor((k−1)/2) was.
 */
function grow(bad: Uint8Array, k: number): Uint8Array {
  const n = bad.length;
  const out = new Uint8Array(n);
  const before = k >> 1;
  const after = (k - 1) >> 1;
  for (let i = 0; i < n; i++) {
    if (!bad[i]) continue;
    // A bad sample j spoils i for j − after <= i <= j + before.
    for (let j = Math.max(0, i - after); j <= Math.min(n - 1, i + before); j++) out[j] = 1;
  }
  return out;
}
