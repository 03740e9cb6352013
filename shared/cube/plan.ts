/**
 * Which planes of a cube file the cube tools read, found from the header alone (no pixel read);
 * cube QA measures them, the cube catalog fits components on them.
 *
 * - the Stokes I plane: the pixel of the STOKES axis whose world value is 1 (FITS code for I),
 *   wherever that axis is and in whatever order its values run; a file without a STOKES axis
 *   is taken as Stokes I; a STOKES axis without I is bad input (65);
 * - every pixel of the spectral axis, with its frequency (Hz) from the WCS; a file must have a
 *   frequency axis (FREQ, or any spectral type in Hz): without frequencies neither the expected
 *   beam nor a spectral index can be worked out (65);
 * - each plane's beam: its row of the CASA BEAMS table when the file has one (CASAMBM = T,
 *   fits/beams.ts), else the header's BMAJ/BMIN/BPA. A header beam of a file with several
 *   frequency planes, or any beam of a common-beam (`.com.`) file, is not the plane's own:
 *   marked `beamShared`, and the 1/f beam check does not judge it.
 * The first two axes must be RA and Dec; axes beyond them other than FREQ and STOKES must have
 * length 1. A per-window VLASS file (6202x6202x1x3) is one plane; a multi-plane cube (NxNxK[x S])
 * is K. `VLASSRJ = T` (cube QA's mark of a rejected window) is read too.
 */
import { DataError, inFile } from '../errors.js';
import { FitsReader, shapeText, type FitsHeader } from '../fits/index.js';
import { type BeamTableRow, hasBeamTable, readBeamTable } from '../fits/beams.js';
import { MIN_PLANE_SIDE } from '../vlass/image.js';
import { Wcs, beamFromHeader, headerSource, type Beam } from '../wcs/index.js';
import type { CubeFile } from './discover.js';

/** Where a plane's beam came from. */
export type CubeBeamSource = 'header' | 'table';

export interface PlanePlan {
  /** 0-based pixel along the spectral axis. */
  planeIndex: number;
  /** 0-based pixel of Stokes I along the STOKES axis (null: no STOKES axis). */
  stokesIndex: number | null;
  /** Indices along NAXIS3, NAXIS4, ... for FitsReader.readRows. */
  indices: number[];
  freqHz: number;
  beam: Beam | null;
  beamSource: CubeBeamSource | null;
  beamShared: boolean;
}

export interface CubeFilePlan {
  file: CubeFile;
  /** From the name, else the header's SPW when it is one whole number. */
  spw: number | null;
  /** NAXIS1..n, and the layout facts a reader re-checks when it re-opens the file. */
  shape: number[];
  width: number;
  height: number;
  dataOffset: number;
  /** The header says cube QA rejected this file (VLASSRJ = T). */
  vlassRejected: boolean;
  planes: PlanePlan[];
}

/** Reads the header of one cube file and lists its Stokes I planes. DataError (65) names the file. */
export function inspectCubeFile(file: CubeFile): CubeFilePlan {
  const reader = FitsReader.open(file.path);
  try {
    return planFile(file, reader);
  } finally {
    reader.close();
  }
}

