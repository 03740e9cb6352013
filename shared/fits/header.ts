/**
 * FITS headers: the ordered list of cards of one HDU, parsed from 2880-byte blocks or from a
 * newline-separated text dump, edited with `set`, and serialized back into blocks.
 *
 * Unchanged cards keep their original card images, so parsing a header and serializing it
 * again gives back the same bytes; only cards that `set` touches are re-formatted. That keeps
 * in-place keyword updates (write.ts) minimal and lets diffs of a re-written header show only
 * what a tool changed.
 */
import { DataError, UsageError } from '../errors.js';
import {
  BLOCK_LENGTH,
  CARD_LENGTH,
  type FitsCard,
  type FitsValue,
  formatCard,
  formatCommentaryCards,
  isCommentaryKey,
  isValidKeyword,
  parseCard,
} from './card.js';

export type { FitsCard, FitsValue, FitsComplex, CardType } from './card.js';

const END_CARD = 'END'.padEnd(CARD_LENGTH);

/** The ordered cards of one header (without the END card, which serialization adds). */
export class FitsHeader {
  /** File path (or a label) used in every error message about this header. */
  readonly source: string;
  private readonly list: FitsCard[];
  /** Keyword -> index of its first card; rebuilt lazily after removals. */
  private index: Map<string, number> | null = null;

  constructor(cards: FitsCard[] = [], source = '(new FITS header)') {
    this.list = cards;
    this.source = source;
  }

  /** The cards in header order. Edit through `set`/`remove`/`addHistory`, not this array. */
  get cards(): readonly FitsCard[] {
    return this.list;
  }

  /** A copy, for building a new file's header from an existing one without touching it. */
  clone(source = this.source): FitsHeader {
    return new FitsHeader(this.list.map((c) => ({ ...c })), source);
  }

  private lookup(key: string): number | undefined {
    if (this.index === null) {
      this.index = new Map();
      this.list.forEach((c, i) => {
        if (!this.index!.has(c.key)) this.index!.set(c.key, i);
      });
    }
    return this.index.get(key.toUpperCase());
  }

  /** The first card with this keyword, if any. */
  card(key: string): FitsCard | undefined {
    const i = this.lookup(key);
    return i === undefined ? undefined : this.list[i];
  }

  has(key: string): boolean {
    return this.lookup(key) !== undefined;
  }

  /** Value of the first card with this keyword; undefined when absent. */
  get(key: string): FitsValue | undefined {
    return this.card(key)?.value;
  }

  /** A numeric value; undefined when absent; DataError when present but not a number. */
  getNumber(key: string): number | undefined {
    const card = this.card(key);
    if (card === undefined) return undefined;
    if (typeof card.value !== 'number') throw this.wrongType(card, 'a number');
    return card.value;
  }

  /** An integer value; undefined when absent; DataError when present but not an integer. */
  getInteger(key: string): number | undefined {
    const card = this.card(key);
    if (card === undefined) return undefined;
    if (typeof card.value !== 'number' || !Number.isInteger(card.value)) throw this.wrongType(card, 'an integer');
    return card.value;
  }

  /** A string value; undefined when absent; DataError when present but not a string. */
  getString(key: string): string | undefined {
    const card = this.card(key);
    if (card === undefined) return undefined;
    if (typeof card.value !== 'string' || card.type === 'commentary') throw this.wrongType(card, 'a string');
    return card.value;
  }

  /** A logical (T/F) value; undefined when absent; DataError when present but not logical. */
  getBoolean(key: string): boolean | undefined {
    const card = this.card(key);
    if (card === undefined) return undefined;
    if (typeof card.value !== 'boolean') throw this.wrongType(card, 'a logical (T or F)');
    return card.value;
  }

  /** A numeric value that must be present (DataError naming the keyword otherwise). */
  requireNumber(key: string): number {
    const v = this.getNumber(key);
    if (v === undefined) throw this.missing(key);
    return v;
  }

