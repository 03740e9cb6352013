/**
 * Stage 1: background (mean) and noise (rms) maps.
 *
 * - A given rms map is used as is (VLASS products ship one: *.tt0.rms.subim.fits).
 * - Otherwise the rms (and, when asked, the mean) is measured on a grid, PyBDSF's
 *   rms_box = (box, step): boxes of box x box pixels whose centres are at most `step` apart,
 *   spread evenly so that the first and last boxes touch the image edges. In each box the
 *   statistic is PyBDSF's own (bstat.ts: clipped about the median until stable, the rms
 *   corrected for the clipped tails, the mean a mode estimate) of a regular sample of the
 *   box's pixels (see samplingStride). Between box centres the
 *   grid is interpolated bicubically (Catmull–Rom cubic convolution, separable) — PyBDSF
 *   interpolates with a cubic spline (spline_rank 3) and CASA imdev cubically — or bilinearly
 *   on request. Each 1-D cubic step is clamped to the two grid values it lies between, so the
 *   map never overshoots: an rms must stay positive, and a box raised by a bright source must
 *   not ring into its neighbours. Beyond the outermost box centres the map is constant.
 * - The mean map is zero by default, as VLASS runs PyBDSF with mean_map='zero': radio images
 *   made by CLEAN have no sky background to remove, and a measured mean would only add noise.
 *
 * Memory: the computed rms map is one image-sized Float32Array; a mean map ('map') a second.
 */
import { meanStd } from '../stats/index.js';
import { type BackgroundStatistic, bstat } from './bstat.js';
import { ConfigError, DataError } from '../errors.js';
import type { FloatArray, PixelBeam } from './image.js';

export type MeanMapOption = 'zero' | 'const' | 'map' | 'default' | FloatArray;

export interface BackgroundOptions {
  /** An rms map (Jy/beam), same shape as the image, which skips the measurement; or 'const', one clipped rms for the whole image (PyBDSF rms_map=False). */
  rmsMap?: FloatArray | 'const';
  /**
   * 'zero' (default), 'const' (one clipped mean), 'map' (grid like the rms), 'default'
   * (PyBDSF's mean_map='default': 'map' when the background varies significantly, else
   * 'const'; see chooseMeanMap), or a given map.
   */
  meanMap?: MeanMapOption;
  /** PyBDSF rms_box: [box, step] in pixels. Default about 40 beams across, step box/4. */
  rmsBox?: readonly [number, number];
  /** Interpolation between grid points (default 'bicubic'). */
  interpolation?: 'bicubic' | 'bilinear';
  /** Clipping limit in σ (default 3, PyBDSF's kappa_clip). */
  clipSigma?: number;
}

export interface Background {
  /** rms per pixel, Jy/beam. */
  rms: FloatArray;
  /** Mean per pixel, or one value for the whole image. */
  mean: FloatArray | number;
  /** How the rms was obtained. */
  rmsSource: 'given' | 'grid' | 'constant';
  /** The box and step used when measured. */
  rmsBox?: readonly [number, number];
  /** The mean actually used when it was one of the named kinds ('default' decides between const and map). */
  meanType?: 'zero' | 'const' | 'map';
}

/** Beams across a default box: some 1500 beams per box, a clipped rms good to about 2%. */
const DEFAULT_BOX_BEAMS = 40;
/** Fewest valid pixels for a box's statistic to be trusted. */
const MIN_BOX_SAMPLES = 16;
/** Cap on the pixels sampled for a whole-image ('const') statistic. */
const MAX_GLOBAL_SAMPLES = 1 << 20;

