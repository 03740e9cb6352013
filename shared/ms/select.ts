/** Which fields an image needs: those whose phase centre lies within its radius, on the sphere. */
import { DataError, UsageError } from '../errors.js';
import { angularSeparation } from '../wcs/index.js';
import type { MsField } from './inspect.js';

const CENTRE = /^J(\d\d)(\d\d)(\d\d(?:\.\d+)?)([+-])(\d\d)(\d\d)(\d\d(?:\.\d+)?)$/;

/** `J005000-023000` (VLASS image names: hhmmss±ddmmss, optional decimals) in degrees. */
export function parsePhaseCentre(text: string, what: string): { raDeg: number; decDeg: number } {
  const m = CENTRE.exec(text);
  const bad = () => new UsageError(`${what} "${text}": not a phase centre; write it as J<hhmmss><+|-><ddmmss>, e.g. J005000-023000`);
  if (!m) throw bad();
  const [h, mi, s, sign, d, am, as] = [Number(m[1]), Number(m[2]), Number(m[3]), m[4], Number(m[5]), Number(m[6]), Number(m[7])];
  if (h > 23 || mi > 59 || s >= 60 || d > 90 || am > 59 || as >= 60) throw bad();
  const decAbs = d + am / 60 + as / 3600;
  if (decAbs > 90) throw bad();
  return { raDeg: 15 * (h + mi / 60 + s / 3600), decDeg: (sign === '-' ? -1 : 1) * decAbs };
}

export interface FieldSelection {
  /** Selected fields in FIELD_ID order, with their distance from the centre (degrees). */
  selected: Array<MsField & { distanceDeg: number }>;
  nearest: MsField & { distanceDeg: number };
}

/**
 * Fields within `radiusDeg` of the centre (inclusive: a field exactly on the radius is in,
 * allowing for the rounding of the stored directions, 1e-9 degrees). None: DataError naming
 * the nearest field and its distance.
 */
export function selectFields(ms: string, fields: MsField[], centre: { raDeg: number; decDeg: number }, radiusDeg: number): FieldSelection {
  if (fields.length === 0) throw new DataError(`${ms}: its FIELD table is empty`);
  const withDistance = fields.map((f) => ({ ...f, distanceDeg: angularSeparation(centre.raDeg, centre.decDeg, f.raDeg, f.decDeg) }));
  const nearest = withDistance.reduce((a, b) => (b.distanceDeg < a.distanceDeg ? b : a));
  const selected = withDistance.filter((f) => f.distanceDeg <= radiusDeg + 1e-9);
  if (selected.length === 0) {
    throw new DataError(
      `${ms}: no field within ${radiusDeg} deg of the image centre; the nearest is field ${nearest.id} "${nearest.name}" at ${nearest.distanceDeg.toFixed(4)} deg; check the phase centre and radius, or the measurement set`,
    );
  }
  return { selected, nearest };
}
