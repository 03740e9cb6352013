/**
 * annotateQaSE through runTool, as the executable runs it, on copies of the committed small SE
 * product (fixtures/vlass/small/se): verdicts and exit codes, the result file with the alpha
 * and catalog metrics (checked against the numpy reference), skipped rules, --annotate-fits
 * (VLASSPT = 'SE'), --reject-to, --previews, a computed rms image, files given by flag, CAPO
 * overrides, and every documented error with its exit code, nothing half-written and the
 * inputs untouched (SHA-256 of every file).
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readFitsHeader, readFitsImage, withFits } from '../../shared/fits/index.js';
import { REJECT_DIRECTORY } from '../../shared/qa/index.js';
import { annotateQaSETool } from '../../tools/annotateQaSE/cli.js';
import { TOOLS } from '../../tools/registry.js';
import { snapshot } from '../shared/qa/images.js';
import {
  SE_FIXTURE,
  SE_STEM,
  SE_SUFFIX,
  copySeFixture,
  rewriteImage,
  sePath,
  writeCatalogWithoutQuality,
  writeCorruptCatalog,
  writeReferenceCatalog,
} from '../shared/qa/seProduct.js';
import { REPO_ROOT, hasRealdata, realdata } from '../helpers/realdata.js';
import { runCaptured, toolSandbox } from '../helpers/run-tool.js';

const { root, profile: PROFILE, fresh, capoDir } = toolSandbox('annotateQaSE');
const JSON_NAME = `${SE_STEM}.qa.json`;

const defaultCapo = capoDir();

function run(args: string[], options: { embeddedOnly?: boolean } = {}) {
  return runCaptured(annotateQaSETool, args, { CAPO_PATH: defaultCapo, CAPO_PROFILE: options.embeddedOnly ? undefined : PROFILE, HOME: join(root, 'home') });
}

const profile = (lines: string) => ['--capo-path', capoDir(lines)];
const result = (out: string) => JSON.parse(readFileSync(join(out, JSON_NAME), 'utf8'));
const rule = (r: { rules: { name: string }[] }, name: string) => r.rules.find((x) => x.name === name) as { name: string; status: string; value: number | null; message: string; threshold: Record<string, number> };
const reference = JSON.parse(readFileSync(join(REPO_ROOT, 'test', 'reference', 'qa_se_reference.json'), 'utf8'));
const fixturePresent = existsSync(SE_FIXTURE);

describe('annotateQaSE: registered, defaults embedded', () => {
  it('tools/registry.ts loads it', async () => {
    expect(await TOOLS.annotateQaSE()).toBe(annotateQaSETool);
  });
  it('--show-config with no profile lists its keys from embedded:defaults-annotateQaSE.properties, and no other tool\'s', async () => {
    const { code, stdout } = await run(['--show-config'], { embeddedOnly: true });
    expect(code).toBe(0);
    expect(stdout).toMatch(/edu\.nrao\.vlass\.annotateQaSE\.rule\.beamMajor\.warnMax = 3\.0\s+# embedded:defaults-annotateQaSE\.properties:\d+/);
    expect(stdout).toMatch(/edu\.nrao\.vlass\.annotateQaSE\.alpha\.snrMin = 10\s+#/);
    expect(stdout).toMatch(/edu\.nrao\.vlass\.annotateQaSE\.rule\.catalogQualityFlagged\.action = warn/);
    expect(stdout).not.toMatch(/edu\.nrao\.vlass\.annotateQa\.rule/);
  });
});

describe.skipIf(!fixturePresent)('annotateQaSE verdicts on the SE fixture', () => {
  it('with no CAPO profile at all (a fresh node), the embedded defaults judge the product', async () => {
    const dir = fresh('embedded');
    copySeFixture(dir);
    const out = fresh('out');
    expect((await run(['--dir', dir, '--out', out], { embeddedOnly: true })).code).toBe(0);
    expect(result(out).verdict).toBe('PASS');
  });

  it('the committed product: PASS, every documented field, alpha metrics = the numpy reference, catalog rules skipped; same output on a re-run; input untouched', async () => {
    const before = snapshot(SE_FIXTURE);
    const out = fresh('out');
    const { code, summary } = await run(['--dir', SE_FIXTURE, '--out', out]);
    expect(code).toBe(0);
    expect(readdirSync(out)).toEqual([JSON_NAME]);
    const r = result(out);
    expect(r.product).toEqual({
      name: SE_STEM,
      epoch: 'VLASS2.1',
      type: 'SE',
      tile: 'T10t01',
      phaseCenter: 'J000200-003000',
      files: Object.fromEntries((['image', 'rms', 'tt1', 'alpha', 'alphaError'] as const).map((k) => [k, sePath(SE_FIXTURE, k)])),
    });
    expect(r.verdict).toBe('PASS');
    expect(r.rules.map((x: { name: string; status: string }) => [x.name, x.status])).toEqual([
      ['beamMajor', 'pass'],
      ['beamMinor', 'pass'],
      ['beamAxisRatio', 'pass'],
      ['rmsMedian', 'pass'],
      ['dynamicRange', 'pass'],
      ['negativeToPeak', 'pass'],
      ['maskedFraction', 'pass'],
      ['alphaBlankHighSnr', 'pass'],
      ['alphaMedian', 'pass'],
      ['alphaSpread', 'pass'],
      ['alphaUnphysical', 'pass'],
      ['alphaError', 'pass'],
      ['tt1Consistency', 'pass'],
      ['catalogDensity', 'skipped'],
      ['catalogQualityFlagged', 'skipped'],
    ]);
    expect(rule(r, 'catalogDensity').message).toContain('not judged: the product has no component catalog');
    const { madSigmaHighSnr, tt1ConsistencyMedianAbs, ...exact } = reference.se.alpha;
    expect(r.metrics.alpha).toMatchObject(exact);
    expect(r.metrics.alpha.madSigmaHighSnr).toBeCloseTo(madSigmaHighSnr, 12);
    expect(Math.abs(r.metrics.alpha.tt1ConsistencyMedianAbs - tt1ConsistencyMedianAbs)).toBeLessThan(1e-18);
    expect(r.metrics.catalog).toBeNull();
    expect(r.metrics.rms).toMatchObject({ source: 'file', medianJy: reference.se.continuum.rms.medianJy });
    expect(r.metrics.beam.bmajArcsec).toBeCloseTo(2.8323, 4);
    expect(summary).toMatch(/^annotateQaSE: PASS for VLASS2\.1\.se\.T10t01\.J000200-003000\.06\.2048\.v1 \(SE\)\. All 13 rules passed\./);
    expect(summary).toContain('Spectral index over 273 pixels with tt0/rms >= 10: median -0.6581');
    expect(summary).toContain('Not judged: catalogDensity, catalogQualityFlagged.');
    const first = readFileSync(join(out, JSON_NAME), 'utf8');
    expect((await run(['--dir', SE_FIXTURE, '--out', out])).code).toBe(0);
    expect(readFileSync(join(out, JSON_NAME), 'utf8')).toBe(first);
    expect(snapshot(SE_FIXTURE)).toEqual(before);
  });

  it('with its component catalog: metrics.catalog (= the numpy reference counts), density judged (the tiny fixture is far too dense: WARN)', async () => {
    const dir = fresh('cat');
    copySeFixture(dir);
    const catalog = writeReferenceCatalog(dir);
    const out = fresh('out');
    const { code } = await run(['--dir', dir, '--out', out, '--fail-on-reject']);
    expect(code).toBe(0);
    const r = result(out);
    const area = reference.se.areaSqDeg;
    expect(r.metrics.catalog).toMatchObject({
      file: catalog,
      components: reference.edge.catalog.components,
      hasQualityFlag: true,
      qualityFlagged: reference.edge.catalog.qualityFlagged,
      qualityFlaggedFraction: reference.edge.catalog.qualityFlaggedFraction,
    });
    expect(r.metrics.catalog.areaSqDeg).toBeCloseTo(area, 15);
    expect(r.metrics.catalog.perSquareDegree).toBeCloseTo(11 / area, 6);
    expect(r.product.files.catalog).toBe(catalog);
    expect(r.verdict).toBe('WARN');
    expect(rule(r, 'catalogDensity')).toMatchObject({ status: 'warn', threshold: { min: 20, max: 500 } });
    expect(rule(r, 'catalogDensity').message).toMatch(/^Component catalog density \(components per square degree of imaged sky\) \d+ is above the maximum 500: warning$/);
    expect(rule(r, 'catalogQualityFlagged')).toMatchObject({ status: 'pass', value: 0.5 });
  });

  it('a catalog without Quality_flag: metrics say so, the rule is skipped saying why', async () => {
    const dir = fresh('noq');
    copySeFixture(dir);
    writeCatalogWithoutQuality(sePath(dir, 'catalog'));
    const out = fresh('out');
    expect((await run(['--dir', dir, '--out', out, ...profile('edu.nrao.vlass.annotateQaSE.rule.catalogDensity.max = 100000\n')])).code).toBe(0);
    const r = result(out);
    expect(r.metrics.catalog).toMatchObject({ components: 11, hasQualityFlag: false, qualityFlagged: null, qualityFlaggedFraction: null });
    expect(rule(r, 'catalogQualityFlagged').status).toBe('skipped');
    expect(rule(r, 'catalogQualityFlagged').message).toContain('has no Quality_flag column');
    expect(r.verdict).toBe('PASS');
  });

  it.skipIf(!hasRealdata)('a real run_getalpha SE catalog given with --catalog (read in place) parses; Quality_flag skipped', async () => {
    const dir = fresh('realcat');
    copySeFixture(dir);
    const path = realdata('pybdsf_catalogs_vlass', `${SE_STEM}.I.catalog.csv`);
    const out = fresh('out');
    expect((await run(['--dir', dir, '--catalog', path, '--out', out])).code).toBe(0);
    const r = result(out);
    expect(r.metrics.catalog).toMatchObject({ file: path, components: 4, hasQualityFlag: false, detectionImage: `${SE_STEM}.${SE_SUFFIX.image}` });
    expect(rule(r, 'catalogQualityFlagged').status).toBe('skipped');
  });

  it('a noisy product: FAIL with rmsMedian stating value and threshold; exit 0 unless --fail-on-reject', async () => {
    const dir = fresh('noisy');
    const files = copySeFixture(dir);
    rewriteImage(files.rms, { pixels: (d) => d.map((v) => (v === 0 || Number.isNaN(v) ? v : 250e-6)) });
    const out = fresh('out');
    const { code, stdout, summary } = await run(['--dir', dir, '--out', out, '--json']);
    expect(code).toBe(0);
    const printed = JSON.parse(stdout);
    expect(printed).toEqual(result(out));
    expect(printed.verdict).toBe('FAIL');
    expect(rule(printed, 'rmsMedian')).toMatchObject({ status: 'fail', value: Math.fround(250e-6), threshold: { warnMin: 0.00006, warnMax: 0.00017, max: 0.0002 } });
    expect(summary).toContain('[fail rmsMedian] Median of the rms image 250 uJy/beam is above the maximum 200 uJy/beam: rejected.');
    expect((await run(['--dir', dir, '--out', out, '--fail-on-reject'])).code).toBe(1);
  });

  it('an alpha image blank everywhere: FAIL (alphaBlankHighSnr = 1), the alpha statistics null and skipped', async () => {
    const dir = fresh('blank-alpha');
    const files = copySeFixture(dir);
    rewriteImage(files.alpha, { pixels: (d) => d.fill(NaN) });
    const out = fresh('out');
    expect((await run(['--dir', dir, '--out', out, '--fail-on-reject'])).code).toBe(1);
    const r = result(out);
    expect(rule(r, 'alphaBlankHighSnr')).toMatchObject({ status: 'fail', value: 1 });
    expect(r.metrics.alpha).toMatchObject({ nHighSnr: reference.se.alpha.nHighSnr, nAlphaHighSnr: 0, medianHighSnr: null, tt1ConsistencyMedianAbs: null });
    expect(rule(r, 'alphaMedian').status).toBe('skipped');
  });

  it('an alpha image offset by +6 (not tt1/tt0, unphysical): FAIL on alphaMedian and alphaUnphysical, tt1Consistency warns', async () => {
    const dir = fresh('bad-alpha');
    const files = copySeFixture(dir);
    rewriteImage(files.alpha, { pixels: (d) => d.map((v) => v + 6) });
    const out = fresh('out');
    await run(['--dir', dir, '--out', out]);
    const r = result(out);
    expect(r.verdict).toBe('FAIL');
    expect(rule(r, 'alphaMedian').status).toBe('fail');
    expect(rule(r, 'alphaUnphysical')).toMatchObject({ status: 'fail', value: 1 });
    expect(rule(r, 'tt1Consistency').status).toBe('warn');
    expect(rule(r, 'tt1Consistency').value).toBeCloseTo(6, 5);
  });

  it('a tt1 image from another run (scaled by 2): the products disagree, tt1Consistency WARNs', async () => {
    const dir = fresh('tt1');
    const files = copySeFixture(dir);
    rewriteImage(files.tt1, { pixels: (d) => d.map((v) => v * 2) });
    const out = fresh('out');
    await run(['--dir', dir, '--out', out]);
    const r = result(out);
    expect(r.verdict).toBe('WARN');
    expect(rule(r, 'tt1Consistency')).toMatchObject({ status: 'warn', threshold: { max: 0.05 } });
    expect(rule(r, 'tt1Consistency').message).toMatch(/^Median \|alpha - tt1\/tt0\| where tt0\/rms >= 10 0\.\d+ is above the maximum 0\.05: warning$/);
  });

  it('a site CAPO profile changes the S/N cut (the metrics follow) and makes tt1Consistency reject', async () => {
    const dir = fresh('capo');
    const files = copySeFixture(dir);
    rewriteImage(files.tt1, { pixels: (d) => d.map((v) => v * 2) });
    const out = fresh('out');
    await run(['--dir', dir, '--out', out, ...profile('edu.nrao.vlass.annotateQaSE.alpha.snrMin = 20\nedu.nrao.vlass.annotateQaSE.rule.tt1Consistency.action = reject\n')]);
    const r = result(out);
    expect(r.metrics.alpha.snrMin).toBe(20);
    expect(r.metrics.alpha.nHighSnr).toBe(reference.se.alphaOtherSettings.nHighSnr);
    expect(r.verdict).toBe('FAIL');
  });
});

describe.skipIf(!fixturePresent)('annotateQaSE outputs', () => {
  it("--annotate-fits writes VLASSPK, VLASSRMS, VLASSPT = 'SE', VLASSQA into tt0 only; its pixel bytes and every other file unchanged", async () => {
    const dir = fresh('ann');
    const files = copySeFixture(dir);
    const offset = withFits(files.image, (r) => r.dataOffset);
    const pixels = readFileSync(files.image).subarray(offset);
    const before = snapshot(dir);
    const out = fresh('out');
    expect((await run(['--dir', dir, '--out', out, '--annotate-fits'])).code).toBe(0);
    const r = result(out);
    const h = readFitsHeader(files.image);
    expect({ pk: h.get('VLASSPK'), rms: h.get('VLASSRMS'), pt: h.get('VLASSPT'), qa: h.get('VLASSQA') }).toEqual({ pk: r.metrics.pbcor.peakJy, rms: r.metrics.rms.medianJy, pt: 'SE', qa: 'PASS' });
    expect(readFileSync(files.image).subarray(withFits(files.image, (rd) => rd.dataOffset)).equals(pixels)).toBe(true);
    const after = snapshot(dir);
    for (const name of Object.keys(before)) if (name !== `${SE_STEM}.${SE_SUFFIX.image}`) expect({ name, sha: after[name] }).toEqual({ name, sha: before[name] });
  });

  it('--reject-to on FAIL moves every file of the product (images, catalog, truth) and no other; the moved tt0 says FAIL', async () => {
    const dir = fresh('rej');
    const files = copySeFixture(dir);
    writeReferenceCatalog(dir);
    rewriteImage(files.alpha, { pixels: (d) => d.fill(NaN) });
    writeFileSync(join(dir, 'SEIP_parameter.list'), 'not the product');
    const before = snapshot(dir);
    const out = fresh('out');
    expect((await run(['--dir', dir, '--out', out, '--reject-to', dir, '--annotate-fits'])).code).toBe(0);
    const rejected = join(dir, REJECT_DIRECTORY);
    expect(readdirSync(dir).sort()).toEqual([REJECT_DIRECTORY, 'SEIP_parameter.list']);
    const moved = snapshot(rejected);
    expect(Object.keys(moved).sort()).toEqual(Object.keys(before).filter((n) => n.startsWith(SE_STEM)).sort());
    for (const name of Object.keys(moved)) if (!name.endsWith(SE_SUFFIX.image)) expect(moved[name]).toBe(before[name]);
    expect(readFitsHeader(join(rejected, `${SE_STEM}.${SE_SUFFIX.image}`)).get('VLASSQA')).toBe('FAIL');
    expect(result(out).rejected).toEqual({ directory: rejected, files: Object.keys(moved).sort().map((n) => join(rejected, n)) });
  });

  it('--reject-to on PASS moves nothing', async () => {
    const dir = fresh('keep');
    copySeFixture(dir);
    const before = snapshot(dir);
    await run(['--dir', dir, '--out', fresh('out'), '--reject-to', dir]);
    expect(snapshot(dir)).toEqual(before);
  });

  it('--previews writes <tt0 name>_prev.jpg and _prev_256.jpg', async () => {
    const dir = fresh('prev');
    copySeFixture(dir);
    const out = fresh('out');
    expect((await run(['--dir', dir, '--out', out, '--previews'])).code).toBe(0);
    const base = `${SE_STEM}.${SE_SUFFIX.image.replace(/\.fits$/, '')}`;
    expect(readdirSync(out).sort()).toEqual([JSON_NAME, `${base}_prev.jpg`, `${base}_prev_256.jpg`].sort());
    for (const name of [`${base}_prev.jpg`, `${base}_prev_256.jpg`]) expect([...readFileSync(join(out, name)).subarray(0, 3)]).toEqual([0xff, 0xd8, 0xff]);
  });

  it('without an rms image: computed from tt0 (rms.source = computed), written with --write-rms under the SE rms name', async () => {
    const dir = fresh('norms');
    copySeFixture(dir, ['rms']);
    const before = snapshot(dir);
    const out = fresh('out');
    expect((await run(['--dir', dir, '--out', out, '--write-rms'])).code).toBe(0);
    const r = result(out);
    const written = join(out, `${SE_STEM}.${SE_SUFFIX.rms}`);
    expect(r.metrics.rms).toMatchObject({ source: 'computed', file: written });
    // the fixture's noise is 120 uJy at full coverage, rising toward the edges
    expect(r.metrics.rms.medianJy).toBeGreaterThan(100e-6);
    expect(r.metrics.rms.medianJy).toBeLessThan(170e-6);
    expect(readFitsImage(written).layout.naxis).toEqual([320, 320, 1, 1]);
    expect(r.metrics.alpha.nHighSnr).toBeGreaterThan(20);
    expect(snapshot(dir)).toEqual(before);
  });

  it('files given by flag from different directories', async () => {
    const a = fresh('flags-a');
    const b = fresh('flags-b');
    const files = copySeFixture(a);
    const moved = copySeFixture(b);
    const out = fresh('out');
    const args = ['--image', files.image, '--rms', moved.rms, '--tt1', moved.tt1, '--alpha', moved.alpha, '--alpha-error', moved.alphaError, '--out', out];
    expect((await run(args)).code).toBe(0);
    expect(result(out).product.files).toEqual({ image: files.image, rms: moved.rms, tt1: moved.tt1, alpha: moved.alpha, alphaError: moved.alphaError });
  });
});

describe.skipIf(!fixturePresent)('annotateQaSE errors: documented exit codes, nothing written, inputs untouched', () => {
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

  it('65 for an alpha image not on the tt0 grid (another size), naming both files, before anything is written', async () => {
    const dir = fresh('grid-size');
    const files = copySeFixture(dir);
    rewriteImage(files.alpha, { shape: [320, 300, 1, 1] });
    await expectError(dir, ['--dir', dir, '--annotate-fits', '--reject-to', dir], 65, [files.alpha, files.image, '320x300x1x1']);
  });

  it('65 for an alpha image of the right size on another part of the sky, naming both files', async () => {
    const dir = fresh('grid-sky');
    const files = copySeFixture(dir);
    rewriteImage(files.alpha, { header: (h) => h.set('CRVAL1', (h.get('CRVAL1') as number) + 0.01, '', { asReal: true }) });
    await expectError(dir, ['--dir', dir, '--annotate-fits', '--reject-to', dir], 65, [files.alpha, files.image, 'is not on the sky grid']);
  });

  it('65 for an alpha.error or tt1 not on the grid', async () => {
    for (const role of ['alphaError', 'tt1'] as const) {
      const dir = fresh(`grid-${role}`);
      const files = copySeFixture(dir);
      rewriteImage(files[role], { shape: [160, 320, 1, 1] });
      await expectError(dir, ['--dir', dir, '--annotate-fits'], 65, [files[role], files.image]);
    }
  });

  it('66 for a missing alpha image, naming the file and --alpha', async () => {
    const dir = fresh('noalpha');
    copySeFixture(dir, ['alpha']);
    await expectError(dir, ['--dir', dir, '--annotate-fits', '--reject-to', dir], 66, [`${SE_STEM}.${SE_SUFFIX.alpha}: not found`, '--alpha)']);
  });

  it('66 for a missing alpha.error image, naming --alpha-error; 66 for an --alpha that does not exist', async () => {
    const dir = fresh('noerr');
    copySeFixture(dir, ['alphaError']);
    await expectError(dir, ['--dir', dir], 66, [`${SE_STEM}.${SE_SUFFIX.alphaError}: not found`, '--alpha-error)']);
    const dir2 = fresh('flagmissing');
    copySeFixture(dir2);
    await expectError(dir2, ['--dir', dir2, '--alpha', join(dir2, 'nope.fits')], 66, ['--alpha', 'nope.fits']);
  });

  it('66 when there is no SE product, naming the pattern', async () => {
    const dir = fresh('empty');
    await expectError(dir, ['--dir', dir], 66, [`*.${SE_SUFFIX.image}`]);
  });

  it('65 for a corrupt catalog CSV, naming the file and the line; the product is not annotated or moved', async () => {
    const dir = fresh('badcat');
    const files = copySeFixture(dir);
    rewriteImage(files.alpha, { pixels: (d) => d.fill(NaN) }); // would FAIL and move
    const catalog = writeCorruptCatalog(sePath(dir, 'catalog'), 14);
    await expectError(dir, ['--dir', dir, '--annotate-fits', '--reject-to', dir], 65, [`${catalog}:14: 56 values where the header has 57 columns`]);
  });

  it('65 for a catalog that is not a Gaussian list, naming it', async () => {
    const dir = fresh('notgaul');
    copySeFixture(dir);
    writeFileSync(sePath(dir, 'catalog'), 'a,b\n1,2\n');
    await expectError(dir, ['--dir', dir], 65, [sePath(dir, 'catalog'), 'not a PyBDSF Gaussian list']);
  });

  it('73 when --out is not writable or missing', async () => {
    const dir = fresh('ro');
    copySeFixture(dir);
    const before = snapshot(dir);
    const out = fresh('ro-out');
    chmodSync(out, 0o500);
    const expected = process.getuid?.() === 0 ? 0 : 73; // root writes anywhere
    expect((await run(['--dir', dir, '--out', out, '--annotate-fits'])).code).toBe(expected);
    chmodSync(out, 0o755);
    if (expected === 73) expect(snapshot(dir)).toEqual(before);
    const missing = await run(['--dir', dir, '--out', join(root, 'no-such-out')]);
    expect(missing.code).toBe(73);
  });

  it('73 when the result file cannot be created (a directory in its place): no temporary left, inputs untouched', async () => {
    const dir = fresh('blocked');
    copySeFixture(dir);
    const out = fresh('out');
    mkdirSync(join(out, JSON_NAME));
    const before = snapshot(dir);
    expect((await run(['--dir', dir, '--out', out])).code).toBe(73);
    expect(readdirSync(out)).toEqual([JSON_NAME]);
    expect(snapshot(dir)).toEqual(before);
  });

  it('78 for invalid CAPO values (a rule, an alpha setting), naming the key; nothing read or written', async () => {
    const dir = fresh('badcapo');
    copySeFixture(dir);
    await expectError(dir, ['--dir', dir, ...profile('edu.nrao.vlass.annotateQaSE.rule.alphaMedian.max = wide\n')], 78, ['alphaMedian.max']);
    await expectError(dir, ['--dir', dir, ...profile('edu.nrao.vlass.annotateQaSE.alpha.snrMin = -1\n')], 78, ['alpha.snrMin = -1']);
    await expectError(dir, ['--dir', dir, ...profile('edu.nrao.vlass.annotateQaSE.rule.alphaMedan.max = 1\n')], 78, ['no rule named', 'alphamedan']);
  });

  it('64 for unknown flags', async () => {
    expect((await run(['--no-such-flag'])).code).toBe(64);
  });
});