export function estimateBackground(data: FloatArray, width: number, height: number, beam: PixelBeam, options: BackgroundOptions = {}): Background {
  const npix = width * height;
  if (options.rmsMap !== 'const') checkMap(options.rmsMap, npix, 'rms map');
  const meanOption = options.meanMap ?? 'zero';
  if (typeof meanOption !== 'string') checkMap(meanOption, npix, 'mean map');
  const clipSigma = options.clipSigma ?? 3;
  if (!(clipSigma > 0)) throw new ConfigError(`clip sigma ${clipSigma} must be positive`);

  const meanGrid = meanOption === 'map' || meanOption === 'default';
  const needGrid = options.rmsMap === undefined || meanGrid;
  const box = resolveRmsBox(options.rmsBox, width, height, beam);
  const grid = needGrid ? measureGrid(data, width, height, box, beam, clipSigma, options.rmsMap === undefined, meanGrid) : undefined;
  const interpolation = options.interpolation ?? 'bicubic';
  // The whole image's clipped statistics, measured at most once whichever of its uses come up.
  let wholeImage: BackgroundStatistic | undefined;
  const global = () => (wholeImage ??= wholeImageStatistic(data, width, height, clipSigma));

  let rms: FloatArray;
  let rmsSource: Background['rmsSource'];
  if (options.rmsMap === 'const') {
    rms = new Float32Array(npix).fill(global().rms);
    rmsSource = 'constant';
  } else if (options.rmsMap) {
    rms = options.rmsMap;
    rmsSource = 'given';
  } else {
    rms = interpolateGrid(grid!, grid!.rms, width, height, interpolation);
    rmsSource = grid!.nx * grid!.ny === 1 ? 'constant' : 'grid';
  }

  const meanType: 'zero' | 'const' | 'map' | FloatArray = meanOption === 'default' ? chooseMeanMap(width, height, rms, box, beam, global().rms) : meanOption;
  let mean: FloatArray | number;
  if (meanType === 'zero') mean = 0;
  else if (meanType === 'const') mean = global().mean;
  else if (meanType === 'map') mean = interpolateGrid(grid!, grid!.mean, width, height, interpolation);
  else mean = meanType;

  return { rms, mean, rmsSource, rmsBox: grid ? [box.box, box.step] : undefined, ...(typeof meanType === 'string' ? { meanType } : {}) };
}

function checkMap(map: FloatArray | undefined, npix: number, what: string): void {
  if (map !== undefined && map.length !== npix)
    throw new DataError(`${what} has ${map.length} pixels, the image ${npix}; give a map of the same plane size`);
}

interface BoxSize {
  box: number;
  step: number;
}

/** rms_box from the options, or the default; a box larger than the image is cut to it. */
export function resolveRmsBox(given: readonly [number, number] | undefined, width: number, height: number, beam: PixelBeam): BoxSize {
  let box: number;
  let step: number;
  if (given) {
    [box, step] = given;
    if (!(Number.isInteger(box) && Number.isInteger(step) && box > 0 && step > 0))
      throw new ConfigError(`rms_box (${given.join(', ')}) must be two positive integers (box, step) in pixels`);
  } else {
    box = Math.max(16, Math.round(DEFAULT_BOX_BEAMS * beam.fwhmMajor));
    step = Math.max(1, Math.round(box / 4));
  }
  return { box: Math.min(box, Math.max(width, height)), step };
}

/** Box statistics on the grid (row-major ny x nx) and the grid geometry. */
interface Grid {
  nx: number;
  ny: number;
  /** Box centre coordinates along each axis (pixels). */
  cx: Float64Array;
  cy: Float64Array;
  rms: Float64Array;
  mean: Float64Array;
}

/** Evenly spread centres so the first and last boxes touch the edges; spacing <= step. */
function boxCentres(length: number, box: number, step: number): Float64Array {
  const b = Math.min(box, length);
  const n = b >= length ? 1 : Math.ceil((length - b) / step) + 1;
  const centres = new Float64Array(n);
  const first = (b - 1) / 2;
  const last = length - 1 - (b - 1) / 2;
  for (let k = 0; k < n; k++) centres[k] = n === 1 ? (length - 1) / 2 : first + ((last - first) * k) / (n - 1);
  return centres;
}

/**
 * Sampling stride inside a box: every ⌊FWHM⌋-th pixel in each direction (FWHM the geometric
 * mean of the beam axes; every pixel when the beam is under two pixels). Noise in a restored
 * image is correlated over the beam (autocorrelation exp(−d²/4σ_b²)); for N samples of
 * correlated noise the variance of the sample variance is about (2σ⁴/N)·Σρ², and on a grid
 * of spacing Δ <~ 2.5σ_b (about one FWHM) that is 4πσ⁴σ_b²/box², independent of Δ. So
 * sampling at about one FWHM loses no precision on the rms while it cuts the work by FWHM²
 * (16x on VLASS SE images, FWHM ≈ 4 pixels).
 */
