/**
 * The finder against catalogues made by real source finders on real images (read in place
 * from ../shared/realdata; skipped when it is absent). These are oracles for equivalence, not
 * targets: where our rules differ from theirs on purpose, the test says so and counts it.
 */
import { describe, expect, it } from 'vitest';
import { hasRealdata, realdata } from '../../helpers/realdata.js';
import { findSources } from '../../../shared/sources/index.js';
import type { Component } from '../../../shared/sources/types.js';
import { Wcs } from '../../../shared/wcs/index.js';
import { readBinTable, readGaul, readImage, readSkyModel } from './reference-catalogs.js';

const SKIP = 'skipped when ../shared/realdata is absent: reference files are read in place, never copied';

function nearest(components: Component[], x: number, y: number): { component: Component; distance: number } {
  let best = components[0];
  let distance = Infinity;
  for (const c of components) {
    const d = Math.hypot(c.xPosn.value - x, c.yPosn.value - y);
    if (d < distance) {
      distance = d;
      best = c;
    }
  }
  return { component: best, distance };
}

describe.skipIf(!hasRealdata)(`PyBDSF's own regression image (tbdsf_process_image; ${SKIP})`, () => {
  if (!hasRealdata) return; // skipped: do not read the absent files while collecting
  // PyBDSF's test run: thresh_isl 3, thresh_pix 5, its rms and (constant) mean maps, which we
  // pass in so that both fit the same pixels against the same background. The run also had
  // atrous_do: its Gaussians with Wave_id 1, and the islands the wavelet module added (none of
  // whose Gaussians reaches thresh_pix), are not ch0 fits and are left out.
  const base = realdata('pybdsf_reference', 'tbdsf_process_image.in_fits.pybdsf.');
  const image = readImage(`${base}ch0_I.fits`);
  const result = findSources(
    { data: image.data, width: image.width, height: image.height, wcs: image.header },
    { rmsMap: readImage(`${base}rmsd_I.fits`).data, meanMap: readImage(`${base}mean_I.fits`).data, threshIsl: 3, threshPix: 5 },
  );
  const gaul = readGaul(`${base}gaul`);
  const detectable = new Set(
    gaul.filter((g) => ((g.Peak_flux as number) - (g.Isl_mean as number)) / (g.Isl_rms as number) > 5).map((g) => g.Isl_id),
  );
  const reference = gaul.filter((g) => g.Wave_id === 0 && detectable.has(g.Isl_id));
  const matches = reference.map((g) => ({ g, ...nearest(result.components, g.Xposn as number, g.Yposn as number) }));
  const good = matches.filter((m) => m.distance <= 1 && Math.abs(m.component.totalFlux.value / (m.g.Total_flux as number) - 1) <= 0.1);

  it("measures PyBDSF's own constant background: its clipped rms and mean (bstat) to 1e-4", () => {
    // That run chose a constant rms and mean (its rms_box exceeded a quarter of the image):
    // rmsd_I.fits and mean_I.fits each hold one value, the whole image's bstat.
    const constant = findSources({ data: image.data, width: image.width, height: image.height, wcs: image.header }, { rmsMap: 'const', meanMap: 'const', threshIsl: 3, threshPix: 5 });
    const theirRms = readImage(`${base}rmsd_I.fits`).data[0];
    const theirMean = readImage(`${base}mean_I.fits`).data[0];
    expect(constant.rmsMap[0] / theirRms).toBeCloseTo(1, 4);
    expect(((constant.mean as number) - theirMean) / theirRms).toBeCloseTo(0, 4);
  });

  it('finds the same islands', () => {
    expect(reference.length).toBe(37);
    expect(detectable.size).toBe(33);
    expect(result.islands.length).toBe(33);
  });

  it('matches >= 90% of its Gaussians within one pixel with total flux within 10%', () => {
    // 34 of 37 today. The misses are understood: an island cut by the image edge (PyBDSF
    // refit it on a shrunk island), a 6-pixel island whose 6-parameter fit is degenerate, and
    // an island where our residual step adds a 7σ component PyBDSF leaves in its residual
    // (its Resid_Isl_rms there is 2.4x the noise).
    expect(good.length / reference.length).toBeGreaterThanOrEqual(0.9);
  });

  it('agrees closely where both fits agree: sizes, PA and the Condon errors', () => {
    // Where the fluxes agree to 1%, both fitters reached the same minimum; the derived columns
    // must then agree as well, errors included (same Condon 1997 formulas, same rms here).
    // RA/DEC are not compared: this list's RA/DEC depart from the SIN WCS of the ch0 file's
    // own header by up to 12", growing as the square of the distance from CRPIX, while
    // shared/wcs reproduces astropy on that header to 1 mas (test/shared/wcs). The list was
    // evidently not computed from this header; our positions are.
    const same = matches.filter((m) => m.distance < 0.05 && Math.abs(m.component.totalFlux.value / (m.g.Total_flux as number) - 1) < 0.01);
    expect(same.length).toBeGreaterThanOrEqual(25);
    for (const { g, component: c } of same) {
      expect(c.shape.maj.value / (g.Maj as number)).toBeCloseTo(1, 1);
      expect(c.shape.min.value / (g.Min as number)).toBeCloseTo(1, 1);
      if ((g.Maj as number) / (g.Min as number) > 1.1) {
        const dPa = Math.abs((((c.shape.pa.value - (g.PA as number)) % 180) + 270) % 180 - 90);
        expect(dPa).toBeLessThan(2);
      }
      expect(c.peakFlux.error / (g.E_Peak_flux as number)).toBeCloseTo(1, 1);
      expect(c.totalFlux.error / (g.E_Total_flux as number)).toBeCloseTo(1, 1);
      expect(c.xPosn.error / (g.E_Xposn as number)).toBeCloseTo(1, 1);
      expect(c.shape.maj.error / (g.E_Maj as number)).toBeCloseTo(1, 1);
    }
  });
});

