import { describe, expect, it } from 'vitest';
import { DataError, UsageError } from '../../../shared/errors.js';
import { parseCard } from '../../../shared/fits/card.js';
import { FitsHeader, formatReal, parseHeaderBlocks, parseHeaderText } from '../../../shared/fits/index.js';
import { expectOneLineNaming, thrown } from './helpers.js';

/** Card images from lines (each padded to 80), as a newline dump. */
function dump(...lines: string[]): string {
  return lines.map((l) => l.padEnd(80)).join('\n') + '\n';
}

describe('card values', () => {
  it.each([
    ['SIMPLE  =                    T / conforms', true, 'logical'],
    ['EXTEND  =                    F', false, 'logical'],
    ['NAXIS1  =                 3722', 3722, 'integer'],
    ['OFFSET  =                  -17', -17, 'integer'],
    ['BIGINT  = 123456789012345678901', 123456789012345678901, 'integer'],
    ['CDELT1  =   -5.555555555556E-04', -5.555555555556e-4, 'real'],
    ['DEXP    =              1.0D-03', 0.001, 'real'],
    ['DEXP2   =               2.5d+2', 250, 'real'],
    ['HALF    =                   .5', 0.5, 'real'],
    ['ONE     =                   1.', 1, 'real'],
    ['FREE    = -1E5 / free format', -100000, 'real'],
    ['CPLX    = (1, -2.5E1)', { re: 1, im: -25 }, 'complex'],
    ['NOVAL   =                      / undefined value', null, 'undefined'],
    ["QUOTE   = 'it''s'", "it's", 'string'],
    ["BUNIT   = 'Jy/beam '           /Brightness (pixel) unit", 'Jy/beam', 'string'],
    ["LEAD    = '  ab  '", '  ab', 'string'],
    ["BLANKS  = '        '", '', 'string'],
    ["EMPTY   = ''", '', 'string'],
    ["SLASH   = 'a/b' / c", 'a/b', 'string'],
  ])('%s', (line, value, type) => {
    const card = parseCard(line.padEnd(80));
    expect(card.value).toEqual(value);
    expect(card.type).toBe(type);
    expect(card.raw).toBe(line.padEnd(80));
  });

  it('keeps comments without the slash and surrounding blanks', () => {
    expect(parseCard("BUNIT   = 'Jy/beam '           /Brightness (pixel) unit".padEnd(80)).comment).toBe('Brightness (pixel) unit');
    expect(parseCard('NAXIS3  =                  200 //'.padEnd(80)).comment).toBe('/');
  });

  it('treats HISTORY, COMMENT, blank keywords and cards without "= " as text', () => {
    expect(parseCard('HISTORY CASA END LOGTABLE'.padEnd(80))).toMatchObject({ key: 'HISTORY', value: 'CASA END LOGTABLE', type: 'commentary' });
    expect(parseCard("COMMENT = 'not a value'".padEnd(80))).toMatchObject({ key: 'COMMENT', value: "= 'not a value'" });
    expect(parseCard(' '.repeat(80))).toMatchObject({ key: '', value: '', type: 'commentary' });
    expect(parseCard('DATE    2020'.padEnd(80))).toMatchObject({ key: 'DATE', type: 'commentary' });
  });

  it('reads HIERARCH keywords', () => {
    expect(parseCard('HIERARCH ESO DET CHIP NAME = \'CCD1\' / chip'.padEnd(80))).toMatchObject({ key: 'ESO DET CHIP NAME', value: 'CCD1', comment: 'chip' });
  });

  it('keeps unparsable values as invalid cards that fail only when read', () => {
    const h = parseHeaderText(dump('SIMPLE  =                    T', 'BAD     = abc / x', "OPEN    = 'no end"), 'dump.hdr');
    expect(h.card('BAD')).toMatchObject({ type: 'invalid', value: null, comment: 'x' });
    expect(h.card('OPEN')?.type).toBe('invalid');
    const err = thrown(() => h.getNumber('BAD'));
    expect(err).toBeInstanceOf(DataError);
    expectOneLineNaming(err, 'dump.hdr');
    expect(err.message).toContain('BAD');
  });
});

