/**
 * The QA rules engine. A rule reads one number from the metrics and compares it with limits
 * configured in CAPO, under `<prefix>.<rule>.`:
 *
 *   min, max          hard limits: crossing one gives the rule's action (reject -> fail, warn -> warn)
 *   warnMin, warnMax  an inner band: crossing one only warns (lets a site warn before it rejects)
 *   action            reject | warn | off
 *
 * A value exactly at a limit passes it (max is breached by value > max, min by value < min),
 * so a configured number reads as "the largest / smallest acceptable value". A value that
 * could not be measured cannot pass: it gets the rule's action.
 *
 * The tool lists its rules (RuleSpec); the engine only compares. Keys under the prefix that
 * name no known rule or field are a configuration error, so a typo in a site's CAPO file
 * cannot silently switch a rule back to its default.
 */
import type { CapoConfig } from '../capo/capo.js';
import { ConfigError } from '../errors.js';
import type { RuleAction, RuleLimits, RuleOutcome, RuleStatus, Verdict } from './types.js';

/** How a value is shown in messages. */
export type RuleUnit = 'Jy/beam' | 'arcsec' | 'ratio' | 'fraction';

export interface RuleSpec<M> {
  /** Name used in CAPO keys and in the result, e.g. `rmsMedian`. */
  name: string;
  /** What is measured, as the subject of a sentence: "median of the rms image". */
  describe: string;
  unit: RuleUnit;
  /** The value judged, or null when it cannot be measured. */
  value(metrics: M): number | null;
  /** Why the value can be missing, for the message ("the image has no finite pixel"). */
  missingReason?: string;
  /**
   * Why the rule does not apply to these metrics (status `skipped`, not judged), or null when
   * it does: e.g. no component catalog was given. Rules without it always apply.
   */
  skipReason?(metrics: M): string | null;
}

export interface RuleConfig {
  name: string;
  action: RuleAction;
  limits: RuleLimits;
}

const LIMIT_FIELDS = ['min', 'max', 'warnMin', 'warnMax'] as const;
const FIELDS = new Set<string>([...LIMIT_FIELDS.map((f) => f.toLowerCase()), 'action']);
const ACTIONS: readonly RuleAction[] = ['reject', 'warn', 'off'];

/**
 * Reads every rule's configuration under `prefix` (e.g. `edu.nrao.vlass.annotateQa.rule`).
 * ConfigError (78) naming the key for: a missing or unknown action, a non-numeric limit, an
 * active rule without limits, limits out of order, or a key for a rule or field that does
 * not exist.
 */
export function loadRuleConfigs(capo: CapoConfig, prefix: string, specs: readonly RuleSpec<unknown>[]): RuleConfig[] {
  const known = new Map(specs.map((s) => [s.name.toLowerCase(), s.name]));
  for (const key of Object.keys(capo.settings(prefix))) {
    const dot = key.indexOf('.');
    const rule = dot < 0 ? key : key.slice(0, dot);
    const field = dot < 0 ? '' : key.slice(dot + 1);
    if (!known.has(rule))
      throw new ConfigError(`CAPO key ${prefix}.${key}: no rule named "${rule}"; the rules are ${specs.map((s) => s.name).join(', ')}`);
    if (!FIELDS.has(field))
      throw new ConfigError(`CAPO key ${prefix}.${key}: "${field}" is not a rule setting; use min, max, warnMin, warnMax or action`);
  }
  return specs.map((spec) => loadOne(capo, prefix, spec.name));
}

function loadOne(capo: CapoConfig, prefix: string, name: string): RuleConfig {
  const key = (field: string) => `${prefix}.${name}.${field}`;
  const actionText = capo.getString(key('action')).trim().toLowerCase();
  if (!ACTIONS.includes(actionText as RuleAction))
    throw new ConfigError(`CAPO key ${key('action')} = "${actionText}": must be reject, warn or off`);
  const action = actionText as RuleAction;
  const limits: RuleLimits = {};
  for (const field of LIMIT_FIELDS) if (capo.has(key(field))) limits[field] = capo.getNumber(key(field));
  if (action !== 'off' && Object.keys(limits).length === 0)
    throw new ConfigError(`CAPO rule ${prefix}.${name} is active (action = ${action}) but has no min, max, warnMin or warnMax; set a limit or set action = off`);
  // Each pair must leave room for a passing value, and the warning band must sit inside the hard limits.
  const ordered: [keyof RuleLimits, keyof RuleLimits][] = [
    ['min', 'max'],
    ['warnMin', 'warnMax'],
    ['min', 'warnMin'],
    ['warnMax', 'max'],
    ['min', 'warnMax'],
    ['warnMin', 'max'],
  ];
  for (const [lo, hi] of ordered) {
    const a = limits[lo];
    const b = limits[hi];
    if (a !== undefined && b !== undefined && a > b)
      throw new ConfigError(`CAPO rule ${prefix}.${name}: ${lo} = ${a} is above ${hi} = ${b}; no value could pass, fix one of them`);
  }
  return { name, action, limits };
}

