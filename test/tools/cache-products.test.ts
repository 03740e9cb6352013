/**
 * cache-products, the image_caching copy step: every file copied, verified against sha256sum
 * (an independent reference) and renamed into place, with a manifest; a checksum that does not
 * match the manager's, a missing source or a bad name caches nothing.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cacheProductsTool } from '../../tools/cache-products/cli.js';
import { runCaptured } from '../helpers/run-tool.js';

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'cache-products-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

let n = 0;
function setup(files: Array<{ name: string; bytes: number; sha256?: string }>) {
  const dir = join(tmp, `case-${n++}`);
  const src = join(dir, 'src');
  const dest = join(dir, 'cache');
  mkdirSync(src, { recursive: true });
  mkdirSync(dest);
  const list = files.map((f, i) => {
    const path = join(src, `source-${i}.fits`);
    const data = Buffer.alloc(f.bytes);
    for (let k = 0; k < f.bytes; k++) data[k] = (k * 31 + i) & 0xff;
    writeFileSync(path, data);
    return { source: path, name: f.name, ...(f.sha256 ? { sha256: f.sha256 } : {}) };
  });
  writeFileSync(join(dir, 'files.json'), JSON.stringify(list));
  return { dir, dest, list, run: () => runCaptured(cacheProductsTool, ['--files', join(dir, 'files.json'), '--destination', dest, '--json'], { CAPO_PROFILE: undefined, CAPO_PATH: '/nonexistent' }) };
}
const sha256sum = (path: string) => execFileSync('sha256sum', [path], { encoding: 'utf8' }).split(' ')[0];

describe('cache-products', () => {
  it('copies every file under the name the manager gave, verified, with a manifest; a re-run copies nothing', async () => {
    const c = setup([{ name: 'a.fits', bytes: 3_000_000 }, { name: 'b.fits', bytes: 10 }]);
    const r = await c.run();
    expect(r.code).toBe(0);
    expect(readdirSync(c.dest).sort()).toEqual(['a.fits', 'b.fits', 'cache-manifest.json']);
    const manifest = JSON.parse(readFileSync(join(c.dest, 'cache-manifest.json'), 'utf8'));
    for (const [i, name] of ['a.fits', 'b.fits'].entries()) {
      expect(sha256sum(join(c.dest, name))).toBe(sha256sum(c.list[i].source));
      expect(manifest.files[i]).toEqual({ name, source: c.list[i].source, bytes: statSync(c.list[i].source).size, sha256: sha256sum(c.list[i].source) });
    }
    const again = await c.run();
    expect(JSON.parse(again.stdout).files.map((f: { state: string }) => f.state)).toEqual(['already cached', 'already cached']);
  });

  it('refuses a source whose checksum is not the manager\'s, caching none of it', async () => {
    const c = setup([{ name: 'a.fits', bytes: 1000, sha256: 'f'.repeat(64) }]);
    const r = await c.run();
    expect(r.code).toBe(65);
    expect(r.logText).toMatch(/is not the f{64} the manager expects; nothing of it was cached/);
    expect(readdirSync(c.dest)).toEqual([]);
  });

  it.each([
    ['a name that is a path', [{ source: '/etc/hostname', name: '../escape' }], 65, /name must be a plain file name/],
    ['a relative source', [{ source: 'etc/hostname', name: 'x' }], 65, /source must be an absolute path/],
    ['a missing source', [{ source: '/no/such/file', name: 'x' }], 66, /\/no\/such\/file: not found/],
    ['a name twice', [{ source: '/etc/hostname', name: 'x' }, { source: '/etc/hostname', name: 'x' }], 65, /listed twice/],
  ])('refuses %s before copying anything', async (_, list, code, message) => {
    const c = setup([]);
    writeFileSync(join(c.dir, 'files.json'), JSON.stringify(list));
    const r = await c.run();
    expect(r.code).toBe(code);
    expect(r.logText).toMatch(message);
    expect(readdirSync(c.dest)).toEqual([]);
  });

  it('exits 73 when the cache directory does not exist', async () => {
    const c = setup([{ name: 'a.fits', bytes: 10 }]);
    rmSync(c.dest, { recursive: true });
    expect((await c.run()).code).toBe(73);
  });
});
