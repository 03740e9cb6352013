/**
 * Metrics of a continuum product (QL, SE tt0): computed once from the pbcor plane, its
 * header and the rms plane, into the plain QaMetrics object the rules and writers read.
 */
import type { FloatArray } from '../../stats/index.js';
import { celestialWcs } from '../../vlass/image.js';
import { beamMetrics, imageGeometry } from './geometry.js';
import { measurePbcor } from './pbcor.js';
import type { ImagePlane } from '../../vlass/image.js';
import { measureRms } from './rms.js';
import type { QaMetrics, RmsSource } from '../types.js';

export interface RmsPlane {
  data: FloatArray;
  source: RmsSource;
  /** The rms image read (or written), null when computed and kept in memory only. */
  file: string | null;
}

export function measureContinuum(image: ImagePlane, rms: RmsPlane): QaMetrics {
  const wcs = celestialWcs(image.header);
  const pbcor = measurePbcor(image.data, image.width, wcs);
  const rmsMetrics = measureRms(rms.data, rms.source, rms.file);
  return {
    image: imageGeometry(image.shape, wcs),
    beam: beamMetrics(image.header),
    pbcor,
    rms: rmsMetrics,
    dynamicRange: ratio(pbcor.peakJy, rmsMetrics.medianJy),
    negativeToPeak: pbcor.minJy === null ? null : ratio(-pbcor.minJy, pbcor.peakJy),
  };
}

/** a / b when both are measured and b > 0 (a ratio to a non-positive peak or noise means nothing). */
function ratio(a: number | null, b: number | null): number | null {
  if (a === null || b === null || !(b > 0)) return null;
  const r = a / b;
  return Number.isFinite(r) ? r : null;
}
