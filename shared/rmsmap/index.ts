/**
 * VLASS rms images computed the way the pipeline does with CASA imdev (60" boxes every 10
 * pixels, Chauvenet-clipped MAD sigma, interpolated between grid nodes). See rmsmap.ts.
 */
export { type GridOptions, type RmsGridGeometry, boxSide, gridGeometry, referencePixelAnchor } from './grid.js';
export { type BoxHint, type BoxResult, BoxStatistic } from './boxstat.js';
export { SortedTiles } from './tiles.js';
export { RowStrips } from './strips.js';
export { type GridInterpolation, catmullRomWeights, interpolateGrid } from './interpolate.js';
export { type RmsGrid, type RmsMapOptions, computeRmsGrid, computeRmsMap, interpolateRmsGrid } from './rmsmap.js';
export { type WriteRmsOptions, writeRmsImage } from './write.js';
