/**
 * CAPO configuration with pycapo's semantics, plus the project's embedded defaults.
 *
 * Layers, lowest precedence first:
 *   1. embedded `capo/defaults.properties` and `capo/defaults-<tool>.properties` (built in)
 *   2. embedded `capo/<profile>.properties`, when the project ships one for that profile
 *   3. `<dir>/<profile>.properties` for each directory of the search path, in order
 *      (flag, else $CAPO_PATH, else /home/casa/capo:/home/ssa/capo), with ~/.capo always last.
 * Later layers override earlier ones. Missing or unreadable files along the path are skipped,
 * as pycapo does. Unlike pycapo, no profile is not an error: the embedded defaults apply, so a
 * tool runs on a fresh node with no CAPO files at all.
 */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../errors.js';
import { embeddedCapoFiles } from '../buildinfo.js';
import { parseProperties, type PropertyEntry } from './properties.js';

export const DEFAULT_CAPO_PATH = ['/home/casa/capo', '/home/ssa/capo'];
const SECRET_KEY = /password|secret|token/i;
const ENV_REF = /^\$\{env:([A-Za-z_][A-Za-z0-9_]*)\}/;
const DEFAULTS_FILE = /^defaults(-[A-Za-z0-9-]+)?\.properties$/;
const TRUE_WORDS = new Set(['1', 'on', 'yes', 'true']);
const FALSE_WORDS = new Set(['0', 'off', 'no', 'false']);

export interface CapoOptions {
  /** --capo-profile; falls back to $CAPO_PROFILE. */
  profile?: string;
  /** --capo-path, colon-separated; falls back to $CAPO_PATH, then the defaults. */
  path?: string;
  env?: NodeJS.ProcessEnv;
  home?: string;
  /** Embedded files (name -> text); defaults to the project's capo/ directory. */
  embedded?: Record<string, string>;
}

export interface EffectiveSetting {
  key: string;
  value: string;
  source: string;
}

export class CapoConfig {
  readonly profile: string | undefined;
  /** Every file considered, in order, and whether it was read. */
  readonly searched: { file: string; read: boolean }[];
  private readonly entries: Map<string, PropertyEntry>;
  private readonly env: NodeJS.ProcessEnv;

  constructor(profile: string | undefined, entries: Map<string, PropertyEntry>, searched: { file: string; read: boolean }[], env: NodeJS.ProcessEnv) {
    this.profile = profile;
    this.entries = entries;
    this.searched = searched;
    this.env = env;
  }

  has(key: string): boolean {
    return this.entries.has(key.toLowerCase());
  }

  /** The value of `key` after `${env:VAR}` expansion; ConfigError when unset and no default. */
  getString(key: string, fallback?: string): string {
    const entry = this.entries.get(key.toLowerCase());
    if (!entry) {
      if (fallback !== undefined) return fallback;
      throw new ConfigError(`CAPO key ${key} is not set (profile ${this.profile ?? '(none)'}; searched ${this.searchedList()}); add it to a ${this.profile ?? '<profile>'}.properties file`);
    }
    return this.expand(entry);
  }

  getNumber(key: string, fallback?: number): number {
    if (!this.has(key) && fallback !== undefined) return fallback;
    const text = this.getString(key);
    const n = Number(text);
    if (text.trim() === '' || !Number.isFinite(n)) throw this.typeError(key, 'a number', text);
    return n;
  }

  getInteger(key: string, fallback?: number): number {
    const n = this.getNumber(key, fallback);
    if (!Number.isInteger(n)) throw this.typeError(key, 'an integer', String(n));
    return n;
  }

  getBoolean(key: string, fallback?: boolean): boolean {
    if (!this.has(key) && fallback !== undefined) return fallback;
    const text = this.getString(key).toLowerCase();
    if (TRUE_WORDS.has(text)) return true;
    if (FALSE_WORDS.has(text)) return false;
    throw this.typeError(key, 'a boolean (true/false, yes/no, on/off, 1/0)', text);
  }

