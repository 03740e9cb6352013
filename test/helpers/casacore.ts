/**
 * Real measurement sets for tests: made by fixtures/ms/make_ms.py with python-casacore, and
 * checked with python-casacore (never by trusting the tool under test). Debian's
 * python3-casacore lives in /usr/bin/python3's dist-packages.
 *
 * Locally the tests skip, saying so, without casacore-tools and python3-casacore; CI sets
 * VLASS_REQUIRE_CASACORE=1 (.ci/run), so there they fail instead.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { REPO_ROOT } from './realdata.js';

export const PYTHON = '/usr/bin/python3';
const MAKE_MS = join(REPO_ROOT, 'fixtures', 'ms', 'make_ms.py');

export function casacoreSkipReason(): string | undefined {
  const taql = spawnSync('taql', ['-v'], { encoding: 'utf8' });
  const py = existsSync(PYTHON) ? spawnSync(PYTHON, ['-c', 'import casacore.tables'], { encoding: 'utf8' }) : undefined;
  if (!taql.error && py?.status === 0) return undefined;
  if (process.env.VLASS_REQUIRE_CASACORE === '1') throw new Error('VLASS_REQUIRE_CASACORE=1 but casacore-tools (taql) or python3-casacore is missing');
  return 'casacore-tools (taql) or python3-casacore is not installed here (apt-get install casacore-tools python3-casacore); measurement set tests skipped';
}

export interface MadeMs {
  out: string;
  rows: number;
  rowsPerField: number;
  fields: Array<{ name: string; ra: number; dec: number }>;
}

/** Writes a VLASS-like measurement set (see make_ms.py for the options). */
export function makeMs(out: string, options: Record<string, string | number> = {}): MadeMs {
  mkdirSync(dirname(out), { recursive: true });
  const args = Object.entries(options).flatMap(([k, v]) => [`--${k.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase())}`, String(v)]);
  return JSON.parse(execFileSync(PYTHON, [MAKE_MS, out, ...args], { encoding: 'utf8', maxBuffer: 1 << 26 })) as MadeMs;
}

/** Runs a python-casacore snippet that prints one JSON value; returns it. */
export function py<T>(code: string): T {
  const text = execFileSync(PYTHON, ['-c', `import json, numpy as np\nfrom casacore.tables import table\n${code}`], { encoding: 'utf8', maxBuffer: 1 << 26 });
  return JSON.parse(text) as T;
}
