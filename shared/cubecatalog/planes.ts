/**
 * The cube catalog's view of a coarse cube: every Stokes I plane of the product's windows (or of
 * one `--cube` file), labelled for the catalog's columns, with VLASSRJ = T applied. Finding the
 * files and planning the planes is shared/cube's (the same rules as cube QA); here a directory
 * holding only common-beam windows (`...subim.com.fits`) is accepted too, since fluxes can be
 * measured on either.
 */
import { resolve } from 'node:path';
import { type CubeProduct, discoverCube, missingSpws } from '../cube/discover.js';
import { type CubeBeamSource, type CubeFilePlan, type PlanePlan, inspectCubeFile } from '../cube/plan.js';
import { DataError } from '../errors.js';
import type { Beam } from '../wcs/index.js';

export interface CubePlane {
  /** Column label: `spw7` for a window, `chan3` for a plane of a multi-plane cube. */
  label: string;
  spw: number | null;
  file: string;
  /** 0-based pixel along the spectral axis. */
  planeIndex: number;
  /** Indices along NAXIS3, NAXIS4, ... for the plane reader. */
  indices: number[];
  /** The file's shape and data offset as inspected (re-checked when the plane is read). */
  shape: number[];
  dataOffset: number;
  freqHz: number;
  beam: Beam | null;
  beamSource: CubeBeamSource | null;
  rejected: boolean;
  /** Why the plane is skipped (empty when measured). */
  reasons: string[];
}

export interface CubePlanes {
  /** `windows`: found in a directory; `cube`: one file given with --cube. */
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

/** The planes of the cube in `dir` (then its products/), or of the one file `cube`. */
export async function findCubePlanes(options: { dir: string; cube?: string }): Promise<CubePlanes> {
  const product = await discoverCube({
    dir: resolve(options.dir),
    explicit: options.cube === undefined ? [] : [options.cube],
    filesFlag: '--cube',
    commonBeamFallback: true,
  });
  return product.searched ? windowPlanes(product) : filePlanes(product);
}

function windowPlanes(product: CubeProduct): CubePlanes {
  const unreadable: string[] = [];
  const planes = product.files.flatMap((file) => {
    let plan: CubeFilePlan;
    try {
      plan = inspectCubeFile(file);
    } catch (err) {
      // A window that cannot be read is skipped with its reason, as cube QA rejects it; the others are measured.
      if (!(err instanceof DataError)) throw err;
      unreadable.push(`unreadable: ${err.message}`);
      return [skippedPlane(file.path, file.spw ?? null, unreadable[unreadable.length - 1])];
    }
    return plan.planes.map((p) => planeOf(plan, p, file.spw ?? null, plan.planes.length === 1 ? `spw${file.spw}` : `spw${file.spw}_${p.planeIndex}`));
  });
  if (unreadable.length === product.files.length) throw new DataError(`no window of ${product.stem} can be read: ${unreadable.join('; ')}`);
  return { mode: 'windows', stem: product.stem, dir: product.directory, planes, missingSpws: missingSpws(product), commonBeam: product.files[0].commonBeam, sharedHeaderBeam: false };
}

function filePlanes(product: CubeProduct): CubePlanes {
  const file = product.files[0];
  const plan = inspectCubeFile(file);
  const single = plan.planes.length === 1 && file.spw !== undefined;
  const planes = plan.planes.map((p) => planeOf(plan, p, single ? file.spw! : null, single ? `spw${file.spw}` : `chan${p.planeIndex}`));
  return {
    mode: 'cube',
    stem: product.stem,
    dir: product.directory,
    planes,
    missingSpws: [],
    commonBeam: file.commonBeam,
    sharedHeaderBeam: plan.planes.length > 1 && plan.planes.every((p) => p.beamSource === 'header'),
  };
}

/** A plane with no pixels to measure (its window missing or unreadable): rejected, with the reason. */
export function skippedPlane(file: string, spw: number | null, reason: string): CubePlane {
  return { label: spw !== null ? `spw${spw}` : file, spw, file, planeIndex: 0, indices: [], shape: [], dataOffset: 0, freqHz: NaN, beam: null, beamSource: null, rejected: true, reasons: [reason] };
}

function planeOf(plan: CubeFilePlan, p: PlanePlan, spw: number | null, label: string): CubePlane {
  return {
    label,
    spw,
    file: plan.file.path,
    planeIndex: p.planeIndex,
    indices: p.indices,
    shape: plan.shape,
    dataOffset: plan.dataOffset,
    freqHz: p.freqHz,
    beam: p.beam,
    beamSource: p.beamSource,
    rejected: plan.vlassRejected,
    reasons: plan.vlassRejected ? ['header VLASSRJ = T'] : [],
  };
}