function samplingStride(beam: PixelBeam): number {
  return Math.max(1, Math.floor(Math.sqrt(beam.fwhmMajor * beam.fwhmMinor)));
}

function measureGrid(data: FloatArray, width: number, height: number, size: BoxSize, beam: PixelBeam, clipSigma: number, wantRms: boolean, wantMean: boolean): Grid {
  const cx = boxCentres(width, size.box, size.step);
  const cy = boxCentres(height, size.box, size.step);
  const nx = cx.length;
  const ny = cy.length;
  const rms = new Float64Array(nx * ny);
  const mean = new Float64Array(nx * ny);
  const stride = samplingStride(beam);
  const half = Math.min(size.box, Math.max(width, height)) / 2;
  const sample = new Float32Array(Math.ceil((2 * half + 2) / stride) ** 2);
  for (let j = 0; j < ny; j++) {
    const y0 = Math.max(0, Math.round(cy[j] - half + 0.5));
    const y1 = Math.min(height, Math.round(cy[j] + half + 0.5));
    for (let i = 0; i < nx; i++) {
      const x0 = Math.max(0, Math.round(cx[i] - half + 0.5));
      const x1 = Math.min(width, Math.round(cx[i] + half + 0.5));
      let n = 0;
      for (let y = y0; y < y1; y += stride) {
        const row = y * width;
        for (let x = x0; x < x1; x += stride) {
          // Exact zeros are blanks: CASA and the VLASS exports zero-mask image borders, and
          // counting them as data would pull the rms down and flood the edges with detections.
          const v = data[row + x];
          if (v !== 0) sample[n++] = v;
        }
      }
      const stats = bstat(sample, n, clipSigma);
      const ok = stats.count >= MIN_BOX_SAMPLES;
      rms[j * nx + i] = ok && wantRms ? stats.rms : NaN;
      mean[j * nx + i] = ok && wantMean ? stats.mean : NaN;
    }
  }
  if (wantRms) fillInvalid(rms, 'rms');
  if (wantMean) fillInvalid(mean, 'mean');
  return { nx, ny, cx, cy, rms, mean };
}

/**
 * Boxes without enough valid pixels (blanked corners of a mosaic) take the median of the
 * valid boxes; when no box is valid the whole map is NaN and no pixel will be detected.
 */
function fillInvalid(values: Float64Array, what: string): void {
  const valid = values.filter((v) => Number.isFinite(v) && (what === 'mean' || v > 0));
  if (valid.length === values.length) return;
  const fallback = valid.length ? median(valid) : NaN;
  for (let k = 0; k < values.length; k++) {
    const v = values[k];
    if (!(Number.isFinite(v) && (what === 'mean' || v > 0))) values[k] = fallback;
  }
}

function median(values: Float64Array): number {
  const s = Float64Array.from(values).sort();
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * PyBDSF's clipped mean and rms of the whole image (its preprocess step: the constant mean and
 * rms, and the scale the rms_box rule and the mean_map check compare with), on a regular
 * sample of at most ~1M pixels. Blank (NaN) pixels are left out.
 */
export function wholeImageStatistic(data: FloatArray, width: number, height: number, clipSigma: number): BackgroundStatistic {
  const stride = Math.max(1, Math.ceil(Math.sqrt((width * height) / MAX_GLOBAL_SAMPLES)));
  const sample = new Float32Array(Math.ceil(width / stride) * Math.ceil(height / stride));
  let n = 0;
  for (let y = 0; y < height; y += stride) for (let x = 0; x < width; x += stride) sample[n++] = data[y * width + x];
  return bstat(sample, n, clipSigma);
}

/**
 * PyBDSF's mean_map='default' (rmsimage.py, check_meanmap): a constant background mean (the
 * image's clipped mean) unless the map's variation is significant, standard deviation above
 * 5 x the expected clipped_rms / box x the beam FWHM in pixels (geometric mean), then a map;
 * a box over a quarter of the image is always constant. PyBDSF passes the rms map, not the
 * mean map, to that check; so does this, to decide as PyBDSF decides. `clippedRms` is the image's 3-sigma clipped rms. (PyBDSF's 'zero' for a
 * confused image is not reproduced.)
 */
