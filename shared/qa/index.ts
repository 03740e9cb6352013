/**
 * Image QA for VLASS products: find a product's files, measure its images once into a plain
 * results object, judge the metrics with CAPO-configured rules, and write the result (JSON,
 * FITS keywords, previews), moving a rejected product into QA_REJECTED/ without losing a file.
 * The tools (annotateQa, annotateQaSE, annotateQaSECube) are thin command lines over this.
 */
export * from './types.js';
export { type RuleSpec, type RuleConfig, type RuleUnit, loadRuleConfigs, evaluateRule, evaluateRules, overallVerdict, formatValue } from './rules.js';
export { productInfo } from './productInfo.js';
export { type ImagePlane, MIN_PLANE_SIDE, readSinglePlane, readPlaneHeader } from './planes.js';
export { beamMetrics, celestialWcs, headerSource, imageCellArcsec, imageGeometry } from './headerMetrics.js';
export { measurePbcor } from './pbcorMetrics.js';
export { RMS_LEVELS_JY, measureRms, fractionsAtOrBelow, nextUp } from './rmsMetrics.js';
export { type RmsPlane, measureContinuum } from './measure.js';
export { COMPUTED_RMS_HISTORY, readRmsPlane, computeRmsPlane, writeComputedRms } from './rmsSource.js';
export { CONTINUUM_RULES } from './continuumRules.js';
export { type Annotation, QA_KEYWORD_COMMENTS, qaKeywords, annotateFits } from './annotate.js';
export { type MoveHooks, type MovedFile, type MoveResult, type PlacedBy, REJECT_DIRECTORY, moveToRejected } from './reject.js';
export { sha256File } from '../io/hash.js';
export { qaJsonName, writeQaJson, summarizeQa } from './report.js';
export { type AlphaMetrics, type AlphaOptions, type AlphaPlanes, type PlaneSource, highSnrPixels, gather, measureAlpha } from './alphaMetrics.js';
export { type CatalogMetrics, QUALITY_FLAG_COLUMN, readComponentCatalog, imagedAreaSqDeg, measureCatalog } from './catalogMetrics.js';
export { type SeMetrics, type SeQaResult, type SeSettings, loadSeSettings, seRules } from './seRules.js';
export { SE_COMPANION_IMAGES, SAME_GRID_TOLERANCE_PIXELS, checkOnGrid, sameSky, summarizeSe } from './se.js';
export * from './cubeTypes.js';
export { type CubeFile, type CubeProduct, type CubeDiscoverOptions, discoverCube, missingSpws, windowFiles, cubeProductInfo } from './cubeDiscover.js';
export { type BeamTableRow, hasBeamTable, readBeamTable } from './cubeBeams.js';
export { type PlaneBeam, type PlanePlan, type CubeFilePlan, inspectCubeFile, checkSameGrid } from './cubeLayout.js';
export { type PlaneStatistics, type MeasuredPlane, type PlaneProgress, PlaneScanner, measureCubePlanes } from './cubeMeasure.js';
export { CUBE_RULES, loadCubeSettings, chooseReference, judgePlanes, summarizePlanes, planeName } from './cubeRules.js';
export { type FileAnnotation, CUBE_KEYWORD_COMMENTS, PLANES_CSV_COLUMNS, cubeQaJsonName, planesCsvName, writeCubeQaJson, planesCsv, writePlanesCsv, fileRejected, rejectionComment, cubeFileKeywords, annotateCubeFile, summarizeCubeQa } from './cubeReport.js';
export { type QaDeliveryFlags, deliverQa } from './deliver.js';
