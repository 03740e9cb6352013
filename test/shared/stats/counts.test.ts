/** pixelCensus is countPixels plus the extrema of the finite values, in one pass. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { countPixels, extrema, pixelCensus } from '../../../shared/stats/index.js';

describe('pixelCensus', () => {
  it('equals countPixels and extrema over the values with infinities blanked, first occurrences kept', () => {
    const value = fc.oneof(fc.double({ min: -5, max: 5, noNaN: true }), fc.constantFrom(NaN, 0, Infinity, -Infinity, 2, -2));
    fc.assert(
      fc.property(fc.array(value, { maxLength: 200 }), fc.integer({ min: 1, max: 17 }), fc.boolean(), (vs, width, single) => {
        const data = single ? Float32Array.from(vs) : Float64Array.from(vs);
        const blanked = data.map((v) => (v === Infinity || v === -Infinity ? NaN : v));
        expect(pixelCensus(data, width)).toEqual({ counts: countPixels(data), extrema: extrema(blanked, width) });
      }),
      { numRuns: 2000 },
    );
  });
});