function chooseMeanMap(width: number, height: number, rms: FloatArray, box: BoxSize, beam: PixelBeam, clippedRms: number): 'const' | 'map' {
  if (box.box > Math.min(width, height) / 4) return 'const';
  const std = meanStd(rms).std;
  const expected = (clippedRms / box.box) * Math.sqrt(beam.fwhmMajor * beam.fwhmMinor);
  return std > 5 * expected ? 'map' : 'const';
}

/**
 * Per-pixel map from grid values, separably: first along x for every grid row (ny x width
 * doubles), then along y for every pixel, with each row's stencil computed once.
 */
function interpolateGrid(grid: Grid, values: Float64Array, width: number, height: number, interpolation: 'bicubic' | 'bilinear'): Float32Array {
  const { nx, ny, cx, cy } = grid;
  const cubic = interpolation === 'bicubic';
  const rows = new Float64Array(ny * width);
  const s = new Stencil();
  for (let x = 0; x < width; x++) {
    s.at(cx, x, cubic);
    for (let j = 0; j < ny; j++) {
      const line = j * nx;
      rows[j * width + x] = s.combine(values[line + s.k0], values[line + s.k1], values[line + s.k2], values[line + s.k3]);
    }
  }
  const out = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    s.at(cy, y, cubic);
    const r0 = s.k0 * width;
    const r1 = s.k1 * width;
    const r2 = s.k2 * width;
    const r3 = s.k3 * width;
    const { w0, w1, w2, w3 } = s;
    const row = y * width;
    for (let x = 0; x < width; x++) {
      const b = rows[r1 + x];
      const c = rows[r2 + x];
      const v = w0 * rows[r0 + x] + w1 * b + w2 * c + w3 * rows[r3 + x];
      // Clamp to the bracketing values: no overshoot (see the module comment).
      const lo = b < c ? b : c;
      const hi = b < c ? c : b;
      out[row + x] = v < lo ? lo : v > hi ? hi : v;
    }
  }
  return out;
}

/**
 * 1-D interpolation at a position over uniformly spaced grid centres: grid indices
 * k0 … k3 (= k−1 … k+2, clamped to the grid) and their weights. Cubic: Catmull–Rom (Keys
 * a = −½); linear: the two bracketing points. Outside the first/last centre the end value is
 * held.
 */
class Stencil {
  k0 = 0;
  k1 = 0;
  k2 = 0;
  k3 = 0;
  w0 = 0;
  w1 = 1;
  w2 = 0;
  w3 = 0;

  at(centres: Float64Array, pos: number, cubic: boolean): void {
    const n = centres.length;
    if (n === 1 || pos <= centres[0] || pos >= centres[n - 1]) {
      const k = n === 1 || pos <= centres[0] ? 0 : n - 1;
      this.k0 = this.k1 = this.k2 = this.k3 = k;
      this.w0 = this.w2 = this.w3 = 0;
      this.w1 = 1;
      return;
    }
    const f = (pos - centres[0]) / (centres[1] - centres[0]);
    const k = Math.min(n - 2, Math.floor(f));
    const t = f - k;
    this.k0 = Math.max(0, k - 1);
    this.k1 = k;
    this.k2 = k + 1;
    this.k3 = Math.min(n - 1, k + 2);
    if (!cubic) {
      this.w0 = this.w3 = 0;
      this.w1 = 1 - t;
      this.w2 = t;
      return;
    }
    const t2 = t * t;
    const t3 = t2 * t;
    this.w0 = -0.5 * t3 + t2 - 0.5 * t;
    this.w1 = 1.5 * t3 - 2.5 * t2 + 1;
    this.w2 = -1.5 * t3 + 2 * t2 + 0.5 * t;
    this.w3 = 0.5 * t3 - 0.5 * t2;
  }

  /** Weighted value, clamped to [min, max] of the two bracketing values. */
  combine(a: number, b: number, c: number, d: number): number {
    const v = this.w0 * a + this.w1 * b + this.w2 * c + this.w3 * d;
    const lo = b < c ? b : c;
    const hi = b < c ? c : b;
    return v < lo ? lo : v > hi ? hi : v;
  }
}
