/**
 * Statistics of an rms (local noise) image, as the VLASS pipeline reports them: median and
 * spread of the non-zero rms pixels, and the fraction of non-zero rms pixels AT OR BELOW
 * 120 uJy/beam (technical goal), 168 uJy/beam (SE goal) and 200 uJy/beam (technical
 * requirement).
 *
 * "At or below" vs shared/stats fractionsBelow (strictly below): a pixel exactly at a
 * threshold must count. The threshold is first rounded to the image's precision, because
 * that is what numpy does when the pipeline compares a float32 image with a Python float
 * (`rms <= 120e-6` compares in float32), and then moved to the next float64 up, so that
 * `v < next(t)` is exactly `v <= t`. For 120, 168 and 200 uJy float32 rounds the threshold
 * down, so comparing in float32 or float64 gives the same count; a site-configured threshold
 * that float32 rounds up would not, and the float32 comparison is the pipeline's.
 */
import { fractionsBelow, medianAndPercentiles, type FloatArray } from '../../stats/index.js';
import { finiteOrNull } from './pbcor.js';
import type { RmsMetrics, RmsSource } from '../types.js';

/** The pipeline's three noise levels, Jy/beam. */
export const RMS_LEVELS_JY = { goal: 120e-6, seGoal: 168e-6, requirement: 200e-6 } as const;

export function measureRms(rms: FloatArray, source: RmsSource, file: string | null): RmsMetrics {
  // One pass of order statistics also counts the pixels at or below the three levels.
  const levels = atOrBelowThresholds(rms, [RMS_LEVELS_JY.goal, RMS_LEVELS_JY.seGoal, RMS_LEVELS_JY.requirement]);
  const { count, median, percentiles: [p10, p90], below } = medianAndPercentiles(rms, [10, 90], { excludeZeros: true, excludeInfinite: true, countBelow: levels });
  const [f120, f168, f200] = below.map((b) => (count === 0 ? NaN : b / count));
  return {
    source,
    file,
    medianJy: finiteOrNull(median),
    p10Jy: finiteOrNull(p10),
    p90Jy: finiteOrNull(p90),
    fractionBelow120uJy: finiteOrNull(f120),
    fractionBelow168uJy: finiteOrNull(f168),
    fractionBelow200uJy: finiteOrNull(f200),
    pixelCount: count,
  };
}

/**
 * For each threshold, the fraction of non-zero finite values <= threshold (compared in the
 * array's precision, see the module comment); NaN when there are no such values.
 */
export function fractionsAtOrBelow(data: FloatArray, thresholds: readonly number[]): number[] {
  return fractionsBelow(data, atOrBelowThresholds(data, thresholds), { excludeZeros: true });
}

/** The thresholds `v < t'` that mean `v <= t` in the array's precision (see the module comment). */
function atOrBelowThresholds(data: FloatArray, thresholds: readonly number[]): number[] {
  const inPrecision = data instanceof Float32Array ? (t: number) => Math.fround(t) : (t: number) => t;
  return thresholds.map((t) => nextUp(inPrecision(t)));
}

const f64 = new Float64Array(1);
const u64 = new BigUint64Array(f64.buffer);

/** The smallest float64 greater than x (x finite). */
export function nextUp(x: number): number {
  if (!Number.isFinite(x)) throw new RangeError(`nextUp of ${x}`);
  if (x === 0) return Number.MIN_VALUE;
  f64[0] = x;
  u64[0] = x > 0 ? u64[0] + 1n : u64[0] - 1n;
  return f64[0];
}
