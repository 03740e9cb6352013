/**
 * Write then read gives the same model (issue 17), for the formats we write as well as read:
 * FITS cards of every value type, VLASS catalogs (the printed values are fixed points: writing
 * what was read gives the same bytes), and JOBSTATE_LOG lines. FUZZ_RUNS cases each (test/fuzz).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatCard, parseCard } from '../../shared/fits/card.js';
import { componentsFromCatalog } from '../../shared/catalog/components.js';
import { parseCatalog } from '../../shared/catalog/reader.js';
import { formatVlassCatalog } from '../../shared/catalog/writer.js';
import { formatJobstateLine, parseJobstateLog } from '../../shared/dag/statusfiles.js';
import { makeComponent, makeContext, randomSource } from '../shared/catalog/make-component.js';

const RUNS = Number(process.env.FUZZ_RUNS ?? 2000);
const SEED = process.env.FUZZ_SEED === undefined ? 20261202 : Number(process.env.FUZZ_SEED);
const params = (runs = RUNS) => ({ numRuns: runs, ...(Number.isNaN(SEED) ? {} : { seed: SEED }) });

describe('write, then read: the same model', () => {
  it('FITS cards: integers, reals, strings (quotes, blanks), booleans', () => {
    const key = fc.stringMatching(/^[A-Z][A-Z0-9_-]{0,7}$/).filter((k) => !['COMMENT', 'HISTORY', 'CONTINUE', 'END', 'HIERARCH'].includes(k));
    const value = fc.oneof(
      fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
      fc.double({ min: -1e300, max: 1e300, noNaN: true, noDefaultInfinity: true }).filter((v) => !Object.is(v, -0) && !Number.isInteger(v)),
      fc.string({ maxLength: 60, unit: fc.constantFrom(...' abcXYZ019-_./\'"&') }).map((s) => s.replace(/ +$/, '')),
      fc.boolean(),
    );
    fc.assert(
      fc.property(key, value, fc.string({ maxLength: 20, unit: fc.constantFrom(...'abc XYZ 0-9') }), (k, v, comment) => {
        const card = formatCard(k, v, comment, typeof v === 'number' && !Number.isInteger(v));
        const parsed = parseCard(card.slice(0, 80));
        if (card.length > 80) return; // a CONTINUE'd long string: parseCards reads those (header tests)
        expect(parsed.key).toBe(k);
        expect(parsed.value).toEqual(v);
      }),
      params(),
    );
  });

  it('VLASS catalogs: components written, read back and written again give the same bytes', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), fc.integer({ min: 0, max: 6 }), (seed, n) => {
        const random = randomSource(seed);
        const components = Array.from({ length: n }, (_, i) => makeComponent(i, random));
        const text = formatVlassCatalog(components, makeContext());
        const back = componentsFromCatalog(parseCatalog(text, 'roundtrip.csv'));
        expect(back).toHaveLength(n);
        expect(formatVlassCatalog(back, makeContext())).toBe(text);
      }),
      params(Math.max(100, RUNS / 10)),
    );
  });

  it('JOBSTATE_LOG lines', () => {
    const event = fc.record({
      time: fc.integer({ min: 0, max: 2 ** 31 }),
      node: fc.stringMatching(/^[A-Za-z][A-Za-z0-9_.+-]{0,30}$/).filter((n) => n !== 'INTERNAL'),
      event: fc.constantFrom('SUBMIT', 'EXECUTE', 'JOB_TERMINATED', 'JOB_SUCCESS', 'JOB_FAILURE', 'POST_SCRIPT_STARTED', 'POST_SCRIPT_SUCCESS', 'POST_SCRIPT_FAILURE'),
      condorId: fc.option(fc.stringMatching(/^\d{1,6}\.\d$/), { nil: undefined }),
      sequence: fc.integer({ min: 0, max: 99 }),
    });
    fc.assert(
      fc.property(fc.array(event, { maxLength: 8 }), (events) => {
        const text = events.map(formatJobstateLine).join('\n') + '\n';
        expect(parseJobstateLog(text, 'j')).toEqual(events.map((e) => ({ ...e, tag: undefined })));
      }),
      params(),
    );
  });
});
