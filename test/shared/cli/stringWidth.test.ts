import realStringWidth from 'string-width';
import { describe, expect, it } from 'vitest';
import stringWidth from '../../../shared/cli/stringWidth.js';

describe('stringWidth: the help layout width, as the string-width package gives it', () => {
  it('agrees with string-width on ASCII, wide and fullwidth characters, combining marks, controls, zero-width characters and ANSI colours', () => {
    for (const text of [
      '',
      'annotateQa --dir products --annotate-fits',
      '±20% of the expected 1/f beam; µJy; é; naïve',
      '日本語のテキスト',
      'ＡＢＣ fullwidth',
      'e\u0301 combining acute',
      'tab\there and\u0007bell',
      'zero\u200bwidth',
      '\u001b[31mred\u001b[39m text',
      '한국어 hangul syllables',
    ])
      expect(stringWidth(text), JSON.stringify(text)).toBe(realStringWidth(text));
  });

  it('counts ANSI escapes when asked, as string-width does', () => {
    const text = '\u001b[1mbold\u001b[22m';
    expect(stringWidth(text, { countAnsiEscapeCodes: true })).toBe(realStringWidth(text, { countAnsiEscapeCodes: true }));
  });
});
