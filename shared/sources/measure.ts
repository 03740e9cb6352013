/**
 * Stage 4: catalogue measurements of the fitted Gaussians — the Component records of
 * types.ts, PyBDSF's Gaussian-list columns.
 *
 * - Peak_flux is the fitted amplitude (Jy/beam); Total_flux = peak · θM θm / (bmaj bmin) (Jy),
 *   all FWHM on the pixel grid, which is what the integral of a Gaussian over the beam area
 *   reduces to for a Jy/beam image.
 * - Errors follow Condon (1997), see condon.ts, with σ the rms map at the component's centre
 *   (the island's mean rms when the centre is off the map). PyBDSF uses the island's mean rms;
 *   the local value is what the formulas mean and agrees with it wherever the rms is flat.
 *   A component whose shape was held at the beam's has no size errors and √2 smaller flux
 *   errors (Condon 1997, eq. 25), as PyBDSF reports fix_to_beam fits.
 * - Sky sizes and PA (east of north) come from carrying the fitted covariance through the
 *   local pixel → (east, north) map of the WCS at the component (Σ_sky = J Σ Jᵀ), which
 *   accounts for the rotation of north across a projected field and for any skew or parity of
 *   the pixel axes. Size errors are scaled by the map's stretch along each axis; the PA error
 *   is kept.
 * - Image-plane sizes (the *_img_plane columns) are the pixel FWHM times the pixel scale
 *   along each axis at the image centre, with PA counted counter-clockwise from +y.
 * - Deconvolved sizes (DC_*) subtract the beam's covariance from the fitted one on the pixel
 *   grid (ellipse.ts); an axis with no positive remainder is unresolved and reported as 0.
 *   Their errors are those of the fitted sizes (PyBDSF's convention for the image plane).
 * - E_RA and E_DEC are angular errors in degrees along east and north (not coordinate
 *   errors in RA), from the Condon position error ellipse carried to the sky.
 * - Source_id and S_Code come from grouping.ts; Isl_* from the island; Resid_Isl_* from the
 *   fit residual over the island's pixels.
 */
import type { Background } from './background.js';
import { condonErrors } from './condon.js';
import { type EllipseAxes, FWHM_PER_SIGMA, type Mat2, axesOf, covarianceOf, deconvolve, normalizeAngle, stretchAlong, transform } from './ellipse.js';
import type { FittedGaussian, IslandFit } from './fit.js';
import { type GroupingOptions, groupIsland, sourceCodes } from './grouping.js';
import { type PixelBeam, type ResolvedImage, localSkyJacobian } from './image.js';
import type { Island } from './islands.js';
import type { Component, Shape } from './types.js';

const R2D = 180 / Math.PI;
/** Deconvolved variances below this fraction of the beam's minor variance count as zero. */
const UNRESOLVED_VARIANCE = 1e-6;

export interface MeasureOptions extends GroupingOptions {
  /**
   * The noise's correlation beam for the Condon errors (default the restoring beam). A
   * wavelet scale's image is smoother than the restoring beam: its noise correlates over the
   * beam broadened by the scale's kernel (atrous.ts), though fluxes still convert with the
   * restoring beam.
   */
  noiseBeam?: PixelBeam;
}

export function measureComponents(image: ResolvedImage, background: Background, islands: readonly Island[], fits: readonly IslandFit[], options: MeasureOptions = {}): Component[] {
  const components: Component[] = [];
  const centre = localSkyJacobian(image.wcs, (image.width - 1) / 2, (image.height - 1) / 2);
  let nextSource = 0;
  for (const fit of fits) {
    const island = islands[fit.islandId];
    const local = groupIsland(fit.gaussians, island.rms, options);
    const codes = sourceCodes(local);
    const firstSource = nextSource;
    for (let k = 0; k < fit.gaussians.length; k++) {
      const sourceId = firstSource + local[k];
      nextSource = Math.max(nextSource, sourceId + 1);
      components.push(measureOne(image, background, options.noiseBeam ?? image.pixelBeam, island, fit, fit.gaussians[k], centre, components.length, sourceId, codes[k]));
    }
  }
  return components;
}

