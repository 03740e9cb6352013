/**
 * The Single Epoch product as the component list sees it: the tt0 pbcor image (the detection
 * image, required), its rms image (used as the noise map when present), and the spectral
 * index images the VLASS catalog samples at each component.
 */
import type { ProductLayout } from '../qa/discover.js';

export const SE_COMPONENT_LAYOUT: ProductLayout = {
  type: 'se',
  qaType: 'SE',
  roles: [
    { role: 'image', suffix: 'I.iter3.image.pbcor.tt0.subim.fits', required: true },
    { role: 'rms', suffix: 'I.iter3.image.pbcor.tt0.rms.subim.fits', required: false },
    { role: 'alpha', suffix: 'I.iter3.alpha.subim.fits', required: true },
    { role: 'alphaError', flag: 'alpha-error', suffix: 'I.iter3.alpha.error.subim.fits', required: true },
  ],
};

/** Output names beside the real products: `<stem>.I.catalog.csv` is the archive's name. */
export function outputNames(stem: string) {
  return {
    catalog: `${stem}.I.catalog.csv`,
    ds9: `${stem}.I.catalog.reg`,
    crtf: `${stem}.I.catalog.crtf`,
    casaScript: `${stem}.I.componentlist.py`,
    componentList: `${stem}.I.cl`,
    islandMask: `${stem}.I.island_mask.fits`,
  };
}