describe.skipIf(!hasRealdata)(`Aegean's test image (1904-66_SIN; ${SKIP})`, () => {
  if (!hasRealdata) return; // skipped: do not read the absent files while collecting
  // Aegean's defaults: seed clip 5, flood clip 4, with BANE's background and rms maps, and
  // its island rules: 4-connected pixels (scipy's default structure), no minimum size.
  const dir = realdata('aegean_reference');
  const image = readImage(`${dir}/1904-66_SIN.fits`);
  const wcs = Wcs.fromHeader(image.header);
  const result = findSources(
    { data: image.data, width: image.width, height: image.height, wcs: image.header },
    { rmsMap: readImage(`${dir}/1904-66_SIN_rms.fits`).data, meanMap: readImage(`${dir}/1904-66_SIN_bkg.fits`).data, threshIsl: 4, threshPix: 5, connectivity: 4, minpixIsl: 1 },
  );
  const table = readBinTable(`${dir}/1904_comp.fits`);

  /** No blank (NaN) or edge within two beams: Aegean's test image has NaN holes by design. */
  const clear = (x: number, y: number) => {
    for (let yy = Math.round(y) - 7; yy <= Math.round(y) + 7; yy++)
      for (let xx = Math.round(x) - 7; xx <= Math.round(x) + 7; xx++)
        if (xx < 0 || yy < 0 || xx >= image.width || yy >= image.height || !Number.isFinite(image.data[yy * image.width + xx])) return false;
    return true;
  };
  // Aegean's flags mark components it could not fit freely (too few pixels: shape fixed to
  // the PSF; fit errors); those are not measurements to compare with.
  const compared = table
    .map((a) => {
      const [x, y] = wcs.skyToPixel(a.ra as number, a.dec as number);
      return { a, x, y, ...nearest(result.components, x, y) };
    })
    .filter((m) => m.a.flags === 0 && clear(m.x, m.y));

  it('matches 29 of its 51 components within one pixel and 10% in total flux (the target of 90% is not reached)', () => {
    // Recorded so that the figure cannot slip unnoticed. Of the 22 others: 7 are components
    // Aegean itself could not fit freely (flagged: shape held at the PSF, or not fitted at all,
    // its amplitude then the summit's pixel); 10 lie in islands Aegean decomposes otherwise —
    // one Gaussian of 2000-3200" over faint extended emission, or components split by its
    // curvature map where our residual-peak search finds others; and 5 are free fits at S/N
    // 6-12 whose sizes differ from Aegean's by 10-20%, within the Condon errors there.
    const good = table.filter((a) => {
      const [x, y] = wcs.skyToPixel(a.ra as number, a.dec as number);
      const m = nearest(result.components, x, y);
      return m.distance <= 1 && Math.abs(m.component.totalFlux.value / (a.int_flux as number) - 1) <= 0.1;
    });
    expect(good.length).toBeGreaterThanOrEqual(29);
  });

  it('reads the table (51 components) and compares the 33 fitted freely away from blanks', () => {
    expect(table).toHaveLength(51);
    expect(compared).toHaveLength(33);
  });

  it('puts >= 90% of them within one pixel', () => {
    expect(compared.filter((m) => m.distance <= 1).length / compared.length).toBeGreaterThanOrEqual(0.9);
  });

  it('agrees on total flux within 10%, or within twice the combined errors for faint ones', () => {
    // Flux within 10% is not a fair test at S/N 5-10, where σ_S/S is 17-35% and Aegean's
    // fit weights the noise correlation (our weights, like PyBDSF's, do not): there the
    // test allows twice the combined 1σ errors. At S/N >= 10, 15 of 17 agree within 10%;
    // the other two are the two components of the brightest, non-Gaussian source, which we
    // decompose differently.
    const agree = (m: (typeof compared)[number]) => {
      const ours = m.component.totalFlux;
      const theirs = m.a.int_flux as number;
      const allowed = Math.max(0.1 * theirs, 2 * Math.hypot(ours.error, m.a.err_int_flux as number));
      return m.distance <= 1 && Math.abs(ours.value - theirs) <= allowed;
    };
    expect(compared.filter(agree).length / compared.length).toBeGreaterThanOrEqual(0.85);
    const bright = compared.filter((m) => (m.a.peak_flux as number) / (m.a.local_rms as number) >= 10);
    const within10 = bright.filter((m) => m.distance <= 1 && Math.abs(m.component.totalFlux.value / (m.a.int_flux as number) - 1) <= 0.1);
    expect(within10.length / bright.length).toBeGreaterThanOrEqual(0.85);
  });
});

