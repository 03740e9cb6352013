import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { capoSearchPath, loadCapo } from '../../../shared/capo/capo.js';
import { parseProperties } from '../../../shared/capo/properties.js';
import { ConfigError } from '../../../shared/errors.js';
import { readCapoDirectory } from '../../../shared/buildinfo.js';

const root = mkdtempSync(join(tmpdir(), 'capo-'));
const home = join(root, 'home');
const sys = join(root, 'sys');
const site = join(root, 'site');
for (const d of [join(home, '.capo'), sys, site]) mkdirSync(d, { recursive: true });
writeFileSync(join(sys, 'dsoc-test.properties'), 'a.shared = from-sys\na.sysOnly = yes\n# comment\n; also a comment\n');
writeFileSync(join(site, 'dsoc-test.properties'), 'A.SHARED = from-site\na.list = x, y,,z\na.num = 2.5\na.bad = twelve\n');
writeFileSync(join(home, '.capo', 'dsoc-test.properties'), 'a.Shared = from-home\na.secretToken = ${env:MY_TOKEN}\na.path = ${env:MY_DIR}/sub\n');
const embedded = { 'defaults.properties': 'a.shared = embedded\na.default = 7\na.flag = off\n' };
const env = { MY_TOKEN: 'tok-123456', MY_DIR: '/data' };
const load = (extra: Parameters<typeof loadCapo>[0] = {}) => loadCapo({ profile: 'dsoc-test', path: `${sys}:${site}`, home, env, embedded, ...extra });

describe('CAPO loader (pycapo semantics)', () => {
  it('later files override earlier ones, ~/.capo last, keys case-insensitive', () => {
    const c = load();
    expect(c.getString('a.shared')).toBe('from-home');
    expect(c.getString('A.SYSONLY')).toBe('yes');
    expect(c.getInteger('a.default')).toBe(7);
    expect(c.effective().find((s) => s.key.toLowerCase() === 'a.shared')?.source).toBe(join(home, '.capo', 'dsoc-test.properties') + ':1');
  });

  it('search path: flag, else CAPO_PATH, else the NRAO defaults; ~/.capo always last and once', () => {
    expect(capoSearchPath({ path: '/x:/y', home, env: {} })).toEqual(['/x', '/y', join(home, '.capo')]);
    expect(capoSearchPath({ home, env: { CAPO_PATH: '/p' } })).toEqual(['/p', join(home, '.capo')]);
    expect(capoSearchPath({ home, env: {} })).toEqual(['/home/casa/capo', '/home/ssa/capo', join(home, '.capo')]);
    expect(capoSearchPath({ path: `${join(home, '.capo')}:/z`, home, env: {} })).toEqual(['/z', join(home, '.capo')]);
  });

  it('profile from CAPO_PROFILE when no flag; none means embedded defaults only', () => {
    expect(loadCapo({ path: sys, home, env: { CAPO_PROFILE: 'dsoc-test' }, embedded }).getString('a.sysOnly')).toBe('yes');
    const none = loadCapo({ path: sys, home, env: {}, embedded });
    expect(none.profile).toBeUndefined();
    expect(none.getString('a.shared')).toBe('embedded');
    expect(none.has('a.sysOnly')).toBe(false);
  });

  it('expands ${env:VAR} and types booleans, numbers and lists', () => {
    const c = load();
    expect(c.getString('a.path')).toBe('/data/sub');
    expect(c.getBoolean('a.flag')).toBe(false);
    expect(c.getNumber('a.num')).toBe(2.5);
    expect(c.getList('a.list')).toEqual(['x', 'y', 'z']);
    expect(c.getNumber('a.missing', 3)).toBe(3);
  });

  it('typed getters name the key, the source and the files searched', () => {
    const c = load();
    expect(() => c.getNumber('a.bad')).toThrow(ConfigError);
    expect(() => c.getNumber('a.bad')).toThrow(/a\.bad.*twelve.*dsoc-test\.properties:4/);
    expect(() => c.getBoolean('a.num')).toThrow(/a\.num must be a boolean/);
    expect(() => c.getString('a.nothing')).toThrow(/CAPO key a\.nothing is not set .*searched embedded:defaults\.properties/);
    expect(() => load({ env: {} }).getString('a.path')).toThrow(/MY_DIR, which is not set/);
  });

  it('redacts secrets in the effective configuration and exposes their values for scrubbing', () => {
    const c = load();
    expect(c.effective().find((s) => s.key === 'a.secretToken')?.value).toBe('[redacted]');
    expect(c.secretValues()).toEqual(['tok-123456']);
  });

  it('groups keys by prefix like pycapo settings()', () => {
    expect(load().settings('a')).toMatchObject({ shared: 'from-home', default: '7' });
  });

  it('reads every embedded defaults-<tool> file as the base layer, whatever the tool name case', () => {
    const c = loadCapo({ home, env: {}, embedded: { 'defaults.properties': 'a.x = 1', 'defaults-annotateQa.properties': 'b.y = 2', 'notdefaults.properties': 'c.z = 3' } });
    expect(c.getNumber('a.x')).toBe(1);
    expect(c.getNumber('b.y')).toBe(2);
    expect(c.has('c.z')).toBe(false);
  });

  it('a named profile found nowhere (a typo: dsoc-prd) is a ConfigError (78) naming it, the directories searched and the built-in ones', () => {
    const err = (() => {
      try {
        load({ profile: 'dsoc-prd', embedded: { ...embedded, 'dsoc-prod.properties': 'x = 1\n' } });
      } catch (e) {
        return e as ConfigError;
      }
      throw new Error('loaded');
    })();
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.exitCode).toBe(78);
    expect(err.message).toBe(`CAPO profile "dsoc-prd" not found: no dsoc-prd.properties built in or in ${sys}, ${site}, ${join(home, '.capo')}; check --capo-profile or CAPO_PROFILE (built in: dsoc-prod)`);
    // Found only built in, or only in one directory of the path: fine.
    expect(load({ profile: 'dsoc-prod', embedded: { ...embedded, 'dsoc-prod.properties': 'x = 1\n' } }).getString('x')).toBe('1');
    expect(load({ path: site }).getString('a.shared')).toBe('from-home');
  });

  it('rejects a profile name that could escape the search directories', () => {
    expect(() => load({ profile: '../etc/passwd' })).toThrow(ConfigError);
  });
});

