/**
 * The rules engine: limits compared as documented (a value at a limit passes), actions, the
 * verdict, CAPO validation; and every QL default limit checked at, just below and just above
 * its value (the adjacent float64 numbers), from the real capo/defaults-annotateQa.properties.
 */
import { describe, expect, it } from 'vitest';
import { loadCapo } from '../../../shared/capo/capo.js';
import { ConfigError } from '../../../shared/errors.js';
import { CONTINUUM_RULES, loadRuleConfigs, type QaMetrics, type RuleConfig, type RuleLimits, type RuleOutcome, type RuleSpec, type RuleStatus } from '../../../shared/qa/index.js';
import { evaluateRule, evaluateRules, formatValue, overallVerdict } from '../../../shared/qa/rules.js';
import { nextUp } from '../../../shared/qa/continuum/rms.js';
import { QL_RULE_PREFIX, qlDefaults } from './defaults.js';

const RULE_PREFIX = QL_RULE_PREFIX;

const spec: RuleSpec<unknown> = { name: 'rmsMedian', describe: 'median of the rms image', unit: 'Jy/beam', value: () => null };

function nextDown(x: number): number {
  return -nextUp(-x);
}

function capoWith(text: string) {
  return loadCapo({ embedded: { 'defaults-test.properties': text }, env: {}, home: '/nonexistent' });
}

const defaults = qlDefaults;

describe('evaluateRule', () => {
  const config = (action: RuleConfig['action'], limits: RuleLimits): RuleConfig => ({ name: 'rmsMedian', action, limits });

  it('a value at max passes; just above fails (reject) and the message states value and limit', () => {
    const c = config('reject', { max: 400e-6 });
    expect(evaluateRule(spec, c, 400e-6).status).toBe('pass');
    const above = evaluateRule(spec, c, 401e-6);
    expect(above).toMatchObject({ status: 'fail', value: 401e-6, threshold: { max: 400e-6 }, action: 'reject' });
    expect(above.message).toBe('Median of the rms image 401 uJy/beam is above the maximum 400 uJy/beam: rejected');
  });

  it('a value at min passes; just below fails', () => {
    const ratio = { ...spec, describe: 'dynamic range', unit: 'ratio' as const };
    const c = config('reject', { min: 4 });
    expect(evaluateRule(ratio, c, 4).status).toBe('pass');
    expect(evaluateRule(ratio, c, 3.5)).toMatchObject({ status: 'fail', message: 'Dynamic range 3.5 is below the minimum 4: rejected' });
    expect(evaluateRule(ratio, c, nextDown(4)).status).toBe('fail');
  });

  it('action warn turns a hard breach into a warning', () => {
    expect(evaluateRule(spec, config('warn', { max: 1 }), 2).status).toBe('warn');
  });

  it('the warning band warns inside the hard limits; the hard limit decides beyond it', () => {
    const c = config('reject', { warnMax: 200e-6, max: 400e-6, warnMin: 60e-6 });
    expect(evaluateRule(spec, c, 150e-6).status).toBe('pass');
    expect(evaluateRule(spec, c, 300e-6)).toMatchObject({ status: 'warn' });
    expect(evaluateRule(spec, c, 300e-6).message).toContain('above the warning level 200 uJy/beam');
    expect(evaluateRule(spec, c, 500e-6).status).toBe('fail');
    expect(evaluateRule(spec, c, 50e-6).status).toBe('warn');
  });

  it('an unmeasurable value cannot pass: it gets the action, and says why', () => {
    const s = { ...spec, missingReason: 'the rms image has no finite non-zero pixel' };
    const failed = evaluateRule(s, config('reject', { max: 1 }), null);
    expect(failed.status).toBe('fail');
    expect(failed.message).toContain('could not be measured (the rms image has no finite non-zero pixel)');
    expect(evaluateRule(s, config('warn', { max: 1 }), NaN).status).toBe('warn');
  });

  it('action off reports the value but never judges it', () => {
    const off = evaluateRule(spec, config('off', { max: 1 }), 5);
    expect(off.status).toBe('off');
    expect(off.message).toContain('not judged');
  });

  it('the pass message names the range', () => {
    expect(evaluateRule({ ...spec, unit: 'arcsec' }, config('reject', { min: 1.5, max: 4 }), 2.5).message).toBe(
      'Median of the rms image 2.5 arcsec is within [1.5 arcsec, 4 arcsec]: pass',
    );
  });
});

describe('overallVerdict is the worst rule', () => {
  const o = (status: RuleStatus): RuleOutcome => ({ name: status, status, value: 1, threshold: {}, action: 'reject', message: '' });
  it.each([
    [[], 'PASS'],
    [['pass', 'off'], 'PASS'],
    [['pass', 'warn'], 'WARN'],
    [['warn', 'fail', 'pass'], 'FAIL'],
    [['off', 'fail'], 'FAIL'],
  ] as const)('%j -> %s', (statuses, verdict) => {
    expect(overallVerdict(statuses.map(o))).toBe(verdict);
  });
});

