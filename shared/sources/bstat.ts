/**
 * PyBDSF's clipped background statistic (functions.bstat, "the PySE method"), which it uses
 * for the whole image's clipped mean and rms (preprocess) and for every box of its rms and
 * mean maps (rmsimage). Reproduced here because the maps a PyBDSF user compares ours with are
 * made by it, and it differs from astropy's sigma_clipped_stats in three ways that matter at
 * the percent level:
 *  - clipping keeps |x − median| < κ·σ (strict), iterated until no value is dropped (or fewer
 *    than 1e-6 of them), at most 200 times; σ is the population std of the survivors;
 *  - the rms is the survivors' sample std (ddof 1) corrected for the clipped tails of a
 *    Gaussian: r = σ·√(r₁ / (r₁ − 2κ·e^(−κ²/2))), r₁ = √(2π)·erf(κ/√2) — 1.36% up at κ = 3,
 *    so that pure noise gives its true σ;
 *  - the mean is the mode estimate 2.5·median − 1.5·mean when the survivors are nearly
 *    symmetric (|mean − median| ≤ 0.3σ), else their median: robust against the faint-source
 *    tail that lifts a clipped mean.
 * When it has not converged after 199 iterations PyBDSF takes the raw mean and std; so does this.
 */
import { erfc } from '../stats/index.js';
import { moveMinimumTo, selectInPlace } from '../stats/select.js';

export interface BackgroundStatistic {
  /** Pixels that took part (finite values). */
  count: number;
  /** PyBDSF's clipped mean (mode or median, see above). */
  mean: number;
  /** PyBDSF's clipped rms, corrected for clipping. */
  rms: number;
}

const MAX_ITERATIONS = 200;
const CONVERGED_FRACTION = 1e-6;

/**
 * bstat on the first `count` values of `work`, which it reorders; NaN and ±Infinity are
 * dropped first (PyBDSF's mask). Fewer than two values give NaN.
 */
export function bstat(work: Float32Array, count: number, kappa: number): BackgroundStatistic {
  let n = 0;
  for (let i = 0; i < count; i++) {
    const v = work[i];
    if (v === v && v !== Infinity && v !== -Infinity) work[n++] = v;
  }
  if (n < 2) return { count: n, mean: NaN, rms: NaN };
  const raw = moments(work, n);

  let iterations = 0;
  let changed = Infinity;
  let previous = n;
  while (changed >= CONVERGED_FRACTION * previous && iterations < MAX_ITERATIONS) {
    previous = n;
    const centre = medianInPlace(work, n);
    const sigma = moments(work, n).std;
    let kept = 0;
    for (let i = 0; i < n; i++) {
      const v = work[i];
      if (Math.abs(v - centre) < kappa * sigma) work[kept++] = v;
    }
    // PyBDSF keeps the previous survivors when nothing would be left.
    if (kept > 0) n = kept;
    changed = Math.abs(kept - previous);
    iterations++;
  }
  if (iterations > MAX_ITERATIONS - 2 || n < 2) return { count: raw.count, mean: raw.mean, rms: raw.sampleStd };

  const { mean, sampleStd } = moments(work, n);
  const median = medianInPlace(work, n);
  const mode = 2.5 * median - 1.5 * mean;
  const r1 = Math.sqrt(2 * Math.PI) * (1 - erfc(kappa / Math.SQRT2));
  const correction = r1 / (r1 - 2 * kappa * Math.exp((-kappa * kappa) / 2));
  return {
    count: raw.count,
    mean: Math.abs(mean - median) / sampleStd <= 0.3 ? mode : median,
    rms: sampleStd * Math.sqrt(correction),
  };
}

/** numpy's median of the first n values (the mean of the middle two when n is even). */
function medianInPlace(work: Float32Array, n: number): number {
  const k = (n - 1) >> 1;
  const lower = selectInPlace(work, k, 0, n - 1);
  return n % 2 === 1 ? lower : (lower + moveMinimumTo(work, k + 1, n - 1)) / 2;
}

/** Mean, population std and sample std (ddof 1) of the first n values, about a shift against cancellation. */
function moments(work: Float32Array, n: number): { count: number; mean: number; std: number; sampleStd: number } {
  const shift = work[0];
  let sum = 0;
  let squares = 0;
  for (let i = 0; i < n; i++) {
    const d = work[i] - shift;
    sum += d;
    squares += d * d;
  }
  const m = sum / n;
  const ss = Math.max(0, squares - n * m * m);
  return { count: n, mean: shift + m, std: Math.sqrt(ss / n), sampleStd: Math.sqrt(ss / (n - 1)) };
}
