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
import { type RmsBoxChoice, pybdsfRmsBox } from './rmsBoxRule.js';
import { ConfigError, DataError } from '../errors.js';
import type { FloatArray, PixelBeam } from './image.js';

export type MeanMapOption = 'zero' | 'const' | 'map' | 'default' | FloatArray;

export interface BackgroundOptions {
  /**
   * An rms map (Jy/beam), same shape as the image, which skips the measurement; 'const', one
   * clipped rms for the whole image (PyBDSF rms_map=False); 'map', a measured map (True); or
   * undefined, PyBDSF's rms_map=None: a map when its variation is significant (see
   * chooseRmsMap) or adaptive_rms_box found bright sources, else the constant.
   */
  rmsMap?: FloatArray | 'const' | 'map';
  /**
   * 'zero' (default), 'const' (one clipped mean), 'map' (grid like the rms), 'default'
   * (PyBDSF's mean_map='default': 'map' when the background varies significantly, else
   * 'const', or 'zero' for a confused image; see significantMeanVariation), or a given map.
   */
  meanMap?: MeanMapOption;
  /** PyBDSF rms_box: [box, step] in pixels. Default: PyBDSF's rule (rmsBoxRule.ts). */
  rmsBox?: readonly [number, number];
  /**
   * PyBDSF adaptive_rms_box: around bright sources the maps are measured in a smaller box
   * (rms_box_bright), blended into the rms_box maps (see blendBright). Default false.
   */
  adaptiveRmsBox?: boolean;
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
  /** With adaptive_rms_box: the small box, and how many bright sources it is kept around. */
  brightBox?: readonly [number, number];
  brightSources?: number;
  /** The mean actually used when it was one of the named kinds ('default' decides between const and map). */
  meanType?: 'zero' | 'const' | 'map';
}

/** Fewest valid pixels for a box's statistic to be trusted. */
const MIN_BOX_SAMPLES = 16;
/** Cap on the pixels sampled for a whole-image ('const') statistic. */
const MAX_GLOBAL_SAMPLES = 1 << 20;

export function estimateBackground(data: FloatArray, width: number, height: number, beam: PixelBeam, options: BackgroundOptions = {}): Background {
  const npix = width * height;
  if (typeof options.rmsMap !== 'string') checkMap(options.rmsMap, npix, 'rms map');
  const meanOption = options.meanMap ?? 'zero';
  if (typeof meanOption !== 'string') checkMap(meanOption, npix, 'mean map');
  const clipSigma = options.clipSigma ?? 3;
  if (!(clipSigma > 0)) throw new ConfigError(`clip sigma ${clipSigma} must be positive`);
  const interpolation = options.interpolation ?? 'bicubic';
  // The whole image's clipped statistics, measured at most once whichever of its uses come up.
  let wholeImage: BackgroundStatistic | undefined;
  const whole = () => (wholeImage ??= wholeImageStatistic(data, width, height, clipSigma));

  const givenRms = typeof options.rmsMap === 'string' ? undefined : options.rmsMap;
  const measureRms = givenRms === undefined && options.rmsMap !== 'const';
  const measureMean = meanOption === 'map' || meanOption === 'default';
  const choice = measureRms || measureMean ? chooseRmsBox(data, width, height, beam, whole, options) : undefined;
  const box = choice && { box: choice.rmsBox[0], step: choice.rmsBox[1] };
  // PyBDSF: a box over a quarter of the image leaves too few boxes for a map; one constant
  // rms and mean then stand for the whole image (unless a map is asked for by name).
  const tooBig = box !== undefined && box.box > Math.min(width, height) / 4 && options.rmsMap !== 'map';
  const adaptive = choice?.brightBox !== undefined;
  let grid: Grid | undefined;
  if (box && !tooBig) {
    grid = measureGrid(data, width, height, adaptive ? { box: choice!.brightBox![0], step: choice!.brightBox![1] } : box, beam, clipSigma, measureRms, measureMean);
    if (adaptive) blendBright(grid, measureGrid(data, width, height, box, beam, clipSigma, measureRms, measureMean), choice!.brightPeaks, width, interpolation);
  }

  let rms: FloatArray;
  let rmsSource: Background['rmsSource'];
  if (givenRms) {
    rms = givenRms;
    rmsSource = 'given';
  } else if (grid && measureRms) {
    rms = interpolateGrid(grid, grid.rms, width, height, interpolation);
    rmsSource = grid.nx * grid.ny === 1 ? 'constant' : 'grid';
  } else {
    rms = new Float32Array(npix).fill(whole().rms);
    rmsSource = 'constant';
  }
  // Without a map, the mean is zero (asked for, or a confused image under 'default') or the
  // whole image's clipped mean. PyBDSF decides 'default' from the measured rms map, before
  // deciding whether that map or a constant is the rms.
  const constantMean = (): 'zero' | 'const' => (meanOption === 'zero' || (meanOption === 'default' && isConfused(data, whole())) ? 'zero' : 'const');
  const meanType: 'zero' | 'const' | 'map' | FloatArray =
    typeof meanOption !== 'string'
      ? meanOption
      : grid && (meanOption === 'map' || (meanOption === 'default' && significantMeanVariation(rms, box!, beam, whole().rms)))
        ? 'map'
        : constantMean();
  if (rmsSource === 'grid' && options.rmsMap === undefined && !adaptive && !chooseRmsMap(rms, box!, beam, whole().rms)) {
    rms.fill(whole().rms);
    rmsSource = 'constant';
  }
  let mean: FloatArray | number;
  if (meanType === 'zero') mean = 0;
  else if (meanType === 'const') mean = whole().mean;
  else if (meanType === 'map') mean = interpolateGrid(grid!, grid!.mean, width, height, interpolation);
  else mean = meanType;

  return {
    rms,
    mean,
    rmsSource,
    ...(choice ? { rmsBox: choice.rmsBox } : {}),
    ...(grid && adaptive ? { brightBox: choice!.brightBox, brightSources: choice!.brightPeaks.length } : {}),
    ...(typeof meanType === 'string' ? { meanType } : {}),
  };
}

