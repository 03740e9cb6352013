/**
 * The result object of coarse-cube QA (annotateQaSECube): one record per Stokes I plane, the
 * beam reference the planes were judged against, the product verdict from the CAPO rules, and
 * where rejected windows went. Built once, handed to every writer (JSON, CSV, FITS keywords,
 * log summary). As in types.ts, anything not measured is `null`, never NaN.
 */
import type { CubeBeamSource } from '../../cube/plan.js';
import type { QaProductInfo, RejectionRecord, RuleOutcome, Verdict } from '../types.js';

/** Where a plane's beam came from: the file's BMAJ/BMIN/BPA, or its CASA per-plane BEAMS table. */
export type { CubeBeamSource };

/** How the reference beam is chosen (CAPO `referencePlane`). */
export type CubeReferenceMethod = 'median' | 'lowest';

/** The per-plane limits (CAPO `beamTolerance`, `maxFlaggedFraction`, `referencePlane`). */
export interface CubeSettings {
  /**
   * A plane is kept only when BMAJ and BMIN are both strictly within (1 ± beamTolerance) x the
   * expected beam (the pipeline's comparison): a deviation of exactly the tolerance rejects.
   */
  beamTolerance: number;
  /** A plane whose flagged fraction is at or above this is rejected. */
  maxFlaggedFraction: number;
  referencePlane: CubeReferenceMethod;
}

export interface CubeBeamReference {
  method: CubeReferenceMethod;
  /** The reference plane (its file, spw, frequency and beam). */
  file: string;
  spw: number | null;
  planeIndex: number;
  freqHz: number;
  bmajArcsec: number;
  bminArcsec: number;
  /** How many planes were candidates (judgeable beam, not flagged; see docs). */
  candidates: number;
}

/** One Stokes I plane: what was read and measured, and the judgement. */
export interface CubePlaneResult {
  /** The file holding the plane (absolute path at the time of measurement). */
  file: string;
  /** Spectral window, from the file name (`spwN`), else the header's SPW; null when neither says. */
  spw: number | null;
  /** 0-based pixel along the file's spectral axis (0 for a per-window file). */
  planeIndex: number;
  /** 0-based pixel of Stokes I along the STOKES axis (null: the file has no STOKES axis). */
  stokesIndex: number | null;
  /** World coordinate of the plane on the spectral (FREQ) axis, Hz. */
  freqHz: number;
  bmajArcsec: number | null;
  bminArcsec: number | null;
  bpaDeg: number | null;
  beamSource: CubeBeamSource | null;
  /**
   * The beam is not the plane's own: one header beam for several planes of a file, or a
   * common-beam (`.com.`) product. The 1/f beam check does not apply to it (see docs).
   */
  beamShared: boolean;
  /** Reference beam x f_ref / f (null: no reference, or the beam is not judged). */
  expectedBmajArcsec: number | null;
  expectedBminArcsec: number | null;
  /** bmaj / expected - 1, bmin / expected - 1 (signed). */
  bmajDeviation: number | null;
  bminDeviation: number | null;
  /** astropy mad_std of the finite non-zero pixels, Jy/beam (null: no such pixel). */
  rmsJy: number | null;
  /** Brightest finite pixel, Jy/beam (null: no finite pixel). */
  peakJy: number | null;
  /** (NaN + ±Infinity + exact-zero pixels) / all pixels of the plane. */
  flaggedFraction: number;
  /** width x height. */
  pixelCount: number;
  rejected: boolean;
  /** One sentence per reason the plane was rejected (empty when kept). */
  reasons: string[];
}

/** The counts the product rules judge. */
export interface CubeSummary {
  planes: number;
  usablePlanes: number;
  rejectedPlanes: number;
}

export interface UnreadableWindow {
  file: string;
  spw: number | null;
  reason: string;
}

export interface CubeQaResult {
  product: QaProductInfo;
  verdict: Verdict;
  /** The product rules (usablePlanes, rejectedPlanes) judged on `summary`. */
  rules: RuleOutcome[];
  settings: CubeSettings;
  summary: CubeSummary;
  reference: CubeBeamReference | null;
  /** Sorted by frequency. */
  planes: CubePlaneResult[];
  /** For a VLASS cube found by name: windows 2..17 that were not there (empty when all were). */
  missingSpws: number[];
  /**
   * Windows that could not be read (a truncated file, a corrupt header): rejected, each counted
   * as one rejected plane in `summary`, the other windows judged as usual.
   */
  unreadable: UnreadableWindow[];
  /** Where the rejected windows' files went (present only when --reject-to moved some). */
  rejected?: RejectionRecord;
}
