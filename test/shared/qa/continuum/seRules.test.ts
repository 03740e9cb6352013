/**
 * The Single Epoch rules from the real capo/defaults-annotateQaSE.properties: every default
 * limit at, just below and just above its value (the adjacent float64 numbers); each rule reads
 * its own metric; when a rule is skipped (no catalog, no Quality_flag column, too few
 * significant pixels) and that `off` wins over `skipped`; the alpha settings and their CAPO
 * validation.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCapo, type CapoConfig } from '../../../../shared/capo/capo.js';
import { ConfigError } from '../../../../shared/errors.js';
import { evaluateRule, evaluateRules, formatValue, overallVerdict } from '../../../../shared/qa/rules.js';
import { loadRuleConfigs, loadSeSettings, seRules, type RuleLimits, type RuleSpec, type RuleStatus, type SeMetrics } from '../../../../shared/qa/index.js';
import { nextUp } from '../../../../shared/qa/continuum/rms.js';
import { REPO_ROOT } from '../../../helpers/realdata.js';

/** The documented key prefixes (docs/annotateQaSE.md). */
const PREFIX = 'edu.nrao.vlass.annotateQaSE';
const RULE_PREFIX = `${PREFIX}.rule`;
const DEFAULTS_TEXT = readFileSync(join(REPO_ROOT, 'capo', 'defaults-annotateQaSE.properties'), 'utf8');

function capo(extra = ''): CapoConfig {
  return loadCapo({ embedded: { 'defaults-annotateQaSE.properties': DEFAULTS_TEXT + '\n' + extra }, env: {}, home: '/nonexistent' });
}

const nextDown = (x: number) => -nextUp(-x);
const settings = loadSeSettings(capo(), PREFIX);
const rules = seRules(settings);
const configs = loadRuleConfigs(capo(), RULE_PREFIX, rules);

/** An SE product every default rule passes. */
function metrics(): SeMetrics {
  return {
    image: { shape: [100, 100, 1, 1], width: 100, height: 100, pixelScaleArcsec: { x: 0.6, y: 0.6 } },
    beam: { bmajArcsec: 2.6, bminArcsec: 2.1, bpaDeg: 10, axisRatio: 2.6 / 2.1 },
    pbcor: { peakJy: 0.05, peakRaDeg: 1, peakDecDeg: 2, peakPixel: { x: 1, y: 2 }, minJy: -0.001, medianJy: 0, madSigmaJy: 1.3e-4, blankFraction: 0.03, zeroFraction: 0.02, maskedFraction: 0.05, pixelCount: 10000 },
    rms: { source: 'file', file: null, medianJy: 1.3e-4, p10Jy: 1.2e-4, p90Jy: 1.6e-4, fractionBelow120uJy: 0.1, fractionBelow168uJy: 0.8, fractionBelow200uJy: 0.95, pixelCount: 9500 },
    dynamicRange: 385,
    negativeToPeak: 0.02,
    alpha: {
      snrMin: 10,
      physicalRange: { min: -3, max: 2.5 },
      nHighSnr: 400,
      nAlphaHighSnr: 390,
      blankFractionHighSnr: 0.025,
      medianHighSnr: -0.71,
      madSigmaHighSnr: 0.42,
      fractionUnphysical: 0.011,
      medianErrorHighSnr: 0.23,
      tt1ConsistencyMedianAbs: 3e-8,
    },
    catalog: { file: '/x.csv', detectionImage: null, components: 130, areaSqDeg: 1.05, perSquareDegree: 130 / 1.05, hasQualityFlag: true, qualityFlagged: 52, qualityFlaggedFraction: 0.4 },
  };
}

const byName = (name: string) => {
  const i = rules.findIndex((r) => r.name === name);
  if (i < 0) throw new Error(`no rule ${name}`);
  return { spec: rules[i] as RuleSpec<unknown>, config: configs[i] };
};

