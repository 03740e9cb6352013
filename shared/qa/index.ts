/**
 * Image QA for VLASS products: find a product's files, measure its images once into a plain
 * results object, judge the metrics with CAPO-configured rules, and write the result (JSON,
 * FITS keywords, previews), moving a rejected product into QA_REJECTED/ without losing a file.
 * The tools (annotateQa, annotateQaSE, annotateQaSECube) are thin command lines over this.
 */
export * from './types.js';
export { type RuleSpec, type RuleConfig, type RuleUnit, loadRuleConfigs, evaluateRule, evaluateRules, overallVerdict, formatValue } from './rules.js';
export { productInfo, cubeProductInfo } from './productInfo.js';
export { type ImagePlane, MIN_PLANE_SIDE, readSinglePlane, readPlaneHeader, celestialWcs, imageCellArcsec } from '../vlass/image.js';
export { beamMetrics, imageGeometry } from './continuum/geometry.js';
export { measurePbcor } from './continuum/pbcor.js';
export { RMS_LEVELS_JY, measureRms, fractionsAtOrBelow, nextUp } from './continuum/rms.js';
export { type RmsPlane, measureContinuum } from './continuum/measure.js';
export { COMPUTED_RMS_HISTORY, readRmsPlane, computeRmsPlane, writeComputedRms } from './continuum/rmsSource.js';
export { CONTINUUM_RULES } from './continuum/rules.js';
export { type Annotation, QA_KEYWORD_COMMENTS, qaKeywords, annotateFits } from './annotate.js';
export { type MoveHooks, type MovedFile, type MoveResult, type PlacedBy, REJECT_DIRECTORY, moveToRejected } from './reject.js';
export { sha256File } from '../io/hash.js';
export { qaJsonName, writeQaJson, summarizeQa } from './report.js';
export { type AlphaMetrics, type AlphaOptions, type AlphaPlanes, type PlaneSource, highSnrPixels, gather, measureAlpha } from './continuum/alpha.js';
export { type CatalogMetrics, QUALITY_FLAG_COLUMN, readComponentCatalog, imagedAreaSqDeg, measureCatalog } from './continuum/catalog.js';
export { type SeMetrics, type SeQaResult, type SeSettings, loadSeSettings, seRules } from './continuum/seRules.js';
export { SE_COMPANION_IMAGES, SAME_GRID_TOLERANCE_PIXELS, checkOnGrid, sameSky, summarizeSe } from './continuum/se.js';
export * from './cube/types.js';
export { type CubeFile, type CubeProduct, type CubeDiscoverOptions, discoverCube, missingSpws, windowFiles } from '../cube/discover.js';
export { type BeamTableRow, hasBeamTable, readBeamTable } from '../fits/beams.js';
export { type PlanePlan, type CubeFilePlan, inspectCubeFile, checkSameGrid } from '../cube/plan.js';
export { type PlaneStatistics, type MeasuredPlane, type PlaneProgress, PlaneScanner, measureCubePlanes } from './cube/measure.js';
export { CUBE_RULES, loadCubeSettings, chooseReference, judgePlanes, summarizePlanes, planeName } from './cube/rules.js';
export { type FileAnnotation, CUBE_KEYWORD_COMMENTS, PLANES_CSV_COLUMNS, cubeQaJsonName, planesCsvName, writeCubeQaJson, planesCsv, writePlanesCsv, fileRejected, rejectionComment, cubeFileKeywords, annotateCubeFile, summarizeCubeQa } from './cube/report.js';
export { type QaDeliveryFlags, deliverQa } from './deliver.js';
