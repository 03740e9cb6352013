/**
 * Judging a coarse cube's planes, as the CASA pipeline's VLASS cube plane rejection does
 * (hif_makeimages, VLASS-SE-CUBE mode, `vlass_plane_reject_im`, defaults
 * {'flagpct_thresh': 0.8, 'beamdev_thresh': 0.2}):
 *
 *   expected beam of a plane = reference plane's BMAJ, BMIN x f_ref / f
 *   kept when  expected x (1 - t) < BMAJ < expected x (1 + t)   and the same for BMIN
 *         and  flagged fraction < maxFlaggedFraction
 *
 * The comparisons are strict, as the pipeline's numpy ones are: a beam exactly 20% off, or a
 * flagged fraction exactly 0.8, rejects the plane.
 *
 * Reference plane (CAPO `referencePlane`):
 *   median (default, the pipeline's choice): the plane whose BMIN x f is the median of the
 *          candidates' (sorted, index floor(n/2): the upper middle for an even count), its
 *          BMAJ and BMIN used together. A beam wrong in one plane cannot become the reference
 *          unless half the planes are wrong alike, whereas "the lowest-frequency plane" makes
 *          one bad low window reject every good plane of the cube.
 *   lowest: the lowest-frequency candidate (offered for sites that want that reading of
 *          "a reference plane's beam scaled by f_ref/f").
 * Candidates: planes with a beam of their own (not `beamShared`) whose flagged fraction is
 * below maxFlaggedFraction, so a plane rejected anyway does not vote; when there is none, every
 * plane with a beam of its own (all are rejected as flagged then; the expected beam is still
 * reported). This is the one deliberate difference from the pipeline, which lets every imaged
 * plane vote (its flag fraction is of the visibilities, and windows above 0.9 were already
 * dropped before imaging).
 *
 * The product verdict comes from two rules through the common rules engine (rules.ts), so they
 * take CAPO limits and actions like every other QA rule: `rejectedPlanes` (default: warn when
 * any plane is rejected) and `usablePlanes` (default: fail below 8).
 */
import type { CapoConfig } from '../../capo/capo.js';
import { ConfigError } from '../../errors.js';
import type { MeasuredPlane } from './measure.js';
import type { CubeBeamReference, CubePlaneResult, CubeReferenceMethod, CubeSettings, CubeSummary } from './types.js';
import type { RuleSpec } from '../rules.js';

const SETTING_KEYS = ['beamTolerance', 'maxFlaggedFraction', 'referencePlane'] as const;
const METHODS: readonly CubeReferenceMethod[] = ['median', 'lowest'];

/**
 * Reads `<prefix>.beamTolerance`, `.maxFlaggedFraction`, `.referencePlane` (all required: the
 * tool's defaults file sets them). ConfigError (78) naming the key for a value out of range,
 * and for any key under the prefix that is neither one of these nor a `rule.` key (a typo
 * must not fall back to a default silently).
 */
export function loadCubeSettings(capo: CapoConfig, prefix: string): CubeSettings {
  const known = new Set(SETTING_KEYS.map((k) => k.toLowerCase()));
  for (const key of Object.keys(capo.settings(prefix)))
    if (!known.has(key) && !key.startsWith('rule.'))
      throw new ConfigError(`CAPO key ${prefix}.${key}: not a setting of this tool; the settings are ${SETTING_KEYS.join(', ')} and rule.<rule>.<field>`);
  const beamTolerance = capo.getNumber(`${prefix}.beamTolerance`);
  if (!(beamTolerance > 0 && beamTolerance < 1))
    throw new ConfigError(`CAPO key ${prefix}.beamTolerance = ${beamTolerance}: must be a fraction between 0 and 1 (0.2 keeps beams within ±20% of the expected)`);
  const maxFlaggedFraction = capo.getNumber(`${prefix}.maxFlaggedFraction`);
  if (!(maxFlaggedFraction > 0 && maxFlaggedFraction <= 1))
    throw new ConfigError(`CAPO key ${prefix}.maxFlaggedFraction = ${maxFlaggedFraction}: must be in (0, 1] (planes flagged at or above it are rejected)`);
  const method = capo.getString(`${prefix}.referencePlane`).trim().toLowerCase();
  if (!METHODS.includes(method as CubeReferenceMethod))
    throw new ConfigError(`CAPO key ${prefix}.referencePlane = "${method}": must be median or lowest`);
  return { beamTolerance, maxFlaggedFraction, referencePlane: method as CubeReferenceMethod };
}

/** A plane whose beam the 1/f check judges. */
function judgeable(p: MeasuredPlane): p is MeasuredPlane & { bmajArcsec: number; bminArcsec: number } {
  return p.bmajArcsec !== null && p.bminArcsec !== null && !p.beamShared;
}

