/**
 * Classification of WCS axes from CTYPEi (WCS Papers I–III) and the unit conversion WCSLIB
 * applies: celestial axes in degrees, spectral axes in SI (Hz, m/s, m), so world values match
 * astropy.wcs. Other axes keep their header units.
 */
import { DataError } from '../errors.js';
import { type ProjectionCode, SUPPORTED_PROJECTIONS } from './projections.js';

export type AxisKind = 'longitude' | 'latitude' | 'spectral' | 'stokes' | 'linear';

export interface AxisType {
  kind: AxisKind;
  /** Projection code of a celestial axis. */
  projection?: ProjectionCode;
}

const LONGITUDE = /^(RA|[A-Z]LON|[A-Z]{2}LN)$/;
const LATITUDE = /^(DEC|[A-Z]LAT|[A-Z]{2}LT)$/;
const SPECTRAL = new Set(['FREQ', 'ENER', 'WAVN', 'VRAD', 'WAVE', 'VOPT', 'ZOPT', 'AWAV', 'VELO', 'BETA']);
/** AIPS-convention frame suffixes (FREQ-LSR, VELO-HEL): the axis itself is still linear. */
const AIPS_FRAMES = new Set(['LSR', 'HEL', 'OBS', 'LSD', 'GEO', 'TOP', 'BAR']);

/** Classifies CTYPEi (already trimmed); `key` names the keyword in error messages. */
export function classifyAxis(ctype: string, key: string): AxisType {
  const upper = ctype.toUpperCase();
  const hasCode = upper.length >= 8 && upper[4] === '-';
  const base = hasCode ? upper.slice(0, 4).replace(/-+$/, '') : upper;
  const code = hasCode ? upper.slice(5, 8) : '';
  if (LONGITUDE.test(base) || LATITUDE.test(base)) {
    // A celestial name without a projection code is a plain linear axis (WCS Paper I §2.1.1).
    if (!hasCode) return { kind: 'linear' };
    if (!(SUPPORTED_PROJECTIONS as readonly string[]).includes(code)) {
      throw new DataError(`${key} = '${ctype}': projection ${code} is not supported (only ${SUPPORTED_PROJECTIONS.join(', ')})`);
    }
    return { kind: LONGITUDE.test(base) ? 'longitude' : 'latitude', projection: code as ProjectionCode };
  }
  if (base === 'STOKES') return { kind: 'stokes' };
  if (SPECTRAL.has(base)) {
    if (hasCode && !AIPS_FRAMES.has(code)) {
      throw new DataError(`${key} = '${ctype}': non-linear spectral algorithm ${code} is not supported`);
    }
    return { kind: 'spectral' };
  }
  if (base === 'FELO') throw new DataError(`${key} = '${ctype}': AIPS optical velocity (FELO) is non-linear and not supported`);
  return { kind: 'linear' };
}

/** Multiplier to the unit world values are given in, and that unit's name. */
export interface UnitScale {
  factor: number;
  unit: string;
}

const ANGLE_UNITS: Record<string, number> = { DEG: 1, DEGREE: 1, DEGREES: 1, ARCMIN: 1 / 60, ARCSEC: 1 / 3600, MAS: 1 / 3_600_000, RAD: 180 / Math.PI };
const SPECTRAL_UNITS: Record<string, UnitScale> = {
  HZ: { factor: 1, unit: 'Hz' },
  KHZ: { factor: 1e3, unit: 'Hz' },
  MHZ: { factor: 1e6, unit: 'Hz' },
  GHZ: { factor: 1e9, unit: 'Hz' },
  'M/S': { factor: 1, unit: 'm/s' },
  'KM/S': { factor: 1e3, unit: 'm/s' },
  M: { factor: 1, unit: 'm' },
  CM: { factor: 1e-2, unit: 'm' },
  MM: { factor: 1e-3, unit: 'm' },
  UM: { factor: 1e-6, unit: 'm' },
  NM: { factor: 1e-9, unit: 'm' },
  ANGSTROM: { factor: 1e-10, unit: 'm' },
  J: { factor: 1, unit: 'J' },
  EV: { factor: 1.602176634e-19, unit: 'J' },
  '/M': { factor: 1, unit: '/m' },
  '': { factor: 1, unit: '' },
};
/** SI unit of each spectral type when CUNITi is absent. */
const SPECTRAL_DEFAULT_UNIT: Record<string, string> = { FREQ: 'Hz', ENER: 'J', WAVN: '/m', VRAD: 'm/s', WAVE: 'm', VOPT: 'm/s', ZOPT: '', AWAV: 'm', VELO: 'm/s', BETA: '' };

/** Scale from the header's CUNITi to the unit the world coordinates are returned in. */
export function unitScale(kind: AxisKind, ctype: string, cunit: string | undefined, key: string): UnitScale {
  const given = (cunit ?? '').trim();
  if (kind === 'longitude' || kind === 'latitude') {
    if (given === '') return { factor: 1, unit: 'deg' };
    const factor = ANGLE_UNITS[given.toUpperCase()];
    if (factor === undefined) throw new DataError(`${key} = '${given}' is not an angle unit for a celestial axis`);
    return { factor, unit: 'deg' };
  }
  if (kind === 'spectral') {
    if (given === '') return { factor: 1, unit: SPECTRAL_DEFAULT_UNIT[ctype.slice(0, 4).replace(/-+$/, '').toUpperCase()] ?? '' };
    const scale = SPECTRAL_UNITS[given.toUpperCase()];
    if (scale === undefined) throw new DataError(`${key} = '${given}' is not a recognised spectral unit`);
    return scale;
  }
  return { factor: 1, unit: given };
}
