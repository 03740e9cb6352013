/**
 * split on real measurement sets (made with python-casacore, and the real ALMA and VLA sets in
 * ../shared/realdata), every expectation computed independently with python-casacore and
 * numpy: which fields are within the radius, which rows, their data, the re-indexed FIELD_ID,
 * the pruned FIELD/SOURCE/POINTING and the untouched subtables.
 */
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';

import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { splitTool } from '../../tools/split/cli.js';
import { casaSplitScript } from '../../shared/ms/casaSplit.js';
import { runCaptured } from '../helpers/run-tool.js';
import { casacoreSkipReason, makeMs, py, type MadeMs } from '../helpers/casacore.js';
import { REALDATA, REPO_ROOT } from '../helpers/realdata.js';

const skip = casacoreSkipReason();
if (skip) console.warn(`split.test.ts: ${skip}`);

let tmp: string;
let stripes: MadeMs; // fields both sides of RA 0h at dec -2.5 and -2.0
let second: MadeMs; // another execution block over the same sky, offset
const IMAGE = ['--epoch', 'VLASS2.1', '--tile', 'T10t01'];

beforeAll(() => {
  if (skip) return;
  tmp = mkdtempSync(join(tmpdir(), 'split-test-'));
  stripes = makeMs(join(tmp, 'in', 'VLASS2.1.sb1.eb1.59066.1.ms'), { ra0: 359.5, dec0: -2.5, stripes: 2, fieldsPerStripe: 20 });
  second = makeMs(join(tmp, 'in', 'VLASS2.1.sb1.eb2.59067.1.ms'), { ra0: 359.52, dec0: -2.25, stripes: 1, fieldsPerStripe: 20 });
}, 120_000);
afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

let counter = 0;
const fresh = (name: string) => {
  const d = join(tmp, `${name}-${counter++}`);
  mkdirSync(d, { recursive: true });
  return d;
};

function split(args: string[]) {
  return runCaptured(splitTool, [...args, '--json', '--log-level', 'info'], { CAPO_PROFILE: undefined, CAPO_PATH: '/nonexistent' });
}

interface Expected {
  ids: number[];
  names: string[];
  rows: number;
}

/** Fields within `radius` degrees of (ra, dec), by numpy's Vincenty distance on FIELD.PHASE_DIR. */
function expectedSelection(ms: string, ra: number, dec: number, radius: number): Expected {
  return py<Expected>(`
f = table(${JSON.stringify(ms)} + '/FIELD', ack=False)
d = f.getcol('PHASE_DIR')[:, 0, :]
names = f.getcol('NAME')
ra1, dec1 = np.radians(${ra}), np.radians(${dec})
ra2, dec2 = d[:, 0], d[:, 1]
dra = ra2 - ra1
num = np.hypot(np.cos(dec2) * np.sin(dra), np.cos(dec1) * np.sin(dec2) - np.sin(dec1) * np.cos(dec2) * np.cos(dra))
den = np.sin(dec1) * np.sin(dec2) + np.cos(dec1) * np.cos(dec2) * np.cos(dra)
dist = np.degrees(np.arctan2(num, den))
ids = [int(i) for i in np.nonzero(dist <= ${radius} + 1e-9)[0]]
t = table(${JSON.stringify(ms)}, ack=False)
rows = int(np.isin(t.getcol('FIELD_ID'), ids).sum())
print(json.dumps({'ids': ids, 'names': [names[i] for i in ids], 'rows': rows}))
`);
}

