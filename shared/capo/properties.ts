/**
 * Parser for CAPO properties files (Java-properties style, as pycapo reads them):
 * `key = value` (or `key: value`), one per line, no sections; lines starting with `#` or `;`
 * are comments; a trailing backslash continues the value on the next line. Keys are
 * case-insensitive, so they are folded to lower case here once.
 */

export interface PropertyEntry {
  /** Key as written (for messages). */
  key: string;
  value: string;
  /** Where the value came from, `file:line`. */
  source: string;
}

/** Parses properties text; `origin` names the file in sources and errors. */
export function parseProperties(text: string, origin: string): Map<string, PropertyEntry> {
  const entries = new Map<string, PropertyEntry>();
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    let line = lines[i].trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';') || line.startsWith('!')) continue;
    // Continuation: a value ending in an odd number of backslashes joins the next line.
    while (/(^|[^\\])(\\\\)*\\$/.test(line) && i + 1 < lines.length) {
      line = line.slice(0, -1) + lines[++i].trim();
    }
    const sep = line.search(/[=:]/);
    const key = (sep < 0 ? line : line.slice(0, sep)).trim();
    const value = sep < 0 ? '' : line.slice(sep + 1).trim();
    if (key === '') continue;
    entries.set(key.toLowerCase(), { key, value, source: `${origin}:${lineNo}` });
  }
  return entries;
}
