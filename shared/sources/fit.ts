/**
 * Stage 3: decomposition of each island into elliptical Gaussians.
 *
 * Per island:
 *  1. Seeds: the island's local maxima above thresh_isl·rms (pixels brighter than their eight
 *     neighbours, PyBDSF's initial Gaussians), brightest first, each shaped like the beam —
 *     its major axis stretched to at least 1.1x the minor, as PyBDSF does, so that a circular
 *     start still has an orientation to move from — with the pixel's value as amplitude.
 *     The island's pixel count limits the parameters: six per component while the pixels
 *     outnumber them, then three (shape held at the beam's, as PyBDSF), and a one- or
 *     two-pixel island gets one component with only its amplitude free.
 *  2. All components are fitted together by Levenberg–Marquardt (lm.ts) over the island's
 *     pixels, weighted 1/rms², with bounds: centres within the island's bounding box plus one
 *     pixel; amplitudes in [0, 5x the island peak]; σ of both axes from minSizeFraction of the
 *     beam's minor σ (sizes below the beam are kept possible: CIRADA's Quality_flag 4 needs
 *     them) up to the island's diagonal (see ComponentBounds). Seeds that fade to zero
 *     amplitude are dropped and the rest refitted from their initial guesses.
 *  3. While the largest residual (value − model)/rms in the island exceeds thresh_pix and
 *     5% of the island's peak, and the cap of maxComponentsPerIsland and the pixel budget
 *     allow, a beam-shaped component is added at that pixel and everything is refitted from
 *     the previous solution. The addition is kept only if it lowers χ² by more than 2 per
 *     added parameter (Akaike's criterion, scaled for the noise correlation over the beam)
 *     and no component collapses; otherwise the previous solution stands.
 *  4. Problems are recorded as flags on the components, which are always kept:
 *     'not-converged', 'fit-failed' (model not finite: the initial guess is reported),
 *     'size-at-lower-bound', 'size-at-upper-bound', 'position-at-bound', 'peak-at-bound',
 *     'centre-outside-island'; and what was held fixed: 'shape-fixed-to-beam',
 *     'position-fixed'.
 */
import type { Background } from './background.js';
import { FWHM_PER_SIGMA, normalizeAngle } from './ellipse.js';
import type { FloatArray, PixelBeam } from './image.js';
import type { Island } from './islands.js';
import { LmWorkspace, levenbergMarquardt, type LmResult } from './lm.js';
import { GaussianSumProblem, IslandPixels, PARAMS_PER_COMPONENT } from './model.js';

export interface FitOptions {
  /** thresh_isl: local maxima above it seed the fit (default 3). */
  threshIsl?: number;
  /** Residual peak, in rms, above which a component is added (thresh_pix, default 5). */
  threshPix?: number;
  /**
   * A residual peak must also exceed this fraction of the island's peak (default 0.05, a
   * dynamic range of 20), so that a bright source whose shape departs from a Gaussian by a
   * few per cent — beams are not exactly Gaussian, and deconvolution errors scale with flux —
   * is not split into many components. Distinct peaks are seeds and not subject to this.
   */
  residualPeakFraction?: number;
  /** Cap on components per island (default 10). */
  maxComponentsPerIsland?: number;
  /** Smallest σ allowed, as a fraction of the beam's minor-axis σ (default 0.5). */
  minSizeFraction?: number;
  /** Levenberg–Marquardt iterations per fit (default 200). */
  maxIterations?: number;
  /**
   * PyBDSF's flagging (flag_* at its defaults): a Gaussian it would flag — centre off the
   * island's box, 1σ box wider than the island's, over 25 beams, peak under 0.6 × the island
   * threshold or over 1.5 × the island's peak — is dropped and the others refitted, as
   * PyBDSF drops it from its list and model. Off: every fitted component is kept, flagged.
   */
  pybdsfFlagging?: boolean;
}

