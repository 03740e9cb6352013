/**
 * One FITS header card: parsing an 80-character card image into keyword, value and comment,
 * and formatting a keyword/value/comment back into card images.
 *
 * Follows the FITS Standard 4.0, section 4: keyword in columns 1-8, value indicator "= " in
 * columns 9-10, value and optional "/ comment" in columns 11-80. Parsing is deliberately
 * tolerant where real writers (CASA, AIPS, IDL) stray from fixed format: free-format values,
 * lower-case keywords, short comments without a space after the slash. A value that cannot be
 * parsed does not fail the whole header (a QA tool rarely needs every keyword); the card is
 * kept with type 'invalid' and the accessors in header.ts raise a DataError when it is read.
 */

/** Bytes in one card image. */
export const CARD_LENGTH = 80;
/** Bytes in one header or data block. */
export const BLOCK_LENGTH = 2880;

/** A complex value, written "(re, im)"; rare in images, supported so such cards round-trip. */
export interface FitsComplex {
  re: number;
  im: number;
}

/**
 * A keyword value as JavaScript sees it. `null` is FITS's undefined value (a value indicator
 * followed by nothing). Integers beyond 2^53 are kept as (rounded) numbers; the exact text is
 * still in `raw`.
 */
export type FitsValue = string | number | boolean | FitsComplex | null;

/**
 * What kind of card this is. 'real' and 'integer' are kept apart (both are JS numbers) so that
 * updating a real-valued keyword with a whole number still writes it as a real.
 * 'commentary' covers HISTORY, COMMENT, blank-keyword cards and any card without "= ".
 */
export type CardType = 'logical' | 'integer' | 'real' | 'string' | 'complex' | 'undefined' | 'commentary' | 'invalid';

export interface FitsCard {
  /** Upper-case keyword; '' for a blank-keyword card. HIERARCH cards use the words after HIERARCH. */
  key: string;
  /** Parsed value; for commentary cards the text of columns 9-80 with trailing blanks removed. */
  value: FitsValue;
  /** Text after the '/' with surrounding blanks removed; '' when there is none. */
  comment: string;
  /** The card image(s) exactly as read or formatted: 80 characters, or 80 x n for a CONTINUE'd string. */
  raw: string;
  type: CardType;
  /** For 'invalid' cards, why the value could not be parsed. */
  problem?: string;
}

const COMMENTARY_KEYS = new Set(['COMMENT', 'HISTORY', '']);
const INTEGER_RE = /^[+-]?\d+$/;
const REAL_RE = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[EeDd][+-]?\d+)?$/;
const COMPLEX_RE = /^\(\s*([^,]+?)\s*,\s*([^)]+?)\s*\)$/;
const VALID_KEY_RE = /^[A-Z0-9_-]{0,8}$/;

/** Whether a keyword is one whose cards carry free text instead of a value. */
export function isCommentaryKey(key: string): boolean {
  return COMMENTARY_KEYS.has(key);
}

/** Whether `key` may be written as a standard (non-HIERARCH) keyword. */
export function isValidKeyword(key: string): boolean {
  return key.length > 0 && VALID_KEY_RE.test(key);
}

/** Parses one 80-character card image (the caller guarantees length and ASCII content). */
export function parseCard(image: string): FitsCard {
  const key = image.slice(0, 8).trimEnd().toUpperCase();
  if (key === 'HIERARCH') return parseHierarch(image);
  if (isCommentaryKey(key) || image.slice(8, 10) !== '= ') {
    // CONTINUE cards have no "= " but do carry a string value; header.ts joins them.
    if (key === 'CONTINUE' && image.slice(8, 10) === '  ') return { key, ...parseValueField(image.slice(10)), raw: image };
    return { key, value: image.slice(8).trimEnd(), comment: '', raw: image, type: 'commentary' };
  }
  return { key, ...parseValueField(image.slice(10)), raw: image };
}