describe('the SE rule set', () => {
  it('is the continuum rules, then alpha, then catalog rules, in this order', () => {
    expect(rules.map((r) => r.name)).toEqual([
      'beamMajor',
      'beamMinor',
      'beamAxisRatio',
      'rmsMedian',
      'dynamicRange',
      'negativeToPeak',
      'maskedFraction',
      'alphaBlankHighSnr',
      'alphaMedian',
      'alphaSpread',
      'alphaUnphysical',
      'alphaError',
      'tt1Consistency',
      'catalogDensity',
      'catalogQualityFlagged',
    ]);
  });

  it('the default settings are the documented ones', () => {
    expect(settings).toEqual({ alpha: { snrMin: 10, unphysicalBelow: -3, unphysicalAbove: 2.5, minPixels: 20 } });
  });

  it('each rule reads its own metric, and a good product passes every rule', () => {
    const m = metrics();
    const outcomes = evaluateRules(rules, configs, m);
    expect(Object.fromEntries(outcomes.map((o) => [o.name, o.value]))).toEqual({
      beamMajor: 2.6,
      beamMinor: 2.1,
      beamAxisRatio: 2.6 / 2.1,
      rmsMedian: 1.3e-4,
      dynamicRange: 385,
      negativeToPeak: 0.02,
      maskedFraction: 0.05,
      alphaBlankHighSnr: 0.025,
      alphaMedian: -0.71,
      alphaSpread: 0.42,
      alphaUnphysical: 0.011,
      alphaError: 0.23,
      tt1Consistency: 3e-8,
      catalogDensity: 130 / 1.05,
      catalogQualityFlagged: 0.4,
    });
    expect(outcomes.filter((o) => o.status !== 'pass')).toEqual([]);
    expect(overallVerdict(outcomes)).toBe('PASS');
  });
});

describe('every SE default rule at, just below and just above each of its limits', () => {
  // [rule, limit, status at the limit, just below, just above]: the documented meaning of each default.
  const table: [string, keyof RuleLimits, RuleStatus, RuleStatus, RuleStatus][] = [
    ['beamMajor', 'min', 'warn', 'fail', 'warn'],
    ['beamMajor', 'warnMin', 'pass', 'warn', 'pass'],
    ['beamMajor', 'warnMax', 'pass', 'pass', 'warn'],
    ['beamMajor', 'max', 'warn', 'warn', 'fail'],
    ['beamMinor', 'min', 'warn', 'fail', 'warn'],
    ['beamMinor', 'warnMin', 'pass', 'warn', 'pass'],
    ['beamAxisRatio', 'max', 'pass', 'pass', 'fail'],
    ['rmsMedian', 'warnMin', 'pass', 'warn', 'pass'],
    ['rmsMedian', 'warnMax', 'pass', 'pass', 'warn'],
    ['rmsMedian', 'max', 'warn', 'warn', 'fail'],
    ['dynamicRange', 'min', 'pass', 'warn', 'pass'],
    ['dynamicRange', 'max', 'pass', 'pass', 'warn'],
    ['negativeToPeak', 'warnMax', 'pass', 'pass', 'warn'],
    ['negativeToPeak', 'max', 'warn', 'warn', 'fail'],
    ['maskedFraction', 'warnMax', 'pass', 'pass', 'warn'],
    ['maskedFraction', 'max', 'warn', 'warn', 'fail'],
    ['alphaBlankHighSnr', 'warnMax', 'pass', 'pass', 'warn'],
    ['alphaBlankHighSnr', 'max', 'warn', 'warn', 'fail'],
    ['alphaMedian', 'min', 'warn', 'fail', 'warn'],
    ['alphaMedian', 'warnMin', 'pass', 'warn', 'pass'],
    ['alphaMedian', 'warnMax', 'pass', 'pass', 'warn'],
    ['alphaMedian', 'max', 'warn', 'warn', 'fail'],
    ['alphaSpread', 'warnMax', 'pass', 'pass', 'warn'],
    ['alphaSpread', 'max', 'warn', 'warn', 'fail'],
    ['alphaUnphysical', 'warnMax', 'pass', 'pass', 'warn'],
    ['alphaUnphysical', 'max', 'warn', 'warn', 'fail'],
    ['alphaError', 'warnMax', 'pass', 'pass', 'warn'],
    ['alphaError', 'max', 'warn', 'warn', 'fail'],
    ['tt1Consistency', 'max', 'pass', 'pass', 'warn'],
    ['catalogDensity', 'min', 'pass', 'warn', 'pass'],
    ['catalogDensity', 'max', 'pass', 'pass', 'warn'],
    ['catalogQualityFlagged', 'max', 'pass', 'pass', 'warn'],
  ];

  it('the table covers every configured limit of every rule', () => {
    const configured = configs.flatMap((c) => Object.keys(c.limits).map((l) => `${c.name}.${l}`)).sort();
    expect(table.map(([r, l]) => `${r}.${l}`).sort()).toEqual(configured);
  });

  it.each(table)('%s %s', (rule, limit, at, below, above) => {
    const { spec, config } = byName(rule);
    const v = config.limits[limit]!;
    const judged = (x: number) => evaluateRule(spec, config, x);
    expect([judged(v).status, judged(nextDown(v)).status, judged(nextUp(v)).status]).toEqual([at, below, above]);
    const breached = [judged(v), judged(nextDown(v)), judged(nextUp(v))].find((o) => o.status !== 'pass');
    expect(breached?.message).toContain(formatValue(v, spec.unit));
  });

  it('the same through evaluateRules on whole metrics (the rule reads the metric it is named for)', () => {
    const m = metrics();
    const outcome = (mutate: (m: SeMetrics) => void, name: string) => {
      const x = metrics();
      mutate(x);
      return evaluateRules(rules, configs, x).find((o) => o.name === name)!.status;
    };
    expect(outcome((x) => (x.alpha.medianHighSnr = 2.5), 'alphaMedian')).toBe('warn');
    expect(outcome((x) => (x.alpha.medianHighSnr = nextUp(2.5)), 'alphaMedian')).toBe('fail');
    expect(outcome((x) => (x.alpha.tt1ConsistencyMedianAbs = 0.3), 'tt1Consistency')).toBe('warn');
    expect(outcome((x) => (x.catalog!.perSquareDegree = 10), 'catalogDensity')).toBe('warn');
    expect(outcome((x) => (x.rms.medianJy = 201e-6), 'rmsMedian')).toBe('fail');
    expect(m.alpha.snrMin).toBe(10);
  });
});