/** One fitted Gaussian in pixel coordinates. */
export interface FittedGaussian {
  islandId: number;
  /** Centre, 0-based pixels. */
  x: number;
  y: number;
  /** Amplitude above the mean, Jy/beam. */
  peak: number;
  /** σ of the major and minor axes, pixels. */
  sigmaMajor: number;
  sigmaMinor: number;
  /** Major axis direction, radians counter-clockwise from +x, in [0, π). */
  angle: number;
  flags: string[];
}

export interface IslandFit {
  islandId: number;
  gaussians: FittedGaussian[];
  /** Mean and standard deviation of (value − mean − model) over the island's pixels. */
  residualMean: number;
  residualRms: number;
  /** Levenberg–Marquardt iterations spent on the island. */
  iterations: number;
}

const AMPLITUDE_CAP = 5;
const INITIAL_ELONGATION = 1.1;
/** χ² must drop by more than this per added parameter to keep a component (AIC)... */
const AIC_PER_PARAMETER = 2;
/**
 * ... times this many pixels per independent noise sample. χ² here weights every pixel as
 * independent, but restored-image noise is correlated over the beam: fitting a beam-shaped
 * term to such noise lowers the pixel χ² by (4π/3)·σmaj·σmin = ⅔ of the beam area (in
 * pixels) on average instead of by 1 (∫∫ g(x) g(y) ρ(x − y) / ∫ g², all three Gaussians of
 * the beam's covariance). Without this the criterion would accept noise as components.
 */
function noiseCorrelationPixels(beam: PixelBeam): number {
  return Math.max(1, (2 / 3) * beam.areaPixels);
}
/** Amplitudes below this fraction of the island peak count as collapsed. */
const COLLAPSED_AMPLITUDE = 1e-6;

/** Buffers shared by the islands of one image. */
export class FitWorkspace {
  readonly pixels = new IslandPixels();
  readonly lm = new LmWorkspace();
}

export function fitIslands(islands: readonly Island[], data: FloatArray, width: number, background: Background, beam: PixelBeam, labels: Int32Array, options: FitOptions = {}): IslandFit[] {
  const work = new FitWorkspace();
  return islands.map((island) => fitIsland(island, data, width, background, beam, labels, options, work));
}

