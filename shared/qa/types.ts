/**
 * The QA results object every image-QA tool (annotateQa, annotateQaSE, annotateQaSECube)
 * builds once and hands to its writers (JSON file, --json, FITS keywords, log summary).
 *
 * Values that could not be measured (an all-blank image has no peak) are `null`, never NaN:
 * JSON has no NaN, and a reader must be able to tell "not measured" from a number.
 */
import type { VlassProductKind } from '../vlass/discover.js';

/** Overall verdict: the worst rule outcome. */
export type Verdict = 'PASS' | 'WARN' | 'FAIL';

/** Product type as VLASSPT writes it. */
export type QaProductType = VlassProductKind;

/**
 * Outcome of one rule: `off` when CAPO switched the rule off (reported, never judged);
 * `skipped` when the rule does not apply to this product (e.g. no component catalog, too few
 * significant pixels), with the reason in the message. Neither affects the verdict.
 */
export type RuleStatus = 'pass' | 'warn' | 'fail' | 'off' | 'skipped';

/** What a rule does when its hard limits (`min`/`max`) are crossed. */
export type RuleAction = 'reject' | 'warn' | 'off';

/**
 * A rule's limits as configured. A value exactly at a limit passes it: `max` is breached by
 * value > max, `min` by value < min. `warnMin`/`warnMax` are an inner band that only warns.
 */
export interface RuleLimits {
  min?: number;
  max?: number;
  warnMin?: number;
  warnMax?: number;
}

export interface RuleOutcome {
  name: string;
  status: RuleStatus;
  /** The measured value the rule judged (null: not measurable). */
  value: number | null;
  /** The configured limits (all of them, so the record is complete on its own). */
  threshold: RuleLimits;
  action: RuleAction;
  /** One sentence: what was measured, against which limit, and the outcome. */
  message: string;
}

export interface QaProductInfo {
  /** The product stem, e.g. VLASS2.1.ql.T10t01.J000200-003000.10.2048.v1 (or the file name when not VLASS-named). */
  name: string;
  epoch: string | null;
  type: QaProductType;
  tile: string | null;
  /** Phase-centre token from the name, e.g. J000200-003000. */
  phaseCenter: string | null;
  /** The files measured, by role (image, rms ...), as absolute paths at the time of measurement. */
  files: Record<string, string>;
}

export interface ImageGeometry {
  /** NAXIS1..n of the measured image. */
  shape: number[];
  width: number;
  height: number;
  /** Pixel size on the sky along the image axes, arcsec (null: no celestial WCS). */
  pixelScaleArcsec: { x: number; y: number } | null;
}

export interface BeamMetrics {
  bmajArcsec: number;
  bminArcsec: number;
  bpaDeg: number;
  /** bmaj / bmin. */
  axisRatio: number;
}

export interface PbcorMetrics {
  /** Brightest finite pixel, Jy/beam (VLASSPK). */
  peakJy: number | null;
  /** Sky position of that pixel (centre), degrees; null without a celestial WCS. */
  peakRaDeg: number | null;
  peakDecDeg: number | null;
  /** 0-based pixel of the peak (x along NAXIS1, y along NAXIS2). */
  peakPixel: { x: number; y: number } | null;
  /** Deepest finite pixel, Jy/beam. */
  minJy: number | null;
  /** Median and MAD-based sigma of finite, non-zero pixels (zeros are CASA blanks). */
  medianJy: number | null;
  madSigmaJy: number | null;
  /** Fraction of all pixels that are NaN or infinite. */
  blankFraction: number;
  /** Fraction of all pixels exactly 0. */
  zeroFraction: number;
  /** blankFraction + zeroFraction: pixels with no usable value. */
  maskedFraction: number;
  /** Pixels counted (width x height). */
  pixelCount: number;
}

/** 'file': the product's rms image; 'computed': made here from the pbcor image (shared/rmsmap). */
export type RmsSource = 'file' | 'computed';

export interface RmsMetrics {
  source: RmsSource;
  /** The rms image read, or written with --write-rms (null when computed and not written). */
  file: string | null;
  /** Median of the non-zero finite rms pixels, Jy/beam (VLASSRMS). */
  medianJy: number | null;
  p10Jy: number | null;
  p90Jy: number | null;
  /**
   * Fraction of the non-zero finite rms pixels AT OR BELOW 120 / 168 / 200 uJy/beam, the
   * pipeline's technical goal, SE goal and technical requirement (null: no such pixels).
   */
  fractionBelow120uJy: number | null;
  fractionBelow168uJy: number | null;
  fractionBelow200uJy: number | null;
  /** Non-zero finite rms pixels the statistics are over. */
  pixelCount: number;
}

export interface QaMetrics {
  image: ImageGeometry;
  /** null when the header has no BMAJ (then the beam rules say so). */
  beam: BeamMetrics | null;
  pbcor: PbcorMetrics;
  rms: RmsMetrics;
  /** pbcor peak / median rms. */
  dynamicRange: number | null;
  /** -(pbcor min) / pbcor peak: how deep the deepest negative is, relative to the peak. */
  negativeToPeak: number | null;
}

/** Where a rejected product went (present only when --reject-to moved it). */
export interface RejectionRecord {
  directory: string;
  files: string[];
}

export interface QaResult {
  product: QaProductInfo;
  verdict: Verdict;
  rules: RuleOutcome[];
  metrics: QaMetrics;
  rejected?: RejectionRecord;
}