describe('properties parser', () => {
  it('handles separators, comments and continuation lines', () => {
    const p = parseProperties('a = 1\nb: two\n# c = 3\n  d = multi \\\n   line\ne=\n', 'f');
    expect([...p.entries()].map(([k, v]) => [k, v.value])).toEqual([
      ['a', '1'],
      ['b', 'two'],
      ['d', 'multi line'],
      ['e', ''],
    ]);
    expect(p.get('d')?.source).toBe('f:4');
  });
});

describe('the project CAPO files', () => {
  it('every environment file parses and the defaults give casa-verdict a working standard', () => {
    const files = readCapoDirectory();
    const names = Object.keys(files);
    for (const required of ['defaults.properties', 'defaults-casa-verdict.properties', 'dsoc-dev.properties', 'dsoc-prod.properties', 'dsoc-test.properties']) expect(names).toContain(required);
    // Every file is either a layer of defaults or an environment profile; anything else would be ignored silently.
    for (const name of names) expect(name).toMatch(/^(defaults(-[A-Za-z0-9-]+)?|dsoc-(dev|test|prod))\.properties$/);
    for (const env of ['dev', 'test', 'prod']) {
      const c = loadCapo({ profile: `dsoc-${env}`, path: join(root, 'none'), home, env: {}, embedded: files });
      expect(c.getString('edu.nrao.vlass.env')).toBe(env);
      expect(c.getList('edu.nrao.vlass.casaVerdict.fatalOrigins')).toContain('flagmanager');
    }
  });
});
