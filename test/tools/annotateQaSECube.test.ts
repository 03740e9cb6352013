/**
 * annotateQaSECube through runTool, as the executable runs it: on the committed small cube
 * exactly the wrong-beam and the flagged windows are rejected (as windows.json says); the result
 * JSON and per-plane CSV; --annotate-fits (VLASSRJ only in rejected windows, pixels unchanged);
 * --reject-to (only the rejected windows move, nothing is lost); a multi-plane cube; CAPO
 * overrides; and every documented error with its exit code, nothing half-written.
 */
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readFitsHeader, withFits, writeFitsImage } from '../../shared/fits/index.js';
import { PLANES_CSV_COLUMNS, REJECT_DIRECTORY } from '../../shared/qa/index.js';
import { annotateQaSECubeTool } from '../../tools/annotateQaSECube/cli.js';
import { TOOLS } from '../../tools/registry.js';
import { writeCube, appendBeamTable } from '../shared/qa/cubeFiles.js';
import { snapshot } from '../shared/qa/images.js';
import { SMALL_PRESETS } from '../../fixtures/vlass/presets.js';
import { REPO_ROOT } from '../helpers/realdata.js';
import { runCaptured, toolSandbox } from '../helpers/run-tool.js';

const { root, profile: PROFILE, fresh, capoDir } = toolSandbox('annotateQaSECube');
const FIXTURE = join(REPO_ROOT, 'fixtures', 'vlass', 'small', 'cc');
const STEM = 'VLASS2.1.cc.T10t01.J000200-003000.06.2048.v1';
const JSON_NAME = `${STEM}.qa.json`;
const CSV_NAME = `${STEM}.planes.csv`;
/** The committed windows' width and height. */
const SIZE = SMALL_PRESETS.cc.size!;
const windowName = (spw: number) => `${STEM}.spw${spw}.IQU.iter3.image.pbcor.tt0.subim.fits`;
const hasFixture = existsSync(FIXTURE);
const WINDOWS = hasFixture
  ? (JSON.parse(readFileSync(join(FIXTURE, `${STEM}.windows.json`), 'utf8')).windows as { spw: number; freqHz: number; beam: { majArcsec: number; minArcsec: number }; defect: string | null }[])
  : [];

/** A writable copy of the committed small cube (its windows, truth and windows.json). */
function copyCube(): string {
  const dir = fresh('cube');
  for (const f of readdirSync(FIXTURE)) copyFileSync(join(FIXTURE, f), join(dir, f));
  return dir;
}

const defaultCapo = capoDir();
const profile = (lines: string) => ['--capo-path', capoDir(lines)];

function run(args: string[], options: { embeddedOnly?: boolean } = {}) {
  return runCaptured(annotateQaSECubeTool, args, { CAPO_PATH: defaultCapo, CAPO_PROFILE: options.embeddedOnly ? undefined : PROFILE, HOME: join(root, 'home') });
}

const result = (out: string, name = JSON_NAME) => JSON.parse(readFileSync(join(out, name), 'utf8'));
/** The pixel bytes of a FITS file (everything after its header). */
const pixels = (path: string) => readFileSync(path).subarray(withFits(path, (r) => r.dataOffset));