function measureOne(
  image: ResolvedImage,
  background: Background,
  noiseBeam: PixelBeam,
  island: Island,
  fit: IslandFit,
  g: FittedGaussian,
  centre: Mat2,
  gausId: number,
  sourceId: number,
  sCode: Component['sCode'],
): Component {
  const beam = image.pixelBeam;
  const fwhmMajor = g.sigmaMajor * FWHM_PER_SIGMA;
  const fwhmMinor = g.sigmaMinor * FWHM_PER_SIGMA;
  const totalFlux = (g.peak * fwhmMajor * fwhmMinor) / (beam.fwhmMajor * beam.fwhmMinor);
  const errors = condonErrors({
    peak: g.peak,
    fwhmMajor,
    fwhmMinor,
    beamFwhmMajor: noiseBeam.fwhmMajor,
    beamFwhmMinor: noiseBeam.fwhmMinor,
    rms: rmsAt(background, image.width, image.height, g.x, g.y, island.rms),
  });
  if (g.flags.includes('shape-fixed-to-beam')) {
    // The size was not fitted: no size errors, and with three parameters instead of six the
    // flux errors shrink by √2 (Condon 1997, eq. 25; PyBDSF's fix_to_beam).
    errors.fwhmMajor = errors.fwhmMinor = errors.angleDeg = 0;
    errors.peak /= Math.SQRT2;
    errors.totalRelative /= Math.SQRT2;
  }

  const toSky = localSkyJacobian(image.wcs, g.x, g.y);
  const [ra, dec] = image.wcs.pixelToSky(g.x, g.y);
  const flags = [...g.flags];
  if (!(Number.isFinite(ra) && Number.isFinite(dec))) flags.push('no-sky-position');

  const positionPix = covarianceOf(errors.alongMajor, errors.alongMinor, g.angle);
  const positionSky = transform(positionPix, toSky);
  const fitted: EllipseAxes = { major: g.sigmaMajor, minor: g.sigmaMinor, angle: g.angle };
  const sizeErrors = { major: errors.fwhmMajor, minor: errors.fwhmMinor, angleDeg: errors.angleDeg };
  const dc = deconvolve(covarianceOf(g.sigmaMajor, g.sigmaMinor, g.angle), beam.cov, UNRESOLVED_VARIANCE * beam.sigmaMinor * beam.sigmaMinor);

  return {
    gausId,
    islId: island.id,
    sourceId,
    waveId: 0,
    ra: { value: ra, error: Math.sqrt(positionSky.xx) },
    dec: { value: dec, error: Math.sqrt(positionSky.yy) },
    totalFlux: { value: totalFlux, error: Math.abs(totalFlux) * errors.totalRelative },
    peakFlux: { value: g.peak, error: errors.peak },
    xPosn: { value: g.x, error: Math.sqrt(positionPix.xx) },
    yPosn: { value: g.y, error: Math.sqrt(positionPix.yy) },
    shape: skyShape(fitted, sizeErrors, toSky, g.angle),
    shapeImagePlane: imagePlaneShape(fitted, sizeErrors, centre, g.angle),
    deconvolved: skyShape(dc, sizeErrors, toSky, g.angle),
    deconvolvedImagePlane: imagePlaneShape(dc, sizeErrors, centre, g.angle),
    islTotalFlux: island.totalFlux,
    islRms: island.rms,
    islMean: island.mean,
    residIslRms: fit.residualRms,
    residIslMean: fit.residualMean,
    sCode,
    fitFlags: flags,
  };
}

/** rms map at the nearest pixel, or `fallback` off the image or where the map is not positive. */
function rmsAt(background: Background, width: number, height: number, x: number, y: number, fallback: number): number {
  const ix = Math.round(x);
  const iy = Math.round(y);
  if (ix < 0 || iy < 0 || ix >= width || iy >= height) return fallback;
  const r = background.rms[iy * width + ix];
  return r > 0 ? r : fallback;
}

interface AxisErrors {
  major: number;
  minor: number;
  angleDeg: number;
}

/**
 * FWHM axes (degrees) and PA east of north of a pixel-grid Gaussian (σ axes) through J. The
 * size errors belong to the fitted axes, at `errorAngle`.
 */
function skyShape(axes: EllipseAxes, errors: AxisErrors, toSky: Mat2, errorAngle: number): Shape {
  const majorError = errors.major * stretchAlong(toSky, errorAngle);
  const minorError = errors.minor * stretchAlong(toSky, errorAngle + Math.PI / 2);
  if (axes.major === 0) return zeroShape(majorError, minorError, errors.angleDeg);
  const sky = axesOf(transform(covarianceOf(axes.major, axes.minor, axes.angle), toSky));
  // In (east, north) coordinates an axis at angle ψ from east has PA 90° − ψ.
  const pa = normalizeAngle(Math.PI / 2 - sky.angle) * R2D;
  return {
    maj: { value: sky.major * FWHM_PER_SIGMA, error: majorError },
    min: { value: sky.minor * FWHM_PER_SIGMA, error: minorError },
    pa: { value: pa, error: errors.angleDeg },
  };
}

/** Pixel FWHM times the pixel scale along each axis at the image centre; PA CCW from +y. */
function imagePlaneShape(axes: EllipseAxes, errors: AxisErrors, centre: Mat2, errorAngle: number): Shape {
  const majorError = errors.major * stretchAlong(centre, errorAngle);
  const minorError = errors.minor * stretchAlong(centre, errorAngle + Math.PI / 2);
  if (axes.major === 0) return zeroShape(majorError, minorError, errors.angleDeg);
  return {
    maj: { value: axes.major * FWHM_PER_SIGMA * stretchAlong(centre, axes.angle), error: majorError },
    min: { value: axes.minor * FWHM_PER_SIGMA * stretchAlong(centre, axes.angle + Math.PI / 2), error: minorError },
    pa: { value: normalizeAngle(axes.angle - Math.PI / 2) * R2D, error: errors.angleDeg },
  };
}

/** An unresolved (point-like) deconvolved shape: sizes and PA 0, errors kept. */
function zeroShape(majorError: number, minorError: number, angleError: number): Shape {
  return { maj: { value: 0, error: majorError }, min: { value: 0, error: minorError }, pa: { value: 0, error: angleError } };
}
