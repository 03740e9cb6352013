/**
 * VLASS product names: `VLASS2.1.se.T10t01.J000200-003000.06.2048.v1.I.iter3.image.pbcor.tt0.subim.fits`
 *
 *   epoch VLASS2.1 | type ql/se/cc/cat | tile T10t01 | phase centre Jhhmmss±ddmmss |
 *   cell size in 0.1" (10 = 1.0", 06 = 0.6") | 2048 | version v1 (absent in a few derived
 *   products) | Stokes I / IQU, or for cubes spwN.IQU | iteration iter1/iter3 | image kind...
 *
 * The stem (everything before the Stokes token) names the product; the rest says which file
 * of the product this is.
 */

export type ProductType = 'ql' | 'se' | 'cc' | 'cat';

export interface ProductName {
  /** The product's stem, e.g. `VLASS2.1.se.T10t01.J000200-003000.06.2048.v1`. */
  stem: string;
  /** `VLASS2.1`. */
  epoch: string;
  type: ProductType;
  /** `T10t01`. */
  tile: string;
  /** `J000200-003000`. */
  phaseCenter: string;
  /** Phase centre in degrees, from the name (to 1 s of RA, 1" of Dec). */
  phaseCenterDeg: { ra: number; dec: number };
  /** Cell size in arcsec (1.0 for QL, 0.6 for SE and cubes). */
  cellArcsec: number;
  version?: string;
  /** Spectral window of a coarse-cube file (`spw7` -> 7). */
  spw?: number;
  /** `I` or `IQU`. */
  stokes?: string;
  /** `iter1`, `iter3`. */
  iteration?: string;
  /** What follows: `image.pbcor.tt0.subim.fits`, `alpha.error.subim.fits`, `catalog.csv`... */
  rest: string;
}

const NAME = /^(VLASS\d+\.\d+)\.(ql|se|cc|cat)\.(T\d+t\d+)\.(J\d{6}[+-]\d{6})\.(\d{2})\.(\d+)(?:\.(v\d+))?(?:\.(.*))?$/;
const CENTRE = /^J(\d\d)(\d\d)(\d\d)([+-])(\d\d)(\d\d)(\d\d)$/;

/** Parses a file name (directory part ignored); undefined when it is not a VLASS product name. */
export function parseProductName(fileName: string): ProductName | undefined {
  const base = fileName.split('/').pop() ?? fileName;
  const m = NAME.exec(base);
  if (!m) return undefined;
  const [, epoch, type, tile, phaseCenter, cell, fixed, version, tail = ''] = m;
  const c = CENTRE.exec(phaseCenter)!;
  const ra = 15 * (Number(c[1]) + Number(c[2]) / 60 + Number(c[3]) / 3600);
  const dec = (c[4] === '-' ? -1 : 1) * (Number(c[5]) + Number(c[6]) / 60 + Number(c[7]) / 3600);
  const stem = [epoch, type, tile, phaseCenter, cell, fixed, ...(version ? [version] : [])].join('.');
  const parts = tail === '' ? [] : tail.split('.');
  let spw: number | undefined;
  let stokes: string | undefined;
  let iteration: string | undefined;
  let i = 0;
  const spwMatch = /^spw(\d+)$/.exec(parts[i] ?? '');
  if (spwMatch) {
    spw = Number(spwMatch[1]);
    i++;
  }
  if (/^(I|IQU|IQUV|Q|U|V)$/.test(parts[i] ?? '')) stokes = parts[i++];
  if (/^iter\d+$/.test(parts[i] ?? '')) iteration = parts[i++];
  return {
    stem,
    epoch,
    type: type as ProductType,
    tile,
    phaseCenter,
    phaseCenterDeg: { ra, dec },
    cellArcsec: Number(cell) / 10,
    ...(version ? { version } : {}),
    ...(spw !== undefined ? { spw } : {}),
    ...(stokes ? { stokes } : {}),
    ...(iteration ? { iteration } : {}),
    rest: parts.slice(i).join('.'),
  };
}