describe('annotateQaSECube: registered, defaults embedded', () => {
  it('tools/registry.ts loads it', async () => {
    expect(await TOOLS.annotateQaSECube()).toBe(annotateQaSECubeTool);
  });
  it('--show-config with no CAPO profile lists the keys from embedded:defaults-annotateQaSECube.properties', async () => {
    const { code, stdout } = await run(['--show-config'], { embeddedOnly: true });
    expect(code).toBe(0);
    expect(stdout).toMatch(/edu\.nrao\.vlass\.annotateQaSECube\.beamTolerance = 0\.2\s+# embedded:defaults-annotateQaSECube\.properties:\d+/);
    expect(stdout).toMatch(/edu\.nrao\.vlass\.annotateQaSECube\.maxFlaggedFraction = 0\.8/);
    expect(stdout).toMatch(/edu\.nrao\.vlass\.annotateQaSECube\.rule\.usablePlanes\.min = 8/);
  });
});

describe.skipIf(!hasFixture)('annotateQaSECube on the committed small cube', () => {
  it('exactly the wrong-beam (spw11) and the flagged (spw3) windows are rejected, as windows.json says; WARN; the fixture untouched', async () => {
    const before = snapshot(FIXTURE);
    const out = fresh('out');
    const { code, summary, logText } = await run(['--dir', FIXTURE, '--out', out], { embeddedOnly: true });
    expect(code).toBe(0);
    expect(readdirSync(out).sort()).toEqual([CSV_NAME, JSON_NAME]);
    const r = result(out);
    expect(r.verdict).toBe('WARN');
    expect(r.product).toMatchObject({ name: STEM, type: 'CC', epoch: 'VLASS2.1', tile: 'T10t01', phaseCenter: 'J000200-003000' });
    expect(r.planes.map((p: { spw: number }) => p.spw)).toEqual(WINDOWS.map((w) => w.spw));
    expect(r.planes.filter((p: { rejected: boolean }) => p.rejected).map((p: { spw: number }) => p.spw)).toEqual(WINDOWS.filter((w) => w.defect !== null).map((w) => w.spw));
    for (const [i, w] of WINDOWS.entries()) {
      const p = r.planes[i];
      expect(p.freqHz).toBe(w.freqHz);
      expect(p.bmajArcsec).toBeCloseTo(w.beam.majArcsec, 9);
      expect(p.bminArcsec).toBeCloseTo(w.beam.minArcsec, 9);
      expect(Object.keys(p)).toEqual(expect.arrayContaining(['spw', 'freqHz', 'bmajArcsec', 'bminArcsec', 'rmsJy', 'peakJy', 'flaggedFraction', 'rejected', 'reasons']));
      expect(p.rejected ? p.reasons.length > 0 : p.reasons.length === 0).toBe(true);
    }
    expect(r.summary).toEqual({ planes: 16, usablePlanes: 14, rejectedPlanes: 2 });
    expect(r.missingSpws).toEqual([]);
    expect(r.settings).toEqual({ beamTolerance: 0.2, maxFlaggedFraction: 0.8, referencePlane: 'median' });
    expect(r.rules.map((x: { name: string; status: string }) => [x.name, x.status])).toEqual([
      ['rejectedPlanes', 'warn'],
      ['usablePlanes', 'pass'],
    ]);
    expect(r.reference).toMatchObject({ method: 'median', candidates: 15 });
    expect(summary).toMatch(/^annotateQaSECube: WARN for VLASS2\.1\.cc\.T10t01\.J000200-003000\.06\.2048\.v1 \(CC\): 14 of 16 planes usable\./);
    expect(summary).toContain('Rejected spw3 (2.156 GHz): flagged fraction 0.8994');
    expect(summary).toContain('Rejected spw11 (3.18 GHz): beam major axis 3.805" is 40% above the expected 2.718"');
    // one progress record per plane, and the stages
    const records = logText.trim().split('\n').map((l) => JSON.parse(l));
    expect(records.filter((x) => x.event === 'plane').map((x) => `${x.plane}/${x.planes}`)).toEqual(Array.from({ length: 16 }, (_, i) => `${i + 1}/16`));
    expect(records.filter((x) => x.event === 'stage').map((x) => x.msg)).toEqual(['discovering', 'checking', 'measuring', 'judging', 'writing']);
    expect(snapshot(FIXTURE)).toEqual(before);
  });

  it('<stem>.planes.csv: a header and one row per plane, the same numbers as the JSON; a re-run writes identical files', async () => {
    const out = fresh('out');
    await run(['--dir', FIXTURE, '--out', out, '--json']);
    const text = readFileSync(join(out, CSV_NAME), 'utf8');
    const lines = text.trimEnd().split('\n');
    expect(lines[0]).toBe(PLANES_CSV_COLUMNS.join(','));
    expect(lines).toHaveLength(17);
    const r = result(out);
    const spw3 = lines.find((l) => l.startsWith('3,'))!;
    expect(spw3.split(',').slice(0, 2)).toEqual(['3', '2156000000']);
    expect(spw3).toContain(`,${r.planes[1].rmsJy},${r.planes[1].peakJy},${r.planes[1].flaggedFraction},true,"flagged fraction`);
    expect(lines.find((l) => l.startsWith('2,'))!).toMatch(/,false,,VLASS2\.1\.cc\.T10t01\.J000200-003000\.06\.2048\.v1\.spw2\.IQU\.iter3\.image\.pbcor\.tt0\.subim\.fits,0$/);
    const first = { json: readFileSync(join(out, JSON_NAME), 'utf8'), csv: text };
    await run(['--dir', FIXTURE, '--out', out]);
    expect({ json: readFileSync(join(out, JSON_NAME), 'utf8'), csv: readFileSync(join(out, CSV_NAME), 'utf8') }).toEqual(first);
  });

  it('--json prints the result', async () => {
    const out = fresh('out');
    const { stdout } = await run(['--dir', FIXTURE, '--out', out, '--json']);
    expect(JSON.parse(stdout)).toEqual(result(out));
  });

  it('explicit windows (--image, repeated): only those are measured', async () => {
    const out = fresh('out');
    const { code } = await run(['--image', join(FIXTURE, windowName(11)), '--image', join(FIXTURE, windowName(2)), '--image', join(FIXTURE, windowName(9)), '--out', out]);
    expect(code).toBe(0);
    const r = result(out);
    expect(r.planes.map((p: { spw: number; rejected: boolean }) => [p.spw, p.rejected])).toEqual([
      [2, false],
      [9, false],
      [11, true],
    ]);
    // 2 usable planes of 3 given: below the default 8
    expect(r.verdict).toBe('FAIL');
    expect(r.missingSpws).toEqual([]);
  });

  it('a site CAPO profile: a wider beam tolerance keeps spw11; a higher usable-plane minimum FAILs (exit 1 with --fail-on-reject)', async () => {
    const out = fresh('out');
    await run(['--dir', FIXTURE, '--out', out, ...profile('edu.nrao.vlass.annotateQaSECube.beamTolerance = 0.5\n')]);
    expect(result(out).planes.filter((p: { rejected: boolean }) => p.rejected).map((p: { spw: number }) => p.spw)).toEqual([3]);
    const strict = profile('edu.nrao.vlass.annotateQaSECube.rule.usablePlanes.min = 15\n');
    expect((await run(['--dir', FIXTURE, '--out', out, ...strict])).code).toBe(0);
    expect(result(out).verdict).toBe('FAIL');
    expect((await run(['--dir', FIXTURE, '--out', out, '--fail-on-reject', ...strict])).code).toBe(1);
    // WARN is not a rejection
    expect((await run(['--dir', FIXTURE, '--out', out, '--fail-on-reject'])).code).toBe(0);
  });
});

describe.skipIf(!hasFixture)('annotateQaSECube --annotate-fits', () => {
  it('VLASSRJ = T (the reason in the comment) only in the rejected windows; VLASSPT/VLASSPK/VLASSQA in every window; pixel bytes unchanged', async () => {
    const dir = copyCube();
    const before = Object.fromEntries(WINDOWS.map((w) => [w.spw, pixels(join(dir, windowName(w.spw)))]));
    const out = fresh('out');
    expect((await run(['--dir', dir, '--out', out, '--annotate-fits'])).code).toBe(0);
    const r = result(out);
    for (const w of WINDOWS) {
      const path = join(dir, windowName(w.spw));
      const header = readFitsHeader(path);
      const plane = r.planes.find((p: { spw: number }) => p.spw === w.spw);
      expect(header.get('VLASSPT')).toBe('CC');
      expect(header.get('VLASSQA')).toBe('WARN');
      expect(header.get('VLASSPK')).toBe(plane.peakJy);
      if (w.defect) expect(header.get('VLASSRJ')).toBe(true);
      else expect(header.has('VLASSRJ')).toBe(false);
      expect(pixels(path).equals(before[w.spw])).toBe(true);
    }
    expect(readFitsHeader(join(dir, windowName(11))).card('VLASSRJ')!.comment).toBe('bmaj +40% bmin +40% vs expected');
    expect(readFitsHeader(join(dir, windowName(3))).card('VLASSRJ')!.comment).toBe('flagged 0.899 >= 0.8');
    // a re-run changes nothing (same keywords)
    const snap = snapshot(dir);
    await run(['--dir', dir, '--out', out, '--annotate-fits']);
    expect(snapshot(dir)).toEqual(snap);
  });

  it('a stale VLASSRJ = T in a window now kept is set to F', async () => {
    const dir = copyCube();
    const { updateHeaderKeywords } = await import('../../shared/fits/index.js');
    updateHeaderKeywords(join(dir, windowName(5)), { VLASSRJ: true });
    await run(['--dir', dir, '--out', fresh('out'), '--annotate-fits']);
    expect(readFitsHeader(join(dir, windowName(5))).get('VLASSRJ')).toBe(false);
  });
});

describe.skipIf(!hasFixture)('annotateQaSECube --reject-to', () => {
  it("moves only the rejected windows' files (window, rms twin, common-beam variant) into QA_REJECTED/, and nothing is lost", async () => {
    const dir = copyCube();
    for (const spw of [3, 11, 12]) {
      writeFileSync(join(dir, `${STEM}.spw${spw}.IQU.iter3.image.pbcor.tt0.rms.subim.fits`), `rms twin of spw${spw}`);
      writeFileSync(join(dir, `${STEM}.spw${spw}.IQU.iter3.image.pbcor.tt0.subim.com.fits`), `common-beam spw${spw}`);
    }
    writeFileSync(join(dir, 'casa_commands.log'), 'not the product');
    const before = snapshot(dir);
    const out = fresh('out');
    expect((await run(['--dir', dir, '--out', out, '--reject-to', dir])).code).toBe(0);
    const rejectedDir = join(dir, REJECT_DIRECTORY);
    const moved = snapshot(rejectedDir);
    const expectedMoved = [3, 11].flatMap((spw) => [windowName(spw), `${STEM}.spw${spw}.IQU.iter3.image.pbcor.tt0.rms.subim.fits`, `${STEM}.spw${spw}.IQU.iter3.image.pbcor.tt0.subim.com.fits`]).sort();
    expect(Object.keys(moved).sort()).toEqual(expectedMoved);
    // nothing lost: every file is in exactly one place with its original content
    const after = snapshot(dir);
    for (const [name, hash] of Object.entries(before)) expect(name in moved ? moved[name] : after[name]).toBe(hash);
    expect(Object.keys(after).filter((n) => n in moved)).toEqual([]);
    expect(Object.keys(after).length + Object.keys(moved).length).toBe(Object.keys(before).length);
    const record = result(out).rejected;
    expect(record.directory).toBe(rejectedDir);
    expect([...record.files].sort()).toEqual(expectedMoved.map((n) => join(rejectedDir, n)));
  });

  it('with --annotate-fits, the rejected windows carry VLASSRJ = T into QA_REJECTED/', async () => {
    const dir = copyCube();
    await run(['--dir', dir, '--out', fresh('out'), '--reject-to', dir, '--annotate-fits']);
    expect(readFitsHeader(join(dir, REJECT_DIRECTORY, windowName(11))).get('VLASSRJ')).toBe(true);
    expect(existsSync(join(dir, windowName(11)))).toBe(false);
  });

  it('nothing rejected: nothing moves', async () => {
    const dir = copyCube();
    const out = fresh('out');
    const before = snapshot(dir);
    await run(['--image', join(dir, windowName(2)), '--image', join(dir, windowName(9)), '--out', out, '--reject-to', dir]);
    expect(snapshot(dir)).toEqual(before);
    expect(existsSync(join(dir, REJECT_DIRECTORY))).toBe(false);
    expect(result(out).rejected).toBeUndefined();
  });

  it('a different file already in QA_REJECTED: 73, no window moves, no result files', async () => {
    const dir = copyCube();
    mkdirSync(join(dir, REJECT_DIRECTORY));
    writeFileSync(join(dir, REJECT_DIRECTORY, windowName(11)), 'an older product');
    const before = snapshot(dir);
    const out = fresh('out');
    const { code, logText } = await run(['--dir', dir, '--out', out, '--reject-to', dir]);
    expect(code).toBe(73);
    expect(logText).toContain('refusing to overwrite');
    expect(snapshot(dir)).toEqual(before);
    expect(readdirSync(join(dir, REJECT_DIRECTORY))).toEqual([windowName(11)]);
    expect(readdirSync(out)).toEqual([]);
  });
});

describe('annotateQaSECube on a multi-plane cube (one file, FREQ axis of several planes)', () => {
  it('header beam only: every plane measured at its frequency, the all-NaN plane rejected as flagged, the shared beam not judged', async () => {
    const dir = fresh('multi');
    const path = join(dir, 'cube.fits');
    const n = 16 * 12;
    writeCube(path, { freqs: 6, freqHz: 2e9, freqStepHz: 0.3e9, stokes: [1, 2, 3], pixel: (k, s, i) => (k === 4 && s === 0 ? NaN : ((i * 7919 + k * 31 + s) % 97) * 1e-5 - 4.8e-4 + (i === n - 1 ? 0.01 * (k + 1) : 0)) });
    const out = fresh('out');
    const { code, logText } = await run(['--image', path, '--out', out]);
    expect(code).toBe(0);
    const r = result(out, 'cube.qa.json');
    expect(existsSync(join(out, 'cube.planes.csv'))).toBe(true);
    expect(r.product).toMatchObject({ name: 'cube', type: 'CC', epoch: null, files: { 'cube.fits': path } });
    expect(r.planes.map((p: { planeIndex: number; freqHz: number; rejected: boolean; beamShared: boolean }) => [p.planeIndex, p.freqHz, p.rejected, p.beamShared])).toEqual([
      [0, 2.0e9, false, true],
      [1, 2.3e9, false, true],
      [2, 2.6e9, false, true],
      [3, 2.9e9, false, true],
      [4, 3.2e9, true, true],
      [5, 3.5e9, false, true],
    ]);
    expect(r.planes[4]).toMatchObject({ flaggedFraction: 1, rmsJy: null, peakJy: null, expectedBmajArcsec: null });
    expect(r.planes[2].peakJy).toBe(Math.fround(((((n - 1) * 7919 + 2 * 31) % 97) * 1e-5 - 4.8e-4 + 0.03)));
    expect(r.reference).toBeNull();
    expect(logText).toContain('one header beam for its 6 planes');
    // 5 usable < 8
    expect(r.verdict).toBe('FAIL');
  });

  it('with a CASA BEAMS table: the plane with the wrong beam is rejected; --annotate-fits does not mark the file (not all its planes are rejected)', async () => {
    const dir = fresh('multi-beams');
    const path = join(dir, 'cube.fits');
    const freqs = [2e9, 2.5e9, 3e9, 3.5e9];
    writeCube(path, { freqs: 4, freqHz: 2e9, freqStepHz: 0.5e9, stokes: [1, 2], beam: null, casambm: true });
    appendBeamTable(
      path,
      freqs.flatMap((f, chan) => [0, 1].map((pol) => ({ bmaj: ((chan === 3 ? 1.3 : 1) * 4.2 * 2e9) / f, bmin: (3.3 * 2e9) / f, bpa: -10, chan, pol }))),
    );
    const before = pixels(path);
    const out = fresh('out');
    expect((await run(['--image', path, '--out', out, '--annotate-fits', '--reject-to', dir])).code).toBe(0);
    const r = result(out, 'cube.qa.json');
    expect(r.planes.map((p: { rejected: boolean; beamSource: string }) => [p.rejected, p.beamSource])).toEqual([
      [false, 'table'],
      [false, 'table'],
      [false, 'table'],
      [true, 'table'],
    ]);
    const header = readFitsHeader(path);
    expect(header.has('VLASSRJ')).toBe(false);
    expect(header.get('VLASSPT')).toBe('CC');
    expect(pixels(path).subarray(0, before.length).equals(before)).toBe(true);
    expect(existsSync(join(dir, REJECT_DIRECTORY))).toBe(false);
  });
});

describe.skipIf(!hasFixture)('annotateQaSECube bad input: documented exit codes, nothing written, inputs untouched', () => {
  async function expectError(dir: string, args: string[], code: number, mentions: string[]) {
    const before = snapshot(dir);
    const out = fresh('out');
    const r = await run(['--out', out, ...args]);
    expect(r.code).toBe(code);
    for (const m of mentions) expect(r.logText).toContain(m);
    expect(readdirSync(out)).toEqual([]);
    expect(snapshot(dir)).toEqual(before);
    return r;
  }

  it('a truncated window is rejected as unreadable, naming why, and the other windows are judged (exit as for any rejection)', async () => {
    const dir = copyCube();
    const bad = join(dir, windowName(9));
    truncateSync(bad, statSync(bad).size - 5000);
    const out = fresh('out');
    const r = await run(['--dir', dir, '--out', out, '--annotate-fits', '--reject-to', dir]);
    expect(r.code).toBe(0);
    const qa = result(out);
    expect(qa.unreadable).toEqual([{ file: bad, spw: 9, reason: expect.stringContaining('truncated') }]);
    expect(qa.planes.map((p: { spw: number }) => p.spw)).not.toContain(9);
    expect(qa.planes).toHaveLength(15);
    expect(qa.summary).toMatchObject({ planes: 16, rejectedPlanes: qa.planes.filter((p: { rejected: boolean }) => p.rejected).length + 1 });
    expect(r.summary).toMatch(/Rejected as unreadable: spw9 \(.*truncated/);
    // Moved with the rejected windows; the truncated file is not rewritten.
    expect(readdirSync(join(dir, REJECT_DIRECTORY))).toContain(windowName(9));
    expect(readFitsHeader(join(dir, windowName(2))).get('VLASSQA')).toBeDefined();
    // With every window unreadable, there is nothing to judge: 65.
    const none = copyCube();
    for (const spw of [2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17]) truncateSync(join(none, windowName(spw)), 3000);
    await expectError(none, ['--dir', none], 65, ['no window of']);
  });

  it('65 for a window of a different shape, naming it', async () => {
    const dir = copyCube();
    const odd = join(dir, windowName(7));
    const header = readFitsHeader(odd);
    writeFitsImage(odd, new Float32Array(80 * SIZE * 3), [80, SIZE, 1, 3], header);
    await expectError(dir, ['--dir', dir, '--annotate-fits', '--reject-to', dir], 65, [odd, `80x${SIZE}x1x3`, `${SIZE}x${SIZE}x1x3`]);
  });

  it('an all-NaN Stokes I plane is a rejected (flagged) window, not an error', async () => {
    const dir = copyCube();
    const path = join(dir, windowName(6));
    const header = readFitsHeader(path);
    const data = new Float32Array(SIZE * SIZE * 3).fill(1e-4);
    data.fill(NaN, 0, SIZE * SIZE);
    writeFitsImage(path, data, [SIZE, SIZE, 1, 3], header);
    const out = fresh('out');
    expect((await run(['--dir', dir, '--out', out])).code).toBe(0);
    const r = result(out);
    expect(r.planes.find((p: { spw: number }) => p.spw === 6)).toMatchObject({ rejected: true, flaggedFraction: 1, rmsJy: null, peakJy: null });
    expect(r.planes.filter((p: { rejected: boolean }) => p.rejected).map((p: { spw: number }) => p.spw)).toEqual([3, 6, 11]);
  });

  it('73 when --out is not writable or missing', async () => {
    const out = fresh('ro-out');
    chmodSync(out, 0o500);
    const expected = process.getuid?.() === 0 ? 0 : 73; // root writes anywhere
    expect((await run(['--dir', FIXTURE, '--out', out])).code).toBe(expected);
    chmodSync(out, 0o755);
    expect((await run(['--dir', FIXTURE, '--out', join(root, 'no-such-out')])).code).toBe(73);
  });

  it('73 when a result file cannot be created (a directory in its place)', async () => {
    const out = fresh('blocked');
    mkdirSync(join(out, JSON_NAME));
    const r = await run(['--dir', FIXTURE, '--out', out]);
    expect(r.code).toBe(73);
  });

  it('66 when there is no cube, naming the pattern; 66 for a missing --image', async () => {
    const dir = fresh('empty');
    await expectError(dir, ['--dir', dir], 66, ['*.spwN.IQU.iter3.image.pbcor.tt0.subim.fits']);
    await expectError(dir, ['--image', join(dir, 'x.fits')], 66, ['--image']);
  });

  it('78 for an invalid CAPO value or an unknown key, naming it', async () => {
    const dir = fresh('capo-err');
    await expectError(dir, ['--dir', FIXTURE, ...profile('edu.nrao.vlass.annotateQaSECube.beamTolerance = 2\n')], 78, ['beamTolerance']);
    await expectError(dir, ['--dir', FIXTURE, ...profile('edu.nrao.vlass.annotateQaSECube.rule.usablePlane.min = 3\n')], 78, ['no rule named']);
  });

  it('64 for unknown flags', async () => {
    expect((await run(['--no-such-flag'])).code).toBe(64);
  });
});

describe('input safety', () => {
  it.skipIf(!hasFixture)('without --annotate-fits / --reject-to, no input byte changes', async () => {
    const dir = copyCube();
    const before = snapshot(dir);
    await run(['--dir', dir, '--out', fresh('out'), '--json']);
    expect(snapshot(dir)).toEqual(before);
    expect(basename(dir)).toMatch(/^cube-/);
  });
});
