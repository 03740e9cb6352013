/**
 * From pixel values to grey levels, as astropy.visualization's ImageNormalize(interval,
 * stretch, clip=True) does: x = (v − vmin)/(vmax − vmin) clipped to [0, 1] (all 0 when
 * vmax = vmin), then the stretch y(x), then grey = round(255·y).
 *
 * Two recipes:
 * - 'asinh' (default): AsinhStretch(a = 0.1), y = asinh(x/a)/asinh(1/a), over an interval
 *   built from the 0.5 and 99.5 percentiles p_lo, p_hi (astropy PercentileInterval(99)):
 *   vmin = p_lo, vmax = p_lo + headroom·(p_hi − p_lo), headroom 4.
 *   Why asinh: radio continuum images are noise plus sources whose peaks span three to four
 *   orders of magnitude (1 mJy next to 1 Jy in one VLASS field). A linear scale shows either
 *   the noise or the bright sources; asinh is linear below x ≈ a, where it keeps the noise
 *   and faint sources at their real contrast, and logarithmic above, where bright sources,
 *   their cores and their sidelobes stay distinguishable instead of merging into white.
 *   Why the headroom: a VLASS field is >99.9 % noise, so p_hi is a noise value (≈ +2.6
 *   sigma) and the plain percentile interval saturates every source at 2.6 sigma while asinh
 *   squeezes the positive noise into near-white (a washed-out, skewed-looking field; checked
 *   on simulated QL fields and on real FIRST-, Aegean- and LOFAR-test images). Higher upper
 *   percentiles do not help: in a sparse field 99.9 % is still noise and 99.99 % is the peak
 *   of the brightest source, which turns everything else black. Stretching the noise
 *   interval by 4 puts the noise in the first quarter of the range (black at −2.6 sigma,
 *   zero at grey ~90, +2.6 sigma at ~140) and gives sources up to ~18 sigma the rest, on
 *   asinh's logarithmic part. headroom 1 is astropy's plain PercentileInterval + AsinhStretch.
 * - 'zscale': ZScaleInterval (zscale.ts) + LinearStretch, as DS9's zscale: a narrow, linear
 *   window on the noise, for judging noise, artefacts and faint structure; sources saturate.
 */
import { type FloatArray, percentilesOfWork, workingCopy } from '../stats/index.js';
import { type Limits, zscaleLimits } from './zscale.js';

export type StretchName = 'asinh' | 'zscale';

export interface StretchOptions {
  /** Default 'asinh'. */
  stretch?: StretchName;
  /** asinh: the percentiles [lower, upper] of the noise interval; default [0.5, 99.5]. */
  percentiles?: readonly [number, number];
  /** asinh: display range / percentile range, >= 1; default 4 (1 = plain percentile interval). */
  headroom?: number;
  /** asinh: the a of AsinhStretch, 0 < a <= 1; default 0.1. */
  asinhA?: number;
}

export const DEFAULT_PERCENTILES: readonly [number, number] = [0.5, 99.5];
export const DEFAULT_HEADROOM = 4;
export const DEFAULT_ASINH_A = 0.1;

/** astropy AsymmetricPercentileInterval(lower, upper).get_limits: numpy 'linear' percentiles of the finite values. */
export function percentileLimits(values: FloatArray, lower: number, upper: number): Limits {
  const work = workingCopy(values, { excludeInfinite: true });
  const [vmin, vmax] = percentilesOfWork(work, [lower, upper]);
  return { vmin, vmax };
}

/** astropy AsinhStretch(a) as a function of x in [0, 1]: asinh(x/a)/asinh(1/a). */
export function asinhStretch(a: number): (x: number) => number {
  const norm = Math.asinh(1 / a);
  return (x) => Math.asinh(x / a) / norm;
}

/** A value → grey level mapping for one image. */
export interface GreyScale {
  limits: Limits;
  /** Grey level 0..255 of a finite value. */
  grey(value: number): number;
}

/** The limits for `values` (the pixels that will be shown) and the mapping they define. */
export function greyScale(values: FloatArray, options: StretchOptions = {}): GreyScale {
  const stretch = options.stretch ?? 'asinh';
  if (stretch === 'zscale') {
    const limits = zscaleLimits(values);
    return { limits, grey: mapper(limits, (x) => x) };
  }
  const [lower, upper] = options.percentiles ?? DEFAULT_PERCENTILES;
  const a = options.asinhA ?? DEFAULT_ASINH_A;
  const limits = asinhLimits(values, lower, upper, options.headroom ?? DEFAULT_HEADROOM);
  return { limits, grey: mapper(limits, asinhStretch(a)) };
}

/** The asinh display interval: [p_lower, p_lower + headroom·(p_upper − p_lower)]. */
export function asinhLimits(values: FloatArray, lower: number, upper: number, headroom: number): Limits {
  const p = percentileLimits(values, lower, upper);
  return { vmin: p.vmin, vmax: p.vmin + headroom * (p.vmax - p.vmin) };
}

function mapper({ vmin, vmax }: Limits, stretch: (x: number) => number): (value: number) => number {
  const span = vmax - vmin;
  if (!(span > 0)) return () => 0; // constant image: astropy's ImageNormalize gives 0
  return (value) => {
    const x = (value - vmin) / span;
    return Math.round(255 * stretch(x <= 0 ? 0 : x >= 1 ? 1 : x));
  };
}