export function fitIsland(
  island: Island,
  data: FloatArray,
  width: number,
  background: Background,
  beam: PixelBeam,
  labels: Int32Array,
  options: FitOptions = {},
  work = new FitWorkspace(),
): IslandFit {
  const threshPix = options.threshPix ?? 5;
  const dynamicRangeFloor = (options.residualPeakFraction ?? 0.05) * island.peakValue;
  const cap = options.maxComponentsPerIsland ?? 10;
  const lmOptions = { maxIterations: options.maxIterations ?? 200 };
  const pixels = loadPixels(island, data, width, background, work.pixels);
  const ampScale = island.peakValue;
  const bounds = new ComponentBounds(island, beam, options.minSizeFraction ?? 0.5);
  const fitSeeds = (seeds: Seed[]) => {
    const params = paramsOf(seeds, beam);
    const problem = makeProblem(pixels, params, seeds, ampScale, beam, bounds);
    const result = levenbergMarquardt(problem, params, lmOptions, work.lm);
    return { seeds, params, problem, result };
  };

  // Seeds: the island's local maxima, brightest first (PyBDSF's initial Gaussians), as many
  // as the cap and the island's pixels allow.
  let seeds: Seed[] = [];
  for (const i of localMaxima(island, data, width, background, options.threshIsl ?? 3)) {
    const y = (i / width) | 0;
    const seed = budgetSeed(seeds, pixels.count, cap, i - y * width, y, valueAt(data, background, i) / ampScale);
    if (!seed) break;
    seeds.push(seed);
  }
  let fit = fitSeeds(seeds);
  let iterations = fit.result.iterations;
  // Seeds that fade to zero amplitude (a noise bump, or explained by their neighbours) are
  // dropped and the others fitted again from their initial guesses. Components that end up
  // off the island stay in the model, flagged: like PyBDSF's flagged Gaussians they soak up
  // flux the others would otherwise distort themselves to absorb (PyBDSF then omits them
  // from its list; here nothing fitted is dropped).
  while (Number.isFinite(fit.result.chi2) && seeds.length > 1) {
    const good = seeds.filter((_, c) => alive(fit.params, c));
    if (good.length === seeds.length || good.length === 0) break;
    seeds = rebudget(good, pixels.count);
    fit = fitSeeds(seeds);
    iterations += fit.result.iterations;
  }
  if (!Number.isFinite(fit.result.chi2)) {
    const peakY = (island.peakIndex / width) | 0;
    const fallback: Seed[] = [{ x: island.peakIndex - peakY * width, y: peakY, amplitude: 1, fixedShape: false, fixedPosition: false }];
    const params = paramsOf(fallback, beam);
    return finish(island, pixels, params, fallback, makeProblem(pixels, params, fallback, ampScale, beam, bounds), fit.result, bounds, labels, width, ['fit-failed'], iterations);
  }

  // Components at significant residual peaks, one at a time.
  const penalty = AIC_PER_PARAMETER * PARAMS_PER_COMPONENT * noiseCorrelationPixels(beam);
  for (;;) {
    const model = fit.problem.modelValues(fit.params);
    let best = -Infinity;
    let bestAt = -1;
    for (let i = 0; i < pixels.count; i++) {
      const resid = pixels.value[i] - model[i];
      if (resid <= dynamicRangeFloor) continue;
      const snr = resid * Math.sqrt(pixels.weight[i]);
      if (snr > best) {
        best = snr;
        bestAt = i;
      }
    }
    if (!(best > threshPix)) break;
    const seed = budgetSeed(fit.seeds, pixels.count, cap, pixels.x[bestAt], pixels.y[bestAt], (pixels.value[bestAt] - model[bestAt]) / ampScale);
    if (!seed) break;
    // Start from the current solution, the new component beam-shaped at the residual peak.
    const seedsNow = fit.seeds.map((sd, c) => ({ ...sd, start: fit.params.subarray(c * PARAMS_PER_COMPONENT, (c + 1) * PARAMS_PER_COMPONENT) }));
    const trial = fitSeeds([...seedsNow, seed]);
    iterations += trial.result.iterations;
    if (!(trial.result.chi2 < fit.result.chi2 - penalty) || anyCollapsed(trial.params)) break;
    fit = trial;
  }
  // PyBDSF drops the Gaussians it flags and refits the rest. When the rest, refitted, would be
  // flagged in turn (a compact component swelling to take in extended emission PyBDSF leaves
  // to its residual and wavelet scales), the fit with the flagged component stands.
  while (options.pybdsfFlagging && fit.seeds.length > 1) {
    const flagged = (f: typeof fit, c: number) => pybdsfFlagged(f.params, c, island, beam, ampScale, options.threshIsl ?? 3);
    const kept = fit.seeds.filter((_, c) => !flagged(fit, c));
    if (kept.length === fit.seeds.length || kept.length === 0) break;
    const refit = fitSeeds(rebudget(kept.map(({ start: _, ...seed }) => seed), pixels.count));
    iterations += refit.result.iterations;
    if (!Number.isFinite(refit.result.chi2) || refit.seeds.some((_, c) => flagged(refit, c))) break;
    fit = refit;
  }
  return finish(island, pixels, fit.params, fit.seeds, fit.problem, fit.result, bounds, labels, width, [], iterations);
}

/** PyBDSF's flags (gausfit.py, flag_* at their defaults) on component c; see FitOptions.pybdsfFlagging. */
function pybdsfFlagged(params: Float64Array, c: number, island: Island, beam: PixelBeam, ampScale: number, threshIsl: number): boolean {
  const o = c * PARAMS_PER_COMPONENT;
  const [x, y] = [params[o], params[o + 1]];
  const amplitude = params[o + 2] * ampScale;
  const sa = params[o + 3] * beam.sigmaMinor;
  const sb = params[o + 4] * beam.sigmaMinor;
  const cos = Math.cos(params[o + 5]);
  const sin = Math.sin(params[o + 5]);
  const beamArea = beam.sigmaMajor * beam.sigmaMinor * (beam.sigmaMajor / beam.sigmaMinor < 1.1 ? 1.1 : 1);
  return (
    amplitude < 0.6 * (island.mean + threshIsl * island.rms) ||
    amplitude > 1.5 * island.peakValue ||
    x < island.xMin || x > island.xMax || y < island.yMin || y > island.yMax ||
    2 * Math.hypot(sa * cos, sb * sin) > island.xMax - island.xMin + 1 ||
    2 * Math.hypot(sa * sin, sb * cos) > island.yMax - island.yMin + 1 ||
    sa * sb > 25 * beamArea
  );
}