describe('FitsHeader accessors', () => {
  const h = parseHeaderText(
    dump('SIMPLE  =                    T', 'NAXIS   =                    2', "CTYPE1  = 'RA---SIN'", 'CRVAL1  =   1.500000000000E+02', 'HISTORY first', 'COMMENT c1', 'HISTORY second', '', 'HISTORY third'),
    'a.fits',
  );

  it('looks keys up case-insensitively and types values', () => {
    expect(h.get('naxis')).toBe(2);
    expect(h.getString('CTYPE1')).toBe('RA---SIN');
    expect(h.getNumber('CRVAL1')).toBe(150);
    expect(h.getBoolean('SIMPLE')).toBe(true);
    expect(h.has('BMAJ')).toBe(false);
    expect(h.getNumber('BMAJ')).toBeUndefined();
  });

  it('raises a DataError naming the file for missing or mistyped required keywords', () => {
    for (const fn of [() => h.requireNumber('BMAJ'), () => h.getNumber('CTYPE1'), () => h.getString('NAXIS'), () => h.requireInteger('CTYPE1')]) {
      const err = thrown(fn);
      expect(err).toBeInstanceOf(DataError);
      expectOneLineNaming(err, 'a.fits');
    }
  });

  it('keeps HISTORY, COMMENT and blank cards in order', () => {
    expect(h.history()).toEqual(['first', 'second', 'third']);
    expect(h.comments()).toEqual(['c1']);
    expect(h.cards.map((c) => c.key)).toEqual(['SIMPLE', 'NAXIS', 'CTYPE1', 'CRVAL1', 'HISTORY', 'COMMENT', 'HISTORY', '', 'HISTORY']);
  });
});

describe('CONTINUE long strings', () => {
  it('joins a string continued with & over CONTINUE cards, and its comments', () => {
    const h = parseHeaderText(dump("LONG    = 'first part &' / c1", "CONTINUE  'second part&'", "CONTINUE  ' end' / c2", 'NEXT    =                    1'), 'x');
    expect(h.get('LONG')).toBe('first part second part end');
    expect(h.card('LONG')?.comment).toBe('c1 c2');
    expect(h.card('LONG')?.raw.length).toBe(240);
    expect(h.get('NEXT')).toBe(1);
    expect(h.cards).toHaveLength(2);
  });

  it('writes long strings with CONTINUE and reads them back, never splitting an escaped quote', () => {
    for (const value of ["it's a long string ".repeat(8), 'x'.repeat(66) + "'''" + 'y'.repeat(100), 'z'.repeat(69)]) {
      const h = new FitsHeader();
      h.set('LONGSTR', value, 'the comment');
      const raw = h.card('LONGSTR')!.raw;
      expect(raw.length % 80).toBe(0);
      const back = parseHeaderBlocks(h.toBuffer(), 'mem').header;
      expect(back.get('LONGSTR')).toBe(value.replace(/ +$/, ''));
      expect(back.card('LONGSTR')?.comment).toBe('the comment');
    }
  });

  it('puts a comment that does not fit on a final empty CONTINUE card', () => {
    const h = new FitsHeader();
    h.set('S', 'a'.repeat(130), 'c'.repeat(40));
    const back = parseHeaderBlocks(h.toBuffer(), 'mem').header;
    expect(back.get('S')).toBe('a'.repeat(130));
    expect(back.card('S')?.comment).toBe('c'.repeat(40));
  });
});

