/**
 * The planes of a coarse cube, found from headers alone (no pixel is read here):
 *
 * - per-window files in a directory (`--dir`, then its `products/`), by VLASS name:
 *   `<stem>.spwN.IQU.iter3.image.pbcor.tt0.subim.fits`; when a directory holds only the
 *   common-beam variants (`....tt0.subim.com.fits`) those are used. One product per directory.
 * - or one file (`--cube`), a per-window file or a multi-plane cube (NxNxK[xS]).
 *
 * Per plane: the Stokes I pixel along the STOKES axis (the pixel whose world value is 1; no
 * STOKES axis = Stokes I), the frequency from the spectral axis (which must be in Hz), the
 * indices for FitsReader.readRows, the restoring beam (the CASA BEAMS table row when the
 * header has CASAMBM = T, else BMAJ/BMIN/BPA; null when neither: an error only if the plane
 * is measured), and VLASSRJ = T (cube QA's mark of a rejected file).
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { DataError, InputMissingError, UsageError } from '../errors.js';
import { FitsReader, type FitsHeader } from '../fits/index.js';
import { parseProductName } from '../vlass/naming.js';
import { Wcs, beamFromHeader, type Beam, type HeaderSource } from '../wcs/index.js';
import { hasBeamTable, readBeamTable } from '../qa/cubeBeams.js';
import { isDirectory } from '../io/fsutil.js';
import { VLASS_CUBE_SPWS } from '../vlass/products.js';

const WINDOW_REST = 'image.pbcor.tt0.subim.fits';
const COMMON_BEAM_REST = 'image.pbcor.tt0.subim.com.fits';

export interface CubePlane {
  /** Column label: `spw7` for a window, `chan3` for a plane of a multi-plane cube. */
  label: string;
  spw: number | null;
  file: string;
  /** 0-based pixel along the spectral axis. */
  planeIndex: number;
  /** Indices along NAXIS3, NAXIS4, ... for FitsReader.readRows. */
  indices: number[];
  freqHz: number;
  beam: Beam | null;
  beamSource: 'header' | 'table' | null;
  rejected: boolean;
  /** Why the plane is skipped (empty when measured). */
  reasons: string[];
}

export interface CubeInput {
  mode: 'windows' | 'cube';
  /** Product stem (`VLASS2.1.cc.T10t01.J000200-003000.06.2048.v1`), or the file name without `.fits`. */
  stem: string;
  /** Directory the planes were found in (defaults for the catalog and qa.json are looked for here). */
  dir: string;
  planes: CubePlane[];
  /** Per-window product: VLASS windows 2..17 with no file. */
  missingSpws: number[];
  commonBeam: boolean;
  /** Multi-plane file whose one header beam stands for every plane. */
  sharedHeaderBeam: boolean;
}

/** The per-window files of the one cube product in `dir` (or `dir/products`). */
export function findWindows(dir: string): CubeInput {
  if (!isDirectory(dir)) throw new InputMissingError(`--dir ${dir}: not a directory or cannot be read; pass the directory holding the cube's window files`);
  const places = [dir, ...(isDirectory(join(dir, 'products')) ? [join(dir, 'products')] : [])];
  for (const place of places) {
    for (const rest of [WINDOW_REST, COMMON_BEAM_REST]) {
      const found = readdirSync(place)
        .map((f) => ({ f, name: parseProductName(f) }))
        .filter(({ name }) => name && name.type === 'cc' && name.spw !== undefined && name.rest === rest);
      if (found.length === 0) continue;
      const stems = [...new Set(found.map(({ name }) => name!.stem))].sort();
      if (stems.length > 1) throw new UsageError(`${place} holds ${stems.length} cube products (${stems.join(', ')}); give --dir a directory with one, or --cube`);
      const bySpw = new Map<number, string>();
      for (const { f, name } of found) {
        if (bySpw.has(name!.spw!)) throw new UsageError(`${place} has two files for spw${name!.spw}: ${bySpw.get(name!.spw!)} and ${f}; keep one`);
        bySpw.set(name!.spw!, f);
      }
      const spws = [...bySpw.keys()].sort((a, b) => a - b);
      const planes = spws.flatMap((spw) => {
        const inspected = inspectFile(join(place, bySpw.get(spw)!));
        return inspected.planes.map((p) => ({ ...p, spw, label: inspected.planes.length === 1 ? `spw${spw}` : `spw${spw}_${p.planeIndex}` }));
      });
      return {
        mode: 'windows',
        stem: stems[0],
        dir: place,
        planes,
        missingSpws: VLASS_CUBE_SPWS.filter((s) => !bySpw.has(s)),
        commonBeam: rest === COMMON_BEAM_REST,
        sharedHeaderBeam: false,
      };
    }
  }
  throw new InputMissingError(`no cube window files found: looked for *.spwN.*.${WINDOW_REST} (or .com.) in ${places.join(' and ')}; pass --dir or --cube`);
}

