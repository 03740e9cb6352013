/**
 * Sexagesimal formatting of celestial positions, including the VLASS phase-centre / tile
 * name style `Jhhmmss±ddmmss` (e.g. J110448+763000 for RA 166.2°, Dec +76.5°).
 */

export interface SexagesimalOptions {
  /** Decimal places of the seconds field. */
  decimals?: number;
  /** Field separator; '' for the compact form. */
  separator?: string;
}

/** RA in degrees → 'hh:mm:ss.ss' (default 2 decimals), hours in [0, 24). */
export function formatRa(raDeg: number, options: SexagesimalOptions = {}): string {
  const decimals = options.decimals ?? 2;
  const hours = (((raDeg % 360) + 360) % 360) / 15;
  const [h, m, s] = splitSexagesimal(hours, decimals);
  return joinFields(h % 24, m, s, decimals, options.separator ?? ':');
}

/** Dec in degrees → '±dd:mm:ss.s' (default 1 decimal), sign always shown. */
export function formatDec(decDeg: number, options: SexagesimalOptions = {}): string {
  const decimals = options.decimals ?? 1;
  const [d, m, s] = splitSexagesimal(Math.abs(decDeg), decimals);
  const sign = decDeg < 0 && (d > 0 || m > 0 || s > 0) ? '-' : '+';
  return sign + joinFields(d, m, s, decimals, options.separator ?? ':');
}

/**
 * VLASS phase-centre name `Jhhmmss±ddmmss`. Fields are rounded to the nearest whole second
 * (with carry), so a stored CRVAL carrying float noise, such as the 0.499993379° of a
 * VLASS2.1 image of the J000200-003000 field, still gives the field's name.
 */
export function phaseCentreName(raDeg: number, decDeg: number): string {
  return `J${formatRa(raDeg, { decimals: 0, separator: '' })}${formatDec(decDeg, { decimals: 0, separator: '' })}`;
}

/** value (hours or degrees, >= 0) → [whole units, minutes, seconds] rounded to `decimals`, carried. */
function splitSexagesimal(value: number, decimals: number): [number, number, number] {
  const scale = 10 ** decimals;
  const ticks = Math.round(value * 3600 * scale); // integer count of the last displayed digit
  const perMinute = 60 * scale;
  const perUnit = 3600 * scale;
  const whole = Math.floor(ticks / perUnit);
  const minutes = Math.floor((ticks - whole * perUnit) / perMinute);
  const seconds = (ticks - whole * perUnit - minutes * perMinute) / scale;
  return [whole, minutes, seconds];
}

function joinFields(whole: number, minutes: number, seconds: number, decimals: number, separator: string): string {
  const secondsText = seconds.toFixed(decimals).padStart(decimals > 0 ? decimals + 3 : 2, '0');
  return [String(whole).padStart(2, '0'), String(minutes).padStart(2, '0'), secondsText].join(separator);
}
