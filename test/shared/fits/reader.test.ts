import { closeSync, ftruncateSync, mkdirSync, openSync, readFileSync, truncateSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DataError, InputMissingError } from '../../../shared/errors.js';
import type { Bitpix } from '../../../shared/fits/layout.js';
import { FitsHeader, FitsReader, openFits, readFitsHeader, readFitsImage, withFits, writeFitsImage, type FitsValue } from '../../../shared/fits/index.js';
import { encodeRaw, expectOneLineNaming, imageHeader, scratchDir, thrown, writeRawFits } from './helpers.js';

const { dir, cleanup } = scratchDir();
afterAll(cleanup);

interface ScalingCase {
  name: string;
  bitpix: Bitpix;
  keys: Record<string, FitsValue>;
  raw: (number | bigint)[];
  /** Physical values expected (NaN for BLANK), before rounding to the output type. */
  physical: number[];
}

// 24 pixels = 4 x 3 x 1 x 2, so every case is also a 4-D, 2-plane image.
const SHAPE = [4, 3, 1, 2];
const N = 24;
const ramp = (f: (i: number) => number | bigint) => Array.from({ length: N }, (_, i) => f(i));

const CASES: ScalingCase[] = [
  {
    name: 'BITPIX 8, signed-byte convention (BZERO -128), BLANK 255',
    bitpix: 8,
    keys: { BZERO: -128, BLANK: 255 },
    raw: ramp((i) => (i === 5 ? 255 : i * 10)),
    physical: ramp((i) => (i === 5 ? NaN : i * 10 - 128)) as number[],
  },
  {
    name: 'BITPIX 16, unsigned convention (BZERO 32768), BLANK -32768',
    bitpix: 16,
    keys: { BSCALE: 1, BZERO: 32768, BLANK: -32768 },
    raw: ramp((i) => (i === 0 ? -32768 : i === 1 ? 32767 : i * 1000 - 12000)),
    physical: ramp((i) => (i === 0 ? NaN : i === 1 ? 65535 : i * 1000 - 12000 + 32768)) as number[],
  },
  {
    name: 'BITPIX 16 with BSCALE 0.5 and BZERO 10',
    bitpix: 16,
    keys: { BSCALE: 0.5, BZERO: 10 },
    raw: ramp((i) => i * 3 - 30),
    physical: ramp((i) => (i * 3 - 30) * 0.5 + 10) as number[],
  },
  {
    name: 'BITPIX 32, unsigned convention (BZERO 2147483648), BLANK',
    bitpix: 32,
    keys: { BZERO: 2147483648, BLANK: -2147483648 },
    raw: ramp((i) => (i === 3 ? -2147483648 : i === 4 ? 2147483647 : i * 100000)),
    physical: ramp((i) => (i === 3 ? NaN : i === 4 ? 4294967295 : i * 100000 + 2147483648)) as number[],
  },
  {
    name: 'BITPIX 32 with BSCALE 1e-6 (quantized real data)',
    bitpix: 32,
    keys: { BSCALE: 1e-6, BZERO: 0 },
    raw: ramp((i) => i * 123457 - 1000000),
    physical: ramp((i) => (i * 123457 - 1000000) * 1e-6) as number[],
  },
  {
    name: 'BITPIX 64, unsigned convention (BZERO 2^63) and values beyond 2^53',
    bitpix: 64,
    keys: { BZERO: 9223372036854775808, BLANK: -9223372036854775808 },
    raw: ramp((i) => (i === 2 ? -9223372036854775808n : i === 7 ? 2n ** 60n : BigInt(i) - 10n)),
    physical: ramp((i) => (i === 2 ? NaN : i === 7 ? Number(2n ** 60n + 2n ** 63n) : Number(BigInt(i) - 10n + 2n ** 63n))) as number[],
  },
  {
    name: 'BITPIX 64 plain',
    bitpix: 64,
    keys: {},
    raw: ramp((i) => BigInt(i) * 1_000_000_000_000n - 7n),
    physical: ramp((i) => i * 1e12 - 7) as number[],
  },
  {
    name: 'BITPIX -32 with NaN, BSCALE 2 and BZERO 1 (BLANK ignored for floats)',
    bitpix: -32,
    keys: { BSCALE: 2, BZERO: 1, BLANK: 7 },
    raw: ramp((i) => (i === 9 ? NaN : i === 3 ? 7 : i * 0.1)),
    physical: ramp((i) => (i === 9 ? NaN : i === 3 ? 15 : Math.fround(i * 0.1) * 2 + 1)) as number[],
  },
  {
    name: 'BITPIX -64 with NaN and Infinity',
    bitpix: -64,
    keys: {},
    raw: ramp((i) => (i === 1 ? NaN : i === 2 ? -Infinity : Math.PI * i)),
    physical: ramp((i) => (i === 1 ? NaN : i === 2 ? -Infinity : Math.PI * i)) as number[],
  },
];