describe('rules that do not apply are skipped, never failed', () => {
  const statusOf = (m: SeMetrics, name: string, cfg = configs) => evaluateRules(rules, cfg, m).find((o) => o.name === name)!;

  it('no catalog: both catalog rules skipped, saying so; the verdict is unaffected', () => {
    const m = { ...metrics(), catalog: null };
    const outcomes = evaluateRules(rules, configs, m);
    for (const name of ['catalogDensity', 'catalogQualityFlagged']) {
      const o = outcomes.find((x) => x.name === name)!;
      expect(o).toMatchObject({ status: 'skipped', value: null });
      expect(o.message).toContain('not judged: the product has no component catalog');
    }
    expect(overallVerdict(outcomes)).toBe('PASS');
  });

  it('a catalog without Quality_flag: that rule skipped, naming the file and the missing column; density still judged', () => {
    const m = metrics();
    m.catalog = { ...m.catalog!, hasQualityFlag: false, qualityFlagged: null, qualityFlaggedFraction: null };
    const o = statusOf(m, 'catalogQualityFlagged');
    expect(o.status).toBe('skipped');
    expect(o.message).toContain('/x.csv has no Quality_flag column');
    expect(statusOf(m, 'catalogDensity').status).toBe('pass');
  });

  it('alpha statistics: judged with exactly minPixels pixels, skipped with one fewer (the value is still reported)', () => {
    const m = metrics();
    m.alpha.nAlphaHighSnr = settings.alpha.minPixels;
    m.alpha.medianHighSnr = 5;
    expect(statusOf(m, 'alphaMedian').status).toBe('fail');
    m.alpha.nAlphaHighSnr = settings.alpha.minPixels - 1;
    const o = statusOf(m, 'alphaMedian');
    expect(o).toMatchObject({ status: 'skipped', value: 5 });
    expect(o.message).toBe(
      'Median spectral index where tt0/rms >= 10 is 5; not judged: only 19 pixels with tt0/rms >= 10 have a spectral index (fewer than alpha.minPixels = 20): too few to judge the spectral index',
    );
    for (const name of ['alphaSpread', 'alphaUnphysical', 'alphaError', 'tt1Consistency']) expect(statusOf(m, name).status).toBe('skipped');
    // the blank-fraction rule counts every high-S/N pixel, and there are 400
    expect(statusOf(m, 'alphaBlankHighSnr').status).toBe('pass');
  });

  it('an alpha image blank wherever tt0 is significant fails (alphaBlankHighSnr), not skipped', () => {
    const m = metrics();
    Object.assign(m.alpha, { nAlphaHighSnr: 0, blankFractionHighSnr: 1, medianHighSnr: null, madSigmaHighSnr: null, fractionUnphysical: null, medianErrorHighSnr: null, tt1ConsistencyMedianAbs: null });
    const outcomes = evaluateRules(rules, configs, m);
    expect(outcomes.find((o) => o.name === 'alphaBlankHighSnr')!.status).toBe('fail');
    expect(overallVerdict(outcomes)).toBe('FAIL');
  });

  it('an empty field (fewer than minPixels high-S/N pixels) skips every alpha rule and passes', () => {
    const m = metrics();
    Object.assign(m.alpha, { nHighSnr: 3, nAlphaHighSnr: 3, blankFractionHighSnr: 0 });
    const outcomes = evaluateRules(rules, configs, m);
    expect(outcomes.filter((o) => o.name.startsWith('alpha') || o.name === 'tt1Consistency').map((o) => o.status)).toEqual(Array(6).fill('skipped'));
    expect(overallVerdict(outcomes)).toBe('PASS');
  });

  it('a measured alpha.error that is blank everywhere (null with enough pixels) gets the action, saying why', () => {
    const m = metrics();
    m.alpha.medianErrorHighSnr = null;
    const o = statusOf(m, 'alphaError');
    expect(o.status).toBe('fail');
    expect(o.message).toContain('could not be measured (the alpha.error image is blank wherever alpha is set)');
  });

  it('a rule switched off is reported off even when it would be skipped', () => {
    const cfg = loadRuleConfigs(capo(`${RULE_PREFIX}.catalogDensity.action = off\n`), RULE_PREFIX, rules);
    expect(statusOf({ ...metrics(), catalog: null }, 'catalogDensity', cfg).status).toBe('off');
  });
});

