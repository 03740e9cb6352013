/** erfc / erfc⁻¹ against scipy.special values (printed with repr, so exact doubles). */
import { describe, expect, it } from 'vitest';
import { erfc, erfcInverse } from '../../../shared/stats/index.js';

const ERFC: [number, number][] = [
  [0, 1.0],
  [0.1, 0.8875370839817152],
  [0.5, 0.4795001221869535],
  [1, 0.15729920705028516],
  [2, 0.004677734981047266],
  [2.49, 0.00042928786773391303], // last point of the series branch
  [2.51, 0.0003857054817242799], // first point of the continued fraction
  [3, 2.2090496998585445e-5],
  [4, 1.541725790028002e-8],
  [5, 1.5374597944280347e-12],
  [6, 2.1519736712498913e-17],
  [10, 2.0884875837625446e-45],
  [-1, 1.8427007929497148],
  [-3, 1.9999779095030015],
];

describe('erfc', () => {
  it.each(ERFC)('erfc(%d) matches scipy to 1e-13 relative', (x, expected) => {
    expect(Math.abs(erfc(x) - expected) / expected).toBeLessThan(1e-13);
  });

  it('is NaN for NaN', () => {
    expect(erfc(NaN)).toBeNaN();
  });
});

describe('erfcInverse', () => {
  it.each([
    [1e-12, 5.042029745639059],
    [1e-6, 3.458910737279501],
    [0.01, 1.8213863677184499],
    [0.5, 0.4769362762044699],
    [1.5, -0.4769362762044699],
  ])('erfcInverse(%d) matches scipy', (p, expected) => {
    expect(Math.abs(erfcInverse(p) - expected) / Math.abs(expected)).toBeLessThan(1e-13);
  });

  it('inverts erfc across the range Chauvenet uses', () => {
    for (let y = 0.05; y < 6; y += 0.173) {
      expect(Math.abs(erfcInverse(erfc(y)) - y) / y).toBeLessThan(1e-12);
    }
  });

  it('has the right limits outside (0, 2)', () => {
    expect(erfcInverse(1)).toBe(0);
    expect(erfcInverse(0)).toBe(Infinity);
    expect(erfcInverse(2)).toBe(-Infinity);
    expect(erfcInverse(-0.1)).toBeNaN();
    expect(erfcInverse(2.1)).toBeNaN();
  });
});
