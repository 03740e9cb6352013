/**
 * QA report pages (`--report`): one self-contained HTML page per product with the verdict,
 * the rules, the image and the plots an operator judges by looking. Plots are Vega-Lite
 * rendered to SVG in Node (vega.ts).
 */
export { continuumQaReport, rulesSection, type ContinuumReportInput } from './qaReport.js';
export { writeReport } from './write.js';
export { cubeQaReport } from './cubeQaReport.js';
export { catalogReport, type CatalogReportInput } from './catalogReport.js';
export { cubeCatalogReport } from './cubeCatalogReport.js';