/**
 * A component to fit: where it starts and which parameters are free. As in PyBDSF, a
 * component gets six free parameters while the island's pixels outnumber them, else three
 * (amplitude and position, the shape held at the beam's). A free shape needs at least one
 * pixel more than the parameters (Aegean's rule too: it holds the shape on islands of 4-6
 * pixels): fitted exactly, with no noise to average, the size runs to a bound and the flux
 * with it (two such islands of Aegean's test image came out 26% high and 16% low; with the
 * shape held both agree with Aegean within 4%). An island
 * too small even for three (one or two pixels: a point source in an image whose beam is
 * smaller than a pixel) still gets its one component, the amplitude alone fitted at the
 * brightest pixel.
 */
interface Seed {
  x: number;
  y: number;
  /** Amplitude / island peak. */
  amplitude: number;
  fixedShape: boolean;
  fixedPosition: boolean;
  /** Start from these internal parameters instead of the beam-shaped guess. */
  start?: Float64Array;
}

const FREE_PARAMETERS = 6;
const FIXED_SHAPE_PARAMETERS = 3;
const AMPLITUDE_ONLY = 1;

function parameterCount(seeds: readonly Seed[]): number {
  return seeds.reduce((n, s) => n + (s.fixedPosition ? AMPLITUDE_ONLY : s.fixedShape ? FIXED_SHAPE_PARAMETERS : FREE_PARAMETERS), 0);
}

function budgetSeed(seeds: readonly Seed[], npix: number, cap: number, x: number, y: number, amplitude: number): Seed | undefined {
  if (seeds.length >= cap) return undefined;
  const used = parameterCount(seeds);
  if (used + FREE_PARAMETERS < npix) return { x, y, amplitude, fixedShape: false, fixedPosition: false };
  if (used + FIXED_SHAPE_PARAMETERS <= npix) return { x, y, amplitude, fixedShape: true, fixedPosition: false };
  if (used === 0) return { x, y, amplitude, fixedShape: true, fixedPosition: true };
  return undefined;
}

/** Seeds re-budgeted after some were dropped (a held shape may become free). */
function rebudget(seeds: readonly Seed[], npix: number): Seed[] {
  const out: Seed[] = [];
  for (const s of seeds) {
    const seed = budgetSeed(out, npix, Infinity, s.x, s.y, s.amplitude);
    if (seed) out.push(seed);
  }
  return out;
}

function paramsOf(seeds: readonly Seed[], beam: PixelBeam): Float64Array {
  const params = new Float64Array(seeds.length * PARAMS_PER_COMPONENT);
  seeds.forEach((s, c) => params.set(s.start ?? initialComponent(s.x, s.y, s.amplitude, beam, s.fixedShape), c * PARAMS_PER_COMPONENT));
  return params;
}

/** The island's pixels with a usable value and rms, as data for the fit. */
function loadPixels(island: Island, data: FloatArray, width: number, background: Background, pixels: IslandPixels): IslandPixels {
  const meanMap = typeof background.mean === 'number' ? null : background.mean;
  const meanConst = typeof background.mean === 'number' ? background.mean : 0;
  pixels.reset(island.pixels.length);
  let n = 0;
  for (let k = 0; k < island.pixels.length; k++) {
    const i = island.pixels[k];
    const r = background.rms[i];
    const v = data[i] - (meanMap ? meanMap[i] : meanConst);
    if (!(r > 0 && Number.isFinite(v))) continue;
    const y = (i / width) | 0;
    pixels.x[n] = i - y * width;
    pixels.y[n] = y;
    pixels.value[n] = v;
    pixels.weight[n] = 1 / (r * r);
    n++;
  }
  pixels.count = n;
  return pixels;
}

