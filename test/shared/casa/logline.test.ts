import { describe, expect, it } from 'vitest';
import { originParts, parseCasaLogLine, parseTaskMarker } from '../../../shared/casa/logline.js';

describe('parseCasaLogLine', () => {
  it('parses the tab-separated form', () => {
    const r = parseCasaLogLine('2020-10-08 23:53:57\tSEVERE\tplotants::::\tAn error occurred running task plotants.');
    expect(r).toEqual({ time: '2020-10-08 23:53:57', priority: 'SEVERE', origin: 'plotants::::', continuation: false, message: 'An error occurred running task plotants.' });
  });
  it('parses the space-separated form of older sessions', () => {
    const r = parseCasaLogLine('2020-10-08 23:36:51 INFO listobs\t##### Begin Task: listobs            #####');
    expect(r?.priority).toBe('INFO');
    expect(r?.origin).toBe('listobs');
    expect(r?.message).toBe('##### Begin Task: listobs            #####');
  });
  it('marks continuation origins and strips CR', () => {
    const r = parseCasaLogLine('2020-10-08 23:54:42\tINFO\tplotants::::+\t        checkbaselines=False\r');
    expect(r?.continuation).toBe(true);
    expect(r?.origin).toBe('plotants::::');
    expect(r?.message).toBe('        checkbaselines=False');
  });
  it('rejects lines that are not records', () => {
    expect(parseCasaLogLine('Traceback (most recent call last): SEVERE')).toBeUndefined();
    expect(parseCasaLogLine('2020-10-08 23:54:42\tNOTAPRIORITY\tx\ty')).toBeUndefined();
  });
  it('splits origins and finds task markers', () => {
    expect(originParts('plotants::utils::verify')).toEqual(['plotants', 'utils', 'verify']);
    expect(originParts('::casa')).toEqual(['casa']);
    expect(parseTaskMarker('##### Begin Task: tclean           #####')).toEqual({ kind: 'begin', task: 'tclean' });
    expect(parseTaskMarker('##### End Task: tclean             #####')).toEqual({ kind: 'end', task: 'tclean' });
    expect(parseTaskMarker('##########################################')).toBeUndefined();
  });
});
