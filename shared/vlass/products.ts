/**
 * The VLASS products our tools read and write, each file defined once: what follows the
 * product stem (`<stem>.I.iter1.image.pbcor.tt0.subim.fits`), the cell sizes the name's cell
 * token stands for, the coarse cube's spectral windows, and the layouts (files by role) that
 * discovery (./discover.ts) looks for. Names: docs/ and ../reference/vlass-domain.md.
 */
import type { ProductLayout } from './discover.js';

/** File suffixes after `<stem>.`, by product. A test checks none is spelled anywhere else. */
export const VLASS_SUFFIX = {
  qlImage: 'I.iter1.image.pbcor.tt0.subim.fits',
  qlRms: 'I.iter1.image.pbcor.tt0.rms.subim.fits',
  seImage: 'I.iter3.image.pbcor.tt0.subim.fits',
  seRms: 'I.iter3.image.pbcor.tt0.rms.subim.fits',
  seTt1: 'I.iter3.image.pbcor.tt1.subim.fits',
  seAlpha: 'I.iter3.alpha.subim.fits',
  seAlphaError: 'I.iter3.alpha.error.subim.fits',
  /** The component catalog (the archive's name), written by create-component-list. */
  catalog: 'I.catalog.csv',
  /** One coarse-cube window after `<stem>.spwN.`. */
  cubeWindow: 'IQU.iter3.image.pbcor.tt0.subim.fits',
  /** The same window restored with one beam for every window (CASA's common-beam export). */
  cubeWindowCommonBeam: 'IQU.iter3.image.pbcor.tt0.subim.com.fits',
} as const;

/** What follows `<stem>.spwN.` in a coarse-cube window's name. */
export const CUBE_WINDOW_SUFFIX = VLASS_SUFFIX.cubeWindow;
/** What follows `<stem>.spwN.` in a common-beam window's name. */
export const CUBE_COMMON_BEAM_WINDOW_SUFFIX = VLASS_SUFFIX.cubeWindowCommonBeam;

/** The coarse cube's spectral windows: spw 2..17 (16 windows, 2-4 GHz). */
export const VLASS_CUBE_SPWS: readonly number[] = Array.from({ length: 16 }, (_, i) => i + 2);

/** QL cell size (the `10` name token, 1.0"), used when the header gives no pixel scale. */
export const QL_CELL_ARCSEC = 1.0;
/** SE cell size (the `06` name token, 0.6"), used when neither the header nor the name gives one. */
export const SE_CELL_ARCSEC = 0.6;

/** Quick Look: the pbcor tt0 image (required) and its rms image (computed when absent). */
export const QL_LAYOUT: ProductLayout = {
  type: 'ql',
  qaType: 'QL',
  roles: [
    { role: 'image', suffix: VLASS_SUFFIX.qlImage, required: true },
    { role: 'rms', suffix: VLASS_SUFFIX.qlRms, required: false },
  ],
};

/**
 * Single Epoch continuum as QA sees it: tt0 names the product; tt1, alpha and its error are
 * required; the rms image and the component catalog are optional.
 */
export const SE_LAYOUT: ProductLayout = {
  type: 'se',
  qaType: 'SE',
  roles: [
    { role: 'image', suffix: VLASS_SUFFIX.seImage, required: true },
    { role: 'rms', suffix: VLASS_SUFFIX.seRms, required: false },
    { role: 'tt1', suffix: VLASS_SUFFIX.seTt1, required: true },
    { role: 'alpha', suffix: VLASS_SUFFIX.seAlpha, required: true },
    { role: 'alphaError', flag: 'alpha-error', suffix: VLASS_SUFFIX.seAlphaError, required: true },
    { role: 'catalog', suffix: VLASS_SUFFIX.catalog, required: false },
  ],
};

/**
 * Single Epoch as the component list sees it: the tt0 image to search, its rms image as the
 * noise map when present, and the spectral index images sampled at each component.
 */
export const SE_CATALOG_LAYOUT: ProductLayout = {
  type: 'se',
  qaType: 'SE',
  roles: [
    { role: 'image', suffix: VLASS_SUFFIX.seImage, required: true },
    { role: 'rms', suffix: VLASS_SUFFIX.seRms, required: false },
    // Optional: without them the catalog's Alpha and AlphaErr columns are nan (componentlist/run.ts says so).
    { role: 'alpha', suffix: VLASS_SUFFIX.seAlpha, required: false },
    { role: 'alphaError', flag: 'alpha-error', suffix: VLASS_SUFFIX.seAlphaError, required: false },
  ],
};

/** The component list's outputs beside the real products: `<stem>.I.catalog.csv` is the archive's name. */
export function catalogOutputNames(stem: string) {
  return {
    catalog: `${stem}.${VLASS_SUFFIX.catalog}`,
    ds9: `${stem}.I.catalog.reg`,
    crtf: `${stem}.I.catalog.crtf`,
    casaScript: `${stem}.I.componentlist.py`,
    componentList: `${stem}.I.cl`,
    islandMask: `${stem}.I.island_mask.fits`,
  };
}
