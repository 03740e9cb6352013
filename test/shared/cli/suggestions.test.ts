/** Mistyped flags and commands get a "did you mean", without yargs' camelCase twins. */
import { describe, expect, it } from 'vitest';
import { withSuggestions } from '../../../shared/cli/run.js';
import { annotateQaTool } from '../../../tools/annotateQa/cli.js';
import { createCubeComponentListTool } from '../../../tools/create-cube-component-list/cli.js';
import { vlassDagTool } from '../../../tools/vlass-dag/cli.js';
import { runCaptured } from '../../helpers/run-tool.js';

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

describe('through a tool: its own flags are suggested, also when it takes a positional product', () => {
  it.each([
    [annotateQaTool, ['some/dir', '--previw'], '--previw (did you mean --previews?)'],
    [annotateQaTool, ['some/dir', '--reprot'], '--reprot (did you mean --report?)'],
    [createCubeComponentListTool, ['--catalgo', 'x.csv'], '--catalgo (did you mean --catalog?)'],
    [vlassDagTool, ['render', '--workflw', 'quicklook'], '--workflw (did you mean --workflow?)'],
  ])('%#: %s', async (tool, args, expected) => {
    const r = await runCaptured(tool, args as string[], {});
    expect(r.code).toBe(64);
    expect(r.summary).toContain(expected as string);
  });
});