  /** An integer value that must be present (DataError naming the keyword otherwise). */
  requireInteger(key: string): number {
    const v = this.getInteger(key);
    if (v === undefined) throw this.missing(key);
    return v;
  }

  private missing(key: string): DataError {
    return new DataError(`${this.source}: header keyword ${key.toUpperCase()} is missing; the file is not the image this tool expects`);
  }

  private wrongType(card: FitsCard, wanted: string): DataError {
    const why = card.problem ?? `it holds ${JSON.stringify(card.value)}`;
    return new DataError(`${this.source}: header keyword ${card.key} should be ${wanted} but ${why}; fix the card or regenerate the file`);
  }

  /** HISTORY texts in header order. */
  history(): string[] {
    return this.list.filter((c) => c.key === 'HISTORY').map((c) => c.value as string);
  }

  /** COMMENT texts in header order. */
  comments(): string[] {
    return this.list.filter((c) => c.key === 'COMMENT').map((c) => c.value as string);
  }

  /**
   * Sets a keyword: the first existing card is updated in place (keeping its comment unless a
   * new one is given), otherwise a card is added at the end (see `insert`). Whole numbers are
   * written as integers unless the card being replaced held a real or `asReal` is set, so
   * CRVAL3 = 3.0E9 stays real after an update to 3000000000.
   * Bad keywords are a caller's mistake (UsageError); values FITS cannot hold (NaN, non-ASCII
   * text) are a DataError, since they usually come from computed data.
   */
  set(key: string, value: FitsValue, comment?: string, options: { asReal?: boolean } = {}): void {
    const k = key.toUpperCase();
    if (!isValidKeyword(k) || isCommentaryKey(k) || k === 'END' || k === 'CONTINUE')
      throw new UsageError(`${this.source}: cannot set header keyword "${key}": keywords are 1-8 characters A-Z 0-9 _ - and not END/CONTINUE/HISTORY/COMMENT (use addHistory/addComment)`);
    this.checkValue(k, value);
    const text = comment ?? this.card(k)?.comment ?? '';
    this.checkText(k, text);
    const i = this.lookup(k);
    const asReal = options.asReal || (i !== undefined && this.list[i].type === 'real');
    const card = parseCardImages(formatCard(k, value, text, asReal), this.source);
    if (i !== undefined) this.list[i] = card;
    else this.insert(card);
  }

  /** Removes every card with this keyword; returns how many were removed. */
  remove(key: string): number {
    const k = key.toUpperCase();
    const before = this.list.length;
    for (let i = this.list.length - 1; i >= 0; i--) if (this.list[i].key === k) this.list.splice(i, 1);
    this.index = null;
    return before - this.list.length;
  }

  /** Appends HISTORY cards (text longer than 72 characters spans several cards). */
  addHistory(text: string): void {
    this.addCommentary('HISTORY', text);
  }

  /** Appends COMMENT cards (text longer than 72 characters spans several cards). */
  addComment(text: string): void {
    this.addCommentary('COMMENT', text);
  }

  private addCommentary(key: 'HISTORY' | 'COMMENT', text: string): void {
    this.checkText(key, text);
    for (const image of formatCommentaryCards(key, text)) this.insert(parseCard(image));
  }

  /**
   * Adds a card before any trailing blank cards and consumes as many of them as the new card
   * has card images (astropy does the same): writers leave blank cards before END as room for
   * later keywords, and using it keeps the header size, so updates can stay in place.
   */
  private insert(card: FitsCard): void {
    let at = this.list.length;
    while (at > 0 && isBlankCard(this.list[at - 1])) at--;
    const blanksToUse = Math.min(this.list.length - at, card.raw.length / CARD_LENGTH);
    this.list.splice(at, blanksToUse, card);
    if (this.index === null) return;
    // Only trailing blank cards moved; their index entry is stale if it pointed among them.
    const blank = this.index.get('');
    if (blank !== undefined && blank >= at) this.index = null;
    else if (!this.index.has(card.key)) this.index.set(card.key, at);
  }

