/**
 * Stage 2: islands of emission, as PyBDSF defines them.
 *
 * An island is a set of 8-connected pixels with (value − mean) >= thresh_isl · rms (bound
 * inclusive, as PyBDSF's `(image − mean)/thresh_isl >= rms`) that
 *  - contains at least one pixel with (value − mean) > thresh_pix · rms (strict, as PyBDSF's
 *    peak test), and
 *  - has at least minpix_isl pixels.
 * Pixels whose value, mean or rms is NaN, or whose rms is not positive (blanked regions), are
 * never island pixels.
 *
 * Labelling is one raster scan with union–find over provisional labels (the classic two-pass
 * algorithm with the decision tree of Wu, Otoo & Suzuki 2005: when the west neighbour is
 * labelled it already joins north-west and north, so only north-east can bring a new
 * equivalence). The scan also lists the foreground pixels, so the passes that resolve labels,
 * apply the size and peak cuts and gather each island's pixels touch only those, never the
 * whole image again. Islands are numbered in raster order of their first pixel.
 */
import { ConfigError } from '../errors.js';
import type { Background } from './background.js';
import type { FloatArray, PixelBeam } from './image.js';
import type { Measured } from './types.js';

export interface IslandOptions {
  /** thresh_isl (default 3). */
  threshIsl?: number;
  /** thresh_pix (default 5). */
  threshPix?: number;
  /** minpix_isl; default a third of the beam area in pixels, at least 6 (PyBDSF). */
  minpixIsl?: number;
  /**
   * Which neighbours join pixels into one island: 8 (edges and corners, PyBDSF's; default)
   * or 4 (edges only, as Aegean labels with scipy's default structure).
   */
  connectivity?: 4 | 8;
}

export interface Island {
  /** Isl_id, 0-based; the label image holds id + 1. */
  id: number;
  /** Flat pixel indices (y·width + x), in raster order. */
  pixels: Int32Array;
  xMin: number;
  xMax: number;
  yMin: number;
  yMax: number;
  /** Brightest pixel: its index and value above the mean (Jy/beam). */
  peakIndex: number;
  peakValue: number;
  /** Mean of the rms and of the mean map over the island's pixels (Isl_rms, Isl_mean). */
  rms: number;
  mean: number;
  /**
   * Sum of (value − mean) over the island's pixels divided by the beam area in pixels (Jy),
   * with error rms·√(npix / beam area) — one rms per independent beam. (PyBDSF sums over the
   * island's bounding box instead, which also counts noise and neighbours.)
   */
  totalFlux: Measured;
}

export interface IslandMap {
  /** Island id + 1 per pixel, 0 outside islands. */
  labels: Int32Array;
  islands: Island[];
  /** minpix_isl used. */
  minPixels: number;
}

/** PyBDSF's floor on the default minimum island size: fewer pixels cannot constrain a fit. */
const MIN_DEFAULT_ISLAND_PIXELS = 6;

export function defaultMinPixels(beam: PixelBeam): number {
  return Math.max(MIN_DEFAULT_ISLAND_PIXELS, Math.floor(beam.areaPixels / 3));
}

export function findIslands(data: FloatArray, width: number, height: number, background: Background, beam: PixelBeam, options: IslandOptions = {}): IslandMap {
  const threshIsl = options.threshIsl ?? 3;
  const threshPix = options.threshPix ?? 5;
  const minPixels = options.minpixIsl ?? defaultMinPixels(beam);
  if (!(threshIsl > 0 && threshPix > 0)) throw new ConfigError(`thresh_isl ${threshIsl} and thresh_pix ${threshPix} must be positive`);
  if (!(Number.isInteger(minPixels) && minPixels >= 1)) throw new ConfigError(`minpix_isl ${minPixels} must be a positive integer`);
  const connectivity = options.connectivity ?? 8;
  if (connectivity !== 4 && connectivity !== 8) throw new ConfigError(`island connectivity ${String(connectivity)} must be 4 or 8`);

  const labels = new Int32Array(width * height);
  const scan = labelForeground(data, width, height, background, threshIsl, labels, connectivity === 8);
  const { parent, foreground, count: nForeground, labelCount } = scan;

  // Every provisional label's parent is smaller, so one ascending sweep flattens the forest.
  for (let l = 1; l <= labelCount; l++) parent[l] = parent[parent[l]];

  // Size and brightest pixel per root.
  const size = new Int32Array(labelCount + 1);
  const peakIndex = new Int32Array(labelCount + 1).fill(-1);
  const peakValue = new Float64Array(labelCount + 1).fill(-Infinity);
  const peakSnr = new Float64Array(labelCount + 1).fill(-Infinity);
  const { rms } = background;
  const meanMap = typeof background.mean === 'number' ? null : background.mean;
  const meanConst = typeof background.mean === 'number' ? background.mean : 0;
  for (let f = 0; f < nForeground; f++) {
    const i = foreground[f];
    const root = parent[labels[i]];
    size[root]++;
    const above = data[i] - (meanMap ? meanMap[i] : meanConst);
    if (above > peakValue[root]) {
      peakValue[root] = above;
      peakIndex[root] = i;
    }
    const snr = above / rms[i];
    if (snr > peakSnr[root]) peakSnr[root] = snr;
  }

  // Cuts, and final ids in raster order of each island's first pixel (= ascending root).
  const finalId = new Int32Array(labelCount + 1);
  let nIslands = 0;
  for (let l = 1; l <= labelCount; l++) {
    if (parent[l] === l && size[l] >= minPixels && peakSnr[l] > threshPix) finalId[l] = ++nIslands;
  }

  const islandSize = new Int32Array(nIslands + 1);
  for (let l = 1; l <= labelCount; l++) if (finalId[l]) islandSize[finalId[l]] = size[l];
  const offset = new Int32Array(nIslands + 2);
  for (let k = 1; k <= nIslands; k++) offset[k + 1] = offset[k] + islandSize[k];
  const allPixels = new Int32Array(offset[nIslands + 1]);
  const fill = offset.slice();
  for (let f = 0; f < nForeground; f++) {
    const i = foreground[f];
    const id = finalId[parent[labels[i]]];
    labels[i] = id;
    if (id) allPixels[fill[id]++] = i;
  }

  const islands: Island[] = [];
  for (let l = 1; l <= labelCount; l++) {
    const id = finalId[l];
    if (!id) continue;
    const pixels = allPixels.subarray(offset[id], offset[id + 1]);
    islands.push(summarise(id - 1, pixels, peakIndex[l], peakValue[l], data, width, background, beam));
  }
  return { labels, islands, minPixels };
}

