/**
 * The images PyBDSF's `export_image` writes, from a finished run: the background rms and mean
 * maps the finder used, the model of the fitted Gaussians and the residual (image − model),
 * each on the detection image's grid with its header (so its WCS), as `--write-maps` asks.
 */
import { join } from 'node:path';
import { writeFitsImage } from '../fits/index.js';
import { FWHM_PER_SIGMA, covarianceOf, invert, transform } from '../sources/ellipse.js';
import { localSkyJacobian } from '../sources/image.js';
import type { Component } from '../sources/types.js';
import type { FloatArray } from '../stats/index.js';
import type { ImagePlane } from '../vlass/image.js';
import type { Wcs } from '../wcs/index.js';

/** A Gaussian is rendered out to this many σ (exp(−12.5) ≈ 4e-6 of its peak beyond). */
const RENDER_SIGMAS = 5;

/**
 * The fitted Gaussians on the image grid, Jy/beam: each component's peak, position and fitted
 * (convolved) shape, the sky ellipse taken back to pixels through the WCS at its position
 * (the inverse of how the finder reported it).
 */
export function gaussianModel(components: readonly Component[], width: number, height: number, wcs: Wcs): Float32Array {
  const model = new Float32Array(width * height);
  for (const c of components) {
    const x0 = c.xPosn.value;
    const y0 = c.yPosn.value;
    const peak = c.peakFlux.value;
    if (![x0, y0, peak, c.shape.maj.value, c.shape.min.value, c.shape.pa.value].every(Number.isFinite)) continue;
    // In (east, north) the major axis at PA east of north lies at 90° − PA from east.
    const sky = covarianceOf(c.shape.maj.value / FWHM_PER_SIGMA, c.shape.min.value / FWHM_PER_SIGMA, ((90 - c.shape.pa.value) * Math.PI) / 180);
    const pix = transform(sky, invert(localSkyJacobian(wcs, x0, y0)));
    const det = pix.xx * pix.yy - pix.xy * pix.xy;
    if (!(det > 0)) continue;
    const pxx = pix.yy / det;
    const pxy = -pix.xy / det;
    const pyy = pix.xx / det;
    const rx = RENDER_SIGMAS * Math.sqrt(pix.xx);
    const ry = RENDER_SIGMAS * Math.sqrt(pix.yy);
    for (let y = Math.max(0, Math.ceil(y0 - ry)); y <= Math.min(height - 1, Math.floor(y0 + ry)); y++) {
      const dy = y - y0;
      for (let x = Math.max(0, Math.ceil(x0 - rx)); x <= Math.min(width - 1, Math.floor(x0 + rx)); x++) {
        const dx = x - x0;
        model[y * width + x] += peak * Math.exp(-0.5 * (pxx * dx * dx + 2 * pxy * dx * dy + pyy * dy * dy));
      }
    }
  }
  return model;
}

/** Writes `<stem>.rms.fits`, `<stem>.mean.fits`, `<stem>.gaus_model.fits` and `<stem>.gaus_resid.fits` into outDir; returns their paths. */
export function writeMaps(outDir: string, stem: string, image: ImagePlane, wcs: Wcs, background: { rms: FloatArray; mean: FloatArray | number }, components: readonly Component[]): string[] {
  const n = image.width * image.height;
  const model = gaussianModel(components, image.width, image.height, wcs);
  const residual = Float32Array.from(image.data, (v, i) => v - model[i]);
  const mean = typeof background.mean === 'number' ? new Float32Array(n).fill(background.mean) : Float32Array.from(background.mean);
  const maps: [string, Float32Array][] = [
    ['rms', Float32Array.from(background.rms)],
    ['mean', mean],
    ['gaus_model', model],
    ['gaus_resid', residual],
  ];
  return maps.map(([name, data]) => {
    const path = join(outDir, `${stem}.${name}.fits`);
    writeFitsImage(path, data, image.shape, image.header);
    return path;
  });
}
