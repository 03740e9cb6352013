/**
 * Stage 3b (optional): PyBDSF's à trous wavelet module (atrous_do), which finds emission too
 * faint per pixel and too extended for the islands of stage 2 — diffuse lobes, or sources
 * whose beam is smaller than a pixel.
 *
 * As PyBDSF does it (wavelet_atrous.py, with its defaults atrous_lpf 'b3', atrous_sum True,
 * atrous_orig_isl False):
 *  1. The residual of the Gaussian fits, c₀ = image − mean − model, is smoothed scale by
 *     scale with the B3-spline kernel [1, 4, 6, 4, 1]/16 in both axes, its taps 2^(j−1)
 *     pixels apart at scale j ("with holes"), the image taken as zero beyond its edges and in
 *     its blanks, which stay blank: c_j = K_j ∗ c_{j−1}, j = 1 … atrous_jmax.
 *  2. With atrous_sum, each scale searches c_j itself (the sum of all wavelet planes from j
 *     up, plus the smooth remainder): islands at thresh_isl / thresh_pix on c_j's own rms,
 *     measured with a box of max(5·w_j, rms_box) (w_j the kernel's width, 4·2^(j−1) + 1) and
 *     step a third of it, or one constant rms when that box exceeds half the image;
 *     minpix_isl 6, PyBDSF's fixed value for wavelet images.
 *  3. Those islands are fitted like stage 3, with the beam broadened by the kernel — its
 *     variance adds (4^j − 1)/3 px² per axis to the beam's, the sum over the scales so far of
 *     the B3 kernel's variance of one squared tap spacing — and the fitted Gaussians are
 *     subtracted from c_j before the next scale is smoothed from it.
 *  4. A wavelet island that touches an island already in the mask (of stage 2, or of an
 *     earlier scale) joins it: its pixels extend that island's mask and its Gaussians are
 *     listed under that island (their Isl_* columns describe the wavelet island on c_j).
 *     PyBDSF merges every island it touches into one; here it joins the one it shares most
 *     pixels with and the others keep their ids. One that touches none is a new island.
 *
 * A Gaussian fitted to c_j keeps the image's units: the kernel has unit sum, so c_j holds the
 * same Jy per original beam and peak × size / beam stays its total flux; its size includes
 * the kernel's smoothing (as PyBDSF's Wave_id > 0 Gaussians).
 */
import { type Background, estimateBackground } from './background.js';
import { type FitOptions, type FittedGaussian, type IslandFit, FitWorkspace, fitIsland } from './fit.js';
import { type FloatArray, type PixelBeam, pixelBeamOf } from './image.js';
import { type Island, findIslands } from './islands.js';

export interface WaveletOptions {
  /** atrous_jmax: the number of scales (1 to 15). */
  atrousJmax: number;
  threshIsl: number;
  threshPix: number;
  /** Island connectivity, as for the image's islands. */
  connectivity?: 4 | 8;
  /** The image's rms_box [box, step]; each scale's box is at least this. */
  rmsBox: readonly [number, number];
  fit: FitOptions;
}

/** The islands and fits of one scale, with where each island went. */
export interface WaveletScale {
  /** j, 1-based: the Wave_id of its Gaussians. */
  scale: number;
  /** Islands found on c_j (ids local to this scale). */
  islands: Island[];
  fits: IslandFit[];
  background: Background;
  beam: PixelBeam;
  /** Per island: the id of the island it joined, or of the new island it became. */
  islandIds: Int32Array;
}

export const MAX_ATROUS_JMAX = 15;
/** PyBDSF's minpix_isl for wavelet images. */
const WAVELET_MINPIX = 6;
const B3 = [1 / 16, 4 / 16, 6 / 16, 4 / 16, 1 / 16];

/**
 * The scales, one at a time: each is yielded before the next is smoothed, so that a caller
 * that measures and drops each scale holds one scale's rms map and no more. `labels` (island
 * id + 1 per pixel) is extended in place with the pixels of the wavelet islands; new islands
 * get ids from `nextIslandId` on.
 */
export function* waveletScales(
  data: FloatArray,
  width: number,
  height: number,
  background: Background,
  beam: PixelBeam,
  fits: readonly IslandFit[],
  labels: Int32Array,
  nextIslandId: number,
  options: WaveletOptions,
): Generator<WaveletScale> {
  let current: Float32Array = residualImage(data, width, height, background, fits);
  const blank = blankMask(current);
  const work = new FitWorkspace();
  let smoothed: Float32Array = new Float32Array(width * height);
  for (let j = 1; j <= options.atrousJmax; j++) {
    smoothAtrous(current, smoothed, width, height, 1 << (j - 1), blank);
    [current, smoothed] = [smoothed, current];

    const scaleBeam = broadenedBeam(beam, (4 ** j - 1) / 3);
    const scaleBackground = estimateBackground(current, width, height, scaleBeam, { rmsBox: scaleRmsBox(j, options.rmsBox, width, height), rmsMap: 'map', meanMap: 'zero' });
    const found = findIslands(current, width, height, scaleBackground, scaleBeam, { threshIsl: options.threshIsl, threshPix: options.threshPix, minpixIsl: WAVELET_MINPIX, connectivity: options.connectivity });
    const scaleFits = found.islands.map((island) => fitIsland(island, current, width, scaleBackground, scaleBeam, found.labels, options.fit, work));
    for (const fit of scaleFits) for (const g of fit.gaussians) addGaussian(current, width, height, g, -1);

    const islandIds = new Int32Array(found.islands.length);
    found.islands.forEach((island, k) => {
      const joined = mostOverlapped(island, labels);
      islandIds[k] = joined >= 0 ? joined : nextIslandId++;
    });
    // Extend the mask after all of this scale's islands are placed, so that islands of one
    // scale (disjoint by construction) do not join each other.
    found.islands.forEach((island, k) => {
      for (const i of island.pixels) if (labels[i] === 0) labels[i] = islandIds[k] + 1;
    });
    yield { scale: j, islands: found.islands, fits: scaleFits, background: scaleBackground, beam: scaleBeam, islandIds };
  }
}