describe('reading every BITPIX with BSCALE/BZERO/BLANK', () => {
  it.each(CASES)('$name', ({ name, bitpix, keys, raw, physical }) => {
    const path = join(dir, `${name.replace(/\W+/g, '_')}.fits`);
    writeRawFits(path, imageHeader(bitpix, SHAPE, keys), encodeRaw(bitpix, raw));
    const floatOut = bitpix === -32 || bitpix === 8 || bitpix === 16;
    const round = floatOut ? Math.fround : (x: number) => x;
    withFits(path, (r) => {
      expect(r.bitpix).toBe(bitpix);
      expect(r.naxis).toEqual(SHAPE);
      expect(r.planeCount).toBe(2);
      expect(r.dataOffset).toBe(2880);
      const all = r.readAll();
      expect(all).toBeInstanceOf(floatOut ? Float32Array : Float64Array);
      expect(Array.from(all)).toEqual(physical.map(round));
      expect(Array.from(r.readPlane(0, 1))).toEqual(physical.slice(12).map(round));
      const rawBack = Array.from(r.readRaw() as ArrayLike<number | bigint>);
      if (bitpix === 64) expect(rawBack).toEqual(raw);
      else expect(rawBack).toEqual(raw.map((v) => (bitpix === -32 ? Math.fround(Number(v)) : Number(v))));
    });
  });
});

describe('planes and rows of a 4-D, 3-plane image', () => {
  // Pixel value encodes its position: plane * 10000 + row * 100 + column.
  const [W, H] = [37, 23];
  const value = (p: number, y: number, x: number) => p * 10000 + y * 100 + x;
  const data = new Float32Array(W * H * 3).map((_, i) => value(Math.floor(i / (W * H)), Math.floor(i / W) % H, i % W));
  const path = join(dir, 'stokes.fits');
  const template = new FitsHeader();
  template.set('CTYPE4', 'STOKES');
  writeFitsImage(path, data, [W, H, 1, 3], template);

  it('exposes the shape without reading pixels', () => {
    const r = openFits(path);
    try {
      expect(r.naxis).toEqual([W, H, 1, 3]);
      expect([r.width, r.height, r.planeCount, r.bitpix]).toEqual([W, H, 3, -32]);
      expect(r.layout.planeAxes).toEqual([1, 3]);
      expect(r.layout.dataBytes).toBe(W * H * 3 * 4);
      expect(r.header.getString('CTYPE4')).toBe('STOKES');
    } finally {
      r.close();
    }
  });

  it('reads one plane by its NAXIS3/NAXIS4 indices', () => {
    withFits(path, (r) => {
      for (const p of [0, 1, 2]) {
        const plane = r.readPlane(0, p);
        expect(plane).toBeInstanceOf(Float32Array);
        expect(plane.length).toBe(W * H);
        expect([plane[0], plane[W * H - 1], plane[5 * W + 7]]).toEqual([value(p, 0, 0), value(p, H - 1, W - 1), value(p, 5, 7)]);
      }
      expect(r.readPlane()[1]).toBe(value(0, 0, 1));
    });
  });

  it('reads a row range of a plane', () => {
    withFits(path, (r) => {
      const rows = r.readRows(5, 3, 0, 2);
      expect(rows.length).toBe(3 * W);
      expect([rows[0], rows[W], rows[3 * W - 1]]).toEqual([value(2, 5, 0), value(2, 6, 0), value(2, 7, W - 1)]);
      expect(r.readRows(H - 1, 1, 0, 1)[W - 1]).toBe(value(1, H - 1, W - 1));
      expect(r.readRows(0, 0).length).toBe(0);
    });
  });

  it('rejects plane and row indices outside the image with a DataError naming the file', () => {
    withFits(path, (r) => {
      for (const fn of [() => r.readPlane(0, 3), () => r.readPlane(1, 0), () => r.readPlane(0, 0, 1), () => r.readRows(20, 4), () => r.readRows(-1, 2), () => r.readPlane(0.5)]) {
        const err = thrown(fn);
        expect(err).toBeInstanceOf(DataError);
        expectOneLineNaming(err, path);
      }
    });
  });

  it('reads NAXIS = 3 and NAXIS = 2 images', () => {
    const cube = join(dir, 'cube3.fits');
    writeFitsImage(cube, new Float64Array(data), [W, H, 3]);
    withFits(cube, (r) => {
      expect(r.readPlane(2)).toBeInstanceOf(Float64Array);
      expect(r.readPlane(2)[W + 1]).toBe(value(2, 1, 1));
    });
    const flat = join(dir, 'flat.fits');
    writeFitsImage(flat, data.subarray(0, W * H), [W, H]);
    const { layout, data: all } = readFitsImage(flat);
    expect(layout.planeCount).toBe(1);
    expect(layout.planeAxes).toEqual([]);
    expect(all[W * H - 1]).toBe(value(0, H - 1, W - 1));
  });
});