  private checkValue(key: string, value: FitsValue): void {
    if (typeof value === 'string') this.checkText(key, value);
    else if (typeof value === 'number' && !Number.isFinite(value))
      throw new DataError(`${this.source}: cannot store ${value} in header keyword ${key}: FITS headers have no non-finite numbers; leave the keyword out or use a sentinel`);
    else if (value !== null && typeof value === 'object' && !(Number.isFinite(value.re) && Number.isFinite(value.im)))
      throw new DataError(`${this.source}: cannot store a non-finite complex value in header keyword ${key}`);
  }

  private checkText(key: string, text: string): void {
    if (!/^[\x20-\x7e]*$/.test(text))
      throw new DataError(`${this.source}: text for header keyword ${key} has characters outside printable ASCII, which FITS headers cannot hold; transliterate it first`);
  }

  /**
   * Serializes the header with END, padded with blanks to a multiple of 2880 bytes.
   * `minByteLength` makes it at least that long (a multiple of 2880) by adding blank cards
   * before END, so END sits in the last block: readers find the data at the block after END,
   * so blank blocks after END would shift where they look. Used to rewrite a header in place.
   */
  toBuffer(options: { minByteLength?: number } = {}): Buffer {
    let text = '';
    for (const c of this.list) text += c.raw;
    const minCards = Math.max(0, (options.minByteLength ?? 0) / CARD_LENGTH - (BLOCK_LENGTH / CARD_LENGTH - 1) - 1);
    const cardsBeforeEnd = text.length / CARD_LENGTH;
    if (cardsBeforeEnd < minCards) text += ' '.repeat((minCards - cardsBeforeEnd) * CARD_LENGTH);
    text += END_CARD;
    const padded = Math.ceil(text.length / BLOCK_LENGTH) * BLOCK_LENGTH;
    return Buffer.from(text.padEnd(padded, ' '), 'latin1');
  }

  /** Size in bytes of `toBuffer()` without building it. */
  byteLength(): number {
    let chars = CARD_LENGTH;
    for (const c of this.list) chars += c.raw.length;
    return Math.ceil(chars / BLOCK_LENGTH) * BLOCK_LENGTH;
  }

  /** One card image per line, ending with END: the usual text-dump form. */
  toText(): string {
    const lines: string[] = [];
    for (const c of this.list) for (let i = 0; i < c.raw.length; i += CARD_LENGTH) lines.push(c.raw.slice(i, i + CARD_LENGTH));
    lines.push(END_CARD);
    return lines.join('\n') + '\n';
  }
}

function isBlankCard(card: FitsCard): boolean {
  return card.key === '' && card.value === '';
}

/** Parses formatted card images (one card, possibly with CONTINUE cards) back into one card. */
function parseCardImages(images: string, source: string): FitsCard {
  const cards: string[] = [];
  for (let i = 0; i < images.length; i += CARD_LENGTH) cards.push(images.slice(i, i + CARD_LENGTH));
  return parseCards(cards, source).cards[0];
}

/**
 * Builds a header from card images (each exactly 80 characters, without END), joining
 * long-string CONTINUE cards onto the string they continue.
 */
export function parseCards(images: readonly string[], source: string): FitsHeader {
  const cards: FitsCard[] = [];
  for (let i = 0; i < images.length; i++) {
    const card = parseCard(images[i]);
    if (card.type === 'string' && card.key !== 'CONTINUE') {
      // The long-string convention: a string ending in '&' continues on following CONTINUE cards.
      let value = card.value as string;
      const comments = card.comment ? [card.comment] : [];
      let raw = card.raw;
      while (value.endsWith('&') && i + 1 < images.length && images[i + 1].startsWith('CONTINUE  ')) {
        const next = parseCard(images[i + 1]);
        if (next.type !== 'string') break;
        value = value.slice(0, -1) + (next.value as string);
        if (next.comment) comments.push(next.comment);
        raw += next.raw;
        i++;
      }
      if (raw !== card.raw) {
        cards.push({ ...card, value, comment: comments.join(' '), raw });
        continue;
      }
    }
    cards.push(card);
  }
  return new FitsHeader(cards, source);
}

