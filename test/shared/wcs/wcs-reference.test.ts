/**
 * Pixel ↔ world against astropy.wcs on the real VLASS, FIRST, MAGPIS, GILDAS, Aegean, WSClean
 * and PyBDSF headers plus synthetic TAN / CD / CROTA / slant-SIN / ARC-pole / unit headers
 * (test/reference/wcs_reference.json). Requirement: 1 milliarcsecond on the sky, both ways,
 * and a world → pixel → world round trip. A failure means source positions written by the QA
 * tools would disagree with what astropy/CASA users see.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { Wcs, angularSeparation, pixelScaleArcsec } from '../../../shared/wcs/index.js';
import { type WcsCase, loadWcsReference } from './reference.js';

const ONE_MAS_DEG = 1 / 3_600_000;
const cases = loadWcsReference();

/** Largest error seen per case, reported in the test output for the record. */
function skyError(w: Wcs, c: WcsCase, got: number[], expected: number[]): number {
  const { lon, lat } = w.celestial!;
  return angularSeparation(got[lon], got[lat], expected[lon], expected[lat]);
}

/** Pixel tolerance equivalent to 1 mas: 1 mas divided by the finer pixel scale. */
function pixelTolerance(c: WcsCase): number {
  const scale = c.pixelScaleArcsec ? Math.min(...c.pixelScaleArcsec) : 3600;
  return 1e-3 / scale;
}

function expectLinearAxesClose(w: Wcs, got: number[], expected: number[], what: string): void {
  w.axes.forEach((axis, i) => {
    if (axis.kind === 'longitude' || axis.kind === 'latitude') return;
    const scale = Math.max(Math.abs(expected[i]), 1);
    expect(Math.abs(got[i] - expected[i]) / scale, `${what} axis ${i + 1} (${axis.ctype}): ${got[i]} vs ${expected[i]}`).toBeLessThan(1e-12);
  });
}

describe.each(cases)('$name ($note)', (c) => {
  // Parsed in beforeAll so that a parse failure fails the tests of this header, not collection.
  let w: Wcs;
  beforeAll(() => {
    w = Wcs.fromHeader(c.cards);
  });

  it('sees the same axes as astropy', () => {
    expect(w.naxis).toBe(c.naxis);
    expect(w.axes.map((a) => a.ctype)).toEqual(c.ctype);
    expect(w.celestial?.lon).toBe(c.lonAxis);
    expect(w.celestial?.lat).toBe(c.latAxis);
    // astropy spells SI velocity 'm / s'; the values, not the spelling, must agree.
    expect(w.axes.map((a) => a.unit.replace('/', ' / '))).toEqual(c.cunit);
  });

  it('pixel → world within 1 mas of astropy (all_pix2world, origin 0)', () => {
    let worst = 0;
    c.pixelToWorld.pixels.forEach((pixel, k) => {
      const expected = c.pixelToWorld.world[k];
      const got = w.pixelToWorld(pixel);
      const err = skyError(w, c, got, expected);
      worst = Math.max(worst, err);
      expect(err, `pixel ${pixel}: ${got} vs ${expected}`).toBeLessThan(ONE_MAS_DEG);
      expect(got[w.celestial!.lon]).toBeGreaterThanOrEqual(0);
      expect(got[w.celestial!.lon]).toBeLessThan(360);
      expectLinearAxesClose(w, got, expected, `pixel ${pixel}`);
    });
    console.info(`${c.name}: worst pixel→world error ${(worst * 3.6e6).toExponential(2)} mas`);
  });

  it('world → pixel within 1 mas of astropy (all_world2pix, origin 0)', () => {
    const tol = pixelTolerance(c);
    c.worldToPixel.world.forEach((world, k) => {
      const expected = c.worldToPixel.pixels[k];
      const got = w.worldToPixel(world);
      got.forEach((p, i) => expect(Math.abs(p - expected[i]), `world ${world} axis ${i + 1}: ${p} vs ${expected[i]}`).toBeLessThan(tol));
    });
  });

  it('round-trips world → pixel → world to far better than 1 mas', () => {
    c.worldToPixel.world.forEach((world) => {
      const back = w.pixelToWorld(w.worldToPixel(world));
      expect(skyError(w, c, back, world)).toBeLessThan(ONE_MAS_DEG / 1000);
      expectLinearAxesClose(w, back, world, `round trip ${world}`);
    });
  });

  it('celestial shortcuts agree with the full transforms', () => {
    const [x, y] = c.pixelToWorld.pixels[4];
    const [lon, lat] = w.pixelToSky(x, y);
    const plane0 = w.pixelToWorld([x, y]);
    expect([lon, lat]).toEqual([plane0[w.celestial!.lon], plane0[w.celestial!.lat]]);
    const [bx, by] = w.skyToPixel(lon, lat);
    expect(Math.abs(bx - x)).toBeLessThan(1e-7);
    expect(Math.abs(by - y)).toBeLessThan(1e-7);
  });

  it.skipIf(c.pixelScaleArcsec === null)('pixel scale matches astropy proj_plane_pixel_scales', () => {
    const scale = pixelScaleArcsec(w);
    expect(Math.abs(scale.x - c.pixelScaleArcsec![0]) / c.pixelScaleArcsec![0]).toBeLessThan(1e-12);
    expect(Math.abs(scale.y - c.pixelScaleArcsec![1]) / c.pixelScaleArcsec![1]).toBeLessThan(1e-12);
  });
});