/**
 * Internal parameters (see model.ts) of a beam-shaped component; a free shape starts with its
 * major axis at least 1.1x the minor so that its angle has a gradient.
 */
function initialComponent(x: number, y: number, amplitude: number, beam: PixelBeam, fixedShape: boolean): number[] {
  const major = fixedShape ? beam.sigmaMajor : Math.max(beam.sigmaMajor, INITIAL_ELONGATION * beam.sigmaMinor);
  return [x, y, amplitude, major / beam.sigmaMinor, 1, beam.angle];
}

/**
 * Bounds of one component's internal parameters. The largest FWHM allowed is the diagonal of
 * the island's box, √2·(box size + 1) (Aegean's limit): the island holds the component's
 * half-maximum contour whenever its peak is at least twice the island threshold, so a wider
 * Gaussian is not constrained by the island's pixels, only by the truncation at its edge.
 * Never below 1.1x the beam, so a beam-sized component always fits.
 */
class ComponentBounds {
  readonly lower: number[];
  readonly upper: number[];
  constructor(island: Island, beam: PixelBeam, minSizeFraction: number) {
    const boxSize = Math.max(island.xMax - island.xMin + 1, island.yMax - island.yMin + 1);
    const maxSigma = Math.max((Math.SQRT2 * (boxSize + 1)) / FWHM_PER_SIGMA, INITIAL_ELONGATION * beam.sigmaMajor);
    const maxSize = maxSigma / beam.sigmaMinor;
    this.lower = [island.xMin - 1, island.yMin - 1, 0, minSizeFraction, minSizeFraction, -Infinity];
    this.upper = [island.xMax + 1, island.yMax + 1, AMPLITUDE_CAP, maxSize, maxSize, Infinity];
  }
}

/** The problem for these seeds; a held shape is a parameter whose bounds meet. */
function makeProblem(pixels: IslandPixels, params: Float64Array, seeds: readonly Seed[], ampScale: number, beam: PixelBeam, bounds: ComponentBounds): GaussianSumProblem {
  const problem = new GaussianSumProblem(pixels, seeds.length, ampScale, beam.sigmaMinor);
  seeds.forEach((seed, c) => {
    const o = c * PARAMS_PER_COMPONENT;
    problem.lower.set(bounds.lower, o);
    problem.upper.set(bounds.upper, o);
    if (seed.fixedShape) for (let j = 3; j < 6; j++) problem.lower[o + j] = problem.upper[o + j] = params[o + j];
    if (seed.fixedPosition) for (let j = 0; j < 2; j++) problem.lower[o + j] = problem.upper[o + j] = params[o + j];
  });
  return problem;
}

function valueAt(data: FloatArray, background: Background, i: number): number {
  return data[i] - (typeof background.mean === 'number' ? background.mean : background.mean[i]);
}

/**
 * Pixels of the island above thresh_isl · rms that are brighter than all 8 neighbours (PyBDSF's
 * get_maxima), brightest first; the island's peak when there is none (a flat top).
 */
export function localMaxima(island: Island, data: FloatArray, width: number, background: Background, threshIsl: number): number[] {
  const height = background.rms.length / width;
  const found: { i: number; v: number }[] = [];
  for (let k = 0; k < island.pixels.length; k++) {
    const i = island.pixels[k];
    const v = valueAt(data, background, i);
    if (!(v > threshIsl * background.rms[i])) continue;
    const y = (i / width) | 0;
    const x = i - y * width;
    let peak = true;
    for (let dy = -1; dy <= 1 && peak; dy++) {
      const yy = y + dy;
      if (yy < 0 || yy >= height) continue;
      for (let dx = -1; dx <= 1; dx++) {
        const xx = x + dx;
        if ((dx === 0 && dy === 0) || xx < 0 || xx >= width) continue;
        // A blank (NaN) neighbour does not outshine anything.
        if (valueAt(data, background, yy * width + xx) >= v) {
          peak = false;
          break;
        }
      }
    }
    if (peak) found.push({ i, v });
  }
  if (found.length === 0) found.push({ i: island.peakIndex, v: island.peakValue });
  return found.sort((a, b) => b.v - a.v).map((f) => f.i);
}

