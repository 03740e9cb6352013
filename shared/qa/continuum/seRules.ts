/**
 * The Single Epoch rules: the continuum rules every image QA applies (CONTINUUM_RULES, on the
 * tt0 image), then the spectral-index rules and the component-catalog rules. As for QL, the
 * limits and actions are CAPO keys (capo/defaults-annotateQaSE.properties, documented in
 * docs/annotateQaSE.md); this file only says which metric each rule reads and when a rule does
 * not apply (status `skipped`).
 *
 * The settings that shape the alpha metrics themselves (the S/N cut, the physical range, the
 * fewest pixels worth judging) are CAPO keys too, under `<prefix>.alpha.`.
 */
import type { CapoConfig } from '../../capo/capo.js';
import { ConfigError } from '../../errors.js';
import type { AlphaMetrics, AlphaOptions } from './alpha.js';
import type { CatalogMetrics } from './catalog.js';
import { CONTINUUM_RULES } from './rules.js';
import type { RuleSpec } from '../rules.js';
import type { QaMetrics, QaResult } from '../types.js';

/** Metrics of an SE product: the continuum metrics of tt0, plus alpha and (when given) the catalog. */
export interface SeMetrics extends QaMetrics {
  alpha: AlphaMetrics;
  /** null when the product has no component catalog. */
  catalog: CatalogMetrics | null;
}

export interface SeQaResult extends QaResult {
  metrics: SeMetrics;
}

export interface SeSettings {
  alpha: AlphaOptions & {
    /** Fewest pixels with tt0/rms >= snrMin (and, for the statistics, a finite alpha) worth judging. */
    minPixels: number;
  };
}

const ALPHA_SETTINGS = ['snrMin', 'unphysicalBelow', 'unphysicalAbove', 'minPixels'] as const;

/**
 * Reads `<prefix>.alpha.{snrMin, unphysicalBelow, unphysicalAbove, minPixels}` (prefix e.g.
 * `edu.nrao.vlass.annotateQaSE`). ConfigError (78) naming the key when one is missing, not a
 * number, out of range, or unknown (a typo must not fall back silently).
 */
export function loadSeSettings(capo: CapoConfig, prefix: string): SeSettings {
  const section = `${prefix}.alpha`;
  const known = new Set(ALPHA_SETTINGS.map((k) => k.toLowerCase()));
  for (const key of Object.keys(capo.settings(section)))
    if (!known.has(key)) throw new ConfigError(`CAPO key ${section}.${key}: not a setting; the alpha settings are ${ALPHA_SETTINGS.join(', ')}`);
  const key = (name: (typeof ALPHA_SETTINGS)[number]) => `${section}.${name}`;
  const snrMin = capo.getNumber(key('snrMin'));
  const unphysicalBelow = capo.getNumber(key('unphysicalBelow'));
  const unphysicalAbove = capo.getNumber(key('unphysicalAbove'));
  const minPixels = capo.getNumber(key('minPixels'));
  if (!(snrMin > 0)) throw new ConfigError(`CAPO key ${key('snrMin')} = ${snrMin}: must be positive (a tt0/rms ratio)`);
  if (!(unphysicalBelow < unphysicalAbove))
    throw new ConfigError(`CAPO keys ${key('unphysicalBelow')} = ${unphysicalBelow} and ${key('unphysicalAbove')} = ${unphysicalAbove}: the physical range is empty; unphysicalBelow must be below unphysicalAbove`);
  if (!(Number.isInteger(minPixels) && minPixels >= 1)) throw new ConfigError(`CAPO key ${key('minPixels')} = ${minPixels}: must be a whole number of pixels, at least 1`);
  return { alpha: { snrMin, unphysicalBelow, unphysicalAbove, minPixels } };
}