describe('FitsHeader.set', () => {
  it('updates an existing card in place, keeping its comment and its real type', () => {
    const h = parseHeaderText(dump('SIMPLE  =                    T', 'CRVAL3  =   3.000000000000E+09 / Hz', 'OTHER   =                    1'), 'x');
    h.set('CRVAL3', 2e9);
    expect(h.cards.map((c) => c.key)).toEqual(['SIMPLE', 'CRVAL3', 'OTHER']);
    expect(h.card('CRVAL3')!.raw).toBe('CRVAL3  =         2000000000.0 / Hz'.padEnd(80));
    h.set('OTHER', 5, 'new comment');
    expect(h.card('OTHER')!.raw).toBe('OTHER   =                    5 / new comment'.padEnd(80));
    h.set('NEWREAL', 4, '', { asReal: true });
    expect(h.card('NEWREAL')!.type).toBe('real');
  });

  it('inserts new keywords before trailing blank cards, using them up', () => {
    const h = parseHeaderText(dump('SIMPLE  =                    T', 'HISTORY h', '', ''), 'x');
    h.set('BMAJ', 0.001);
    expect(h.cards.map((c) => c.key)).toEqual(['SIMPLE', 'HISTORY', 'BMAJ', '']);
    h.addHistory('later');
    h.set('BMIN', 0.0005);
    expect(h.cards.map((c) => c.key)).toEqual(['SIMPLE', 'HISTORY', 'BMAJ', 'HISTORY', 'BMIN']);
    expect(h.get('BMIN')).toBe(0.0005);
    expect(h.history()).toEqual(['h', 'later']);
  });

  it('formats every value type so it parses back to the same value', () => {
    const h = new FitsHeader();
    const values = { L: true, F: false, I: -42, BIG: 2 ** 60, R: 0.1 + 0.2, TINY: -1.2345678901234567e-300, HUGE: 1.7976931348623157e308, S: "O'Brien", C: { re: 1.5, im: -2 }, U: null };
    for (const [k, v] of Object.entries(values)) h.set(k, v);
    const back = parseHeaderBlocks(h.toBuffer(), 'mem').header;
    for (const [k, v] of Object.entries(values)) expect(back.get(k)).toEqual(v);
  });

  it('formats reals exactly, recognisably real, in 20 characters when that is exact', () => {
    for (const x of [1e-5, 0.1 + 0.2, -1.2345678901234567e-300, 123456789.123, 5e-324, 1e21, -0.0015]) {
      const s = formatReal(x);
      expect(s).toMatch(/[.E]/);
      expect(Number(s)).toBe(x);
      expect(parseCard(`X       = ${s.padStart(20)}`.padEnd(80))).toMatchObject({ value: x, type: 'real' });
    }
    expect(formatReal(2)).toBe('2.0');
    expect(formatReal(1e-7)).toBe('1.0E-7');
    expect(formatReal(1e21)).toBe('1.0E21');
    expect(formatReal(0.1 + 0.2).length).toBeLessThanOrEqual(20);
  });

  it('rejects bad keywords (UsageError) and values FITS cannot hold (DataError), naming the source', () => {
    const h = new FitsHeader([], 'out.fits');
    for (const [fn, cls] of [
      [() => h.set('TOOLONGKEY', 1), UsageError],
      [() => h.set('BAD KEY', 1), UsageError],
      [() => h.set('HISTORY', 'x'), UsageError],
      [() => h.set('RMS', NaN), DataError],
      [() => h.set('OBJECT', 'Zürich'), DataError],
      [() => h.addHistory('tab\there'), DataError],
    ] as const) {
      const err = thrown(fn);
      expect(err).toBeInstanceOf(cls);
      expectOneLineNaming(err, 'out.fits');
    }
    expect(h.cards).toHaveLength(0);
  });

  it('splits long HISTORY text over several cards', () => {
    const h = new FitsHeader();
    h.addHistory('a'.repeat(100));
    expect(h.history()).toEqual(['a'.repeat(72), 'a'.repeat(28)]);
  });

  it('removes every card with a keyword', () => {
    const h = parseHeaderText(dump('A       =                    1', 'B       =                    2', 'A       =                    3'), 'x');
    expect(h.remove('a')).toBe(2);
    expect(h.has('A')).toBe(false);
    expect(h.get('B')).toBe(2);
  });
});

