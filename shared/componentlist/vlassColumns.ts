/**
 * The columns the VLASS SE catalog adds to PyBDSF's Gaussian list (run_getalpha's): Alpha and
 * AlphaErr sampled from the spectral index images at each component, ObsDate from DATE-OBS,
 * Tile, Pointing (the phase centre name) and OffsetRA/OffsetDec.
 *
 * The offsets follow the real catalogs, checked against them in the tests: plain differences
 * in degrees from the image reference direction (CRVAL), with no cos(dec) factor.
 */
import type { Component } from '../sources/types.js';
import type { ProductName } from '../vlass/naming.js';
import type { FloatArray } from '../stats/index.js';

/** The value at the pixel nearest (x, y), 0-based; NaN off the image. */
export type NearestPixel = (x: number, y: number) => number;

export interface VlassColumnInputs {
  name: ProductName;
  /** DATE-OBS of the detection image (ISO 8601). */
  dateObs: string;
  referenceRaDeg: number;
  referenceDecDeg: number;
  /** The spectral index image and its error: whole planes, or samplers of the nearest pixel. */
  alpha: FloatArray | NearestPixel;
  alphaError: FloatArray | NearestPixel;
  width: number;
  height: number;
}

/**
 * `2020-07-17T11:36:03.600` -> `2020/07/17T11:36:04`, as the archive's catalogs write it:
 * rounded to the nearest second (the real T10t01 catalog's DATE-OBS is 11:36:03.6).
 */
export function obsDate(dateObs: string): string {
  const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?)/.exec(dateObs.trim());
  if (!m) return dateObs.trim();
  const ms = Date.parse(`${m[1]}Z`);
  if (Number.isNaN(ms)) return dateObs.trim();
  const iso = new Date(Math.round(ms / 1000) * 1000).toISOString(); // 2020-07-17T11:36:04.000Z
  return `${iso.slice(0, 4)}/${iso.slice(5, 7)}/${iso.slice(8, 10)}T${iso.slice(11, 19)}`;
}

/** Value of `plane` at the pixel nearest (x, y), 0-based; NaN off the image. */
export function sampleNearest(plane: FloatArray, width: number, height: number, x: number, y: number): number {
  const ix = Math.round(x);
  const iy = Math.round(y);
  if (!(ix >= 0 && iy >= 0 && ix < width && iy < height)) return NaN;
  return plane[iy * width + ix];
}

function valueAt(source: FloatArray | NearestPixel, size: { width: number; height: number }, x: number, y: number): number {
  return typeof source === 'function' ? source(x, y) : sampleNearest(source, size.width, size.height, x, y);
}

/** RA difference in degrees, wrapped into (-180, 180] so a field across RA 0 stays small. */
function raOffset(ra: number, ref: number): number {
  let d = ra - ref;
  while (d > 180) d -= 360;
  while (d <= -180) d += 360;
  return d;
}

export function addVlassColumns(components: Component[], inputs: VlassColumnInputs): void {
  const tile = `${inputs.name.epoch}.${inputs.name.tile}`;
  const date = obsDate(inputs.dateObs);
  for (const c of components) {
    const x = c.xPosn.value;
    const y = c.yPosn.value;
    c.vlass = {
      obsDate: date,
      tile,
      pointing: inputs.name.phaseCenter,
      alpha: valueAt(inputs.alpha, inputs, x, y),
      alphaErr: valueAt(inputs.alphaError, inputs, x, y),
      offsetRa: raOffset(c.ra.value, inputs.referenceRaDeg),
      offsetDec: c.dec.value - inputs.referenceDecDeg,
    };
  }
}
