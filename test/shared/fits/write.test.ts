import { chmodSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DataError, UsageError } from '../../../shared/errors.js';
import {
  FitsHeader,
  FitsImageWriter,
  parseHeaderText,
  readFitsHeader,
  readFitsImage,
  updateHeaderKeywords,
  withFits,
  writeFitsImage,
} from '../../../shared/fits/index.js';
import { encodeRaw, expectOneLineNaming, imageHeader, scratchDir, temporariesIn, thrown, writeRawFits } from './helpers.js';

const { dir, cleanup } = scratchDir();
afterAll(cleanup);

function template(): FitsHeader {
  return parseHeaderText(
    [
      'SIMPLE  =                    T',
      'BITPIX  =                   16',
      'NAXIS   =                    2',
      'NAXIS1  =                    9',
      'NAXIS2  =                    9',
      'BSCALE  =                  2.0',
      'BZERO   =                  1.0',
      'BLANK   =                -9999',
      "CHECKSUM= 'ZZZZZZZZZZZZZZZZ'",
      'BMAJ    =   1.029327644242E-03',
      "CTYPE1  = 'RA---SIN'",
      'HISTORY made by the test',
    ].join('\n'),
    'template',
  );
}

describe('writeFitsImage', () => {
  it('writes float32 and float64 images that read back exactly, with the template keywords', () => {
    for (const Type of [Float32Array, Float64Array]) {
      const path = join(dir, `${Type.name}.fits`);
      const data = new Type(5 * 7 * 2).map((_, i) => (i === 3 ? NaN : Math.sin(i) * 1e-3));
      writeFitsImage(path, data, [5, 7, 1, 2], template());
      const { header, layout, data: back } = readFitsImage(path);
      expect(back).toBeInstanceOf(Type);
      expect(Array.from(back)).toEqual(Array.from(data));
      expect(layout.bitpix).toBe(Type === Float32Array ? -32 : -64);
      expect(layout.naxis).toEqual([5, 7, 1, 2]);
      expect(header.cards.slice(0, 7).map((c) => c.key)).toEqual(['SIMPLE', 'BITPIX', 'NAXIS', 'NAXIS1', 'NAXIS2', 'NAXIS3', 'NAXIS4']);
      // Stored encoding and checksums come from what is written, never from the template.
      for (const k of ['BSCALE', 'BZERO', 'BLANK', 'CHECKSUM']) expect(header.has(k)).toBe(false);
      expect(header.get('BMAJ')).toBe(1.029327644242e-3);
      expect(header.history()).toEqual(['made by the test']);
      expect(statSync(path).size % 2880).toBe(0);
    }
    expect(temporariesIn(dir)).toEqual([]);
  });

  it('stores big-endian IEEE floats', () => {
    const path = join(dir, 'endian.fits');
    writeFitsImage(path, new Float32Array([1.5, -2]), [2, 1]);
    const bytes = readFileSync(path);
    expect(bytes.readFloatBE(2880)).toBe(1.5);
    expect(bytes.readFloatBE(2884)).toBe(-2);
    expect(bytes.subarray(2888).every((b) => b === 0)).toBe(true);
  });

  it('rejects a shape that does not match the data, leaving no file', () => {
    const path = join(dir, 'mismatch.fits');
    for (const [shape, cls] of [
      [[3, 3], UsageError],
      [[0, 3], UsageError],
      [[2.5, 4], UsageError],
    ] as const) {
      const err = thrown(() => writeFitsImage(path, new Float32Array(10), shape));
      expect(err).toBeInstanceOf(cls);
      expectOneLineNaming(err, path);
    }
    expect(() => statSync(path)).toThrow();
    expect(temporariesIn(dir)).toEqual([]);
  });
});

