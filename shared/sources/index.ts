/**
 * Native source finder (PyBDSF-equivalent Gaussian lists). `findSources` runs every stage;
 * the stages are exported for tools and tests that need one of them.
 */
export { type FindSourcesOptions, type FindSourcesResult, type Stage, type StageTiming, findSources } from './find.js';
export { type SourceImage, type PixelBeam, type FloatArray, beamInPixels, localSkyJacobian } from './image.js';
export { type Background, type BackgroundOptions, type MeanMapOption, estimateBackground } from './background.js';
export { type Island, type IslandMap, type IslandOptions, defaultMinPixels, findIslands } from './islands.js';
export { type WaveletOptions, type WaveletScale, MAX_ATROUS_JMAX, waveletScales } from './atrous.js';
export { type FitOptions, type FittedGaussian, type IslandFit, fitIsland, fitIslands } from './fit.js';
export { type CondonErrors, type CondonInput, condonErrors } from './condon.js';
export { type MeasureOptions, measureComponents } from './measure.js';
export { type GroupingOptions, groupIsland, sourceCodes } from './grouping.js';
export { type QualityOptions, QUALITY_LOW_SNR, QUALITY_PEAK_OVER_TOTAL, QUALITY_SIDELOBE, assessQuality, nearestNeighbourArcsec, peakToRingRatio } from './quality.js';
export type * from './types.js';