  /** Comma-separated list; empty items dropped. */
  getList(key: string, fallback?: string[]): string[] {
    if (!this.has(key) && fallback !== undefined) return fallback;
    return this.getString(key)
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '');
  }

  /** A JavaScript regular expression; an empty value means "matches nothing" (undefined). */
  getRegex(key: string, flags = ''): RegExp | undefined {
    const text = this.getString(key, '');
    if (text === '') return undefined;
    try {
      return new RegExp(text, flags);
    } catch (err) {
      throw this.typeError(key, `a valid regular expression (${(err as Error).message})`, text);
    }
  }

  /** pycapo's settings(prefix): every key under `prefix.`, with the prefix removed (lower case). */
  settings(prefix: string): Record<string, string> {
    const p = prefix.toLowerCase() + '.';
    const out: Record<string, string> = {};
    for (const [k, entry] of this.entries) if (k.startsWith(p)) out[k.slice(p.length)] = this.expand(entry);
    return out;
  }

  /** Effective configuration with sources, secrets redacted, sorted by key. */
  effective(): EffectiveSetting[] {
    return [...this.entries.values()]
      .map((e) => ({ key: e.key, value: isSecretKey(e.key) ? '[redacted]' : redactUrlPassword(e.value), source: e.source }))
      .sort((a, b) => a.key.localeCompare(b.key));
  }

  /** Values of every secret key, so the logger can scrub them from messages. */
  secretValues(): string[] {
    const out: string[] = [];
    for (const e of this.entries.values()) {
      try {
        const v = this.expand(e);
        const urlPassword = URL_PASSWORD.exec(v)?.[1];
        if (urlPassword) out.push(urlPassword, safeDecode(urlPassword));
        if (isSecretKey(e.key) && v.length >= 4) out.push(v);
      } catch {
        // an unset ${env:} secret has no value to leak
      }
    }
    return out;
  }

  private expand(entry: PropertyEntry): string {
    const m = ENV_REF.exec(entry.value);
    if (!m) return entry.value;
    const fromEnv = this.env[m[1]];
    if (fromEnv === undefined)
      throw new ConfigError(`CAPO key ${entry.key} (${entry.source}) refers to environment variable ${m[1]}, which is not set; export it or override the key`);
    return fromEnv + entry.value.slice(m[0].length);
  }

  private typeError(key: string, expected: string, got: string): ConfigError {
    const source = this.entries.get(key.toLowerCase())?.source ?? 'unset';
    return new ConfigError(`CAPO key ${key} must be ${expected}, got "${got}" (${source}); searched ${this.searchedList()}`);
  }

  private searchedList(): string {
    return this.searched.map((s) => s.file).join(', ') || '(nothing)';
  }
}

export function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key);
}

/** The password of a URL with credentials (amqp://user:password@host/), whatever the key's name. */
const URL_PASSWORD = /^[a-z][a-z0-9+.-]*:\/\/[^/\s:@]*:([^@\s/]+)@/i;

/** The value with a URL's password replaced by [redacted]. */
export function redactUrlPassword(value: string): string {
  const m = URL_PASSWORD.exec(value);
  return m ? value.replace(`:${m[1]}@`, ':[redacted]@') : value;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** Directories searched for `<profile>.properties`, in order (~/.capo always last). */
export function capoSearchPath(options: Pick<CapoOptions, 'path' | 'env' | 'home'>): string[] {
  const env = options.env ?? process.env;
  const home = options.home ?? env.HOME ?? homedir();
  const given = options.path ?? env.CAPO_PATH;
  const dirs = given !== undefined && given !== '' ? given.split(':').filter((d) => d !== '') : [...DEFAULT_CAPO_PATH];
  const userDir = join(home, '.capo');
  return [...dirs.filter((d) => d !== userDir), userDir];
}

/** Loads the layered configuration for a profile. */
export function loadCapo(options: CapoOptions = {}): CapoConfig {
  const env = options.env ?? process.env;
  const profile = options.profile || env.CAPO_PROFILE || undefined;
  if (profile !== undefined && !/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(profile))
    throw new ConfigError(`CAPO profile "${profile}" is not a valid name (letters, digits, '.', '_', '-'); check --capo-profile or CAPO_PROFILE`);
  const embedded = options.embedded ?? embeddedCapoFiles();
  const entries = new Map<string, PropertyEntry>();
  const searched: { file: string; read: boolean }[] = [];

  const layer = (text: string, origin: string) => {
    for (const [k, v] of parseProperties(text, origin)) entries.set(k, v);
  };

  // Each tool's defaults live in a file of their own (defaults-<tool>.properties); no key
  // appears in two of them, so their order does not matter.
  const defaults = Object.keys(embedded).filter((n) => DEFAULTS_FILE.test(n)).sort();
  for (const name of [...defaults, ...(profile ? [`${profile}.properties`] : [])]) {
    const text = embedded[name];
    searched.push({ file: `embedded:${name}`, read: text !== undefined });
    if (text !== undefined) layer(text, `embedded:${name}`);
  }
  if (profile) {
    for (const dir of capoSearchPath({ ...options, env })) {
      const file = join(dir, `${profile}.properties`);
      let text: string | undefined;
      try {
        text = readFileSync(file, 'utf8');
      } catch {
        // pycapo skips missing or unreadable files along the path
      }
      searched.push({ file, read: text !== undefined });
      if (text !== undefined) layer(text, file);
    }
    // A mistyped profile (dsoc-prd) must not run silently on the defaults: in production that
    // would drop the environment's settings unnoticed.
    const profileFiles = searched.filter((f) => f.file.endsWith(`/${profile}.properties`) || f.file === `embedded:${profile}.properties`);
    if (!profileFiles.some((f) => f.read)) {
      const known = Object.keys(embedded).filter((n) => n.endsWith('.properties') && !DEFAULTS_FILE.test(n)).map((n) => n.replace(/\.properties$/, ''));
      throw new ConfigError(
        `CAPO profile "${profile}" not found: no ${profile}.properties built in or in ${capoSearchPath({ ...options, env }).join(', ')}; check --capo-profile or CAPO_PROFILE (built in: ${known.join(', ') || 'none'})`,
      );
    }
  }
  return new CapoConfig(profile, entries, searched, env);
}
