/** Expected strings are Python 3's output for the same format and value. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { pyExponential, pyFixed, pyInteger } from '../../../shared/catalog/pyformat.js';

describe("Python '%.Nf'", () => {
  it.each([
    [6030.5975070265913, 14, '6030.59750702659130'],
    [-0.01158863777119, 14, '-0.01158863777119'],
    [0.516147, 6, '0.516147'],
    [-1.471, 3, '-1.471'],
    // Exact ties go to the even digit, where toFixed rounds up.
    [0.125, 2, '0.12'],
    [0.375, 2, '0.38'],
    [1.0625, 3, '1.062'],
    [2.5, 0, '2'],
    [3.5, 0, '4'],
    [-0.125, 2, '-0.12'],
    // A 14-decimal tie: a pixel position 1/32768 off a whole pixel.
    [3101 + 1 / 32768, 14, '3101.00003051757812'],
    // Signs of zero as Python prints them.
    [-0, 3, '-0.000'],
    [-1e-20, 14, '-0.00000000000000'],
    [0, 14, '0.00000000000000'],
    [NaN, 3, 'nan'],
    [Infinity, 3, 'inf'],
    [-Infinity, 6, '-inf'],
  ])('%s with %i decimals is %s', (x, decimals, expected) => {
    expect(pyFixed(x, decimals)).toBe(expected);
  });
});

describe("Python '%.5e' and '%4d'", () => {
  it('pads the exponent to two digits', () => {
    expect(pyExponential(3e9, 5)).toBe('3.00000e+09');
    expect(pyExponential(2.987736447683e9, 5)).toBe('2.98774e+09');
    expect(pyExponential(1.5e-300, 5)).toBe('1.50000e-300');
  });
  it('right-aligns integers in the width and widens past it', () => {
    expect(pyInteger(0, 4)).toBe('   0');
    expect(pyInteger(-1, 4)).toBe('  -1');
    expect(pyInteger(12345, 4)).toBe('12345');
    expect(() => pyInteger(1.5, 4)).toThrow(RangeError);
  });
});

describe('pyFixed against the full decimal expansion (round half to even, as Python)', () => {
  /** The reference: the exact expansion (toFixed(100) is exact for these magnitudes), rounded by hand. */
  function reference(x: number, decimals: number): string {
    const sign = x < 0 || Object.is(x, -0) ? '-' : '';
    const magnitude = Math.abs(x);
    const expansion = magnitude.toFixed(100);
    const point = expansion.indexOf('.');
    const kept = expansion.slice(0, point + (decimals === 0 ? 0 : decimals + 1));
    const rest = expansion.slice(point + 1 + decimals);
    const tie = /^50*$/.test(rest);
    const up = rest[0] > '5' || (rest[0] === '5' && !tie) || (tie && Number(kept.replace('.', '').at(-1)) % 2 === 1);
    const digits = kept.replace('.', '');
    const bumped = up ? (BigInt(digits) + 1n).toString().padStart(digits.length, '0') : digits;
    const whole = bumped.slice(0, bumped.length - decimals) || '0';
    const text = decimals === 0 ? whole : `${whole}.${bumped.slice(bumped.length - decimals)}`;
    return `${sign}${text}`;
  }

  it('gives the same digits for random values and for short binary fractions (where ties live)', () => {
    const values = fc.oneof(fc.double({ min: -1e6, max: 1e6, noNaN: true }), fc.tuple(fc.integer({ min: -1e6, max: 1e6 }), fc.integer({ min: 0, max: 20 })).map(([m, k]) => m / 2 ** k));
    fc.assert(
      fc.property(values, fc.integer({ min: 0, max: 14 }), (x, d) => {
        expect(pyFixed(x, d)).toBe(reference(x, d));
      }),
      { numRuns: 3000 },
    );
  });
});
