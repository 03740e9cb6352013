/**
 * The native source finder: PyBDSF-equivalent Gaussian lists from one image plane, as a chain
 * of stages over one image state — background → islands → Gaussian fits → measurements →
 * quality — each timed so the calling tool can log where the time went.
 *
 * Memory beyond the input: the island label image (Int32Array) and, when no rms map is given,
 * the rms map (Float32Array); a measured mean map ('map') adds one more. Everything else is
 * per island.
 */
import { performance } from 'node:perf_hooks';
import { type Background, type BackgroundOptions, estimateBackground } from './background.js';
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
}

export type Stage = 'background' | 'islands' | 'fit' | 'measure' | 'quality';

export interface StageTiming {
  stage: Stage;
  ms: number;
}

export interface FindSourcesResult {
  /** One per fitted Gaussian, in Gaus_id order. */
  components: Component[];
  islands: Island[];
  timings: StageTiming[];
  /** The rms map used (the given one, or the one measured). */
  rmsMap: FloatArray;
  /** The mean map used, or its constant value. */
  mean: FloatArray | number;
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
  const fits = timed('fit', () =>
    fitIslands(islandMap.islands, data, width, background, pixelBeam, islandMap.labels, { ...options, threshPix: options.threshPix ?? 5 }),
  );
  const components = timed('measure', () =>
    measureComponents(resolved, background, islandMap.islands, fits, { groupTol: options.groupTol, threshIsl: options.threshIsl }),
  );
  if (options.quality !== false) {
    const qualityOptions = options.quality ?? {};
    timed('quality', () =>
      assessQuality(components, data, width, height, (x, y) => localPixelScaleArcsec(resolved.wcs, x, y), qualityOptions),
    );
  }
  return {
    components,
    islands: islandMap.islands,
    timings,
    rmsMap: background.rms,
    mean: background.mean,
    islandMask: islandMap.labels,
    minpixIsl: islandMap.minPixels,
  };
}

/** Geometric-mean pixel size on the sky at (x, y), arcsec: √|det J|. */
function localPixelScaleArcsec(wcs: ReturnType<typeof resolveImage>['wcs'], x: number, y: number): number {
  const j = localSkyJacobian(wcs, x, y);
  return Math.sqrt(Math.abs(j.a * j.d - j.b * j.c)) * 3600;
}