describe('FitsImageWriter', () => {
  it('streams a 4-D cube plane by plane', () => {
    const path = join(dir, 'streamed.fits');
    const [W, H] = [31, 17];
    const w = new FitsImageWriter(path, { shape: [W, H, 1, 3], bitpix: -32, header: template() });
    for (let p = 0; p < 3; p++) w.writePlane(new Float32Array(W * H).fill(p + 0.5));
    expect(w.pixelsWritten).toBe(W * H * 3);
    expect(temporariesIn(dir)).toHaveLength(1);
    w.commit();
    expect(temporariesIn(dir)).toEqual([]);
    withFits(path, (r) => {
      expect(r.readPlane(0, 2)[W * H - 1]).toBe(2.5);
      expect(r.readPlane(0, 1)[0]).toBe(1.5);
    });
  });

  it('converts float64 input to a float32 file', () => {
    const path = join(dir, 'narrowed.fits');
    const w = new FitsImageWriter(path, { shape: [3], bitpix: -32 });
    w.write(new Float64Array([0.1, 0.2, 0.3]));
    w.commit();
    expect(Array.from(readFitsImage(path).data)).toEqual([0.1, 0.2, 0.3].map(Math.fround));
  });

  it('saves nothing when planes are missing, too many, or of the wrong size; the old file stays', () => {
    const path = join(dir, 'keep.fits');
    writeFitsImage(path, new Float32Array([1, 2, 3, 4]), [2, 2]);
    const before = readFileSync(path);
    const attempts: ((w: FitsImageWriter) => void)[] = [
      (w) => w.commit(),
      (w) => w.writePlane(new Float32Array(3)),
      (w) => w.write(new Float32Array(9)),
    ];
    for (const attempt of attempts) {
      const w = new FitsImageWriter(path, { shape: [2, 2, 2], bitpix: -64 });
      w.writePlane(new Float32Array(4));
      const err = thrown(() => attempt(w));
      expect(err).toBeInstanceOf(UsageError);
      expectOneLineNaming(err, path);
      expect(readFileSync(path).equals(before)).toBe(true);
      expect(temporariesIn(dir)).toEqual([]);
    }
  });
});

