/**
 * The native source finder: PyBDSF-equivalent Gaussian lists from one image plane, as a chain
 * of stages over one image state — background → islands → Gaussian fits → measurements →
 * (optionally) wavelet scales → quality — each timed so the calling tool can log where the
 * time went.
 *
 * Memory beyond the input: the island label image (Int32Array) and, when no rms map is given,
 * the rms map (Float32Array); a measured mean map ('map') adds one more. Everything else is
 * per island. The wavelet scales (atrousDo) add about four planes while they run: the
 * residual, its smoothed copy, and one scale's rms map and labels.
 */
import { performance } from 'node:perf_hooks';
import { ConfigError } from '../errors.js';
import { MAX_ATROUS_JMAX, type WaveletScale, waveletScales } from './atrous.js';
import { type Background, type BackgroundOptions, chooseRmsBox, estimateBackground, wholeImageStatistic } from './background.js';
import { type FitOptions, fitIslands } from './fit.js';
import { type FloatArray, type SourceImage, localSkyJacobian, resolveImage } from './image.js';
import { type Island, type IslandOptions, findIslands } from './islands.js';
import { measureComponents } from './measure.js';
import { type QualityOptions, assessQuality } from './quality.js';
import type { Component } from './types.js';

/** Options, named after PyBDSF's (camelCase). */
export interface FindSourcesOptions extends BackgroundOptions, IslandOptions, Omit<FitOptions, 'threshPix'> {
  /** PyBDSF group_tol for grouping Gaussians into sources (default 1). */
  groupTol?: number;
  /** CIRADA quality measures: options, or false to skip them. */
  quality?: QualityOptions | false;
  /**
   * PyBDSF atrous_do: also search the fit residual on atrous_jmax wavelet scales (atrous.ts).
   * Off by default, as VLASS runs PyBDSF.
   */
  atrousDo?: boolean;
  /** PyBDSF atrous_jmax: scales searched when atrousDo (1 to 15; default 3). */
  atrousJmax?: number;
}

export type Stage = 'background' | 'islands' | 'fit' | 'wavelets' | 'measure' | 'quality';

export interface StageTiming {
  stage: Stage;
  ms: number;
}

export interface FindSourcesResult {
  /** One per fitted Gaussian, in Gaus_id order: the image's, then each wavelet scale's. */
  components: Component[];
  /** The image's islands, then the new islands of the wavelet scales, in Isl_id order. */
  islands: Island[];
  timings: StageTiming[];
  /** The rms map used (the given one, or the one measured). */
  rmsMap: FloatArray;
  /** Where it came from: given, measured on the box grid, or one constant. */
  rmsSource: Background['rmsSource'];
  /** rms_box used when the background was measured, and with adaptive_rms_box the small box. */
  rmsBox?: readonly [number, number];
  brightBox?: readonly [number, number];
  /** The mean map used, or its constant value. */
  mean: FloatArray | number;
  /** Which background mean was used (mean_map 'default' decides between const and map). */
  meanType?: 'zero' | 'const' | 'map';
  /** Island id + 1 per pixel, 0 outside islands (PyBDSF's island mask, labelled). */
  islandMask: Int32Array;
  /** minpix_isl used. */
  minpixIsl: number;
}

export function findSources(image: SourceImage, options: FindSourcesOptions = {}): FindSourcesResult {
  const timings: StageTiming[] = [];
  const timed = <T>(stage: Stage, run: () => T): T => {
    const t0 = performance.now();
    const result = run();
    timings.push({ stage, ms: performance.now() - t0 });
    return result;
  };

  const resolved = resolveImage(image);
  const { data, width, height, pixelBeam } = resolved;
  const background: Background = timed('background', () => estimateBackground(data, width, height, pixelBeam, options));
  const islandMap = timed('islands', () => findIslands(data, width, height, background, pixelBeam, options));
  const fitOptions: FitOptions = { ...options, threshPix: options.threshPix ?? 5 };
  const fits = timed('fit', () => fitIslands(islandMap.islands, data, width, background, pixelBeam, islandMap.labels, fitOptions));
  const grouping = { groupTol: options.groupTol, threshIsl: options.threshIsl };
  const components = timed('measure', () => measureComponents(resolved, background, islandMap.islands, fits, grouping));
  const islands = [...islandMap.islands];
  if (options.atrousDo) {
    timed('wavelets', () => {
      const firstNewId = islands.length;
      const scales = waveletScales(data, width, height, background, pixelBeam, fits, islandMap.labels, firstNewId, {
        atrousJmax: checkedJmax(options.atrousJmax ?? 3),
        threshIsl: options.threshIsl ?? 3,
        threshPix: fitOptions.threshPix!,
        connectivity: options.connectivity,
        rmsBox: background.rmsBox ?? chooseRmsBox(data, width, height, pixelBeam, () => wholeImageStatistic(data, width, height, options.clipSigma ?? 3), options).rmsBox,
        fit: fitOptions,
      });
      // Each scale is measured as it comes, so that only one scale's maps are alive at once.
      for (const scale of scales) {
        components.push(...measureScale(resolved, scale, grouping));
        scale.islands.forEach((island, k) => {
          if (scale.islandIds[k] === islands.length) islands.push({ ...island, id: islands.length });
        });
      }
    });
    renumber(components);
  }
  if (options.quality !== false) {
    const qualityOptions = options.quality ?? {};
    timed('quality', () =>
      assessQuality(components, data, width, height, (x, y) => localPixelScaleArcsec(resolved.wcs, x, y), qualityOptions),
    );
  }
  return {
    components,
    islands,
    timings,
    rmsMap: background.rms,
    rmsSource: background.rmsSource,
    rmsBox: background.rmsBox,
    brightBox: background.brightBox,
    mean: background.mean,
    meanType: background.meanType,
    islandMask: islandMap.labels,
    minpixIsl: islandMap.minPixels,
  };
}

function checkedJmax(jmax: number): number {
  if (!(Number.isInteger(jmax) && jmax >= 1 && jmax <= MAX_ATROUS_JMAX)) throw new ConfigError(`atrous_jmax ${jmax} must be an integer from 1 to ${MAX_ATROUS_JMAX}`);
  return jmax;
}

/**
 * A wavelet scale's Gaussians as components: errors from that scale's rms and noise beam (the
 * image's restoring beam still converts peak to total flux, as c_j keeps the image's units), then
 * given their Wave_id and the island each wavelet island joined or became.
 */
function measureScale(resolved: ReturnType<typeof resolveImage>, scale: WaveletScale, grouping: { groupTol?: number; threshIsl?: number }): Component[] {
  const components = measureComponents(resolved, scale.background, scale.islands, scale.fits, { ...grouping, noiseBeam: scale.beam });
  for (const c of components) {
    c.waveId = scale.scale;
    c.islId = scale.islandIds[c.islId];
  }
  return components;
}

/** Gaus_id in list order; Source_id made unique across scales, in order of first appearance. */
function renumber(components: Component[]): void {
  const sourceIds = new Map<string, number>();
  components.forEach((c, k) => {
    c.gausId = k;
    const key = `${c.waveId}:${c.sourceId}`;
    if (!sourceIds.has(key)) sourceIds.set(key, sourceIds.size);
    c.sourceId = sourceIds.get(key)!;
  });
}

/** Geometric-mean pixel size on the sky at (x, y), arcsec: √|det J|. */
function localPixelScaleArcsec(wcs: ReturnType<typeof resolveImage>['wcs'], x: number, y: number): number {
  const j = localSkyJacobian(wcs, x, y);
  return Math.sqrt(Math.abs(j.a * j.d - j.b * j.c)) * 3600;
}