describe('positioned reads in big files', () => {
  it('reads one plane of a sparse 6202x6202x1x3 cube and rows beyond 4 GiB without touching the rest', () => {
    // VLASS cube-window size (460 MB), sparse: only the header and two marker rows hold data.
    const cube = join(dir, 'vlass-cube.fits');
    const [W, H] = [6202, 6202];
    const header = imageHeader(-32, [W, H, 1, 3]).toBuffer();
    const fd = openSync(cube, 'w');
    writeSync(fd, header, 0, header.length, 0);
    ftruncateSync(fd, header.length + Math.ceil((W * H * 3 * 4) / 2880) * 2880);
    const marker = Buffer.alloc(W * 4);
    marker.writeFloatBE(42.5, 0);
    marker.writeFloatBE(-1.25, (W - 1) * 4);
    writeSync(fd, marker, 0, marker.length, header.length + (2 * W * H + 100 * W) * 4);
    closeSync(fd);

    withFits(cube, (r) => {
      const row = r.readRows(100, 1, 0, 2);
      expect([row[0], row[W - 1], row[1]]).toEqual([42.5, -1.25, 0]);
      const plane = r.readPlane(0, 2);
      expect(plane.length).toBe(W * H);
      expect(plane.buffer.byteLength).toBe(W * H * 4); // one copy: the read buffer viewed as float32
      expect(plane[100 * W]).toBe(42.5);
    });

    // 32768 x 32768 x 1 x 2 float32: the second plane starts past 4 GiB.
    const big = join(dir, 'big.fits');
    const S = 32768;
    const bigHeader = imageHeader(-32, [S, S, 1, 2]).toBuffer();
    const fd2 = openSync(big, 'w');
    writeSync(fd2, bigHeader, 0, bigHeader.length, 0);
    ftruncateSync(fd2, bigHeader.length + Math.ceil((S * S * 2 * 4) / 2880) * 2880);
    const lastRow = Buffer.alloc(S * 4);
    lastRow.writeFloatBE(7, (S - 1) * 4);
    writeSync(fd2, lastRow, 0, lastRow.length, bigHeader.length + (2 * S * S - S) * 4);
    closeSync(fd2);
    withFits(big, (r) => {
      expect(r.readRows(S - 1, 1, 0, 1)[S - 1]).toBe(7);
    });
  });
});