/**
 * Throws a DataError unless bytes [start, end) of `buf` are printable ASCII, as FITS headers
 * must be. The message gives the card number so the bad card can be found with a hex dump.
 */
export function assertAsciiHeader(buf: Uint8Array, start: number, end: number, source: string, firstCardNumber = 1): void {
  for (let i = start; i < end; i++) {
    const b = buf[i];
    if (b < 0x20 || b > 0x7e) {
      const card = firstCardNumber + Math.floor((i - start) / CARD_LENGTH);
      throw new DataError(
        `${source}: header card ${card} contains byte 0x${b.toString(16).padStart(2, '0')}, not printable ASCII; the header is corrupt or this is not a FITS file`,
      );
    }
  }
}

/** Index (in cards from `fromCard`) of the END card in `buf`, or -1. */
export function findEndCard(buf: Uint8Array, fromCard: number, cardCount: number): number {
  for (let c = fromCard; c < cardCount; c++) {
    const o = c * CARD_LENGTH;
    // "END" followed by five blanks in columns 1-8.
    if (buf[o] === 0x45 && buf[o + 1] === 0x4e && buf[o + 2] === 0x44 && buf[o + 3] === 0x20 && buf[o + 4] === 0x20 && buf[o + 5] === 0x20 && buf[o + 6] === 0x20 && buf[o + 7] === 0x20)
      return c;
  }
  return -1;
}

/**
 * Parses header blocks as read from a file: `buf` starts at the first header byte and must
 * contain the END card. Returns the header and its size on disk (a multiple of 2880).
 */
export function parseHeaderBlocks(buf: Uint8Array, source: string): { header: FitsHeader; byteLength: number } {
  const cardCount = Math.floor(buf.length / CARD_LENGTH);
  const end = findEndCard(buf, 0, cardCount);
  if (end < 0)
    throw new DataError(`${source}: header has no END card in its ${buf.length} bytes; the file is truncated or not FITS, re-copy or regenerate it`);
  assertAsciiHeader(buf, 0, end * CARD_LENGTH, source);
  const text = Buffer.from(buf.buffer, buf.byteOffset, end * CARD_LENGTH).toString('latin1');
  const images: string[] = new Array(end);
  for (let c = 0; c < end; c++) images[c] = text.slice(c * CARD_LENGTH, (c + 1) * CARD_LENGTH);
  const header = parseCards(images, source);
  return { header, byteLength: Math.ceil(((end + 1) * CARD_LENGTH) / BLOCK_LENGTH) * BLOCK_LENGTH };
}

/**
 * Parses a text dump of a header: one card per line, as written by astropy's
 * `Header.tostring(sep='\n')`, `fitsheader`, or `imhead`. Lines shorter than 80 characters
 * are blank-padded (editors strip trailing blanks); lines starting with '#' are the dump's
 * own annotations (no keyword can start with '#'); END is optional and ends the header.
 */
export function parseHeaderText(text: string, source: string): FitsHeader {
  const lines = text.split('\n');
  while (lines.length > 0 && lines[lines.length - 1].replace(/\r$/, '') === '') lines.pop();
  const images: string[] = [];
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n].endsWith('\r') ? lines[n].slice(0, -1) : lines[n];
    if (line.startsWith('#')) continue;
    if (!/^[\x20-\x7e]*$/.test(line))
      throw new DataError(`${source}: line ${n + 1} of the header dump has characters outside printable ASCII; FITS headers are ASCII, fix or re-export the dump`);
    if (line.length > CARD_LENGTH)
      throw new DataError(`${source}: line ${n + 1} of the header dump is ${line.length} characters long, more than a card's 80; the dump is not one card per line`);
    const image = line.padEnd(CARD_LENGTH);
    if (image === END_CARD) break;
    images.push(image);
  }
  return parseCards(images, source);
}