/**
 * rms_box as given (checked), or by PyBDSF's rule; with adaptive_rms_box also the small box
 * and the bright sources it is kept around (rmsBoxRule.ts). `whole` gives the whole image's
 * clipped statistic, measured only if the rule needs it.
 */
export function chooseRmsBox(
  data: FloatArray,
  width: number,
  height: number,
  beam: PixelBeam,
  whole: () => BackgroundStatistic,
  options: { rmsBox?: readonly [number, number]; adaptiveRmsBox?: boolean },
): RmsBoxChoice {
  const given = options.rmsBox;
  if (given && !(Number.isInteger(given[0]) && Number.isInteger(given[1]) && given[0] > 0 && given[1] > 0))
    throw new ConfigError(`rms_box (${given.join(', ')}) must be two positive integers (box, step) in pixels`);
  if (given && !options.adaptiveRmsBox) return { rmsBox: [given[0], given[1]], brightPeaks: [] };
  return pybdsfRmsBox(data, width, height, beam, whole(), { rmsBox: given, adaptive: options.adaptiveRmsBox ?? false });
}

function checkMap(map: FloatArray | undefined, npix: number, what: string): void {
  if (map !== undefined && map.length !== npix)
    throw new DataError(`${what} has ${map.length} pixels, the image ${npix}; give a map of the same plane size`);
}

interface BoxSize {
  box: number;
  step: number;
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

/** The beam FWHM in pixels as PyBDSF's checks take it: the geometric mean of the axes. */
function beamFwhmPixels(beam: PixelBeam): number {
  return Math.sqrt(beam.fwhmMajor * beam.fwhmMinor);
}

/**
 * PyBDSF's rms_map=None (check_rmsmap): the measured map is kept when its spread over the
 * image exceeds 1.1 × what box noise alone gives, clipped rms / √2 / box × beam FWHM (pixels);
 * otherwise one constant rms is as good and steadier.
 */
function chooseRmsMap(rms: FloatArray, box: BoxSize, beam: PixelBeam, clippedRms: number): boolean {
  return meanStd(rms).std > 1.1 * ((clippedRms / Math.SQRT2 / box.box) * beamFwhmPixels(beam));
}

/**
 * PyBDSF's mean_map='default' (check_meanmap): a map when the variation is significant,
 * standard deviation above 5 × clipped rms / box × beam FWHM (pixels), else a constant.
 * PyBDSF passes the rms map, not the mean map, to that check; so does this, to decide as
 * PyBDSF decides.
 */
function significantMeanVariation(rms: FloatArray, box: BoxSize, beam: PixelBeam, clippedRms: number): boolean {
  return meanStd(rms).std > 5 * ((clippedRms / box.box) * beamFwhmPixels(beam));
}

/**
 * PyBDSF's "confused" image (preprocess), whose constant mean is taken as zero under
 * mean_map='default': fewer than 25 pixels per pixel above 5σ once the source counts' slope
 * (2.5) is allowed for (bmpersrc_th = pixels / (1.5 × pixels above 5σ)), or a clipped mean
 * of 0.1σ or more — sources, not sky, set the clipped mean.
 */
function isConfused(data: FloatArray, whole: BackgroundStatistic): boolean {
  let bright = 0;
  let pixels = 0;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (v !== v) continue;
    pixels++;
    if (v >= 5 * whole.rms) bright++;
  }
  const beamsPerSource = pixels / (1.5 * Math.max(1, bright));
  return beamsPerSource <= 25 || whole.mean / whole.rms >= 0.1;
}