describe('loadRuleConfigs validates CAPO', () => {
  const prefix = 'edu.nrao.vlass.test.rule';
  const rules = [spec];
  it('reads limits and action, case-insensitively', () => {
    const capo = capoWith(`${prefix}.RMSMEDIAN.MAX = 4e-4\n${prefix}.rmsMedian.warnMax = 2e-4\n${prefix}.rmsMedian.action = Reject\n`);
    expect(loadRuleConfigs(capo, prefix, rules)).toEqual([{ name: 'rmsMedian', action: 'reject', limits: { max: 4e-4, warnMax: 2e-4 } }]);
  });
  it.each([
    ['a missing action', `${prefix}.rmsMedian.max = 1\n`, /rmsMedian\.action is not set/],
    ['an unknown action', `${prefix}.rmsMedian.max = 1\n${prefix}.rmsMedian.action = maybe\n`, /must be reject, warn or off/],
    ['a non-numeric limit', `${prefix}.rmsMedian.max = high\n${prefix}.rmsMedian.action = warn\n`, /must be a number/],
    ['an active rule without limits', `${prefix}.rmsMedian.action = warn\n`, /has no min, max/],
    ['min above max', `${prefix}.rmsMedian.min = 2\n${prefix}.rmsMedian.max = 1\n${prefix}.rmsMedian.action = warn\n`, /min = 2 is above max = 1/],
    ['a warning band outside the hard limits', `${prefix}.rmsMedian.warnMax = 5\n${prefix}.rmsMedian.max = 1\n${prefix}.rmsMedian.action = warn\n`, /warnMax = 5 is above max = 1/],
    ['a misspelt rule', `${prefix}.rmsMedain.max = 1\n${prefix}.rmsMedian.max = 1\n${prefix}.rmsMedian.action = warn\n`, /no rule named "rmsmedain"/],
    ['a misspelt field', `${prefix}.rmsMedian.maximum = 1\n${prefix}.rmsMedian.max = 1\n${prefix}.rmsMedian.action = warn\n`, /"maximum" is not a rule setting/],
  ])('%s is a ConfigError naming the key', (_what, text, message) => {
    const load = () => loadRuleConfigs(capoWith(text), prefix, rules);
    expect(load).toThrow(ConfigError);
    expect(load).toThrow(message);
  });
  it('an off rule needs no limits', () => {
    expect(loadRuleConfigs(capoWith(`${prefix}.rmsMedian.action = off\n`), prefix, rules)[0]).toEqual({ name: 'rmsMedian', action: 'off', limits: {} });
  });
});

describe('every QL default rule at, just below and just above each of its limits', () => {
  const configs = loadRuleConfigs(defaults(), RULE_PREFIX, CONTINUUM_RULES);
  // [rule, limit, status at the limit, just below, just above]: the documented meaning of each default.
  const table: [string, keyof RuleLimits, RuleStatus, RuleStatus, RuleStatus][] = [
    ['beamMajor', 'min', 'pass', 'fail', 'pass'],
    ['beamMajor', 'max', 'pass', 'pass', 'fail'],
    ['beamMinor', 'min', 'pass', 'fail', 'pass'],
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
  ];

  it('the table covers every configured limit of every rule', () => {
    const configured = configs.flatMap((c) => Object.keys(c.limits).map((l) => `${c.name}.${l}`)).sort();
    expect(table.map(([r, l]) => `${r}.${l}`).sort()).toEqual(configured);
  });

  it.each(table)('%s %s', (rule, limit, at, below, above) => {
    const i = CONTINUUM_RULES.findIndex((s) => s.name === rule);
    const s = CONTINUUM_RULES[i] as RuleSpec<unknown>;
    const c = configs[i];
    const v = c.limits[limit]!;
    const judged = (x: number) => evaluateRule(s, c, x);
    expect([judged(v).status, judged(nextDown(v)).status, judged(nextUp(v)).status]).toEqual([at, below, above]);
    const breached = [judged(v), judged(nextDown(v)), judged(nextUp(v))].find((o) => o.status !== 'pass');
    expect(breached?.message).toContain(formatValue(v, s.unit));
  });
});

describe('each rule reads its own metric', () => {
  const metrics: QaMetrics = {
    image: { shape: [10, 10], width: 10, height: 10, pixelScaleArcsec: { x: 1, y: 1 } },
    beam: { bmajArcsec: 2.6, bminArcsec: 2.1, bpaDeg: 10, axisRatio: 2.6 / 2.1 },
    pbcor: {
      peakJy: 0.5,
      peakRaDeg: 1,
      peakDecDeg: 2,
      peakPixel: { x: 1, y: 2 },
      minJy: -0.001,
      medianJy: 0,
      madSigmaJy: 1e-4,
      blankFraction: 0.03,
      zeroFraction: 0.02,
      maskedFraction: 0.05,
      pixelCount: 100,
    },
    rms: { source: 'file', file: null, medianJy: 1.5e-4, p10Jy: 1e-4, p90Jy: 2e-4, fractionBelow120uJy: 0.1, fractionBelow168uJy: 0.6, fractionBelow200uJy: 0.9, pixelCount: 100 },
    dynamicRange: 3333,
    negativeToPeak: 0.002,
  };
  it('values', () => {
    const configs = loadRuleConfigs(defaults(), RULE_PREFIX, CONTINUUM_RULES);
    const values = Object.fromEntries(evaluateRules(CONTINUUM_RULES, configs, metrics).map((o) => [o.name, o.value]));
    expect(values).toEqual({
      beamMajor: 2.6,
      beamMinor: 2.1,
      beamAxisRatio: 2.6 / 2.1,
      rmsMedian: 1.5e-4,
      dynamicRange: 3333,
      negativeToPeak: 0.002,
      maskedFraction: 0.05,
    });
  });
  it('no beam in the header fails the three beam rules, saying so', () => {
    const configs = loadRuleConfigs(defaults(), RULE_PREFIX, CONTINUUM_RULES);
    const outcomes = evaluateRules(CONTINUUM_RULES, configs, { ...metrics, beam: null });
    const beamRules = outcomes.filter((o) => o.name.startsWith('beam'));
    expect(beamRules.map((o) => o.status)).toEqual(['fail', 'fail', 'fail']);
    expect(beamRules[0].message).toContain('no BMAJ');
  });
});
