/** Mistyped flags and commands get a "did you mean", without yargs' camelCase twins. */
import { describe, expect, it } from 'vitest';
import { withSuggestions } from '../../../shared/cli/run.js';

describe('usage errors', () => {
  const known = ['--phase-center', '--radius-deg', '--previews', '--out', 'status', 'run'];
  it.each([
    ['Unknown arguments: phase-centre, phaseCentre', 'unknown argument: --phase-centre (did you mean --phase-center?)'],
    ['Unknown argument: stauts', 'unknown argument: stauts (did you mean status?)'],
    ['Unknown arguments: previw, zzzzzz', 'unknown arguments: --previw (did you mean --previews?), zzzzzz'],
    ['Missing required argument: workflow', 'Missing required argument: workflow'],
  ])('%s', (problem, expected) => {
    expect(withSuggestions(problem, known)).toBe(expected);
  });
});