/** Checks a split against its source with python-casacore; returns what it found. */
function checkSplit(source: string, out: string, ids: number[]) {
  return py<{ ok: boolean; problems: string[]; rows: number }>(`
src = table(${JSON.stringify(source)}, ack=False)
out = table(${JSON.stringify(out)}, ack=False)
ids = ${JSON.stringify(ids)}
problems = []
sel = src.query('FIELD_ID in ' + str(ids)) if ids else None
if out.nrows() != sel.nrows(): problems.append('rows %d != %d' % (out.nrows(), sel.nrows()))
mapping = {old: new for new, old in enumerate(ids)}
if list(out.getcol('FIELD_ID')) != [mapping[f] for f in sel.getcol('FIELD_ID')]: problems.append('FIELD_ID not re-indexed in order')
for col in ('DATA', 'FLAG', 'WEIGHT', 'TIME', 'ANTENNA1', 'ANTENNA2', 'UVW', 'DATA_DESC_ID'):
    if col not in src.colnames(): continue
    # Cell by cell: a set with several spectral windows has DATA of several shapes.
    if any(not np.array_equal(out.getcell(col, r), sel.getcell(col, r)) for r in range(sel.nrows())): problems.append(col + ' differs')
sf, of = table(${JSON.stringify(source)} + '/FIELD', ack=False), table(${JSON.stringify(out)} + '/FIELD', ack=False)
if list(of.getcol('NAME')) != [sf.getcol('NAME')[i] for i in ids]: problems.append('FIELD names')
if not np.array_equal(of.getcol('PHASE_DIR'), sf.getcol('PHASE_DIR')[ids]): problems.append('FIELD directions')
import os
for sub in sorted(os.listdir(${JSON.stringify(source)})):
    if not os.path.exists(os.path.join(${JSON.stringify(source)}, sub, 'table.dat')) or sub in ('FIELD', 'SOURCE', 'POINTING'): continue
    a, b = table(${JSON.stringify(source)} + '/' + sub, ack=False), table(${JSON.stringify(out)} + '/' + sub, ack=False)
    if a.nrows() != b.nrows(): problems.append('%s rows %d != %d' % (sub, b.nrows(), a.nrows()))
if os.path.exists(${JSON.stringify(source)} + '/SOURCE/table.dat'):
    kept = set(int(s) for s in sf.getcol('SOURCE_ID')[ids])
    got = set(int(s) for s in table(${JSON.stringify(out)} + '/SOURCE', ack=False).getcol('SOURCE_ID'))
    if got != kept: problems.append('SOURCE ids %s != %s' % (sorted(got), sorted(kept)))
print(json.dumps({'ok': not problems, 'problems': problems, 'rows': out.nrows()}))
`);
}

const targetOf = (cache: string, centre: string, ms: string) => join(cache, 'VLASS2.1', 'T10t01', centre, `${ms.split('/').pop()!.replace(/\.ms$/, '')}_split.ms`);