/** The planes of one cube file (`--cube`). */
export function cubeFilePlanes(path: string): CubeInput {
  const name = parseProductName(basename(path));
  const inspected = inspectFile(path);
  const single = inspected.planes.length === 1 && name?.spw !== undefined;
  const planes = inspected.planes.map((p) => ({ ...p, spw: single ? name!.spw! : null, label: single ? `spw${name!.spw}` : `chan${p.planeIndex}` }));
  return {
    mode: 'cube',
    stem: name?.stem ?? basename(path).replace(/\.fits?$/i, ''),
    dir: dirname(path),
    planes,
    missingSpws: [],
    commonBeam: /\.com\.fits$/.test(path),
    sharedHeaderBeam: inspected.planes.length > 1 && inspected.planes.every((p) => p.beamSource === 'header'),
  };
}

/** The header as shared/wcs reads it. */
export function headerSource(header: FitsHeader): HeaderSource {
  return (key: string) => {
    const v = header.get(key);
    return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? v : undefined;
  };
}

function inspectFile(path: string): { planes: CubePlane[] } {
  const reader = FitsReader.open(path);
  try {
    const { header, layout } = reader;
    const naxis = layout.naxis;
    const wcs = withFile(path, () => Wcs.fromHeader(headerSource(header)));
    if (!wcs.celestial || wcs.celestial.lon !== 0 || wcs.celestial.lat !== 1)
      throw new DataError(`${path}: the first two axes are not RA and Dec (CTYPE1/CTYPE2); a cube plane must be a sky image`);
    const spectral = wcs.axisOf('spectral');
    if (spectral < 2 || wcs.axes[spectral].unit !== 'Hz')
      throw new DataError(`${path}: no frequency axis (CTYPEn = 'FREQ' in Hz); each plane's frequency is needed for the spectral index`);
    const stokes = wcs.axisOf('stokes');
    let stokesI = 0;
    if (stokes >= 0) {
      const n = naxis[stokes] ?? 1;
      const probe = (k: number) => wcs.pixelToWorld(axisPixel(wcs, stokes, k))[stokes];
      stokesI = Array.from({ length: n }, (_, k) => k).find((k) => Math.abs(probe(k) - 1) < 1e-6) ?? -1;
      if (stokesI < 0) throw new DataError(`${path}: the STOKES axis (NAXIS${stokes + 1} = ${n}) has no Stokes I plane`);
    }
    for (let a = 2; a < naxis.length; a++)
      if (a !== spectral && a !== stokes && naxis[a] !== 1) throw new DataError(`${path}: axis ${a + 1} (${wcs.axes[a]?.ctype || 'unnamed'}) has length ${naxis[a]}; only FREQ and STOKES may have more than one pixel`);
    const vlassrj = withFile(path, () => header.getBoolean('VLASSRJ')) === true;
    const src = headerSource(header);
    const headerBeam = withFile(path, () => beamFromHeader(src)) ?? null;
    const table = hasBeamTable(header) ? withFile(path, () => readBeamTable(path, layout, statSync(path).size)) : undefined;
    const count = naxis[spectral] ?? 1;
    const planes: CubePlane[] = [];
    for (let k = 0; k < count; k++) {
      const indices = naxis.slice(2).map((_, j) => (j + 2 === spectral ? k : j + 2 === stokes ? stokesI : 0));
      const freqHz = wcs.pixelToWorld(axisPixel(wcs, spectral, k))[spectral];
      let beam: Beam | null = headerBeam;
      let beamSource: CubePlane['beamSource'] = headerBeam ? 'header' : null;
      const row = table?.find((r) => r.chan === k && r.pol === (stokes >= 0 ? stokesI : 0));
      if (row) {
        if (!(row.bmajArcsec > 0 && row.bminArcsec > 0)) throw new DataError(`${path}: BEAMS table row for channel ${k} has BMAJ=${row.bmajArcsec}" BMIN=${row.bminArcsec}", not positive`);
        beam = { majorArcsec: row.bmajArcsec, minorArcsec: row.bminArcsec, positionAngleDeg: row.bpaDeg };
        beamSource = 'table';
      }
      planes.push({
        label: `chan${k}`,
        spw: null,
        file: path,
        planeIndex: k,
        indices,
        freqHz,
        beam,
        beamSource,
        rejected: vlassrj,
        reasons: vlassrj ? ['header VLASSRJ = T'] : [],
      });
    }
    return { planes };
  } finally {
    reader.close();
  }
}

/** A pixel vector at the reference pixel on the celestial axes and `k` on `axis`. */
function axisPixel(wcs: Wcs, axis: number, k: number): number[] {
  const pixel = wcs.axes.map((a) => (a.index < 2 ? a.crpix - 1 : 0));
  pixel[axis] = k;
  return pixel;
}

/** Header-level DataErrors (from shared/wcs, which does not know the file) name the file. */
function withFile<T>(path: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof DataError && !err.message.includes(path)) throw new DataError(`${path}: ${err.message}`, { cause: err });
    throw err;
  }
}

/** The first of `candidates` that exists, else undefined. */
export function firstExisting(candidates: readonly string[]): string | undefined {
  return candidates.find((c) => existsSync(c));
}