describe.skipIf(!hasRealdata)(`LOFAR WSClean image with LSMTool's PyBDSF-filtered sky model (${SKIP})`, () => {
  if (!hasRealdata) return; // skipped: do not read the absent files while collecting
  // LSMTool's filter_skymodel ran PyBDSF with thresh_isl 4, thresh_pix 5, rms_box (150, 50)
  // (over a quarter of this 500-pixel image, so PyBDSF, and we, take one constant rms),
  // mean_map zero, atrous_do with atrous_jmax 3, and grouped the WSClean components into one
  // patch per island of its island mask (wavelet islands included). The beam (27" x 24") is
  // smaller than a pixel (61"), so a point source is one pixel: minpix_isl is set to 1
  // (PyBDSF's default presumes a sampled beam; its run picked single-pixel sources up on the
  // wavelet scales instead).
  const dir = realdata('lofar_wsclean_image');
  const image = readImage(`${dir}/lsmtool__test_image.fits`);
  const wcs = Wcs.fromHeader(image.header);
  const options = { threshIsl: 4, threshPix: 5, rmsBox: [150, 50] as const, minpixIsl: 1, quality: false as const };
  const input = { data: image.data, width: image.width, height: image.height, wcs: image.header };
  const plain = findSources(input, options);
  const wavelet = findSources(input, { ...options, atrousDo: true, atrousJmax: 3 });
  const model = readSkyModel(`${dir}/lsmtool__expected.apparent_sky.txt`);
  const patches = new Map<string, { x: number; y: number }[]>();
  for (const c of model) {
    const [x, y] = wcs.skyToPixel(c.ra, c.dec);
    patches.set(c.patch, [...(patches.get(c.patch) ?? []), { x, y }]);
  }
  // Matching radius: one pixel (61"), i.e. a component on one of our island pixels or on one
  // of its 8 neighbours — island edges move by a pixel with the rms map's details.
  const around = (p: { x: number; y: number }, visit: (i: number) => void) => {
    for (let dy = -1; dy <= 1; dy++)
      for (let dx = -1; dx <= 1; dx++) {
        const x = Math.round(p.x) + dx;
        const y = Math.round(p.y) + dy;
        if (x >= 0 && y >= 0 && x < image.width && y < image.height) visit(y * image.width + x);
      }
  };
  const foundIn = (mask: Int32Array) => (comps: { x: number; y: number }[]) =>
    comps.some((p) => {
      let hit = false;
      around(p, (i) => (hit ||= mask[i] > 0));
      return hit;
    });
  const peakSnr = (comps: { x: number; y: number }[]) => {
    let best = -Infinity;
    for (const p of comps) around(p, (i) => (best = Math.max(best, image.data[i] / plain.rmsMap[i])));
    return best;
  };
  const all = [...patches.values()];

  it('finds every island whose peak passes thresh_pix at full resolution, without wavelets', () => {
    expect(patches.size).toBe(67);
    const detectable = all.filter((comps) => peakSnr(comps) > 5);
    expect(detectable.length).toBeGreaterThanOrEqual(60);
    expect(detectable.filter(foundIn(plain.islandMask))).toHaveLength(detectable.length);
    expect(all.filter(foundIn(plain.islandMask))).toHaveLength(65);
  });

  it('finds all 67 islands with the wavelet scales, as that run had them', () => {
    // With the rms map of a 150-pixel box (before PyBDSF's quarter-image rule was followed)
    // two were missed here, faint extended emission whose surroundings raised the map. Every
    // island stage 2 found is still found.
    expect(all.filter(foundIn(wavelet.islandMask))).toHaveLength(67);
    expect(all.filter((c) => foundIn(plain.islandMask)(c) && !foundIn(wavelet.islandMask)(c))).toEqual([]);
    expect(wavelet.components.some((c) => c.waveId > 0)).toBe(true);
  });
});
