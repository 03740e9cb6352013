/**
 * annotateQa through runTool, as the executable runs it: verdicts and exit codes, the result
 * file and --json, --annotate-fits, --reject-to, a computed rms image, CAPO overrides, and
 * every documented error with its exit code, nothing half-written and the input untouched.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readFitsHeader, readFitsImage, withFits } from '../../shared/fits/index.js';
import { REJECT_DIRECTORY } from '../../shared/qa/index.js';
import { annotateQaTool } from '../../tools/annotateQa/cli.js';
import { TOOLS } from '../../tools/registry.js';
import { IMAGE_SUFFIX, QL_STEM, RMS_SUFFIX, noisePlane, passingImage, snapshot, writeQl } from '../shared/qa/images.js';
import { REPO_ROOT } from '../helpers/realdata.js';
import { runCaptured, toolSandbox } from '../helpers/run-tool.js';

const { root, profile: PROFILE, fresh, capoDir } = toolSandbox('annotateQa');
const JSON_NAME = `${QL_STEM}.qa.json`;

const defaultCapo = capoDir();

function run(args: string[], options: { embeddedOnly?: boolean } = {}) {
  return runCaptured(annotateQaTool, args, { CAPO_PATH: defaultCapo, CAPO_PROFILE: options.embeddedOnly ? undefined : PROFILE, HOME: join(root, 'home') });
}

/** Flags selecting a site profile with `lines` over the defaults. */
function profile(lines: string): string[] {
  return ['--capo-path', capoDir(lines)];
}

const result = (out: string) => JSON.parse(readFileSync(join(out, JSON_NAME), 'utf8'));