describe('updateHeaderKeywords', () => {
  /** A 4-plane float image with a known header and data, and its bytes. */
  function sample(name: string, extraHistory = 0): { path: string; bytes: Buffer } {
    const path = join(dir, name);
    const h = template();
    for (let i = 0; i < extraHistory; i++) h.addHistory(`entry ${i}`);
    writeFitsImage(path, new Float32Array(20 * 20 * 4).map((_, i) => i / 7), [20, 20, 1, 4], h);
    return { path, bytes: readFileSync(path) };
  }

  it('rewrites only the header blocks in place when the new header fits', () => {
    const { path, bytes } = sample('inplace.fits');
    const ino = statSync(path).ino;
    const result = updateHeaderKeywords(path, { BMAJ: 2e-3, QAFLAG: 'PASS', NPLANES: 4 }, { QAFLAG: 'set by vlass-qa' });
    expect(result).toEqual({ mode: 'in-place', oldHeaderBytes: 2880, newHeaderBytes: 2880 });
    const after = readFileSync(path);
    expect(statSync(path).ino).toBe(ino);
    expect(after.length).toBe(bytes.length);
    expect(after.subarray(2880).equals(bytes.subarray(2880))).toBe(true);
    const h = readFitsHeader(path);
    expect(h.get('BMAJ')).toBe(2e-3);
    expect(h.card('BMAJ')!.type).toBe('real');
    expect(h.card('QAFLAG')).toMatchObject({ value: 'PASS', comment: 'set by vlass-qa' });
    expect(h.cards.findIndex((c) => c.key === 'BMAJ')).toBe(7); // still right after NAXIS4, where it was
    expect(h.history()).toEqual(['made by the test']);
  });

  it('changes only a comment when given no value, and reports unchanged when nothing changes', () => {
    const { path } = sample('comment.fits');
    updateHeaderKeywords(path, {}, { BMAJ: 'beam major axis (deg)' });
    expect(readFitsHeader(path).card('BMAJ')).toMatchObject({ value: 1.029327644242e-3, comment: 'beam major axis (deg)' });
    const bytes = readFileSync(path);
    expect(updateHeaderKeywords(path, { BMAJ: 1.029327644242e-3 }).mode).toBe('unchanged');
    expect(readFileSync(path).equals(bytes)).toBe(true);
  });

  it('rewrites the file through a temporary when the header grows past its blocks', () => {
    const { path, bytes } = sample('grow.fits', 30); // 7 + 3 + 30 + END = 41 cards: 2 blocks
    chmodSync(path, 0o640);
    const ino = statSync(path).ino;
    const updates = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`QA${i}`, i * 0.5]));
    const result = updateHeaderKeywords(path, updates);
    expect(result).toMatchObject({ mode: 'rewritten', oldHeaderBytes: 5760, newHeaderBytes: 8640 });
    expect(statSync(path).ino).not.toBe(ino);
    expect(statSync(path).mode & 0o777).toBe(0o640);
    const after = readFileSync(path);
    expect(after.subarray(8640).equals(bytes.subarray(5760))).toBe(true);
    withFits(path, (r) => {
      expect(r.dataOffset).toBe(8640);
      expect(r.header.get('QA39')).toBe(19.5);
      expect(r.readPlane(0, 3)[399]).toBe(Math.fround((3 * 400 + 399) / 7));
    });
    expect(temporariesIn(dir)).toEqual([]);
  });

  it('keeps the data offset when an update shrinks the header (END stays in the last block)', () => {
    const path = join(dir, 'shrink.fits');
    const h = template();
    h.set('NOTES', 'n'.repeat(2600));
    writeFitsImage(path, new Float32Array([1, 2, 3, 4]), [2, 2], h);
    const before = readFileSync(path);
    expect(before.length).toBe(2 * 2880 + 2880);
    expect(updateHeaderKeywords(path, { NOTES: 'short' }).mode).toBe('in-place');
    withFits(path, (r) => {
      expect(r.dataOffset).toBe(5760);
      expect(r.header.get('NOTES')).toBe('short');
      expect(Array.from(r.readPlane())).toEqual([1, 2, 3, 4]);
    });
  });

  it('preserves extensions after the primary HDU when rewriting', () => {
    const path = join(dir, 'ext.fits');
    const ext = Buffer.from("XTENSION= 'BINTABLE'           / fake table".padEnd(2880), 'latin1');
    writeRawFits(path, imageHeader(-32, [2, 2]), Buffer.concat([encodeRaw(-32, [1, 2, 3, 4]), ext]));
    const updates = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`K${i}`, `value ${i}`]));
    expect(updateHeaderKeywords(path, updates).mode).toBe('rewritten');
    const after = readFileSync(path);
    expect(after.subarray(after.length - 2880).equals(ext)).toBe(true);
    expect(Array.from(readFitsImage(path).data)).toEqual([1, 2, 3, 4]);
  });

  it('leaves the file byte-identical when the update is refused', () => {
    const { path, bytes } = sample('refused.fits');
    const attempts: [() => unknown, typeof DataError | typeof UsageError][] = [
      [() => updateHeaderKeywords(path, { NAXIS1: 10 }), UsageError],
      [() => updateHeaderKeywords(path, { BITPIX: -64 }), UsageError],
      [() => updateHeaderKeywords(path, { 'BAD KEY': 1 }), UsageError],
      [() => updateHeaderKeywords(path, { OK: 1, RMS: NaN }), DataError],
      [() => updateHeaderKeywords(path, { OBJECT: 'café' }), DataError],
      [() => updateHeaderKeywords(path, {}, { NOSUCH: 'comment' }), UsageError],
    ];
    for (const [fn, cls] of attempts) {
      const err = thrown(fn);
      expect(err).toBeInstanceOf(cls);
      expectOneLineNaming(err, path);
      expect(readFileSync(path).equals(bytes)).toBe(true);
    }
  });

  it('refuses to touch a corrupt (truncated) file', () => {
    const { path, bytes } = sample('trunc.fits');
    writeFileSync(path, bytes.subarray(0, 4000));
    const err = thrown(() => updateHeaderKeywords(path, { A: 1 }));
    expect(err).toBeInstanceOf(DataError);
    expect(readFileSync(path).equals(bytes.subarray(0, 4000))).toBe(true);
  });
});
