/**
 * Writers of a cube QA result: `<stem>.qa.json` and `<stem>.planes.csv` (both atomic), the
 * FITS keywords of each window file, and the paragraph an operator reads in the .err file.
 *
 * Keywords (--annotate-fits), per file, through shared/fits updateHeaderKeywords (header blocks
 * rewritten in place when they fit, else the file rewritten through a temporary; pixel bytes
 * never touched):
 *   VLASSPT  'CC'
 *   VLASSPK  the largest Stokes I peak of the file's planes (not written when none was measured)
 *   VLASSQA  the cube's verdict
 *   VLASSRJ  T in a rejected file (every plane of it rejected: for a per-window file, its one
 *            plane), the comment giving the reason. A kept file gets no VLASSRJ, except that one
 *            it already carries (from the pipeline or an earlier run) is set to F, so the header
 *            never keeps a stale rejection.
 * VLASSRMS is not written: it means "median of the rms image", which cube QA does not measure
 * (rmsJy is the MAD sigma of the image plane itself).
 */
import { basename, join } from 'node:path';
import { writeFileAtomic } from '../../io/atomic.js';
import { readFitsHeader, updateHeaderKeywords, type FitsValue, type HeaderUpdateResult } from '../../fits/index.js';
import { QA_KEYWORD_COMMENTS } from '../annotate.js';
import { planeName } from './rules.js';
import type { CubePlaneResult, CubeQaResult, CubeSettings } from './types.js';

export const CUBE_KEYWORD_COMMENTS: Record<string, string> = {
  VLASSPT: QA_KEYWORD_COMMENTS.VLASSPT,
  VLASSPK: 'Stokes I peak of this file (Jy/beam)',
  VLASSQA: 'cube QA verdict (PASS, WARN, FAIL)',
  VLASSRJ: 'rejected cube plane',
};

export function cubeQaJsonName(result: CubeQaResult): string {
  return `${result.product.name}.qa.json`;
}

export function planesCsvName(result: CubeQaResult): string {
  return `${result.product.name}.planes.csv`;
}

/** Writes the result as indented JSON into `outDir`; returns the path. */
export function writeCubeQaJson(outDir: string, result: CubeQaResult): string {
  const path = join(outDir, cubeQaJsonName(result));
  writeFileAtomic(path, JSON.stringify(result, null, 2) + '\n');
  return path;
}

/** The CSV's columns, in order (file is the file name; numbers as JSON writes them; empty = null). */
export const PLANES_CSV_COLUMNS = [
  'spw',
  'freqHz',
  'bmajArcsec',
  'bminArcsec',
  'bpaDeg',
  'expectedBmajArcsec',
  'expectedBminArcsec',
  'bmajDeviation',
  'bminDeviation',
  'rmsJy',
  'peakJy',
  'flaggedFraction',
  'rejected',
  'reasons',
  'file',
  'planeIndex',
] as const;

