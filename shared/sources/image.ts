/**
 * The image the finder runs on, and the geometry every stage shares: the restoring beam as a
 * Gaussian in pixel coordinates and the local pixel → sky linear map.
 *
 * Pixels are addressed as in shared/fits planes: row-major, index = y·width + x, x along
 * NAXIS1, 0-based pixel centres (the convention of shared/wcs and of PyBDSF's Xposn/Yposn).
 */
import { DataError } from '../errors.js';
import { beamFromHeader, type HeaderSource, Wcs } from '../wcs/index.js';
import { type Cov2, FWHM_PER_SIGMA, type Mat2, axesOf, covarianceOf, invert, transform } from './ellipse.js';
import type { RestoringBeam } from './types.js';

export type FloatArray = Float32Array | Float64Array;

/** Input of `findSources`: one plane of a Stokes I image in Jy/beam. */
export interface SourceImage {
  data: FloatArray;
  width: number;
  height: number;
  /** The image's WCS, or its header (record or getter, keys upper case) to build it from. */
  wcs: Wcs | HeaderSource;
  /** Restoring beam; from BMAJ/BMIN/BPA of the header when omitted. */
  beam?: RestoringBeam;
}

/** The restoring beam as a Gaussian on the pixel grid (σ in pixels, angle CCW from +x). */
export interface PixelBeam {
  cov: Cov2;
  sigmaMajor: number;
  sigmaMinor: number;
  angle: number;
  fwhmMajor: number;
  fwhmMinor: number;
  /** Beam solid angle in pixels: 2π σmaj σmin = π·bmaj·bmin / (4 ln 2) / pixel area. */
  areaPixels: number;
}

/** An image checked and with its geometry resolved. */
export interface ResolvedImage {
  data: FloatArray;
  width: number;
  height: number;
  wcs: Wcs;
  beam: RestoringBeam;
  pixelBeam: PixelBeam;
}

export function resolveImage(image: SourceImage): ResolvedImage {
  const { data, width, height } = image;
  if (!(Number.isInteger(width) && Number.isInteger(height) && width > 0 && height > 0))
    throw new DataError(`image size ${width} x ${height} is not a positive integer size`);
  if (data.length !== width * height)
    throw new DataError(`image data has ${data.length} pixels but ${width} x ${height} = ${width * height} were declared; pass one plane`);
  const wcs = image.wcs instanceof Wcs ? image.wcs : Wcs.fromHeader(image.wcs);
  const beam = image.beam ?? beamFromHeaderSource(image.wcs);
  if (!(beam.majDeg > 0 && beam.minDeg > 0)) throw new DataError(`beam ${beam.majDeg} x ${beam.minDeg} deg is not positive`);
  return { data, width, height, wcs, beam, pixelBeam: beamInPixels(beam, wcs, width, height) };
}

function beamFromHeaderSource(source: Wcs | HeaderSource): RestoringBeam {
  if (source instanceof Wcs)
    throw new DataError('no restoring beam: give `beam` with a Wcs, or pass the header (its BMAJ/BMIN/BPA are read); source sizes and fluxes need the beam');
  const beam = beamFromHeader(source);
  if (!beam)
    throw new DataError('no restoring beam: the header has no BMAJ/BMIN and none was given; source sizes and fluxes need the beam');
  return { majDeg: beam.majorArcsec / 3600, minDeg: beam.minorArcsec / 3600, paDeg: beam.positionAngleDeg };
}

/**
 * Local linear map from 0-based pixel offsets (dx, dy) to sky offsets (east, north) in
 * degrees at pixel (x, y), by central differences over ±½ pixel. East is Δα·cos δ, so the
 * map holds for any projection, rotation or parity of the axes. NaN where the pixel has no
 * sky position (beyond a SIN horizon).
 */
export function localSkyJacobian(wcs: Wcs, x: number, y: number): Mat2 {
  const h = 0.5;
  const [ax1, dx1] = wcs.pixelToSky(x + h, y);
  const [ax0, dx0] = wcs.pixelToSky(x - h, y);
  const [ay1, dy1] = wcs.pixelToSky(x, y + h);
  const [ay0, dy0] = wcs.pixelToSky(x, y - h);
  const cosDec = Math.cos(((dx1 + dx0 + dy1 + dy0) / 4) * (Math.PI / 180));
  return {
    a: (wrapDegrees(ax1 - ax0) * cosDec) / (2 * h),
    b: (wrapDegrees(ay1 - ay0) * cosDec) / (2 * h),
    c: (dx1 - dx0) / (2 * h),
    d: (dy1 - dy0) / (2 * h),
  };
}

/** A longitude difference folded into (-180, 180]. */
export function wrapDegrees(d: number): number {
  const r = d % 360;
  if (r > 180) return r - 360;
  if (r <= -180) return r + 360;
  return r;
}

/**
 * Sky covariance (east, north; degrees²) of a Gaussian with FWHM axes and PA east of north.
 * In (east, north) coordinates the major axis at PA p points along (sin p, cos p), i.e. at
 * angle 90° − p from the east axis.
 */
export function skyCovariance(fwhmMajDeg: number, fwhmMinDeg: number, paDeg: number): Cov2 {
  return covarianceOf(fwhmMajDeg / FWHM_PER_SIGMA, fwhmMinDeg / FWHM_PER_SIGMA, ((90 - paDeg) * Math.PI) / 180);
}

/**
 * The beam on the pixel grid at the image centre. The imager restores with a fixed Gaussian
 * on the pixel grid, so one pixel beam holds across the image (as PyBDSF's beam2pix); only
 * its sky size drifts with the projection.
 */
export function beamInPixels(beam: RestoringBeam, wcs: Wcs, width: number, height: number): PixelBeam {
  const toSky = localSkyJacobian(wcs, (width - 1) / 2, (height - 1) / 2);
  const det = toSky.a * toSky.d - toSky.b * toSky.c;
  if (!Number.isFinite(det) || det === 0)
    throw new DataError('the WCS gives no usable sky scale at the image centre, so the beam cannot be converted to pixels');
  return pixelBeamOf(transform(skyCovariance(beam.majDeg, beam.minDeg, beam.paDeg), invert(toSky)));
}

/** A Gaussian beam on the pixel grid from its covariance (px²). */
export function pixelBeamOf(cov: Cov2): PixelBeam {
  const axes = axesOf(cov);
  return {
    cov,
    sigmaMajor: axes.major,
    sigmaMinor: axes.minor,
    angle: axes.angle,
    fwhmMajor: axes.major * FWHM_PER_SIGMA,
    fwhmMinor: axes.minor * FWHM_PER_SIGMA,
    areaPixels: 2 * Math.PI * axes.major * axes.minor,
  };
}
