/**
 * The rules every continuum image QA applies (QL and SE tt0): which metric each reads. The
 * limits and actions are not here: they are CAPO keys with per-tool defaults
 * (capo/defaults-<tool>.properties), documented in docs/<tool>.md.
 */
import type { RuleSpec } from '../rules.js';
import type { QaMetrics } from '../types.js';

const NO_BEAM = 'the image header has no BMAJ/BMIN';
const NO_PIXELS = 'the image has no finite pixel';

export const CONTINUUM_RULES: readonly RuleSpec<QaMetrics>[] = [
  { name: 'beamMajor', describe: 'beam major axis (BMAJ)', unit: 'arcsec', value: (m) => m.beam?.bmajArcsec ?? null, missingReason: NO_BEAM },
  { name: 'beamMinor', describe: 'beam minor axis (BMIN)', unit: 'arcsec', value: (m) => m.beam?.bminArcsec ?? null, missingReason: NO_BEAM },
  { name: 'beamAxisRatio', describe: 'beam axis ratio BMAJ/BMIN', unit: 'ratio', value: (m) => m.beam?.axisRatio ?? null, missingReason: NO_BEAM },
  {
    name: 'rmsMedian',
    describe: 'median of the rms image',
    unit: 'Jy/beam',
    value: (m) => m.rms.medianJy,
    missingReason: 'the rms image has no finite non-zero pixel',
  },
  {
    name: 'dynamicRange',
    describe: 'dynamic range (pbcor peak / median rms)',
    unit: 'ratio',
    value: (m) => m.dynamicRange,
    missingReason: 'no positive peak or no positive median rms',
  },
  {
    name: 'negativeToPeak',
    describe: 'deepest negative relative to the peak (-min/peak)',
    unit: 'ratio',
    value: (m) => m.negativeToPeak,
    missingReason: `${NO_PIXELS}, or its peak is not positive`,
  },
  {
    name: 'maskedFraction',
    describe: 'fraction of blank (NaN) or zero pixels in the pbcor image',
    unit: 'fraction',
    value: (m) => m.pbcor.maskedFraction,
  },
];