/** One header line and one row per plane (sorted by frequency), RFC 4180 quoting. */
export function planesCsv(planes: readonly CubePlaneResult[]): string {
  const cell = (v: unknown): string => {
    if (v === null || v === undefined) return '';
    const s = typeof v === 'number' ? String(v) : typeof v === 'boolean' ? (v ? 'true' : 'false') : String(v);
    return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  const rows = planes.map((p) =>
    PLANES_CSV_COLUMNS.map((c) => (c === 'reasons' ? cell(p.reasons.join('; ')) : c === 'file' ? cell(basename(p.file)) : cell(p[c]))).join(','),
  );
  return [PLANES_CSV_COLUMNS.join(','), ...rows].join('\n') + '\n';
}

/** Writes `<stem>.planes.csv` into `outDir` atomically; returns the path. */
export function writePlanesCsv(outDir: string, result: CubeQaResult): string {
  const path = join(outDir, planesCsvName(result));
  writeFileAtomic(path, planesCsv(result.planes));
  return path;
}

/** A file is rejected when every one of its planes is (a per-window file has one). */
export function fileRejected(planes: readonly CubePlaneResult[]): boolean {
  return planes.length > 0 && planes.every((p) => p.rejected);
}

/**
 * The short reason for VLASSRJ's comment (a card leaves 47 characters after a logical value;
 * longer comments are cut at column 80): "bmaj +40% bmin +40% vs expected", "flagged 0.899 >= 0.8".
 */
export function rejectionComment(planes: readonly CubePlaneResult[], settings: CubeSettings): string {
  const parts = new Set<string>();
  for (const p of planes) {
    // From the reasons judgePlanes gave, so the comment never disagrees with the judgement.
    const has = (start: string) => p.reasons.some((r) => r.startsWith(start));
    const beam: string[] = [];
    if (has('beam major axis')) beam.push(`bmaj ${signedPercent(p.bmajDeviation!)}`);
    if (has('beam minor axis')) beam.push(`bmin ${signedPercent(p.bminDeviation!)}`);
    if (beam.length) parts.add(`${beam.join(' ')} vs expected`);
    if (has('no restoring beam')) parts.add('no beam');
    if (has('flagged fraction')) parts.add(`flagged ${Number(p.flaggedFraction.toPrecision(3))} >= ${settings.maxFlaggedFraction}`);
  }
  return parts.size ? [...parts].join('; ') : CUBE_KEYWORD_COMMENTS.VLASSRJ;
}

function signedPercent(d: number): string {
  return `${d >= 0 ? '+' : '-'}${Number((Math.abs(d) * 100).toPrecision(3))}%`;
}

export interface FileAnnotation {
  keywords: Record<string, FitsValue>;
  comments: Record<string, string>;
  /** Keywords left out because their value was not measured. */
  skipped: string[];
  rejected: boolean;
}

/** The keywords for one file, given its planes and whether its header already has VLASSRJ. */
export function cubeFileKeywords(planes: readonly CubePlaneResult[], result: CubeQaResult, hasVlassrj: boolean): FileAnnotation {
  const keywords: Record<string, FitsValue> = { VLASSPT: 'CC' };
  const comments: Record<string, string> = { VLASSPT: CUBE_KEYWORD_COMMENTS.VLASSPT };
  const skipped: string[] = [];
  const peaks = planes.flatMap((p) => (p.peakJy !== null ? [p.peakJy] : []));
  if (peaks.length) {
    keywords.VLASSPK = Math.max(...peaks);
    comments.VLASSPK = CUBE_KEYWORD_COMMENTS.VLASSPK;
  } else skipped.push('VLASSPK');
  keywords.VLASSQA = result.verdict;
  comments.VLASSQA = CUBE_KEYWORD_COMMENTS.VLASSQA;
  const rejected = fileRejected(planes);
  if (rejected) {
    keywords.VLASSRJ = true;
    comments.VLASSRJ = rejectionComment(planes, result.settings);
  } else if (hasVlassrj) {
    keywords.VLASSRJ = false;
    comments.VLASSRJ = 'kept by cube QA';
  }
  return { keywords, comments, skipped, rejected };
}

/** Writes one file's keywords (see the module comment). */
export function annotateCubeFile(path: string, planes: readonly CubePlaneResult[], result: CubeQaResult): FileAnnotation & { update: HeaderUpdateResult } {
  const annotation = cubeFileKeywords(planes, result, readFitsHeader(path).has('VLASSRJ'));
  const update = updateHeaderKeywords(path, annotation.keywords, annotation.comments);
  return { ...annotation, update };
}

/** One paragraph: verdict, the product rules that did not pass, each rejected plane and why, where files went. */
export function summarizeCubeQa(tool: string, result: CubeQaResult): string {
  const notPassed = result.rules.filter((r) => r.status === 'fail' || r.status === 'warn');
  const rejected = result.planes.filter((p) => p.rejected);
  const ref = result.reference;
  const parts = [
    `${tool}: ${result.verdict} for ${result.product.name} (CC): ${result.summary.usablePlanes} of ${result.summary.planes} planes usable.`,
    notPassed.map((r) => `[${r.status} ${r.name}] ${r.message}.`).join(' '),
    rejected.map((p) => `Rejected ${planeName(p)}: ${p.reasons.join('; ')}.`).join(' '),
    ref ? `Reference beam ${planeName(ref)} ${ref.bmajArcsec.toFixed(3)}" x ${ref.bminArcsec.toFixed(3)}" (${ref.method} of ${ref.candidates}).` : 'No plane has a beam of its own: no beam reference.',
    result.missingSpws.length ? `Windows not found: ${result.missingSpws.map((s) => `spw${s}`).join(', ')}.` : '',
    result.unreadable.length ? `Rejected as unreadable: ${result.unreadable.map((u) => `${u.spw !== null ? `spw${u.spw}` : u.file} (${u.reason})`).join('; ')}.` : '',
    result.rejected ? `Moved ${result.rejected.files.length} file(s) to ${result.rejected.directory}.` : '',
  ];
  return parts.filter((p) => p !== '').join(' ');
}
