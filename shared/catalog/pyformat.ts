/**
 * Number formatting that reproduces Python's `'%.Nf'`, `'%.Ne'` and `'%Nd'`, which is how
 * PyBDSF and run_getalpha wrote the VLASS catalogs. A byte-exact catalog needs the same
 * rounding, signs and spellings, and JavaScript's toFixed differs from Python in three places:
 *
 * - exact ties: toFixed rounds half away from zero, Python half to even
 *   (0.125 → '0.13' in JS, '0.12' in Python). Ties happen only for short binary fractions,
 *   but pixel positions such as 3101 + 1/32768 are exactly such values at 14 decimals;
 * - negative zero: Python writes '-0.000', toFixed '0.000' (a read-back -0 must write back
 *   the same bytes);
 * - NaN and infinities: Python writes 'nan', 'inf', '-inf'.
 */

/** Python `'%.{decimals}f' % x`. */
export function pyFixed(x: number, decimals: number): string {
  if (Number.isNaN(x)) return 'nan';
  const negative = x < 0 || Object.is(x, -0);
  if (!Number.isFinite(x)) return negative ? '-inf' : 'inf';
  const magnitude = Math.abs(x);
  // toFixed is exact for |x| < 1e21; beyond that it switches to exponent form, which never
  // occurs for catalog values but must not silently produce a wrong string.
  if (magnitude >= 1e21) throw new RangeError(`pyFixed: ${x} is too large for fixed notation`);
  return (negative ? '-' : '') + roundHalfEven(magnitude, decimals);
}

/** Python `'%.{decimals}e' % x`: at least two exponent digits (3.00000e+09). */
export function pyExponential(x: number, decimals: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x < 0 ? '-inf' : 'inf';
  // Ties are not corrected here: this is only used for header values such as 3e9 Hz.
  const [mantissa, exponent] = x.toExponential(decimals).split('e');
  const sign = exponent.startsWith('-') ? '-' : '+';
  return `${mantissa}e${sign}${exponent.replace(/^[+-]/, '').padStart(2, '0')}`;
}

/** Python `'%{width}d' % n`: right-aligned integer. */
export function pyInteger(n: number, width: number): string {
  if (!Number.isInteger(n)) throw new RangeError(`pyInteger: ${n} is not an integer`);
  return String(n).padStart(width, ' ');
}

/**
 * Rounds a non-negative value to `decimals` places with ties to even. toFixed already gives
 * the correctly rounded result except on an exact tie. A tie is a value whose exact decimal
 * expansion is a 5 right after the last kept digit and then nothing: a short binary
 * fraction, whose whole expansion fits in the 100 digits toFixed can show exactly.
 */
function roundHalfEven(magnitude: number, decimals: number): string {
  const rounded = magnitude.toFixed(decimals);
  // An exact tie (...d5000... in decimal) needs a binary fraction of at most decimals + 1 bits:
  // anything else toFixed already rounds correctly, and the 100-digit expansion is the slow part.
  const scaled = magnitude * 2 ** (decimals + 1);
  if (!Number.isInteger(scaled) || !Number.isFinite(scaled)) return rounded;
  const expansion = magnitude.toFixed(100);
  const cut = expansion.indexOf('.') + (decimals === 0 ? 0 : decimals + 1);
  const rest = expansion.slice(decimals === 0 ? cut + 1 : cut);
  if (!/^50*$/.test(rest)) return rounded;
  const truncated = expansion.slice(0, cut);
  const lastDigit = Number(truncated[truncated.length - 1]);
  return lastDigit % 2 === 0 ? truncated : rounded;
}
