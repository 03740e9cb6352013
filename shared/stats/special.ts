/**
 * The complementary error function and its inverse, to near double precision, for
 * Chauvenet's criterion (which needs z with N·erfc(z/√2) = 1/2 for N up to ~10⁸, i.e.
 * erfc arguments up to ~4.5 where 1 - erf(x) would have lost all its digits).
 */

const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);

/** erfc(x) for any real x. */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x < 0) return 2 - erfc(-x);
  if (x < 2.5) return 1 - erfBySeries(x);
  return erfcByContinuedFraction(x);
}

/**
 * Inverse of erfc on (0, 2): y with erfc(y) = p. Newton's method on ln erfc, which is concave,
 * so the iterates approach the root monotonically after the first step.
 */
export function erfcInverse(p: number): number {
  if (!(p > 0 && p < 2)) {
    if (p === 0) return Infinity;
    if (p === 2) return -Infinity;
    return NaN;
  }
  if (p > 1) return -erfcInverse(2 - p);
  if (p === 1) return 0;
  const target = Math.log(p);
  let y = Math.sqrt(-target);
  for (let i = 0; i < 100; i++) {
    const value = erfc(y);
    const slope = (-TWO_OVER_SQRT_PI * Math.exp(-y * y)) / value; // d/dy ln erfc(y)
    const step = (Math.log(value) - target) / slope;
    y -= step;
    if (Math.abs(step) <= 1e-16 * Math.abs(y)) break;
  }
  return y;
}

/** erf(x) = 2/√π·e^(−x²)·Σ 2ⁿx^(2n+1)/(1·3·…·(2n+1)): all terms positive, so no cancellation. */
function erfBySeries(x: number): number {
  const x2 = x * x;
  let term = x;
  let sum = x;
  for (let n = 1; n < 200; n++) {
    term *= (2 * x2) / (2 * n + 1);
    sum += term;
    if (term < 1e-17 * sum) break;
  }
  return TWO_OVER_SQRT_PI * Math.exp(-x2) * sum;
}

/**
 * erfc(x) = e^(−x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + …)))), evaluated by the modified
 * Lentz method; converges quickly for x >= 2.5.
 */
function erfcByContinuedFraction(x: number): number {
  const tiny = 1e-300;
  let f = x;
  let c = x;
  let d = 0;
  for (let n = 1; n < 500; n++) {
    const a = n / 2;
    d = x + a * d;
    d = d === 0 ? tiny : d;
    c = x + a / c;
    c = c === 0 ? tiny : c;
    d = 1 / d;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return Math.exp(-x * x) / (Math.sqrt(Math.PI) * f);
}
