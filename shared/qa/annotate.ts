/**
 * FITS annotation: the keywords the VLASS pipeline writes into a product's header after QA,
 * set with shared/fits updateHeaderKeywords (the header blocks rewritten in place when the
 * new cards fit, else the whole file rewritten through a temporary and renamed; the pixel
 * bytes are never touched either way).
 *
 *   VLASSPK   peak of the pbcor image, Jy/beam
 *   VLASSRMS  median of the rms image, Jy/beam
 *   VLASSPT   product type: QL, SE or CC
 *   VLASSQA   the QA verdict: PASS, WARN or FAIL
 *
 * A value that could not be measured is not written (FITS has no NaN); the keyword keeps
 * whatever value it had, and the caller logs which were skipped.
 */
import { updateHeaderKeywords, type FitsValue, type HeaderUpdateResult } from '../fits/index.js';
import type { QaResult } from './types.js';

export const QA_KEYWORD_COMMENTS: Record<string, string> = {
  VLASSPK: 'peak of the pbcor image (Jy/beam)',
  VLASSRMS: 'median of the rms image (Jy/beam)',
  VLASSPT: 'VLASS product type (QL, SE, CC)',
  VLASSQA: 'image QA verdict (PASS, WARN, FAIL)',
};

export interface Annotation {
  keywords: Record<string, FitsValue>;
  /** Keywords left out because their value was not measured. */
  skipped: string[];
}

/** The keywords for a result. */
export function qaKeywords(result: QaResult): Annotation {
  const keywords: Record<string, FitsValue> = {};
  const skipped: string[] = [];
  const put = (key: string, value: number | null) => {
    if (value === null || !Number.isFinite(value)) skipped.push(key);
    else keywords[key] = value;
  };
  put('VLASSPK', result.metrics.pbcor.peakJy);
  put('VLASSRMS', result.metrics.rms.medianJy);
  keywords.VLASSPT = result.product.type;
  keywords.VLASSQA = result.verdict;
  return { keywords, skipped };
}

/** Writes the result's keywords into `path` (the pbcor image). */
export function annotateFits(path: string, result: QaResult): Annotation & { update: HeaderUpdateResult } {
  const annotation = qaKeywords(result);
  const comments = Object.fromEntries(Object.keys(annotation.keywords).map((k) => [k, QA_KEYWORD_COMMENTS[k]]));
  const update = updateHeaderKeywords(path, annotation.keywords, comments);
  return { ...annotation, update };
}
