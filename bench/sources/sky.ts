/**
 * SE-like test images in memory, without writing files: the tt0 plane and its rms image
 * exactly as fixtures/vlass writeSeProduct renders them (same sky stream 'se/sky', same noise
 * stream 'se/tt0/noise', same coverage masks), so a seed here gives the pixels that
 * writeSeProduct(dir, { size, seed, nSources }) would write to its tt0 and rms files.
 *
 * - noise: the restoring beam's autocorrelation (fixtures/vlass/noise.ts), scaled to the local
 *   sigma = noise / coverage response, NaN in the corners and 0 in a thin border;
 * - sources: dN/dS ~ S^-1.7 in total flux from 3 to 500 sigma, 30% resolved (1"-10"), painted
 *   as Gaussians through the beam (fixtures/vlass/sky.ts);
 * - truth S/N: the fixture's `snr` = peak (intrinsic shape convolved with the beam) / the rms
 *   image at the rounded truth pixel.
 */
import type { FitsHeader } from '../../shared/fits/index.js';
import type { RestoringBeam } from '../../shared/sources/index.js';
import { Wcs } from '../../shared/wcs/index.js';
import { productHeader } from '../../fixtures/vlass/header.js';
import { applyMask } from '../../fixtures/vlass/coverage.js';
import { PlaneRows, rmsRow } from '../../fixtures/vlass/plane.js';
import { painterFor, setUpSky } from '../../fixtures/vlass/product.js';
import { Rng } from '../../fixtures/vlass/random.js';
import { SE_BEAM, SE_FREQ_HZ, SE_NOISE_JY } from '../../fixtures/vlass/se.js';
import type { Component as TruthComponent } from '../../fixtures/vlass/sky.js';

export const SE_CELL_ARCSEC = 0.6;

export interface SkyImage {
  width: number;
  height: number;
  /** tt0, Jy/beam, float32 as the file stores it. */
  data: Float32Array;
  /** The rms image (exact local sigma, same masks). */
  rms: Float32Array;
  truth: TruthComponent[];
  wcs: Wcs;
  beam: RestoringBeam;
}

/** A header getter over a FitsHeader, as findSources and Wcs take it. */
export function headerGetter(header: FitsHeader): (key: string) => string | number | boolean | undefined {
  return (key) => {
    const v = header.get(key);
    return v === null || typeof v === 'object' ? undefined : v;
  };
}

export const SE_RESTORING_BEAM: RestoringBeam = { majDeg: SE_BEAM.majArcsec / 3600, minDeg: SE_BEAM.minArcsec / 3600, paDeg: SE_BEAM.paDeg };

/** Beam solid angle in 0.6" pixels: pi bmaj bmin / (4 ln 2) / cell^2. */
export const SE_BEAM_AREA_PX = (Math.PI * SE_BEAM.majArcsec * SE_BEAM.minArcsec) / (4 * Math.LN2) / SE_CELL_ARCSEC ** 2;

/**
 * Renders an SE tt0 plane with `nSources` components (0 for pure noise) and its rms image.
 * With `noise` false the same components are painted on a blank sky (same masks, same rms
 * image): a control that separates the finder's own errors from the noise's.
 */
export function paintSeImage(size: number, seed: number, nSources: number, noise = true): SkyImage {
  const sky = setUpSky('se', size, seed, nSources, SE_NOISE_JY, SE_BEAM);
  const { coverage, beamCov, truth, grid } = sky;
  const painter = painterFor(sky, beamCov);
  const amplitudes = truth.map((c) => c.peakJy);
  const plane = noise ? new PlaneRows({ coverage, beamCov, sigmaJy: SE_NOISE_JY, rng: new Rng(seed, 'se/tt0/noise'), painter, amplitudes }) : undefined;
  const data = new Float32Array(size * size);
  const rms = new Float32Array(size * size);
  const rmsBuf = new Float64Array(size);
  const blank = new Float64Array(size);
  for (let y = 0; y < size; y++) {
    let row: Float64Array;
    if (plane) row = plane.next();
    else {
      row = blank.fill(0);
      painter.paint(row, y, amplitudes);
      applyMask(coverage, y, row);
    }
    data.set(row, y * size);
    rms.set(rmsRow(coverage, SE_NOISE_JY, y, rmsBuf), y * size);
  }
  const header = productHeader({
    grid,
    beam: SE_BEAM,
    freqHz: SE_FREQ_HZ,
    bandwidthHz: 2e9,
    bunit: 'Jy/beam',
    object: 'J000200-003000',
    filnam: ['bench'],
    type: 'image',
    specmode: 'cont',
    iter: 3,
    spw: '2~17',
    dateObs: '2020-07-17T11:36:03.600000',
    dateEnd: '2020-07-17T12:06:04.050001',
    note: `bench/sources: seed ${seed}, ${nSources} components`,
  });
  return { width: size, height: size, data, rms, truth, wcs: Wcs.fromHeader(headerGetter(header)), beam: SE_RESTORING_BEAM };
}