/** Seed c kept some amplitude in the fit. */
function alive(params: Float64Array, c: number): boolean {
  return params[c * PARAMS_PER_COMPONENT + 2] > COLLAPSED_AMPLITUDE;
}

function centreOnIsland(x: number, y: number, island: Island, labels: Int32Array, width: number): boolean {
  const cx = Math.round(x);
  const cy = Math.round(y);
  return cx >= island.xMin && cx <= island.xMax && cy >= island.yMin && cy <= island.yMax && labels[cy * width + cx] === island.id + 1;
}

function anyCollapsed(params: Float64Array): boolean {
  for (let o = 2; o < params.length; o += PARAMS_PER_COMPONENT) if (!(params[o] > COLLAPSED_AMPLITUDE)) return true;
  return false;
}

function atBound(v: number, bound: number): boolean {
  return Number.isFinite(bound) && Math.abs(v - bound) <= 1e-6 * Math.max(1, Math.abs(bound));
}

function finish(
  island: Island,
  pixels: IslandPixels,
  params: Float64Array,
  seeds: readonly Seed[],
  problem: GaussianSumProblem,
  result: LmResult,
  bounds: ComponentBounds,
  labels: Int32Array,
  width: number,
  commonFlags: string[],
  iterations: number,
): IslandFit {
  const k = params.length / PARAMS_PER_COMPONENT;
  const { lower, upper } = problem;
  const gaussians: FittedGaussian[] = [];
  for (let c = 0; c < k; c++) {
    const o = c * PARAMS_PER_COMPONENT;
    const flags = [...commonFlags];
    if (!result.converged && commonFlags.length === 0) flags.push('not-converged');
    if (seeds[c].fixedShape) flags.push('shape-fixed-to-beam');
    if (seeds[c].fixedPosition) flags.push('position-fixed');
    else if (!seeds[c].fixedShape) {
      if (atBound(params[o + 3], lower[o + 3]) || atBound(params[o + 4], lower[o + 4])) flags.push('size-at-lower-bound');
      if (atBound(params[o + 3], upper[o + 3]) || atBound(params[o + 4], upper[o + 4])) flags.push('size-at-upper-bound');
    }
    if (!seeds[c].fixedPosition && [0, 1].some((j) => atBound(params[o + j], lower[o + j]) || atBound(params[o + j], upper[o + j]))) flags.push('position-at-bound');
    if (atBound(params[o + 2], lower[o + 2]) || atBound(params[o + 2], upper[o + 2])) flags.push('peak-at-bound');
    if (!centreOnIsland(params[o], params[o + 1], island, labels, width)) flags.push('centre-outside-island');

    // Major axis first; the pair (σa, θ), (σb, θ + 90°) describes the same Gaussian.
    let sa = params[o + 3] * problem.sigmaScale;
    let sb = params[o + 4] * problem.sigmaScale;
    let angle = params[o + 5];
    if (sb > sa) {
      [sa, sb] = [sb, sa];
      angle += Math.PI / 2;
    }
    gaussians.push({
      islandId: island.id,
      x: params[o],
      y: params[o + 1],
      peak: params[o + 2] * problem.ampScale,
      sigmaMajor: sa,
      sigmaMinor: sb,
      angle: normalizeAngle(angle),
      flags,
    });
  }
  // Brightest first, the order PyBDSF lists an island's Gaussians in.
  gaussians.sort((a, b) => b.peak - a.peak);

  const model = problem.modelValues(params);
  let sum = 0;
  const n = pixels.count;
  for (let i = 0; i < n; i++) sum += pixels.value[i] - model[i];
  const residualMean = sum / n;
  let squares = 0;
  for (let i = 0; i < n; i++) {
    const d = pixels.value[i] - model[i] - residualMean;
    squares += d * d;
  }
  return { islandId: island.id, gaussians, residualMean, residualRms: Math.sqrt(squares / n), iterations };
}
