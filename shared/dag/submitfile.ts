/**
 * HTCondor submit description files, the part our DAGs use: `key = value` commands (keys
 * case-insensitive), `#` comments, `\` continuation, `$(macro)` references, one `queue`.
 * Parsed with each command's line for lint findings.
 */
import { DataError } from '../errors.js';

export interface SubmitFile {
  file: string;
  /** Lower-cased key -> raw value (macros not expanded) and its line. */
  commands: Map<string, { key: string; value: string; line: number }>;
  queueLine?: number;
}

export function parseSubmit(text: string, file: string): SubmitFile {
  const commands = new Map<string, { key: string; value: string; line: number }>();
  let queueLine: number | undefined;
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = i + 1;
    let statement = lines[i];
    while (statement.endsWith('\\') && i + 1 < lines.length) statement = statement.slice(0, -1) + lines[++i];
    const trimmed = statement.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    if (/^queue\b/i.test(trimmed)) {
      if (queueLine !== undefined) throw new DataError(`${file}:${line}: a second queue statement (the first is on line ${queueLine}); our DAG nodes submit one job each`);
      queueLine = line;
      continue;
    }
    const m = /^([A-Za-z_+][A-Za-z0-9_.+]*)\s*=\s?(.*)$/.exec(trimmed);
    if (!m) throw new DataError(`${file}:${line}: expected "key = value" or "queue", got "${trimmed.slice(0, 60)}"`);
    commands.set(m[1].toLowerCase(), { key: m[1], value: m[2].trim(), line });
  }
  return { file, commands, ...(queueLine !== undefined ? { queueLine } : {}) };
}

/** Names of the `$(macro)` references in a value (`$(JOB)`, `$(name:default)` gives `name`). */
export function macrosIn(value: string): string[] {
  return [...value.matchAll(/\$\(([A-Za-z_][A-Za-z0-9_.]*)(?::[^)]*)?\)/g)].map((m) => m[1]);
}

/**
 * Expands `$(macro)` from `vars` (node VARS, JOB, RETRY) and the file's own commands,
 * recursively; `$(name:default)` falls back to its default. An undefined macro is DataError.
 */
export function expandMacros(value: string, lookup: (name: string) => string | undefined, where: string, depth = 0): string {
  if (depth > 20) throw new DataError(`${where}: macros refer to each other in a loop`);
  return value.replace(/\$\(([A-Za-z_][A-Za-z0-9_.]*)(?::([^)]*))?\)/g, (_, name: string, fallback: string | undefined) => {
    const found = lookup(name) ?? fallback;
    if (found === undefined) throw new DataError(`${where}: $(${name}) is not defined by the node's VARS or the submit file`);
    return expandMacros(found, lookup, where, depth + 1);
  });
}

/**
 * A node's submit file as DAGMan has it expanded for one attempt: each command's value with
 * $(JOB), $(RETRY), the node's VARS and the file's own commands filled in (undefined when the
 * file has no such command).
 */
export function nodeSubmitValues(submit: SubmitFile, node: string, vars: ReadonlyArray<{ key: string; value: string }>, retry: number): (key: string) => string | undefined {
  const byKey = new Map(vars.map((v) => [v.key, v.value]));
  const lookup = (name: string): string | undefined => {
    if (name === 'JOB') return node;
    if (name === 'RETRY') return String(retry);
    return byKey.get(name) ?? submit.commands.get(name.toLowerCase())?.value;
  };
  return (key) => {
    const c = submit.commands.get(key);
    return c ? expandMacros(c.value, lookup, `${submit.file}:${c.line}`) : undefined;
  };
}

/**
 * HTCondor's `arguments`: the new syntax (the whole value in double quotes; words split on
 * spaces, single quotes group, '' is a literal quote, "" a literal double quote) or the old
 * one (split on whitespace).
 */
export function splitArguments(value: string, where: string): string[] {
  const v = value.trim();
  if (!v.startsWith('"')) return v === '' ? [] : v.split(/\s+/);
  if (!v.endsWith('"') || v.length < 2) throw new DataError(`${where}: arguments start with " but do not end with one`);
  const body = v.slice(1, -1).replace(/""/g, '\u0000');
  const out: string[] = [];
  let word: string | undefined;
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c === "'") {
      word ??= '';
      i++;
      while (i < body.length) {
        if (body[i] === "'" && body[i + 1] === "'") {
          word += "'";
          i += 2;
        } else if (body[i] === "'") break;
        else word += body[i++];
      }
      if (i >= body.length) throw new DataError(`${where}: a single quote in arguments is not closed`);
    } else if (/\s/.test(c)) {
      if (word !== undefined) out.push(word);
      word = undefined;
    } else word = (word ?? '') + c;
  }
  if (word !== undefined) out.push(word);
  return out.map((w) => w.replace(/\u0000/g, '"'));
}

/** HTCondor's `environment`: new syntax "A=1 B='x y'" or old syntax A=1;B=2. */
export function parseEnvironment(value: string, where: string): Record<string, string> {
  const v = value.trim();
  const pairs = v.startsWith('"') ? splitArguments(v, where) : v.split(';').filter((s) => s.trim() !== '');
  const env: Record<string, string> = {};
  for (const p of pairs) {
    const at = p.indexOf('=');
    if (at <= 0) throw new DataError(`${where}: environment entry "${p}" is not NAME=value`);
    env[p.slice(0, at).trim()] = p.slice(at + 1);
  }
  return env;
}