/** The SE rules, in the order they are reported. */
export function seRules(settings: SeSettings): RuleSpec<SeMetrics>[] {
  const { snrMin, unphysicalBelow, unphysicalAbove, minPixels } = settings.alpha;
  const where = `where tt0/rms >= ${snrMin}`;
  const tooFew = (n: number, what: string) =>
    `only ${n} pixel${n === 1 ? '' : 's'} ${what} (fewer than alpha.minPixels = ${minPixels}): too few to judge the spectral index`;
  /** Statistics of alpha need enough pixels with a finite alpha. */
  const alphaStatistic = (m: SeMetrics) =>
    m.alpha.nAlphaHighSnr < minPixels ? tooFew(m.alpha.nAlphaHighSnr, `with tt0/rms >= ${snrMin} have a spectral index`) : null;
  const noCatalog = (m: SeMetrics) => (m.catalog === null ? 'the product has no component catalog (<stem>.I.catalog.csv; give one with --catalog)' : null);

  const alphaRules: RuleSpec<SeMetrics>[] = [
    {
      name: 'alphaBlankHighSnr',
      describe: `fraction of pixels ${where} whose spectral index is blank`,
      unit: 'fraction',
      value: (m) => m.alpha.blankFractionHighSnr,
      skipReason: (m) => (m.alpha.nHighSnr < minPixels ? tooFew(m.alpha.nHighSnr, `have tt0/rms >= ${snrMin}`) : null),
    },
    {
      name: 'alphaMedian',
      describe: `median spectral index ${where}`,
      unit: 'ratio',
      value: (m) => m.alpha.medianHighSnr,
      skipReason: alphaStatistic,
    },
    {
      name: 'alphaSpread',
      describe: `spread (MAD sigma) of the spectral index ${where}`,
      unit: 'ratio',
      value: (m) => m.alpha.madSigmaHighSnr,
      skipReason: alphaStatistic,
    },
    {
      name: 'alphaUnphysical',
      describe: `fraction of spectral indices outside [${unphysicalBelow}, ${unphysicalAbove}] ${where}`,
      unit: 'fraction',
      value: (m) => m.alpha.fractionUnphysical,
      skipReason: alphaStatistic,
    },
    {
      name: 'alphaError',
      describe: `median spectral index error (alpha.error) ${where}`,
      unit: 'ratio',
      value: (m) => m.alpha.medianErrorHighSnr,
      missingReason: 'the alpha.error image is blank wherever alpha is set',
      skipReason: alphaStatistic,
    },
    {
      name: 'tt1Consistency',
      describe: `median |alpha - tt1/tt0| ${where}`,
      unit: 'ratio',
      value: (m) => m.alpha.tt1ConsistencyMedianAbs,
      missingReason: 'the tt1 image is blank wherever alpha is set',
      skipReason: alphaStatistic,
    },
  ];

  const catalogRules: RuleSpec<SeMetrics>[] = [
    {
      name: 'catalogDensity',
      describe: 'component catalog density (components per square degree of imaged sky)',
      unit: 'ratio',
      value: (m) => m.catalog?.perSquareDegree ?? null,
      missingReason: 'the tt0 image has no celestial WCS or no usable pixel, so its sky area is unknown',
      skipReason: noCatalog,
    },
    {
      name: 'catalogQualityFlagged',
      describe: 'fraction of catalog components with Quality_flag set',
      unit: 'fraction',
      value: (m) => m.catalog?.qualityFlaggedFraction ?? null,
      skipReason: (m) => {
        if (m.catalog === null) return noCatalog(m);
        if (!m.catalog.hasQualityFlag) return `the catalog ${m.catalog.file} has no Quality_flag column (run_getalpha catalogs do not carry CIRADA quality flags)`;
        if (m.catalog.qualityFlaggedFraction === null) return 'the catalog has no component with a Quality_flag value';
        return null;
      },
    },
  ];
  return [...(CONTINUUM_RULES as readonly RuleSpec<SeMetrics>[]), ...alphaRules, ...catalogRules];
}