describe.skipIf(skip)('split', () => {
  it('splits one image: the fields within the radius, re-indexed, verified, cached and indexed', async () => {
    const cache = fresh('cache');
    const centre = 'J235900-023000';
    const want = expectedSelection(stripes.out, 359.75, -2.5, 0.2);
    expect(want.ids.length).toBeGreaterThan(2);
    const r = await split(['--ms', stripes.out, '--phase-center', centre, '--radius-deg', '0.2', ...IMAGE, '--cache', cache]);
    expect(r.code).toBe(0);
    const target = targetOf(cache, centre, stripes.out);
    expect(JSON.parse(r.stdout).outcomes).toEqual([expect.objectContaining({ state: 'split', target, fields: want.ids.length, rows: want.rows })]);
    expect(checkSplit(stripes.out, target, want.ids)).toMatchObject({ ok: true, problems: [] });
    const index = JSON.parse(readFileSync(join(cache, 'VLASS2.1', 'T10t01', centre, 'split-index.json'), 'utf8'));
    expect(index.entries[target.split('/').pop()!]).toMatchObject({ source: stripes.out, rows: want.rows, state: 'verified', fields: want.names.map((name) => expect.objectContaining({ name })) });
    expect(readdirSync(join(cache, 'VLASS2.1', 'T10t01', centre)).sort()).toEqual([target.split('/').pop(), 'split-index.json']);
  });

  it('selects fields on both sides of RA 0h, and a field exactly on the radius', async () => {
    const cache = fresh('cache');
    // RA 0h at dec -2.5: the stripe runs 359.5..0.45 deg, so fields lie on both sides.
    const all = expectedSelection(stripes.out, 0, -2.5, 0.3);
    const ras = py<number[]>(`f = table(${JSON.stringify(stripes.out)} + '/FIELD', ack=False); print(json.dumps([float(x) for x in np.degrees(f.getcol('PHASE_DIR')[:, 0, 0]) % 360]))`);
    const picked = all.ids.map((i) => ras[i]);
    expect(picked.some((ra) => ra > 359)).toBe(true);
    expect(picked.some((ra) => ra < 1)).toBe(true);
    // The radius set to one field's exact distance: that field is in.
    const edge = py<{ id: number; d: number }>(`
f = table(${JSON.stringify(stripes.out)} + '/FIELD', ack=False)
d = f.getcol('PHASE_DIR')[:, 0, :]
dec1 = np.radians(-2.5)
dist = np.degrees(np.arccos(np.clip(np.sin(dec1) * np.sin(d[:, 1]) + np.cos(dec1) * np.cos(d[:, 1]) * np.cos(d[:, 0]), -1, 1)))
i = int(np.argsort(dist)[3])
print(json.dumps({'id': i, 'd': float(dist[i])}))`);
    const r = await split(['--ms', stripes.out, '--phase-center', 'J000000-023000', '--radius-deg', String(edge.d), ...IMAGE, '--cache', cache]);
    expect(r.code).toBe(0);
    const target = targetOf(cache, 'J000000-023000', stripes.out);
    const names = py<string[]>(`print(json.dumps(list(table(${JSON.stringify(target)} + '/FIELD', ack=False).getcol('NAME'))))`);
    const sourceNames = py<string[]>(`print(json.dumps(list(table(${JSON.stringify(stripes.out)} + '/FIELD', ack=False).getcol('NAME'))))`);
    expect(names).toContain(sourceNames[edge.id]);
    expect(names).toHaveLength(4);
  });

  it('runs a plan of several images over several measurement sets, in parallel, and a re-run redoes nothing', async () => {
    const cache = fresh('cache');
    const planDir = fresh('plan');
    const plan = {
      epoch: 'VLASS2.1',
      tile: 'T10t01',
      radiusDeg: 0.25,
      images: [
        { phaseCenter: 'J235900-022000', measurementSets: [stripes.out, { path: second.out, calibration: "{'VLASS2.1.cal.eb2': 77}" }] },
        { phaseCenter: 'J000100-022000', measurementSets: [stripes.out, second.out] },
      ],
    };
    writeFileSync(join(planDir, 'plan.json'), JSON.stringify(plan));
    const r = await split(['--plan', join(planDir, 'plan.json'), '--cache', cache, '--jobs', '2']);
    expect(r.code).toBe(0);
    const outcomes = JSON.parse(r.stdout).outcomes as Array<{ state: string; target: string; ms: string; image: string }>;
    expect(outcomes.map((o) => o.state)).toEqual(['split', 'split', 'split', 'split']);
    for (const o of outcomes) {
      const [h, m] = [Number(o.image.slice(1, 3)), Number(o.image.slice(3, 5))];
      const want = expectedSelection(o.ms, (15 * (h + m / 60) + 360) % 360, -(2 + 20 / 60), 0.25);
      expect(checkSplit(o.ms, o.target, want.ids)).toMatchObject({ ok: true });
    }
    const index = JSON.parse(readFileSync(join(cache, 'VLASS2.1', 'T10t01', 'J235900-022000', 'split-index.json'), 'utf8'));
    expect(index.entries[targetOf(cache, 'x', second.out).split('/').pop()!].calibration).toBe('VLASS2.1.cal.eb2');

    const mtimes = outcomes.map((o) => statSync(join(o.target, 'table.dat')).mtimeMs);
    const again = await split(['--plan', join(planDir, 'plan.json'), '--cache', cache]);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout).outcomes.map((o: { state: string }) => o.state)).toEqual(['cached', 'cached', 'cached', 'cached']);
    expect(outcomes.map((o) => statSync(join(o.target, 'table.dat')).mtimeMs)).toEqual(mtimes);
  });

  it('--only splits just the plan image with that phase centre (one DAG node per image); an unknown one is 64 naming those there are', async () => {
    const cache = fresh('cache-only');
    const planDir = fresh('plan-only');
    const plan = { epoch: 'VLASS2.1', tile: 'T10t01', radiusDeg: 0.25, images: [{ phaseCenter: 'J235900-022000', measurementSets: [stripes.out] }, { phaseCenter: 'J000100-022000', measurementSets: [stripes.out] }] };
    writeFileSync(join(planDir, 'plan.json'), JSON.stringify(plan));
    const r = await split(['--plan', join(planDir, 'plan.json'), '--only', 'J000100-022000', '--cache', cache]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).outcomes.map((o: { image: string; state: string }) => [o.image, o.state])).toEqual([['J000100-022000', 'split']]);
    expect(existsSync(join(cache, 'VLASS2.1', 'T10t01', 'J235900-022000'))).toBe(false);
    const unknown = await split(['--plan', join(planDir, 'plan.json'), '--only', 'J120000+100000', '--cache', cache]);
    expect(unknown.code).toBe(64);
    expect(unknown.logText).toMatch(/--only J120000\+100000: no such image in .*plan\.json; it has J235900-022000, J000100-022000/);
    expect((await split(['--only', 'J000100-022000', '--cache', cache])).code).toBe(64);
  });

  it('redoes an entry with --force, and one whose source changed (stale)', async () => {
    const cache = fresh('cache');
    const source = join(fresh('stale'), 'eb.ms');
    cpSync(stripes.out, source, { recursive: true });
    const args = ['--ms', source, '--phase-center', 'J235900-023000', '--radius-deg', '0.2', ...IMAGE, '--cache', cache];
    expect((await split(args)).code).toBe(0);
    expect(JSON.parse((await split(args)).stdout).outcomes[0].state).toBe('cached');
    expect(JSON.parse((await split([...args, '--force'])).stdout).outcomes[0].state).toBe('split');
    const later = new Date(Date.now() + 5000);
    utimesSync(join(source, 'table.dat'), later, later);
    const r = await split(args);
    expect(JSON.parse(r.stdout).outcomes[0].state).toBe('split');
  });

  it('exits 75 while another live process holds the image lock, and takes over a dead holder\'s lock', async () => {
    const cache = fresh('cache');
    const dir = join(cache, 'VLASS2.1', 'T10t01', 'J235900-023000');
    mkdirSync(dir, { recursive: true });
    const args = ['--ms', stripes.out, '--phase-center', 'J235900-023000', '--radius-deg', '0.2', ...IMAGE, '--cache', cache];
    writeFileSync(join(dir, '.split.lock'), JSON.stringify({ pid: process.pid, host: hostname(), started: new Date().toISOString() }));
    const held = await split(args);
    expect(held.code).toBe(75);
    expect(held.logText).toMatch(/held by pid \d+ on .*retry later/);
    const dead = execFileSync('/bin/sh', ['-c', 'sh -c "echo \\$\\$"'], { encoding: 'utf8' }).trim();
    writeFileSync(join(dir, '.split.lock'), JSON.stringify({ pid: Number(dead), host: hostname(), started: '2026-01-01T00:00:00Z' }));
    const taken = await split(args);
    expect(taken.code).toBe(0);
    expect(taken.logText).toContain('taking over the lock');
    expect(existsSync(join(dir, '.split.lock'))).toBe(false);
  });

  it('refuses bad inputs with the documented exit code and one line naming the file', async () => {
    const cache = fresh('cache');
    const notMs = fresh('notms');
    const noField = join(fresh('nofield'), 'eb.ms');
    cpSync(stripes.out, noField, { recursive: true });
    rmSync(join(noField, 'FIELD'), { recursive: true });
    const one = (ms: string, centre = 'J235900-023000', radius = '0.2') => () => split(['--ms', ms, '--phase-center', centre, '--radius-deg', radius, ...IMAGE, '--cache', cache]);
    const cases: Array<[() => ReturnType<typeof split>, number, RegExp]> = [
      [one(notMs), 65, /not a measurement set/],
      [one(noField), 65, /without a FIELD table/],
      [one(join(tmp, 'absent.ms')), 66, /not found/],
      [one(stripes.out, 'J2359-0230'), 64, /--phase-center .+J2359-0230.+ is not valid; expected e.g. J005000-023000/],
      [one(stripes.out, 'J120000+450000'), 65, /no field within 0.2 deg of the image centre; the nearest is field \d+ .+ at [\d.]+ deg/],
    ];
    for (const [run, code, message] of cases) {
      const r = await run();
      expect(r.code).toBe(code);
      expect(r.logText).toMatch(message);
    }
    // An unwritable cache: its root is a file.
    const blocked = fresh('blocked');
    writeFileSync(join(blocked, 'file'), 'x');
    const r = await split(['--ms', stripes.out, '--phase-center', 'J235900-023000', '--radius-deg', '0.2', ...IMAGE, '--cache', join(blocked, 'file')]);
    expect(r.code).toBe(73);
    expect(r.logText).toMatch(/cannot create the cache directory/);
    expect(readdirSync(blocked)).toEqual(['file']);
  });

  it('refuses plan entries that try path traversal or break quoting, before touching any file', async () => {
    const cache = fresh('cache');
    const planDir = fresh('plan');
    for (const bad of [{ epoch: '../..' }, { tile: 'T10t01/../../x' }, { phaseCenter: 'J235900-023000/..' }, { measurementSets: ["/data/x'; drop"] }, { radiusDeg: -1 }]) {
      writeFileSync(join(planDir, 'plan.json'), JSON.stringify({ images: [{ epoch: 'VLASS2.1', tile: 'T10t01', phaseCenter: 'J235900-023000', radiusDeg: 0.2, measurementSets: [stripes.out], ...bad }] }));
      const r = await split(['--plan', join(planDir, 'plan.json'), '--cache', cache]);
      expect(r.code).toBe(65);
      expect(readdirSync(cache)).toEqual([]);
    }
  });

  it.each([
    ['mssel_test_small.ms.tgz', 'J161749-771718', 'J1617-7717'],
    ['day2_TDEM0003_10s_norx_1src_1spw.ms.tgz', 'J100806+073000', 'J1008+0730'],
  ])('splits the real measurement set %s, never modifying it, reporting absent subtables', async (archive, centre, fieldName) => {
    const tgz = join(REALDATA, 'measurement_sets', archive);
    if (!existsSync(tgz)) return console.warn(`skipped: ${tgz} absent`);
    const dir = fresh('real');
    execFileSync('tar', ['xzf', tgz, '-C', dir]);
    const ms = join(dir, readdirSync(dir)[0]);
    const before = execFileSync('/bin/sh', ['-c', `cd '${ms}' && find . -type f -exec sha256sum {} + | sort`], { encoding: 'utf8' });
    chmodSync(ms, 0o555);
    const cache = fresh('cache');
    const r = await split(['--ms', ms, '--phase-center', centre, '--radius-deg', '1', ...IMAGE, '--cache', cache]);
    chmodSync(ms, 0o755);
    expect(r.code).toBe(0);
    const target = JSON.parse(r.stdout).outcomes[0].target;
    const names = py<string[]>(`print(json.dumps(list(table(${JSON.stringify(target)} + '/FIELD', ack=False).getcol('NAME'))))`);
    expect(names).toEqual([fieldName]);
    const id = py<number>(`print(json.dumps(list(table(${JSON.stringify(ms)} + '/FIELD', ack=False).getcol('NAME')).index(${JSON.stringify(fieldName)})))`);
    expect(checkSplit(ms, target, [id])).toMatchObject({ ok: true, problems: [] });
    expect(execFileSync('/bin/sh', ['-c', `cd '${ms}' && find . -type f -exec sha256sum {} + | sort`], { encoding: 'utf8' })).toBe(before);
    if (archive.startsWith('mssel')) expect(r.logText).toMatch(/keywords name 64 subtable\(s\) that are absent \(ASDM_/);
  });
});

describe('the casa backend', () => {
  it('writes the mstransform script the golden file shows', () => {
    const golden = readFileSync(join(REPO_ROOT, 'test', 'golden', 'split-casa-script.py'), 'utf8');
    expect(casaSplitScript('/lustre/cal/VLASS2.1.sb1.eb1.ms', '/lustre/cache/VLASS2.1/T10t01/J005000-023000/.VLASS2.1.sb1.eb1_split.ms.tmp-node-1-abcd1234', [3, 7, 9])).toBe(golden);
  });
});