describe('header blocks', () => {
  it('serializes to 2880-byte blocks and round-trips byte for byte', () => {
    const text = dump('SIMPLE  =                    T / conforms', 'BITPIX  =                  -32', "OBJECT  = 'J005000-023000'", 'CDELT1  = -1.0D-03 / free', 'HISTORY one', '', 'COMMENT two');
    const h = parseHeaderText(text, 'x');
    const buf = h.toBuffer();
    expect(buf.length).toBe(2880);
    expect(buf.toString('latin1', 7 * 80, 8 * 80)).toBe('END'.padEnd(80));
    expect(buf.toString('latin1', 8 * 80).trim()).toBe('');
    const { header, byteLength } = parseHeaderBlocks(buf, 'x');
    expect(byteLength).toBe(2880);
    expect(header.toBuffer().equals(buf)).toBe(true);
    expect(h.toText()).toBe(text + 'END'.padEnd(80) + '\n');
  });

  it('puts END in the last block when asked for a minimum length', () => {
    const h = parseHeaderText(dump('SIMPLE  =                    T'), 'x');
    const buf = h.toBuffer({ minByteLength: 3 * 2880 });
    expect(buf.length).toBe(3 * 2880);
    const { header, byteLength } = parseHeaderBlocks(buf, 'x');
    expect(byteLength).toBe(3 * 2880);
    expect(header.get('SIMPLE')).toBe(true);
  });

  it('rejects a missing END and non-ASCII bytes with a DataError naming the file', () => {
    const buf = parseHeaderText(dump('SIMPLE  =                    T', 'NAXIS   =                    0'), 'x').toBuffer();
    buf.write(' '.repeat(80), 160, 'latin1'); // blank out END
    const noEnd = thrown(() => parseHeaderBlocks(buf, 'noend.fits'));
    expect(noEnd).toBeInstanceOf(DataError);
    expectOneLineNaming(noEnd, 'noend.fits');
    expect(noEnd.message).toContain('END');

    const bad = parseHeaderText(dump('SIMPLE  =                    T', 'OBJECT  = \'abc\''), 'x').toBuffer();
    bad[80 + 12] = 0xe9;
    const err = thrown(() => parseHeaderBlocks(bad, 'latin.fits'));
    expect(err).toBeInstanceOf(DataError);
    expectOneLineNaming(err, 'latin.fits');
    expect(err.message).toContain('card 2');
  });
});

describe('parseHeaderText', () => {
  it('skips # annotations, pads short lines, stops at END', () => {
    const h = parseHeaderText("# HDU 0 in x.fits:\r\nSIMPLE  = T\r\nCUNIT1  = 'deg'\r\nEND\r\nJUNK    = 1\r\n", 'dump');
    expect(h.cards.map((c) => c.key)).toEqual(['SIMPLE', 'CUNIT1']);
    expect(h.card('CUNIT1')!.raw).toHaveLength(80);
    expect(h.get('CUNIT1')).toBe('deg');
  });

  it('rejects lines longer than a card and non-ASCII text, naming the dump', () => {
    for (const text of ['SIMPLE  = T\n' + 'X'.repeat(81) + '\n', "OBJECT  = 'Zürich'\n"]) {
      const err = thrown(() => parseHeaderText(text, 'bad.header'));
      expect(err).toBeInstanceOf(DataError);
      expectOneLineNaming(err, 'bad.header');
      expect(err.message).toMatch(/line \d/);
    }
  });

  it('parses a long header (20 000 HISTORY cards, 1.6 MB) quickly', () => {
    const lines = ['SIMPLE  =                    T', 'NAXIS   =                    0'];
    for (let i = 0; i < 20_000; i++) lines.push(`HISTORY step ${i} of the imaging log with ''quotes'' & ampersands&`);
    lines.push('BMAJ    =   1.000000000000E-03');
    const text = dump(...lines);
    const t0 = performance.now();
    const h = parseHeaderText(text, 'long');
    const elapsed = performance.now() - t0;
    expect(h.history()).toHaveLength(20_000);
    expect(h.history()[19_999]).toBe("step 19999 of the imaging log with ''quotes'' & ampersands&");
    expect(h.get('BMAJ')).toBe(0.001);
    h.set('BMIN', 0.0005);
    expect(h.toBuffer().length % 2880).toBe(0);
    expect(elapsed).toBeLessThan(1000);
  });
});