describe('annotateQa: the tool is registered and its defaults are embedded', () => {
  it('tools/registry.ts loads it', async () => {
    expect(await TOOLS.annotateQa()).toBe(annotateQaTool);
  });
  it('--show-config, with no CAPO profile, lists the rule keys from embedded:defaults-annotateQa.properties', async () => {
    const { code, stdout } = await run(['--show-config'], { embeddedOnly: true });
    expect(code).toBe(0);
    expect(stdout).toMatch(/edu\.nrao\.vlass\.annotateQa\.rule\.beamMajor\.max = 4\.0\s+# embedded:defaults-annotateQa\.properties:\d+/);
    expect(stdout).toMatch(/edu\.nrao\.vlass\.annotateQa\.rule\.maskedFraction\.action = reject/);
    // A prefix is a whole key segment: the SE and cube tools' keys are theirs, not annotateQa's.
    expect(stdout).not.toMatch(/^edu\.nrao\.vlass\.annotateQaSE/m);
  });
});

describe('annotateQa verdicts', () => {
  it('with no CAPO profile at all (a fresh node), the embedded defaults judge a product', async () => {
    const dir = fresh('embedded');
    writeQl(dir);
    const out = fresh('out');
    expect((await run(['--dir', dir, '--out', out], { embeddedOnly: true })).code).toBe(0);
    expect(result(out).verdict).toBe('PASS');
  });

  it('takes the product directory as a plain word too (annotateQa DIR); given both ways it is 64', async () => {
    const dir = fresh('positional');
    writeQl(dir);
    const out = fresh('out');
    expect((await run([dir, '--out', out])).code).toBe(0);
    expect(result(out).verdict).toBe('PASS');
    const both = await run([dir, '--dir', dir, '--out', out]);
    expect(both.code).toBe(64);
    expect(both.summary + both.logText).toMatch(/and --dir both given; give one/);
  });

  it('a good product: PASS, exit 0, <product>.qa.json with the documented fields, same output on a re-run', async () => {
    const dir = fresh('pass');
    writeQl(dir);
    const before = snapshot(dir);
    const out = fresh('out');
    const { code } = await run(['--dir', dir, '--out', out]);
    expect(code).toBe(0);
    expect(readdirSync(out)).toEqual([JSON_NAME]);
    const r = result(out);
    expect(r).toMatchObject({
      product: { name: QL_STEM, epoch: 'VLASS2.1', type: 'QL', tile: 'T10t01', phaseCenter: 'J000200-003000' },
      verdict: 'PASS',
      metrics: { beam: { bmajArcsec: expect.closeTo(2.5, 9), bminArcsec: expect.closeTo(2, 9), bpaDeg: -35 }, rms: { source: 'file', medianJy: Math.fround(140e-6) } },
    });
    expect(r.rules.map((x: { name: string; status: string }) => [x.name, x.status])).toEqual([
      ['beamMajor', 'pass'],
      ['beamMinor', 'pass'],
      ['beamAxisRatio', 'pass'],
      ['rmsMedian', 'pass'],
      ['dynamicRange', 'pass'],
      ['negativeToPeak', 'pass'],
      ['maskedFraction', 'pass'],
    ]);
    expect(r.metrics.pbcor.peakJy).toBe(Math.fround(0.05));
    expect(r.metrics.pbcor.peakPixel).toEqual({ x: 40, y: 20 });
    expect(Object.keys(r.metrics.rms)).toEqual(
      expect.arrayContaining(['medianJy', 'p10Jy', 'p90Jy', 'fractionBelow120uJy', 'fractionBelow168uJy', 'fractionBelow200uJy', 'source']),
    );
    const first = readFileSync(join(out, JSON_NAME), 'utf8');
    expect((await run(['--dir', dir, '--out', out])).code).toBe(0);
    expect(readFileSync(join(out, JSON_NAME), 'utf8')).toBe(first);
    expect(snapshot(dir)).toEqual(before);
  });

  it('a noisy product: FAIL with the rmsMedian rule stating value and threshold; exit 0 unless --fail-on-reject', async () => {
    const dir = fresh('noisy');
    writeQl(dir, { rms: new Float32Array(64 * 64).fill(500e-6) });
    const out = fresh('out');
    const { code, stdout, summary } = await run(['--dir', dir, '--out', out, '--json']);
    expect(code).toBe(0);
    expect(summary).toMatch(/^annotateQa: FAIL for VLASS2\.1\.ql\.T10t01\.J000200-003000\.10\.2048\.v1 \(QL\)\. \[fail rmsMedian\] Median of the rms image 500 uJy\/beam is above the maximum 400 uJy\/beam: rejected\./);
    const printed = JSON.parse(stdout);
    expect(printed).toEqual(result(out));
    expect(printed.verdict).toBe('FAIL');
    const rule = printed.rules.find((r: { name: string }) => r.name === 'rmsMedian');
    expect(rule).toMatchObject({ status: 'fail', value: Math.fround(500e-6), threshold: { max: 0.0004, warnMax: 0.0002 } });
    expect(rule.message).toBe('Median of the rms image 500 uJy/beam is above the maximum 400 uJy/beam: rejected');
    expect((await run(['--dir', dir, '--out', out, '--fail-on-reject'])).code).toBe(1);
  });

  it('WARN is not a rejection: exit 0 even with --fail-on-reject', async () => {
    const dir = fresh('warn');
    writeQl(dir, { rms: new Float32Array(64 * 64).fill(250e-6) });
    const out = fresh('out');
    expect((await run(['--dir', dir, '--out', out, '--fail-on-reject'])).code).toBe(0);
    expect(result(out).verdict).toBe('WARN');
  });

  it('a site CAPO profile changes a threshold and an action', async () => {
    const dir = fresh('capo');
    writeQl(dir, { rms: new Float32Array(64 * 64).fill(500e-6) });
    const out = fresh('out');
    await run(['--dir', dir, '--out', out, ...profile('edu.nrao.vlass.annotateQa.rule.rmsMedian.action = warn\n')]);
    expect(result(out).verdict).toBe('WARN');
    await run(['--dir', dir, '--out', out, ...profile('edu.nrao.vlass.annotateQa.rule.rmsMedian.max = 0.0006\nedu.nrao.vlass.annotateQa.rule.rmsMedian.warnMax = 0.0006\n')]);
    expect(result(out).verdict).toBe('PASS');
  });

  it('an all-NaN image is a FAIL verdict (maskedFraction = 1), not an error; unmeasurable rules say why', async () => {
    const dir = fresh('nan');
    writeQl(dir, { image: new Float32Array(64 * 64).fill(NaN) });
    const out = fresh('out');
    const { code } = await run(['--dir', dir, '--out', out, '--fail-on-reject']);
    expect(code).toBe(1);
    const r = result(out);
    expect(r.verdict).toBe('FAIL');
    expect(r.rules.find((x: { name: string }) => x.name === 'maskedFraction')).toMatchObject({ status: 'fail', value: 1 });
    const negative = r.rules.find((x: { name: string }) => x.name === 'negativeToPeak');
    expect(negative).toMatchObject({ status: 'fail', value: null });
    expect(negative.message).toContain('could not be measured (the image has no finite pixel');
    expect(r.metrics.pbcor).toMatchObject({ peakJy: null, minJy: null, medianJy: null, blankFraction: 1 });
    expect(r.metrics.dynamicRange).toBeNull();
  });
});

describe('annotateQa --annotate-fits', () => {
  it('writes VLASSPK, VLASSRMS, VLASSPT, VLASSQA into the image; the pixel bytes are unchanged', async () => {
    const dir = fresh('ann');
    const files = writeQl(dir);
    const offset = withFits(files.image, (r) => r.dataOffset);
    const pixels = readFileSync(files.image).subarray(offset);
    const rmsBefore = readFileSync(files.rms!);
    const out = fresh('out');
    expect((await run(['--dir', dir, '--out', out, '--annotate-fits'])).code).toBe(0);
    const header = readFitsHeader(files.image);
    const r = result(out);
    expect({ pk: header.get('VLASSPK'), rms: header.get('VLASSRMS'), pt: header.get('VLASSPT'), qa: header.get('VLASSQA') }).toEqual({
      pk: r.metrics.pbcor.peakJy,
      rms: r.metrics.rms.medianJy,
      pt: 'QL',
      qa: 'PASS',
    });
    const after = readFileSync(files.image);
    expect(after.subarray(withFits(files.image, (rd) => rd.dataOffset)).equals(pixels)).toBe(true);
    expect(readFileSync(files.rms!).equals(rmsBefore)).toBe(true);
  });
});

describe('annotateQa --reject-to', () => {
  it('on FAIL moves every file of the product (and no other) into DIR/QA_REJECTED/, contents identical', async () => {
    const dir = fresh('rej');
    writeQl(dir, { rms: new Float32Array(64 * 64).fill(500e-6) });
    writeFileSync(join(dir, `${QL_STEM}.truth.csv`), 'a,b\n');
    writeFileSync(join(dir, 'casa_commands.log'), 'not the product');
    const before = snapshot(dir);
    const out = fresh('out');
    const { code } = await run(['--dir', dir, '--out', out, '--reject-to', dir, '--annotate-fits']);
    expect(code).toBe(0);
    const rejected = join(dir, REJECT_DIRECTORY);
    expect(readdirSync(dir).sort()).toEqual([REJECT_DIRECTORY, 'casa_commands.log']);
    const moved = snapshot(rejected);
    expect(Object.keys(moved).sort()).toEqual([`${QL_STEM}.${IMAGE_SUFFIX}`, `${QL_STEM}.${RMS_SUFFIX}`, `${QL_STEM}.truth.csv`].sort());
    // annotated before it moved: only the image changed, and only its header
    expect(moved[`${QL_STEM}.${RMS_SUFFIX}`]).toBe(before[`${QL_STEM}.${RMS_SUFFIX}`]);
    expect(moved[`${QL_STEM}.truth.csv`]).toBe(before[`${QL_STEM}.truth.csv`]);
    expect(readFitsHeader(join(rejected, `${QL_STEM}.${IMAGE_SUFFIX}`)).get('VLASSQA')).toBe('FAIL');
    expect(result(out).rejected).toEqual({ directory: rejected, files: Object.keys(moved).sort().map((n) => join(rejected, n)) });
  });

  it('on PASS nothing moves', async () => {
    const dir = fresh('keep');
    writeQl(dir);
    const before = snapshot(dir);
    await run(['--dir', dir, '--out', fresh('out'), '--reject-to', dir]);
    expect(snapshot(dir)).toEqual(before);
  });

  it('a conflicting file already in QA_REJECTED: 73, the product stays where it was, no result file', async () => {
    const dir = fresh('conflict');
    writeQl(dir, { rms: new Float32Array(64 * 64).fill(500e-6) });
    mkdirSync(join(dir, REJECT_DIRECTORY));
    writeFileSync(join(dir, REJECT_DIRECTORY, `${QL_STEM}.${RMS_SUFFIX}`), 'an older product');
    const before = snapshot(dir);
    const out = fresh('out');
    const { code, logText } = await run(['--dir', dir, '--out', out, '--reject-to', dir]);
    expect(code).toBe(73);
    expect(logText).toContain('refusing to overwrite');
    expect(snapshot(dir)).toEqual(before);
    expect(readdirSync(out)).toEqual([]);
  });
});

describe('annotateQa --previews', () => {
  it('writes <image name>_prev.jpg and _prev_256.jpg (JPEG) into --out, the input untouched', async () => {
    const dir = fresh('prev');
    writeQl(dir);
    const before = snapshot(dir);
    const out = fresh('out');
    expect((await run(['--dir', dir, '--out', out, '--previews'])).code).toBe(0);
    const base = `${QL_STEM}.${IMAGE_SUFFIX.replace(/\.fits$/, '')}`;
    expect(readdirSync(out).sort()).toEqual([JSON_NAME, `${base}_prev.jpg`, `${base}_prev_256.jpg`].sort());
    for (const name of [`${base}_prev.jpg`, `${base}_prev_256.jpg`]) expect([...readFileSync(join(out, name)).subarray(0, 3)]).toEqual([0xff, 0xd8, 0xff]);
    expect(snapshot(dir)).toEqual(before);
  });
});

describe('annotateQa without an rms image', () => {
  it('computes one with shared/rmsmap (rms.source = computed) and writes it with --write-rms', async () => {
    const dir = fresh('norms');
    const img = noisePlane(96, 96, 140e-6, 3);
    img[50 * 96 + 30] = 0.02;
    writeQl(dir, { width: 96, height: 96, image: img, rms: null });
    const before = snapshot(dir);
    const out = fresh('out');
    expect((await run(['--dir', dir, '--out', out])).code).toBe(0);
    const r = result(out);
    expect(r.metrics.rms).toMatchObject({ source: 'computed', file: null });
    // The map measures the image's own noise: 140 uJy within the scatter of a MAD over ~3600-pixel boxes.
    expect(r.metrics.rms.medianJy).toBeGreaterThan(125e-6);
    expect(r.metrics.rms.medianJy).toBeLessThan(155e-6);
    expect(readdirSync(out)).toEqual([JSON_NAME]);

    const out2 = fresh('out');
    await run(['--dir', dir, '--out', out2, '--write-rms']);
    const written = join(out2, `${QL_STEM}.${RMS_SUFFIX}`);
    expect(result(out2).metrics.rms).toMatchObject({ source: 'computed', file: written, medianJy: r.metrics.rms.medianJy });
    const rmsImage = readFitsImage(written);
    expect(rmsImage.layout.naxis).toEqual([96, 96, 1, 1]);
    expect(rmsImage.header.history().join(' ')).toContain('CASA imdev');
    expect(rmsImage.header.get('BMAJ')).toBe(readFitsHeader(join(dir, `${QL_STEM}.${IMAGE_SUFFIX}`)).get('BMAJ'));
    expect(snapshot(dir)).toEqual(before);
  });
});

describe('annotateQa on the committed QL fixture', () => {
  const fixture = join(REPO_ROOT, 'fixtures', 'vlass', 'small', 'ql');
  it.skipIf(!existsSync(fixture))('QAs fixtures/vlass/small/ql without touching it', async () => {
    const before = snapshot(fixture);
    const out = fresh('out');
    expect((await run(['--dir', fixture, '--out', out])).code).toBe(0);
    const r = JSON.parse(readFileSync(join(out, JSON_NAME), 'utf8'));
    expect(r.product.name).toBe(QL_STEM);
    expect(r.metrics.rms.source).toBe('file');
    expect(['PASS', 'WARN', 'FAIL']).toContain(r.verdict);
    expect(snapshot(fixture)).toEqual(before);
  });
});

describe('annotateQa errors: documented exit codes, nothing written, the input untouched', () => {
  async function expectError(dir: string, args: string[], code: number, mentions: string[]) {
    const before = snapshot(dir);
    const out = fresh('out');
    const r = await run(['--out', out, ...args]);
    expect(r.code).toBe(code);
    for (const m of mentions) expect(r.logText).toContain(m);
    expect(readdirSync(out)).toEqual([]);
    expect(snapshot(dir)).toEqual(before);
  }

  it('66 when there is no product, naming what was looked for', async () => {
    const dir = fresh('empty');
    await expectError(dir, ['--dir', dir], 66, [`*.${IMAGE_SUFFIX}`]);
  });

  it('66 when --image does not exist', async () => {
    const dir = fresh('noimg');
    await expectError(dir, ['--image', join(dir, 'x.fits')], 66, ['--image']);
  });

  it('65 for a truncated image', async () => {
    const dir = fresh('trunc');
    const files = writeQl(dir);
    truncateSync(files.image, statSync(files.image).size - 5000);
    await expectError(dir, ['--dir', dir], 65, ['truncated', files.image]);
  });

  it('65 for a file that is not FITS', async () => {
    const dir = fresh('corrupt');
    const files = writeQl(dir);
    writeFileSync(files.image, Buffer.alloc(5760, 0x41));
    await expectError(dir, ['--dir', dir, '--annotate-fits', '--reject-to', dir], 65, ['not a FITS file']);
  });

  it('65 for an image with several planes (wrong shape)', async () => {
    const dir = fresh('planes');
    writeQl(dir, { imagePlanes: 3, rms: null });
    await expectError(dir, ['--dir', dir, '--annotate-fits'], 65, ['64x64x1x3', '3 planes']);
  });

  it('65 for a 1-D image (wrong shape)', async () => {
    const dir = fresh('oned');
    const files = writeQl(dir, { rms: null });
    const { writeFitsImage } = await import('../../shared/fits/index.js');
    writeFitsImage(files.image, new Float32Array(64), [64]);
    await expectError(dir, ['--dir', dir], 65, ['shape 64']);
  });

  it.each([
    ['a different size', [32, 64, 1, 1], '32x64x1x1'],
    ['three planes', [64, 64, 1, 3], '64x64x1x3'],
  ])('65 for an rms image that does not match the image (%s), naming both files', async (_what, rmsShape, shown) => {
    const dir = fresh('mismatch');
    const files = writeQl(dir, { rmsShape });
    await expectError(dir, ['--dir', dir, '--annotate-fits', '--reject-to', dir], 65, [files.rms!, files.image, shown]);
  });

  it('73 when --out is not writable or missing', async () => {
    const dir = fresh('ro');
    writeQl(dir);
    const out = fresh('ro-out');
    chmodSync(out, 0o500);
    const expected = process.getuid?.() === 0 ? 0 : 73; // root writes anywhere
    expect((await run(['--dir', dir, '--out', out])).code).toBe(expected);
    chmodSync(out, 0o755);
    const before = snapshot(dir);
    expect((await run(['--dir', dir, '--out', join(root, 'no-such-out')])).code).toBe(73);
    expect(snapshot(dir)).toEqual(before);
  });

  it('73 when the result file cannot be created (a directory in its place): no temporary left', async () => {
    const dir = fresh('blocked');
    writeQl(dir);
    const out = fresh('out');
    mkdirSync(join(out, JSON_NAME));
    const before = snapshot(dir);
    const r = await run(['--dir', dir, '--out', out]);
    expect(r.code).toBe(73);
    expect(readdirSync(out)).toEqual([JSON_NAME]);
    expect(snapshot(dir)).toEqual(before);
  });

  it('78 for an invalid CAPO rule value, naming the key', async () => {
    const dir = fresh('badcapo');
    writeQl(dir);
    await expectError(dir, ['--dir', dir, ...profile('edu.nrao.vlass.annotateQa.rule.beamMajor.max = wide\n')], 78, ['beamMajor.max']);
    await expectError(dir, ['--dir', dir, ...profile('edu.nrao.vlass.annotateQa.rule.beamMajr.max = 3\n')], 78, ['no rule named', 'beammajr']);
  });

  it('64 for unknown flags', async () => {
    expect((await run(['--no-such-flag'])).code).toBe(64);
  });
});

describe('annotateQa input safety', () => {
  it('the image read by a passing run is byte-identical afterwards (no flags that write to it)', async () => {
    const dir = fresh('safe');
    writeQl(dir, { image: passingImage() });
    const before = snapshot(dir);
    await run(['--dir', dir, '--out', fresh('out'), '--json']);
    expect(snapshot(dir)).toEqual(before);
  });
});