/** Cells each side of a bright source's cell over which the small-box maps are blended in (PyBDSF: a 15-cell box). */
const BRIGHT_BLEND_HALF = 7;

/**
 * adaptive_rms_box (PyBDSF's map_2d): `small` holds the maps measured in the bright box. They
 * are replaced by the rms_box maps (`large`, interpolated to the small grid), except around
 * each bright source: in the 15 x 15 cells about it the small-box values are kept out to the
 * nearest cell where they are under twice the large-box rms (the artefacts' reach), and
 * beyond that tapered linearly, weight 1 − 2d / diagonal, into the large-box values. Weights
 * are kept within [0, 1] (PyBDSF's can go below 0 in a box cut by the grid edge).
 */
function blendBright(small: Grid, large: Grid, brightPeaks: readonly number[], width: number, interpolation: 'bicubic' | 'bilinear'): void {
  const cubic = interpolation === 'bicubic';
  const { nx, ny } = small;
  const largeRms = new Float64Array(nx * ny);
  const largeMean = new Float64Array(nx * ny);
  for (let j = 0; j < ny; j++)
    for (let i = 0; i < nx; i++) {
      largeRms[j * nx + i] = gridValueAt(large, large.rms, small.cx[i], small.cy[j], cubic);
      largeMean[j * nx + i] = gridValueAt(large, large.mean, small.cx[i], small.cy[j], cubic);
    }
  const rms = Float64Array.from(largeRms);
  const mean = Float64Array.from(largeMean);
  for (const peak of brightPeaks) {
    const py = Math.floor(peak / width);
    const ci = nearestCentre(small.cx, peak - py * width);
    const cj = nearestCentre(small.cy, py);
    const i0 = Math.max(0, ci - BRIGHT_BLEND_HALF);
    const i1 = Math.min(nx - 1, ci + BRIGHT_BLEND_HALF);
    const j0 = Math.max(0, cj - BRIGHT_BLEND_HALF);
    const j1 = Math.min(ny - 1, cj + BRIGHT_BLEND_HALF);
    let reach = Infinity;
    for (let j = j0; j <= j1; j++)
      for (let i = i0; i <= i1; i++) if (small.rms[j * nx + i] / largeRms[j * nx + i] < 2) reach = Math.min(reach, Math.hypot(i - ci, j - cj));
    const diagonal = Math.hypot(i1 - i0 + 1, j1 - j0 + 1);
    for (let j = j0; j <= j1; j++)
      for (let i = i0; i <= i1; i++) {
        const d = Math.hypot(i - ci, j - cj);
        const w = d >= reach ? Math.min(1, Math.max(0, 1 - (2 * d) / diagonal)) : 1;
        const k = j * nx + i;
        rms[k] = w * small.rms[k] + (1 - w) * largeRms[k];
        mean[k] = w * small.mean[k] + (1 - w) * largeMean[k];
      }
  }
  small.rms.set(rms);
  small.mean.set(mean);
}

function nearestCentre(centres: Float64Array, position: number): number {
  let best = 0;
  for (let k = 1; k < centres.length; k++) if (Math.abs(centres[k] - position) < Math.abs(centres[best] - position)) best = k;
  return best;
}

/** The grid interpolated at one point, as interpolateGrid does for every pixel. */
function gridValueAt(grid: Grid, values: Float64Array, x: number, y: number, cubic: boolean): number {
  const sx = new Stencil();
  const sy = new Stencil();
  sx.at(grid.cx, x, cubic);
  sy.at(grid.cy, y, cubic);
  const row = (j: number) => sx.combine(values[j * grid.nx + sx.k0], values[j * grid.nx + sx.k1], values[j * grid.nx + sx.k2], values[j * grid.nx + sx.k3]);
  return sy.combine(row(sy.k0), row(sy.k1), row(sy.k2), row(sy.k3));
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
