/**
 * Pixel ↔ world coordinates for radio images (SIN / TAN / ARC celestial projections, linear
 * spectral and Stokes axes), from a header given as a record or a getter. Public pixel
 * coordinates are 0-BASED (astropy origin 0); see wcs.ts.
 */
export { type HeaderSource, type HeaderValue, HeaderReader, headerSource } from './header.js';
export { Wcs, type WcsAxis, type CelestialFrame } from './wcs.js';
export type { AxisKind } from './axes.js';
export type { ProjectionCode } from './projections.js';
export { angularSeparation } from './spherical.js';
export { type Beam, beamFromHeader, beamAreaArcsec2, pixelScaleArcsec } from './beam.js';
export { type SexagesimalOptions, formatRa, formatDec, phaseCentreName } from './format.js';
export { stokesName, stokesCode } from './stokes.js';
