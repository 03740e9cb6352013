/**
 * The terminal width of a string, for yargs' and cliui's help layout, in place of the
 * `string-width` package (build/bundle.ts aliases it here). string-width creates an
 * Intl.Segmenter and compiles Unicode-property regular expressions (RGI_Emoji) when it is
 * loaded; yargs and cliui each load a copy at start-up, which cost every tool about 20 ms
 * (a fifth of its start) to lay out help text that is nearly always ASCII.
 *
 * Same answers for ASCII, East Asian wide and fullwidth characters, combining marks, control
 * and zero-width characters and ANSI escapes; emoji sequences count per code point (wider than
 * a terminal shows them), which only matters if help text ever holds emoji.
 */
import stripAnsi from 'strip-ansi';
import { eastAsianWidth } from 'get-east-asian-width';

const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;
/** Control, combining and zero-width code points: no columns. */
const ZERO_WIDTH = /[\p{Control}\p{Mark}\p{Default_Ignorable_Code_Point}]/u;

export default function stringWidth(text: string, options: { ambiguousIsNarrow?: boolean; countAnsiEscapeCodes?: boolean } = {}): number {
  if (typeof text !== 'string' || text.length === 0) return 0;
  const plain = options.countAnsiEscapeCodes ? text : stripAnsi(text);
  if (PRINTABLE_ASCII.test(plain)) return plain.length;
  let width = 0;
  for (const char of plain) {
    if (ZERO_WIDTH.test(char)) continue;
    width += eastAsianWidth(char.codePointAt(0)!, { ambiguousAsWide: options.ambiguousIsNarrow === false });
  }
  return width;
}