/** The reference plane for the expected beam (see the module comment), or null when no plane has a beam of its own. */
export function chooseReference(planes: readonly MeasuredPlane[], settings: CubeSettings): CubeBeamReference | null {
  const withBeam = planes.filter(judgeable);
  const unflagged = withBeam.filter((p) => p.flaggedFraction < settings.maxFlaggedFraction);
  const candidates = unflagged.length > 0 ? unflagged : withBeam;
  if (candidates.length === 0) return null;
  let ref: (typeof candidates)[number];
  if (settings.referencePlane === 'lowest') {
    ref = candidates.reduce((a, b) => (b.freqHz < a.freqHz ? b : a));
  } else {
    // Sorted by BMIN x f as the pipeline sorts; ties by frequency, so the choice is deterministic.
    const sorted = [...candidates].sort((a, b) => a.bminArcsec * a.freqHz - b.bminArcsec * b.freqHz || a.freqHz - b.freqHz);
    ref = sorted[sorted.length >> 1];
  }
  return {
    method: settings.referencePlane,
    file: ref.file,
    spw: ref.spw,
    planeIndex: ref.planeIndex,
    freqHz: ref.freqHz,
    bmajArcsec: ref.bmajArcsec,
    bminArcsec: ref.bminArcsec,
    candidates: candidates.length,
  };
}

/** Every plane with its expected beam, deviations, and the reasons it is rejected (if any). */
export function judgePlanes(planes: readonly MeasuredPlane[], reference: CubeBeamReference | null, settings: CubeSettings): CubePlaneResult[] {
  const t = settings.beamTolerance;
  const refText = reference ? `the ${reference.method} reference ${planeName(reference)} scaled by f_ref/f` : '';
  return planes.map((p) => {
    const reasons: string[] = [];
    let expectedBmaj: number | null = null;
    let expectedBmin: number | null = null;
    let bmajDeviation: number | null = null;
    let bminDeviation: number | null = null;
    if (p.bmajArcsec === null || p.bminArcsec === null) {
      reasons.push('no restoring beam (no BMAJ/BMIN in the header and no BEAMS table row for the plane), so its beam cannot be checked');
    } else if (!p.beamShared && reference) {
      const scale = reference.freqHz / p.freqHz;
      expectedBmaj = reference.bmajArcsec * scale;
      expectedBmin = reference.bminArcsec * scale;
      bmajDeviation = p.bmajArcsec / expectedBmaj - 1;
      bminDeviation = p.bminArcsec / expectedBmin - 1;
      for (const [axis, value, expected, deviation] of [
        ['major', p.bmajArcsec, expectedBmaj, bmajDeviation],
        ['minor', p.bminArcsec, expectedBmin, bminDeviation],
      ] as const) {
        // The pipeline's test, literally: kept only strictly inside (1 - t, 1 + t) x expected.
        if (!(expected * (1 - t) < value && value < expected * (1 + t)))
          reasons.push(
            `beam ${axis} axis ${value.toFixed(3)}" is ${percent(Math.abs(deviation))} ${deviation >= 0 ? 'above' : 'below'} the expected ${expected.toFixed(3)}" (${refText}); kept only strictly within ±${percent(t)}`,
          );
      }
    }
    if (!(p.flaggedFraction < settings.maxFlaggedFraction))
      reasons.push(`flagged fraction ${round4(p.flaggedFraction)} (NaN, infinite or exactly 0) is at or above the limit ${settings.maxFlaggedFraction}`);
    return {
      ...p,
      expectedBmajArcsec: expectedBmaj,
      expectedBminArcsec: expectedBmin,
      bmajDeviation,
      bminDeviation,
      rejected: reasons.length > 0,
      reasons,
    };
  });
}

export function summarizePlanes(planes: readonly CubePlaneResult[]): CubeSummary {
  const rejectedPlanes = planes.filter((p) => p.rejected).length;
  return { planes: planes.length, usablePlanes: planes.length - rejectedPlanes, rejectedPlanes };
}

/** The product rules: limits and actions are CAPO keys under `<prefix>.rule.` (capo/defaults-annotateQaSECube.properties). */
export const CUBE_RULES: readonly RuleSpec<CubeSummary>[] = [
  { name: 'rejectedPlanes', describe: 'number of rejected planes', unit: 'ratio', value: (s) => s.rejectedPlanes },
  { name: 'usablePlanes', describe: 'number of usable (not rejected) planes', unit: 'ratio', value: (s) => s.usablePlanes },
];

/** "spw11 (3.18 GHz)" or "plane 3 (3.18 GHz)". */
export function planeName(p: { spw: number | null; planeIndex: number; freqHz: number }): string {
  return `${p.spw !== null ? `spw${p.spw}` : `plane ${p.planeIndex}`} (${Number((p.freqHz / 1e9).toPrecision(6))} GHz)`;
}

function percent(x: number): string {
  return `${Number((x * 100).toPrecision(3))}%`;
}

function round4(x: number): number {
  return Number(x.toPrecision(4));
}