describe('files that are not valid FITS images', () => {
  const valid = () => {
    const h = imageHeader(-32, [10, 10]);
    return Buffer.concat([h.toBuffer(), encodeRaw(-32, new Array(100).fill(1))]);
  };
  /** Header text with one card replaced, then valid data. */
  const withCard = (find: string, replace: string) => {
    const buf = valid();
    const at = buf.indexOf(find.padEnd(8));
    buf.write(replace.padEnd(80), at, 'latin1');
    return buf;
  };

  const cases: [string, () => Buffer, RegExp][] = [
    ['empty file', () => Buffer.alloc(0), /empty/],
    ['not FITS (text file)', () => Buffer.from('hello, this is not FITS\n'.repeat(200)), /not a FITS file/],
    ['not FITS (binary that starts like FITS)', () => Buffer.concat([Buffer.from('SIMPLE  ='), Buffer.alloc(3000, 0xff)]), /not printable ASCII/],
    ['SIMPLE = F', () => withCard('SIMPLE', 'SIMPLE  =                    F'), /SIMPLE is not T/],
    ['bad BITPIX', () => withCard('BITPIX', 'BITPIX  =                   12'), /BITPIX = 12/],
    ['BITPIX not a number', () => withCard('BITPIX', "BITPIX  = 'E'"), /BITPIX/],
    ['NAXIS2 missing', () => withCard('NAXIS2', 'COMMENT gone'), /NAXIS2 missing/],
    ['non-ASCII header byte', () => { const b = valid(); b[80 * 2 + 40] = 0xe9; return b; }, /card 3 .*0xe9/],
    ['missing END', () => { const b = valid(); b.write(' '.repeat(80), b.indexOf('END'.padEnd(80)), 'latin1'); return b.subarray(0, 2880); }, /no END card/],
    ['header cut before END', () => { const h = imageHeader(-32, [10, 10]); for (let i = 0; i < 40; i++) h.addHistory(`h${i}`); return h.toBuffer().subarray(0, 2880); }, /no END card/],
    ['truncated data', () => valid().subarray(0, 2880 + 200), /truncated.*10x10.*400 data bytes.*only 200/],
    [
      'NAXISn smaller than the data written',
      () => Buffer.concat([imageHeader(-32, [100, 10]).toBuffer(), encodeRaw(-32, new Array(100 * 100).fill(1))]),
      /34560 bytes follow the 100x10 BITPIX -32 data.*not a FITS extension.*NAXISn does not match/,
    ],
  ];

  it.each(cases)('%s -> DataError naming the file', (name, content, message) => {
    const path = join(dir, `bad-${name.replace(/\W+/g, '_')}.fits`);
    writeFileSync(path, content());
    const err = thrown(() => FitsReader.open(path));
    expect(err).toBeInstanceOf(DataError);
    expectOneLineNaming(err, path);
    expect(err.message).toMatch(message);
  });

  it('missing file or a directory -> InputMissingError naming the path', () => {
    const missing = join(dir, 'nope.fits');
    const sub = join(dir, 'a-directory.fits');
    mkdirSync(sub);
    for (const path of [missing, sub]) {
      const err = thrown(() => readFitsHeader(path));
      expect(err).toBeInstanceOf(InputMissingError);
      expectOneLineNaming(err, path);
    }
  });

  it('a file truncated after opening -> DataError on the read', () => {
    const path = join(dir, 'shrinks.fits');
    writeFileSync(path, valid());
    withFits(path, (r) => {
      truncateSync(path, 2880 + 40);
      const err = thrown(() => r.readPlane());
      expect(err).toBeInstanceOf(DataError);
      expectOneLineNaming(err, path);
    });
  });

  it('accepts a header-only primary followed by an extension, and data missing only its padding', () => {
    const path = join(dir, 'with-ext.fits');
    const primary = imageHeader(8, []).toBuffer();
    const ext = Buffer.from("XTENSION= 'BINTABLE'".padEnd(2880), 'latin1');
    writeFileSync(path, Buffer.concat([primary, ext]));
    withFits(path, (r) => {
      expect(r.naxis).toEqual([]);
      expect(r.planeCount).toBe(0);
      expect(r.readAll().length).toBe(0);
      expect(thrown(() => r.readPlane())).toBeInstanceOf(DataError);
    });
    const unpadded = join(dir, 'unpadded.fits');
    writeFileSync(unpadded, valid().subarray(0, 2880 + 400));
    expect(readFitsImage(unpadded).data[99]).toBe(1);
    expect(readFileSync(unpadded).length).toBe(3280);
  });
});