/** ESO HIERARCH convention: "HIERARCH ESO DET CHIP = value / comment". Read only. */
function parseHierarch(image: string): FitsCard {
  const eq = image.indexOf('=', 9);
  if (eq < 0) return { key: 'HIERARCH', value: image.slice(8).trimEnd(), comment: '', raw: image, type: 'commentary' };
  const key = image.slice(9, eq).trim().replace(/\s+/g, ' ').toUpperCase();
  return { key, ...parseValueField(image.slice(eq + 1)), raw: image };
}

type ParsedValue = Pick<FitsCard, 'value' | 'comment' | 'type' | 'problem'>;

/** Parses the value-and-comment field (columns 11-80). */
export function parseValueField(field: string): ParsedValue {
  let i = 0;
  while (i < field.length && field[i] === ' ') i++;
  if (i === field.length) return { value: null, comment: '', type: 'undefined' };
  if (field[i] === '/') return { value: null, comment: field.slice(i + 1).trim(), type: 'undefined' };
  if (field[i] === "'") return parseQuotedString(field, i);

  const slash = field.indexOf('/', i);
  const text = field.slice(i, slash < 0 ? field.length : slash).trim();
  const comment = slash < 0 ? '' : field.slice(slash + 1).trim();
  if (text === 'T') return { value: true, comment, type: 'logical' };
  if (text === 'F') return { value: false, comment, type: 'logical' };
  if (INTEGER_RE.test(text)) return { value: Number(text), comment, type: 'integer' };
  if (REAL_RE.test(text)) return { value: parseReal(text), comment, type: 'real' };
  const cx = COMPLEX_RE.exec(text);
  if (cx && isNumberText(cx[1]) && isNumberText(cx[2]))
    return { value: { re: parseReal(cx[1]), im: parseReal(cx[2]) }, comment, type: 'complex' };
  return { value: null, comment, type: 'invalid', problem: `value text "${text}" is not a FITS logical, number or string` };
}

/**
 * A quoted string: '' inside is an escaped quote; trailing blanks are not significant
 * (so 'Jy/beam ' is "Jy/beam" and '        ' is ""), leading blanks are.
 */
function parseQuotedString(field: string, open: number): ParsedValue {
  let text = '';
  let j = open + 1;
  for (;;) {
    const q = field.indexOf("'", j);
    if (q < 0) return { value: null, comment: '', type: 'invalid', problem: 'string value has no closing quote' };
    text += field.slice(j, q);
    if (field[q + 1] === "'") {
      text += "'";
      j = q + 2;
      continue;
    }
    j = q + 1;
    break;
  }
  const rest = field.slice(j);
  const slash = rest.indexOf('/');
  const comment = slash < 0 ? '' : rest.slice(slash + 1).trim();
  return { value: text.replace(/ +$/, ''), comment, type: 'string' };
}

function isNumberText(text: string): boolean {
  return INTEGER_RE.test(text) || REAL_RE.test(text);
}

/** Fortran-style reals use D for double-precision exponents (1.0D-03). */
function parseReal(text: string): number {
  return Number(text.replace(/[Dd]/, 'E'));
}

// ---------------------------------------------------------------------------------------------
// Formatting

/** Longest escaped string that fits on one card between the quotes (columns 12-79). */
const MAX_STRING_ON_CARD = 68;

