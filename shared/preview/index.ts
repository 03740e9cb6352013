/**
 * Archive preview JPEGs of an image plane: area-averaged to 1024 and 256 px, asinh (default)
 * or zscale stretch with astropy's definitions, north up, blanks in a flat neutral grey.
 */
export { type AreaSums, areaMeans, downsampleMean, previewSize, resumAreas, sumAreas } from './downsample.js';
export { type Limits, type ZScaleOptions, zscaleLimits } from './zscale.js';
export { DEFAULT_ASINH_A, DEFAULT_HEADROOM, DEFAULT_PERCENTILES, type GreyScale, type StretchName, type StretchOptions, asinhLimits, asinhStretch, greyScale, percentileLimits } from './stretch.js';
export { DEFAULT_BLANK_COLOR, DEFAULT_MAX_SIZE, type PreviewImage, type PreviewOptions, renderPreview, renderValues, shrink } from './render.js';
export { DEFAULT_QUALITY, THUMBNAIL_SIZE, type WritePreviewOptions, encodeJpeg, writePreviews } from './write.js';
