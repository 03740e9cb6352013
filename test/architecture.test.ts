/**
 * The shape of the code, kept by test (README "How the code is laid out"): imports point down
 * the layers, VLASS file names are spelled in one place, and the exit-code tables (errors.ts,
 * --help, README, docs/) agree.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXIT_CODES, exitCodesHelp } from '../shared/errors.js';
import { VLASS_SUFFIX } from '../shared/vlass/products.js';
import { REPO_ROOT } from './helpers/realdata.js';

function tsFiles(dir: string): string[] {
  return readdirSync(join(REPO_ROOT, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => relative(REPO_ROOT, join(e.parentPath, e.name)));
}

/** Repository-relative targets of a file's relative imports. */
function importsOf(file: string): string[] {
  const text = readFileSync(join(REPO_ROOT, file), 'utf8');
  const out: string[] = [];
  for (const m of text.matchAll(/(?:from\s+|import\s*\(\s*)['"](\.{1,2}\/[^'"]+)['"]/g)) out.push(relative(REPO_ROOT, resolve(REPO_ROOT, dirname(file), m[1])));
  return out;
}

/** Library areas that others build on; they must not import the pipelines built on them. */
const FOUNDATION = ['io', 'capo', 'linalg', 'stats', 'wcs', 'fits', 'vlass', 'cube', 'casa', 'events', 'ms', 'dag', 'preview', 'rmsmap', 'sources', 'catalog'];
const PIPELINES = ['qa', 'componentlist', 'cubecatalog', 'split', 'cachecopy', 'cli', 'report'];

describe('layers', () => {
  const shared = tsFiles('shared');

  it('nothing in shared/ imports from tools/', () => {
    const offenders = shared.flatMap((f) => importsOf(f).filter((t) => t.startsWith('tools/')).map((t) => `${f} -> ${t}`));
    expect(offenders).toEqual([]);
  });

  it('the foundation areas never import the pipelines (qa, componentlist, cubecatalog, cli)', () => {
    const offenders = shared
      .filter((f) => FOUNDATION.includes(f.split('/')[1]))
      .flatMap((f) => importsOf(f).filter((t) => PIPELINES.includes(t.split('/')[1]) && t.startsWith('shared/')).map((t) => `${f} -> ${t}`));
    expect(offenders).toEqual([]);
  });

  it('the catalog pipelines (componentlist, cubecatalog) do not import QA: what they share lives in vlass/ and cube/', () => {
    const offenders = shared
      .filter((f) => ['componentlist', 'cubecatalog'].includes(f.split('/')[1]))
      .flatMap((f) => importsOf(f).filter((t) => t.startsWith('shared/qa/')).map((t) => `${f} -> ${t}`));
    expect(offenders).toEqual([]);
  });

  it('every shared/ file belongs to a known area', () => {
    const areas = new Set(shared.map((f) => (f.split('/').length > 2 ? f.split('/')[1] : '(top)')));
    for (const area of areas) expect([...FOUNDATION, ...PIPELINES, '(top)']).toContain(area);
  });
});

describe('one tool shape', () => {
  it('no tool casts its flags or arguments (`as never`): their types come from the const flag objects', () => {
    const offenders = tsFiles('tools').filter((f) => readFileSync(join(REPO_ROOT, f), 'utf8').includes('as never'));
    expect(offenders).toEqual([]);
  });

  it('the pipelines do not take the command line context: they report through shared/progress.ts', () => {
    const offenders = tsFiles('shared')
      .filter((f) => !f.startsWith('shared/cli/'))
      .filter((f) => /\bToolContext\b/.test(readFileSync(join(REPO_ROOT, f), 'utf8')));
    expect(offenders).toEqual([]);
  });
});

describe('test file names', () => {
  it('a test under test/shared/ is named after the module it tests, or is a kebab-case topic (realdata, stats-reference)', () => {
    const offenders = tsFiles('test/shared')
      .filter((f) => f.endsWith('.test.ts'))
      .filter((f) => {
        const module = f.replace(/^test\//, '').replace(/\.test\.ts$/, '.ts');
        const base = f.split('/').pop()!.replace(/\.test\.ts$/, '');
        return !existsSync(join(REPO_ROOT, module)) && !/^[a-z0-9]+(-[a-z0-9]+)*$/.test(base);
      });
    expect(offenders).toEqual([]);
  });
});

describe('VLASS products in one place', () => {
  it('each file suffix is written out only in shared/vlass/products.ts', () => {
    const code = [...tsFiles('shared'), ...tsFiles('tools')].filter((f) => f !== 'shared/vlass/products.ts');
    const offenders: string[] = [];
    for (const file of code) {
      const text = readFileSync(join(REPO_ROOT, file), 'utf8');
      for (const suffix of Object.values(VLASS_SUFFIX)) if (text.includes(`'${suffix}'`) || text.includes(`"${suffix}"`)) offenders.push(`${file}: '${suffix}'`);
    }
    expect(offenders).toEqual([]);
  });

  it('no two suffixes are the same', () => {
    const values = Object.values(VLASS_SUFFIX);
    expect(new Set(values).size).toBe(values.length);
  });
});

describe('one exit-code table', () => {
  const known = new Set<number>(EXIT_CODES.map((c) => c.code));

  it("README's table is EXIT_CODES, row for row", () => {
    const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Exit codes'), readme.indexOf('\n## ', readme.indexOf('## Exit codes') + 5));
    const rows = section.split('\n').filter((l) => /^\| \d/.test(l));
    expect(rows).toEqual(EXIT_CODES.map((c) => `| ${c.code} | ${c.name} | ${c.meaning} |`));
  });

  it('--help lists every code', () => {
    for (const c of EXIT_CODES) expect(exitCodesHelp()).toContain(`${c.code} ${c.brief}`);
  });

  it('every exit code a docs/ page lists is one the tools define', () => {
    const docs = readdirSync(join(REPO_ROOT, 'docs')).filter((f) => f.endsWith('.md'));
    const unknown: string[] = [];
    for (const doc of docs) {
      const text = readFileSync(join(REPO_ROOT, 'docs', doc), 'utf8');
      const start = text.search(/^#+ Exit codes/m);
      if (start < 0) continue;
      const section = text.slice(start).split(/\n#+ /)[0];
      for (const m of section.matchAll(/^\| ([\d /]+) \|/gm)) for (const code of m[1].split('/').map((x) => Number(x.trim()))) if (!known.has(code)) unknown.push(`${doc}: ${code}`);
    }
    expect(unknown).toEqual([]);
  });
});