describe('loadSeSettings validates the alpha settings', () => {
  it('reads site overrides', () => {
    expect(loadSeSettings(capo(`${PREFIX}.alpha.snrMin = 20\n${PREFIX}.alpha.unphysicalAbove = 2\n`), PREFIX).alpha).toEqual({ snrMin: 20, unphysicalBelow: -3, unphysicalAbove: 2, minPixels: 20 });
  });
  it.each([
    ['a non-number', `${PREFIX}.alpha.snrMin = high\n`, /alpha\.snrMin/],
    ['a zero S/N cut', `${PREFIX}.alpha.snrMin = 0\n`, /alpha\.snrMin = 0: must be positive/],
    ['an empty physical range', `${PREFIX}.alpha.unphysicalBelow = 3\n`, /physical range is empty/],
    ['a fractional pixel count', `${PREFIX}.alpha.minPixels = 2.5\n`, /alpha\.minPixels = 2\.5: must be a whole number/],
    ['a misspelt setting', `${PREFIX}.alpha.snrMn = 5\n`, /alpha\.snrmn: not a setting/],
  ])('%s is a ConfigError naming the key', (_what, text, message) => {
    const load = () => loadSeSettings(capo(text), PREFIX);
    expect(load).toThrow(ConfigError);
    expect(load).toThrow(message);
  });
  it('a missing setting is a ConfigError naming it', () => {
    const without = DEFAULTS_TEXT.split('\n').filter((l) => !l.startsWith(`${PREFIX}.alpha.minPixels`)).join('\n');
    const c = loadCapo({ embedded: { 'defaults-annotateQaSE.properties': without }, env: {}, home: '/nonexistent' });
    expect(() => loadSeSettings(c, PREFIX)).toThrow(/alpha\.minPixels is not set/);
  });
  it('the settings shape the rule descriptions (the S/N cut and physical range in every message)', () => {
    const other = seRules({ alpha: { snrMin: 20, unphysicalBelow: -2, unphysicalAbove: 1, minPixels: 5 } });
    expect(other.find((r) => r.name === 'alphaUnphysical')!.describe).toBe('fraction of spectral indices outside [-2, 1] where tt0/rms >= 20');
  });
});
