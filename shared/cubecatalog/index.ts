/**
 * The coarse-cube component list: per-window flux densities of the continuum catalog's
 * components, fitted with position and shape fixed in every kept plane, and a spectral index
 * across the windows. See docs/create-cube-component-list.md.
 */
export { type CubeCatalogRow, type CubeCatalogText, type PlaneColumn, cubeCatalogColumns, formatCubeCatalog, frequencyText } from './csv.js';
export { type CubePlanes, type CubePlane, findCubePlanes } from './planes.js';
export { type FitComponent, type FitSettings, type FitStatus, type PlaneFit, type PlaneGrid, fitPlane, solveSpd } from './fit.js';
export { type Cov2, type Mat2, FWHM_PER_SIGMA, ZERO_COV, addCov, correlatedNoiseFactor2, det, inverseCov, invertMat, skyCovariance, skyJacobian, transformCov } from './geometry.js';
export { type CubeQa, type QaPlaneRecord, applyCubeQa, readCubeQa } from './qaResult.js';
export { type CubeCatalogOptions, type CubeCatalogResult, type ModelSettings, type PlaneSummary, isResolved, makeCubeCatalog } from './run.js';
export { type NoiseMap, noiseMap } from './localNoise.js';
export { type SpectralFit, type SpectralSettings, fitSpectralIndex } from './spectrum.js';
