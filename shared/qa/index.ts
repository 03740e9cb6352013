/**
 * Image QA of VLASS products: measure a product once into a plain results object, judge the
 * metrics with CAPO-configured rules, and deliver the result (JSON, FITS keywords, previews,
 * QA_REJECTED/ without losing a file). Continuum products (QL, SE) in ./continuum, coarse cubes
 * in ./cube; the core (rules, results, annotation, rejection, reports) here. What the tools use
 * is exported; the tests reach the parts through their own modules.
 */
export * from './types.js';
export * from './cube/types.js';
export { type RuleConfig, type RuleSpec, loadRuleConfigs } from './rules.js';
export { REJECT_DIRECTORY } from './reject.js';
export { summarizeQa } from './report.js';
export { CONTINUUM_RULES } from './continuum/rules.js';
export { type SeMetrics, type SeQaResult, type SeSettings, loadSeSettings, seRules } from './continuum/seRules.js';
export { summarizeSe } from './continuum/se.js';
export { type ContinuumQaOptions, quicklookQa, singleEpochQa } from './continuum/run.js';
export { CUBE_RULES, loadCubeSettings } from './cube/rules.js';
export { PLANES_CSV_COLUMNS, summarizeCubeQa } from './cube/report.js';
export { type CubeQaOptions, cubeQa } from './cube/run.js';
