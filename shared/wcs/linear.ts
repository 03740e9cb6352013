/**
 * The linear step of FITS WCS (Paper I §2.1): intermediate world coordinates
 * x_i = Σ_j L_ij (p_j − CRPIX_j), with L built, in WCSLIB's order of precedence, from
 *   1. PCi_j (unspecified elements from the identity) scaled by CDELTi (default 1), else
 *   2. CDi_j (unspecified elements 0; CDELTi ignored; an axis with no CD element at all in its
 *      row or column gets a unit diagonal, as WCSLIB gives e.g. the FREQ/STOKES axes of a
 *      header whose CD matrix covers only RA/Dec), else
 *   3. legacy CROTAi of the latitude axis with CDELTi (CROTA of any other axis is ignored),
 *      else
 *   4. CDELTi alone.
 */
import { DataError } from '../errors.js';
import type { HeaderReader } from './header.js';

export type Matrix = number[][];

export interface CelestialPair {
  lon: number;
  lat: number;
}

/** Builds L (naxis × naxis, 0-based indices) from the header. */
export function linearTransform(header: HeaderReader, naxis: number, celestial: CelestialPair | undefined): Matrix {
  const cdelt = range(naxis).map((i) => header.numberOr(`CDELT${i + 1}`, 1));
  const pc = readMatrix(header, 'PC', naxis);
  if (pc.present) {
    return range(naxis).map((i) => range(naxis).map((j) => cdelt[i] * (pc.values[i][j] ?? (i === j ? 1 : 0))));
  }
  const cd = readMatrix(header, 'CD', naxis);
  if (cd.present) {
    const m = range(naxis).map((i) => range(naxis).map((j) => cd.values[i][j] ?? 0));
    for (let i = 0; i < naxis; i++) {
      if (range(naxis).every((k) => m[i][k] === 0 && m[k][i] === 0)) m[i][i] = 1;
    }
    return m;
  }
  const m = range(naxis).map((i) => range(naxis).map((j) => (i === j ? cdelt[i] : 0)));
  const crota = celestial ? header.number(`CROTA${celestial.lat + 1}`) : undefined;
  if (celestial && crota !== undefined && crota !== 0) {
    // Paper II eq 188 gives PC1_2 = −sin ρ·CDELT2/CDELT1 and PC2_1 = sin ρ·CDELT1/CDELT2; times
    // CDELTi that is a rotation by ρ of the scaled pixel offsets.
    const { lon, lat } = celestial;
    const rho = (crota * Math.PI) / 180;
    m[lon][lon] = cdelt[lon] * Math.cos(rho);
    m[lon][lat] = -cdelt[lat] * Math.sin(rho);
    m[lat][lon] = cdelt[lon] * Math.sin(rho);
    m[lat][lat] = cdelt[lat] * Math.cos(rho);
  }
  return m;
}

/** Inverse by Gauss–Jordan elimination with partial pivoting; DataError if singular. */
export function invert(matrix: Matrix): Matrix {
  const n = matrix.length;
  const a = matrix.map((row, i) => [...row, ...range(n).map((j) => (i === j ? 1 : 0))]);
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(a[r][col]) > Math.abs(a[pivot][col])) pivot = r;
    if (a[pivot][col] === 0) throw new DataError('WCS linear transformation (PC/CD/CDELT) is singular');
    [a[col], a[pivot]] = [a[pivot], a[col]];
    const p = a[col][col];
    for (let j = 0; j < 2 * n; j++) a[col][j] /= p;
    for (let r = 0; r < n; r++) {
      if (r === col || a[r][col] === 0) continue;
      const f = a[r][col];
      for (let j = 0; j < 2 * n; j++) a[r][j] -= f * a[col][j];
    }
  }
  return a.map((row) => row.slice(n));
}

/** y = M·v. */
export function apply(matrix: Matrix, v: readonly number[]): number[] {
  return matrix.map((row) => row.reduce((sum, m, j) => sum + m * v[j], 0));
}

function readMatrix(header: HeaderReader, prefix: 'PC' | 'CD', naxis: number): { present: boolean; values: (number | undefined)[][] } {
  let present = false;
  const values = range(naxis).map((i) =>
    range(naxis).map((j) => {
      const v = header.number(`${prefix}${i + 1}_${j + 1}`);
      if (v !== undefined) present = true;
      return v;
    }),
  );
  return { present, values };
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}