/** Judges one value against one rule. */
export function evaluateRule(spec: RuleSpec<unknown>, config: RuleConfig, value: number | null): RuleOutcome {
  const { action, limits } = config;
  const shown = (v: number) => formatValue(v, spec.unit);
  const base = { name: spec.name, value, threshold: { ...limits }, action };
  const breach = (status: RuleStatus, text: string): RuleOutcome => ({ ...base, status, message: `${capitalize(spec.describe)} ${text}` });
  const onHard: RuleStatus = action === 'reject' ? 'fail' : 'warn';
  const verdictWord = (s: RuleStatus) => (s === 'fail' ? 'rejected' : 'warning');

  if (action === 'off')
    return breach('off', `${value === null ? 'could not be measured' : `is ${shown(value)}`}; not judged (rule switched off)`);
  if (value === null || !Number.isFinite(value))
    return breach(onHard, `could not be measured${spec.missingReason ? ` (${spec.missingReason})` : ''}: ${verdictWord(onHard)}`);
  if (limits.max !== undefined && value > limits.max)
    return breach(onHard, `${shown(value)} is above the maximum ${shown(limits.max)}: ${verdictWord(onHard)}`);
  if (limits.min !== undefined && value < limits.min)
    return breach(onHard, `${shown(value)} is below the minimum ${shown(limits.min)}: ${verdictWord(onHard)}`);
  if (limits.warnMax !== undefined && value > limits.warnMax)
    return breach('warn', `${shown(value)} is above the warning level ${shown(limits.warnMax)}: warning`);
  if (limits.warnMin !== undefined && value < limits.warnMin)
    return breach('warn', `${shown(value)} is below the warning level ${shown(limits.warnMin)}: warning`);
  return breach('pass', `${shown(value)} is within ${rangeText(limits, shown)}: pass`);
}

/**
 * Evaluates every rule (configs in the same order as specs) on one metrics object; a rule
 * whose skipReason gives a reason is `skipped` (unless switched off, which wins).
 */
export function evaluateRules<M>(specs: readonly RuleSpec<M>[], configs: readonly RuleConfig[], metrics: M): RuleOutcome[] {
  return specs.map((spec, i) => {
    const config = configs[i];
    if (config?.name !== spec.name) throw new Error(`rule configuration ${config?.name} given for rule ${spec.name}`);
    const value = spec.value(metrics);
    const skip = config.action === 'off' ? null : (spec.skipReason?.(metrics) ?? null);
    if (skip !== null) {
      const shown = value === null || !Number.isFinite(value) ? '' : `is ${formatValue(value, spec.unit)}; `;
      return { name: spec.name, status: 'skipped', value, threshold: { ...config.limits }, action: config.action, message: `${capitalize(spec.describe)} ${shown}not judged: ${skip}` };
    }
    return evaluateRule(spec as RuleSpec<unknown>, config, value);
  });
}

/** The worst outcome: FAIL if any rule failed, else WARN if any warned, else PASS. */
export function overallVerdict(outcomes: readonly RuleOutcome[]): Verdict {
  if (outcomes.some((o) => o.status === 'fail')) return 'FAIL';
  if (outcomes.some((o) => o.status === 'warn')) return 'WARN';
  return 'PASS';
}

/** "[1.5 arcsec, 4 arcsec]", "<= 0.8", ">= 4" for the pass message. */
function rangeText(limits: RuleLimits, shown: (v: number) => string): string {
  const lo = limits.warnMin ?? limits.min;
  const hi = limits.warnMax ?? limits.max;
  if (lo !== undefined && hi !== undefined) return `[${shown(lo)}, ${shown(hi)}]`;
  if (hi !== undefined) return `the limit <= ${shown(hi)}`;
  return `the limit >= ${shown(lo!)}`;
}

/**
 * Numbers for messages, four significant digits: Jy/beam below 10 mJy in uJy/beam (rms
 * values are ~1e-4 Jy/beam, unreadable as Jy), fractions as they are.
 */
export function formatValue(v: number, unit: RuleUnit): string {
  const sig = (x: number) => String(Number(x.toPrecision(4)));
  switch (unit) {
    case 'Jy/beam':
      if (Math.abs(v) < 0.01) return `${sig(v * 1e6)} uJy/beam`;
      return `${sig(v)} Jy/beam`;
    case 'arcsec':
      return `${sig(v)} arcsec`;
    default:
      return sig(v);
  }
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