function planFile(file: CubeFile, reader: FitsReader): CubeFilePlan {
  const path = file.path;
  const { layout, header } = reader;
  const shape = [...layout.naxis];
  if (shape.length < 2 || layout.width < MIN_PLANE_SIDE || layout.height < MIN_PLANE_SIDE)
    throw new DataError(`${path}: shape ${shapeText(shape)}; a cube window is at least ${MIN_PLANE_SIDE}x${MIN_PLANE_SIDE} pixels on its first two axes (e.g. 6202x6202x1x3)`);
  const wcs = inFile(path, () => Wcs.fromHeader(headerSource(header)));
  if (!wcs.celestial || wcs.celestial.lon !== 0 || wcs.celestial.lat !== 1)
    throw new DataError(`${path}: the first two axes are not RA and Dec (CTYPE1/CTYPE2); a cube plane must be a sky image`);
  const spectral = wcs.axisOf('spectral');
  if (spectral < 0) throw new DataError(`${path}: no spectral (FREQ) axis in the header; each plane's frequency is needed (to scale the expected beam, to fit spectral indices)`);
  const spectralAxis = wcs.axes[spectral];
  if (spectral < 2) throw new DataError(`${path}: the spectral axis is axis ${spectral + 1} (${spectralAxis.ctype}); planes are read on the first two (celestial) axes`);
  if (spectralAxis.unit !== 'Hz')
    throw new DataError(`${path}: CTYPE${spectral + 1} = '${spectralAxis.ctype}' is in ${spectralAxis.unit}, not a frequency; the cube tools need frequencies (FREQ in Hz)`);
  const stokes = wcs.axisOf('stokes');
  if (stokes >= 0 && stokes < 2) throw new DataError(`${path}: the STOKES axis is axis ${stokes + 1}; planes are read on the first two (celestial) axes`);
  for (let a = 2; a < shape.length; a++)
    if (a !== spectral && a !== stokes && shape[a] !== 1)
      throw new DataError(`${path}: shape ${shapeText(shape)}: axis ${a + 1} (${wcs.axes[a]?.ctype || 'no CTYPE'}) has ${shape[a]} pixels; only FREQ and STOKES may have more than one`);

  const world = (axis: number, pixel: number) => {
    const p = new Array<number>(wcs.naxis).fill(0);
    p[axis] = pixel;
    return wcs.pixelToWorld(p)[axis];
  };
  const nStokes = stokes >= 0 && stokes < shape.length ? shape[stokes] : 1;
  let stokesIndex: number | null = null;
  if (stokes >= 0) {
    const values = Array.from({ length: nStokes }, (_, p) => world(stokes, p));
    const i = values.findIndex((v) => Math.abs(v - 1) < 1e-6);
    if (i < 0) throw new DataError(`${path}: the STOKES axis holds ${values.map((v) => Number(v.toPrecision(6))).join(', ')} (FITS codes), no Stokes I (1); the cube tools measure Stokes I`);
    stokesIndex = i;
  }
  const nFreq = spectral < shape.length ? shape[spectral] : 1;

  const headerBeam = inFile(path, () => beamFromHeader(headerSource(header))) ?? null;
  let table: BeamTableRow[] | undefined;
  if (hasBeamTable(header)) table = inFile(path, () => readBeamTable(path, layout, reader.fileSize));
  const vlassRejected = inFile(path, () => header.getBoolean('VLASSRJ')) === true;

  const planes: PlanePlan[] = [];
  for (let k = 0; k < nFreq; k++) {
    const freqHz = world(spectral, k);
    if (!(Number.isFinite(freqHz) && freqHz > 0)) throw new DataError(`${path}: plane ${k} of the spectral axis is at ${freqHz} Hz; check CRVAL${spectral + 1}/CDELT${spectral + 1}/CRPIX${spectral + 1}`);
    const indices = new Array<number>(layout.planeAxes.length).fill(0);
    if (spectral < shape.length) indices[spectral - 2] = k;
    if (stokesIndex !== null && stokes < shape.length) indices[stokes - 2] = stokesIndex;
    const row = table?.find((r) => r.chan === k && r.pol === (stokesIndex ?? 0));
    let beam: Beam | null = headerBeam;
    let beamSource: CubeBeamSource | null = headerBeam ? 'header' : null;
    if (row) {
      beam = { majorArcsec: row.bmajArcsec, minorArcsec: row.bminArcsec, positionAngleDeg: row.bpaDeg };
      beamSource = 'table';
    }
    if (beam && !(beam.majorArcsec > 0 && beam.minorArcsec > 0)) throw new DataError(`${path}: plane ${k} has beam ${beam.majorArcsec}" x ${beam.minorArcsec}", not positive; the beam is corrupt`);
    const beamShared = beam !== null && (file.commonBeam || (beamSource === 'header' && nFreq > 1));
    planes.push({ planeIndex: k, stokesIndex, indices, freqHz, beam, beamSource, beamShared });
  }
  return { file, spw: file.spw ?? headerSpw(header), shape, width: layout.width, height: layout.height, dataOffset: layout.dataOffset, vlassRejected, planes };
}

/** The header's SPW when it names one window ('11'), else null ('2~17', absent). */
function headerSpw(header: FitsHeader): number | null {
  const v = header.get('SPW');
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (typeof v === 'string' && /^\s*\d+\s*$/.test(v)) return Number(v);
  return null;
}

/**
 * Every file must cover the same sky grid (NAXIS1 x NAXIS2) as the first: a window of another
 * size is not a plane of this cube (65, both files and shapes named).
 */
export function checkSameGrid(plans: readonly CubeFilePlan[]): void {
  const first = plans[0];
  for (const p of plans.slice(1))
    if (p.width !== first.width || p.height !== first.height)
      throw new DataError(
        `${p.file.path} has shape ${shapeText(p.shape)} but ${first.file.path} has ${shapeText(first.shape)}; every window of a cube covers the same ${first.width}x${first.height} grid, regenerate or remove the odd one`,
      );
}
