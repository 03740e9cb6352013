/**
 * The Quick Look product as QA sees it: the pbcor tt0 image (required) and its rms image
 * (optional: computed when the export has none), 1" pixels, 3722x3722x1x1.
 */
import type { ProductLayout } from './discover.js';

export const QL_LAYOUT: ProductLayout = {
  type: 'ql',
  qaType: 'QL',
  roles: [
    { role: 'image', suffix: 'I.iter1.image.pbcor.tt0.subim.fits', required: true },
    { role: 'rms', suffix: 'I.iter1.image.pbcor.tt0.rms.subim.fits', required: false },
  ],
};

/** QL cell size (the `10` name token, 1.0"), used when the header gives no pixel scale. */
export const QL_CELL_ARCSEC = 1.0;
