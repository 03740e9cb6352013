/**
 * Our FITS reader against files written by real software (CASA, AIPS, WSClean, PyBDSF,
 * Aegean, GILDAS), with astropy as the oracle: test/reference/fits_reference.json holds what
 * astropy reads from the same files (regenerate with test/reference/fits_reference.py).
 * A mismatch in header values or pixels means our parser or our BITPIX/scaling/plane
 * arithmetic disagrees with the reference implementation on real data; sums may differ only
 * by float64 summation order.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hasRealdata, realdata, REPO_ROOT } from '../../helpers/realdata.js';
import { type FitsHeader, type FitsValue, parseHeaderText, readFitsImage, withFits, writeFitsImage } from '../../../shared/fits/index.js';
import { scratchDir } from './helpers.js';

interface HeaderSummary {
  path: string;
  values: Record<string, FitsValue>;
  historyCount: number;
  commentCount: number;
}
interface PlaneSummary {
  sum: number;
  nanCount: number;
  min: number | null;
  max: number | null;
  pixels: [number, number, number | null][];
}
interface ImageSummary extends HeaderSummary {
  bitpix: number;
  naxis: number[];
  dtype?: string;
  planes: PlaneSummary[];
}
const reference = JSON.parse(readFileSync(join(REPO_ROOT, 'test', 'reference', 'fits_reference.json'), 'utf8')) as {
  images: ImageSummary[];
  headers: HeaderSummary[];
};

/** Every valued keyword astropy saw has the same value here, and the commentary counts agree. */
function expectSameHeader(header: FitsHeader, ref: HeaderSummary): void {
  for (const [key, value] of Object.entries(ref.values)) expect({ key, value: header.get(key) }).toEqual({ key, value });
  expect(header.history()).toHaveLength(ref.historyCount);
  expect(header.comments()).toHaveLength(ref.commentCount);
}

/** Indices along NAXIS3, NAXIS4, ... of linear plane p. */
function planeIndices(p: number, planeAxes: readonly number[]): number[] {
  return planeAxes.map((len) => {
    const i = p % len;
    p = Math.floor(p / len);
    return i;
  });
}

describe.skipIf(!hasRealdata)('real VLASS header dumps (skipped when ../shared/realdata is absent: reference files are read in place, never copied)', () => {
  it.each(reference.headers.map((h) => [h.path, h] as const))('%s matches astropy', (path, ref) => {
    const header = parseHeaderText(readFileSync(realdata(path), 'latin1'), path);
    expectSameHeader(header, ref);
  });

  it('reads the VLASS QL and cube-window shapes and beams', () => {
    const ql = parseHeaderText(readFileSync(realdata('vlass_fits_headers/VLASS1.1.ql.T29t05.J110448+763000.10.2048.v1.I.iter1.image.pbcor.tt0.subim.fits.header'), 'latin1'), 'ql');
    expect([1, 2, 3, 4].map((i) => ql.getNumber(`NAXIS${i}`))).toEqual([3722, 3722, 1, 1]);
    expect(ql.getNumber('BMAJ')).toBe(1.029327644242e-3);
    expect(ql.getString('CTYPE1')).toBe('RA---SIN');
    expect(ql.getString('BUNIT')).toBe('Jy/beam');
    const cube = parseHeaderText(
      readFileSync(realdata('vlass_fits_headers/VLASS2.1.cc.T10t02.J005000-023000.06.2048.v1.spw2.IQU.iter3.image.pbcor.tt0.subim.com.fits.header'), 'latin1'),
      'cube',
    );
    expect([1, 2, 3, 4].map((i) => cube.getNumber(`NAXIS${i}`))).toEqual([6202, 6202, 1, 3]);
    expect(cube.getString('CTYPE4')).toBe('STOKES');
  });

  it('parses the 147 KB header with 1746 HISTORY cards fast, keeping their order', () => {
    const text = readFileSync(realdata('vlass_fits_headers/VLASS2.1.cc.T10t02.J005000-023000.06.2048.v1.spw2.IQU.iter3.image.pbcor.tt0.subim.com.fits.header'), 'latin1');
    const t0 = performance.now();
    const header = parseHeaderText(text, 'cube');
    expect(performance.now() - t0).toBeLessThan(200);
    const history = header.history();
    expect(history).toHaveLength(1746);
    expect(history[history.length - 1]).toBe('CASA END LOGTABLE');
    expect(header.toBuffer().length).toBe(Math.ceil((header.cards.length + 1) / 36) * 2880);
  });
});

describe.skipIf(!hasRealdata)('real FITS images (skipped when ../shared/realdata is absent: reference files are read in place, never copied)', () => {
  const { dir, cleanup } = scratchDir();
  afterAll(cleanup);

  it.each(reference.images.map((e) => [e.path, e] as const))('%s matches astropy', (path, ref) => {
    withFits(realdata(path), (r) => {
      expect(r.bitpix).toBe(ref.bitpix);
      expect(r.naxis).toEqual(ref.naxis);
      expectSameHeader(r.header, ref);
      // Unchanged headers serialize back to the bytes on disk.
      expect(r.header.toBuffer().equals(r.readHeaderBytes())).toBe(true);
      expect(r.planeCount).toBe(ref.planes.length);
      ref.planes.forEach((plane, p) => {
        const data = r.readPlane(...planeIndices(p, r.layout.planeAxes));
        expect(data).toBeInstanceOf(ref.dtype === '>f4' ? Float32Array : Float64Array);
        for (const [x, y, v] of plane.pixels) expect({ x, y, p, v: data[y * r.width + x] }).toEqual({ x, y, p, v: v ?? NaN });
        let sum = 0;
        let nanCount = 0;
        let min = Infinity;
        let max = -Infinity;
        for (const v of data) {
          if (Number.isNaN(v)) nanCount++;
          else {
            sum += v;
            if (v < min) min = v;
            if (v > max) max = v;
          }
        }
        expect(nanCount).toBe(plane.nanCount);
        expect(Math.abs(sum - plane.sum)).toBeLessThanOrEqual(1e-9 + 1e-10 * Math.abs(plane.sum));
        if (plane.min !== null) expect([min, max]).toEqual([plane.min, plane.max]);
      });
    });
  });

  it('reads rows of a real image consistently with its plane', () => {
    withFits(realdata('fits_images/magpis_G10.5+0.0_20cm_cutout.fits'), (r) => {
      const plane = r.readPlane();
      expect(Array.from(r.readRows(150, 2))).toEqual(Array.from(plane.subarray(150 * 300, 152 * 300)));
    });
  });

  it('re-writes a real BITPIX -64 4-D image with its header and reads back identical pixels', () => {
    const src = realdata('lofar_wsclean_image/lsmtool__test_image.fits');
    const { header, layout, data } = readFitsImage(src);
    const out = join(dir, 'copy.fits');
    writeFitsImage(out, data, layout.naxis, header);
    const back = readFitsImage(out);
    expect(back.layout.bitpix).toBe(-64);
    expect(Buffer.from(back.data.buffer).equals(Buffer.from(data.buffer))).toBe(true);
    for (const card of header.cards) if (card.type !== 'commentary') expect(back.header.get(card.key)).toEqual(header.get(card.key));
    expect(back.header.history()).toEqual(header.history());
  });
});