interface ForegroundScan {
  parent: Int32Array;
  foreground: Int32Array;
  count: number;
  labelCount: number;
}

/** The raster scan: provisional labels into `labels`, equivalences into `parent`. */
function labelForeground(data: FloatArray, width: number, height: number, background: Background, threshIsl: number, labels: Int32Array, diagonals: boolean): ForegroundScan {
  const { rms } = background;
  const meanMap = typeof background.mean === 'number' ? null : background.mean;
  const meanConst = typeof background.mean === 'number' ? background.mean : 0;
  let parent: Int32Array = new Int32Array(1024);
  let foreground: Int32Array = new Int32Array(1 << 16);
  let count = 0;
  let next = 1;

  const find = (l: number): number => {
    while (parent[l] !== l) {
      parent[l] = parent[parent[l]];
      l = parent[l];
    }
    return l;
  };
  const union = (a: number, b: number): number => {
    const ra = find(a);
    const rb = find(b);
    if (ra === rb) return ra;
    if (ra < rb) {
      parent[rb] = ra;
      return ra;
    }
    parent[ra] = rb;
    return rb;
  };

  for (let y = 0; y < height; y++) {
    const row = y * width;
    const rowEnd = row + width;
    for (let i = nextForeground(data, rms, meanMap, meanConst, threshIsl, row, rowEnd); i >= 0; i = nextForeground(data, rms, meanMap, meanConst, threshIsl, i + 1, rowEnd)) {
      const x = i - row;
      const west = x > 0 ? labels[i - 1] : 0;
      // Without diagonals only west and north join, and they do not touch each other, so a
      // labelled west must be joined with north explicitly (with diagonals, north is west's
      // north-east neighbour and already joined to it).
      const northEast = diagonals && y > 0 && x < width - 1 ? labels[i - width + 1] : 0;
      let l: number;
      if (west) {
        const other = diagonals ? northEast : y > 0 ? labels[i - width] : 0;
        l = other ? union(west, other) : west;
      } else {
        const north = y > 0 ? labels[i - width] : 0;
        if (north) {
          l = north;
        } else {
          const northWest = diagonals && y > 0 && x > 0 ? labels[i - width - 1] : 0;
          if (northWest) l = northEast ? union(northWest, northEast) : northWest;
          else if (northEast) l = northEast;
          else {
            if (next >= parent.length) parent = grow(parent);
            parent[next] = next;
            l = next++;
          }
        }
      }
      labels[i] = l;
      if (count >= foreground.length) foreground = grow(foreground);
      foreground[count++] = i;
    }
  }
  return { parent, foreground, count, labelCount: next - 1 };
}

/**
 * First index in [from, end) of a pixel above the island threshold, or −1. Kept apart as a
 * tight loop because it runs over every pixel of the image and almost all of them fail; the
 * test is written so that NaN in value, mean or rms fails it.
 */
function nextForeground(data: FloatArray, rms: FloatArray, meanMap: FloatArray | null, meanConst: number, threshIsl: number, from: number, end: number): number {
  if (meanMap) {
    for (let i = from; i < end; i++) {
      const r = rms[i];
      if (data[i] - meanMap[i] >= threshIsl * r && r > 0) return i;
    }
  } else {
    for (let i = from; i < end; i++) {
      const r = rms[i];
      if (data[i] - meanConst >= threshIsl * r && r > 0) return i;
    }
  }
  return -1;
}

function grow(a: Int32Array): Int32Array {
  const b = new Int32Array(a.length * 2);
  b.set(a);
  return b;
}

function summarise(id: number, pixels: Int32Array, peakIndex: number, peakValue: number, data: FloatArray, width: number, background: Background, beam: PixelBeam): Island {
  const { rms } = background;
  const meanMap = typeof background.mean === 'number' ? null : background.mean;
  const meanConst = typeof background.mean === 'number' ? background.mean : 0;
  let xMin = Infinity;
  let xMax = -Infinity;
  let yMin = Infinity;
  let yMax = -Infinity;
  let sumRms = 0;
  let sumMean = 0;
  let sumAbove = 0;
  for (let k = 0; k < pixels.length; k++) {
    const i = pixels[k];
    const y = (i / width) | 0;
    const x = i - y * width;
    if (x < xMin) xMin = x;
    if (x > xMax) xMax = x;
    if (y < yMin) yMin = y;
    if (y > yMax) yMax = y;
    const m = meanMap ? meanMap[i] : meanConst;
    sumRms += rms[i];
    sumMean += m;
    sumAbove += data[i] - m;
  }
  const n = pixels.length;
  const islRms = sumRms / n;
  return {
    id,
    pixels,
    xMin,
    xMax,
    yMin,
    yMax,
    peakIndex,
    peakValue,
    rms: islRms,
    mean: sumMean / n,
    totalFlux: { value: sumAbove / beam.areaPixels, error: islRms * Math.sqrt(n / beam.areaPixels) },
  };
}