/** image − mean − Σ fitted Gaussians; blanks (NaN value or unusable rms) stay NaN. */
function residualImage(data: FloatArray, width: number, height: number, background: Background, fits: readonly IslandFit[]): Float32Array {
  const out = new Float32Array(width * height);
  const meanMap = typeof background.mean === 'number' ? null : background.mean;
  const meanConst = typeof background.mean === 'number' ? background.mean : 0;
  for (let i = 0; i < out.length; i++) out[i] = background.rms[i] > 0 ? data[i] - (meanMap ? meanMap[i] : meanConst) : NaN;
  for (const fit of fits) for (const g of fit.gaussians) addGaussian(out, width, height, g, -1);
  return out;
}

function blankMask(image: Float32Array): Uint8Array | null {
  let mask: Uint8Array | null = null;
  for (let i = 0; i < image.length; i++) {
    if (Number.isNaN(image[i])) (mask ??= new Uint8Array(image.length))[i] = 1;
  }
  return mask;
}

/**
 * One à trous step: out = K ∗ image, the B3 kernel with taps `spacing` pixels apart, applied
 * along x then y (it is separable), zero beyond the edges and at blanks; blanks are NaN again
 * in the output. The x pass is done in place, so `image` is overwritten (each scale smooths
 * the previous one and needs it no more): that saves a whole plane of scratch.
 */
export function smoothAtrous(image: Float32Array, out: Float32Array, width: number, height: number, spacing: number, blank: Uint8Array | null): void {
  const row = new Float32Array(width);
  for (let y = 0; y < height; y++) {
    const start = y * width;
    for (let x = 0; x < width; x++) {
      const v = image[start + x];
      row[x] = Number.isNaN(v) ? 0 : v;
    }
    for (let x = 0; x < width; x++) {
      let s = 0;
      for (let t = 0; t < 5; t++) {
        const xx = x + (t - 2) * spacing;
        if (xx >= 0 && xx < width) s += B3[t] * row[xx];
      }
      image[start + x] = s;
    }
  }
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let s = 0;
      for (let t = 0; t < 5; t++) {
        const yy = y + (t - 2) * spacing;
        if (yy >= 0 && yy < height) s += B3[t] * image[yy * width + x];
      }
      out[y * width + x] = s;
    }
  }
  if (blank) for (let i = 0; i < out.length; i++) if (blank[i]) out[i] = NaN;
}

/** PyBDSF's box for scale j: max(5 × kernel width, rms_box), step a third; constant beyond half the image. */
export function scaleRmsBox(j: number, rmsBox: readonly [number, number], width: number, height: number): [number, number] {
  const kernelWidth = 5 + 4 * (2 ** (j - 1) - 1);
  const box = Math.max(5 * kernelWidth, rmsBox[0]);
  if (box > Math.min(width, height) / 2) {
    const whole = Math.max(width, height);
    return [whole, whole];
  }
  return [box, Math.max(1, Math.round(box / 3))];
}

/** The beam convolved with an isotropic Gaussian of the given variance (px²). */
export function broadenedBeam(beam: PixelBeam, variance: number): PixelBeam {
  return pixelBeamOf({ xx: beam.cov.xx + variance, xy: beam.cov.xy, yy: beam.cov.yy + variance });
}

/** Adds sign × g to the image over the box where g exceeds 1e-6 of its peak; blanks stay blank. */
export function addGaussian(image: Float32Array, width: number, height: number, g: FittedGaussian, sign: number): void {
  const reach = g.sigmaMajor * Math.sqrt(2 * Math.log(1e6));
  const x0 = Math.max(0, Math.floor(g.x - reach));
  const x1 = Math.min(width - 1, Math.ceil(g.x + reach));
  const y0 = Math.max(0, Math.floor(g.y - reach));
  const y1 = Math.min(height - 1, Math.ceil(g.y + reach));
  const c = Math.cos(g.angle);
  const s = Math.sin(g.angle);
  const ia = 1 / (g.sigmaMajor * g.sigmaMajor);
  const ib = 1 / (g.sigmaMinor * g.sigmaMinor);
  for (let y = y0; y <= y1; y++) {
    for (let x = x0; x <= x1; x++) {
      const dx = x - g.x;
      const dy = y - g.y;
      const u = dx * c + dy * s;
      const v = -dx * s + dy * c;
      image[y * width + x] += sign * g.peak * Math.exp(-0.5 * (u * u * ia + v * v * ib));
    }
  }
}

/** The id of the labelled island sharing most pixels with `island`, or −1 when it touches none. */
function mostOverlapped(island: Island, labels: Int32Array): number {
  const counts = new Map<number, number>();
  for (const i of island.pixels) {
    const l = labels[i];
    if (l > 0) counts.set(l, (counts.get(l) ?? 0) + 1);
  }
  let best = -1;
  let bestCount = 0;
  for (const [l, n] of counts) {
    if (n > bestCount || (n === bestCount && l - 1 < best)) {
      best = l - 1;
      bestCount = n;
    }
  }
  return best;
}