/** Escapes quotes, as FITS strings write a quote as two. */
function escapeString(s: string): string {
  return s.replace(/'/g, "''");
}

/**
 * Formats a real as the shortest text that reads back as the same double, recognisably real
 * (with a '.' or an exponent). Most values fit the fixed-format 20 columns (11-30); the few
 * that need up to 24 characters are written free-format rather than rounded (astropy rounds
 * them to 20 characters; every FITS reader accepts free-format numbers).
 */
export function formatReal(x: number): string {
  const s = String(x).toUpperCase().replace('E+', 'E');
  if (!/[.E]/.test(s)) return s + '.0';
  if (s.includes('E') && !s.includes('.')) return s.replace('E', '.0E');
  return s;
}

/**
 * Whole numbers are written as FITS integers up to the 64-bit range (exactly, where String()
 * would switch to exponent notation at 1e21); beyond it no reader could store them as
 * integers, so they are written as reals.
 */
function formatNumber(x: number, asReal: boolean): string {
  if (asReal || !Number.isInteger(x) || x < -(2 ** 63) || x >= 2 ** 63) return formatReal(x);
  return Math.abs(x) < 1e21 ? String(x) : BigInt(x).toString();
}

/** The value text for a non-string value; strings are handled by formatStringCard. */
function formatScalar(value: Exclude<FitsValue, string>, asReal: boolean): string {
  if (value === null) return '';
  if (typeof value === 'boolean') return value ? 'T' : 'F';
  if (typeof value === 'number') return formatNumber(value, asReal);
  return `(${formatReal(value.re)}, ${formatReal(value.im)})`;
}

/** Appends " / comment" if any of it fits, padding the card to 80 characters. */
function withComment(head: string, comment: string): string {
  if (comment === '') return head.padEnd(CARD_LENGTH);
  // Comments are prose, not data: one that does not fit is cut at column 80, as astropy does.
  return `${head} / ${comment}`.slice(0, CARD_LENGTH).padEnd(CARD_LENGTH);
}

/**
 * Formats a keyword card (80 characters, or 80 x n when a long string needs CONTINUE cards).
 * The caller validates the keyword, that strings are printable ASCII and numbers finite.
 * Strings start in column 11 and other values end in column 30 (the standard's fixed format).
 */
export function formatCard(key: string, value: FitsValue, comment: string, asReal = false): string {
  const name = key.padEnd(8);
  if (typeof value === 'string') return formatStringCard(name, value, comment);
  return withComment(`${name}= ${formatScalar(value, asReal).padStart(20)}`, comment);
}

function formatStringCard(name: string, value: string, comment: string): string {
  const escaped = escapeString(value);
  // Short strings are padded to 8 characters inside the quotes, which old readers expect.
  if (escaped.length <= MAX_STRING_ON_CARD) return withComment(`${name}= ${`'${escaped.padEnd(8)}'`.padEnd(20)}`, comment);

  // The long-string (CONTINUE) convention: every piece but the last ends with '&'. Pieces are
  // cut on unescaped characters so an escaped quote pair is never split across cards.
  const pieces: string[] = [];
  let piece = '';
  for (const ch of value) {
    const cost = ch === "'" ? 2 : 1;
    if (escapeString(piece).length + cost > MAX_STRING_ON_CARD - 1) {
      pieces.push(piece);
      piece = '';
    }
    piece += ch;
  }
  pieces.push(piece);
  const cards = pieces.map((p, i) => {
    const head = i === 0 ? `${name}= ` : 'CONTINUE  ';
    const amp = i < pieces.length - 1 ? '&' : '';
    return `${head}'${escapeString(p)}${amp}'`;
  });
  const last = cards.length - 1;
  if (comment !== '' && cards[last].length + 3 + comment.length > CARD_LENGTH) {
    // No room for the comment on the last piece: end with an empty continuation that carries it.
    cards[last] = cards[last].replace(/'$/, "&'");
    cards.push("CONTINUE  ''");
  }
  return cards.map((c, i) => (i === cards.length - 1 ? withComment(c, comment) : c.padEnd(CARD_LENGTH))).join('');
}

/** Formats HISTORY/COMMENT text as one or more cards of at most 72 characters of text each. */
export function formatCommentaryCards(key: 'HISTORY' | 'COMMENT' | '', text: string): string[] {
  const width = CARD_LENGTH - 8;
  const out: string[] = [];
  for (let i = 0; i === 0 || i < text.length; i += width) out.push((key.padEnd(8) + text.slice(i, i + width)).padEnd(CARD_LENGTH));
  return out;
}
