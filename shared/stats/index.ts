/**
 * Robust image statistics over Float32Array / Float64Array pixels, accumulated in float64.
 * Order statistics use selection on a single working copy of the data (never a full sort);
 * NaN is always ignored and exact zeros can be (`excludeZeros`). See each module for the
 * numpy / astropy / CASA definition it reproduces.
 */
export { type ConsumeOptions, type FloatArray, type SampleOptions, type WorkingCopyOptions, workingArray, workingCopy } from './sample.js';
export { selectInPlace, selectByDistanceInPlace } from './select.js';
export { median, percentile, percentiles, medianOfWork, percentilesOfWork, medianAndPercentiles } from './quantiles.js';
export { type OrderStatistics, type RadixOptions, orderStatistics } from './radix.js';
export { MAD_TO_SIGMA, type RobustSummary, medianAndMad, madStd, madOfWork } from './mad.js';
export { type MeanStd, type MeanStdOptions, meanStd } from './moments.js';
export { type PixelValue, type Extrema, extrema } from './extrema.js';
export { type PixelCounts, countPixels, fractionsBelow, pixelCensus } from './counts.js';
export { type Histogram, type HistogramOptions, histogram } from './histogram.js';
export { type SigmaClipOptions, type SigmaClipResult, sigmaClippedStats } from './sigmaclip.js';
export { type ChauvenetOptions, type ChauvenetResult, chauvenetClippedStats, chauvenetZScore } from './chauvenet.js';
export { erfc, erfcInverse } from './special.js';
