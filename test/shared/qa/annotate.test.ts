/**
 * FITS annotation: VLASSPK / VLASSRMS / VLASSPT / VLASSQA written, read back, and the pixel
 * bytes identical afterwards, both when the cards fit in the header's free space (in place)
 * and when the header must grow (file rewritten through a temporary).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildImageHeader, readFitsHeader, withFits, writeFitsImage } from '../../../shared/fits/index.js';
import { annotateFits, qaKeywords } from '../../../shared/qa/annotate.js';
import { CONTINUUM_RULES, type QaResult, type RuleConfig } from '../../../shared/qa/index.js';
import { evaluateRules, overallVerdict } from '../../../shared/qa/rules.js';
import { measureContinuum } from '../../../shared/qa/continuum/measure.js';
import { readRmsPlane } from '../../../shared/qa/continuum/rmsSource.js';
import { readSinglePlane } from '../../../shared/vlass/image.js';
import { passingImage, qlTemplate, scratch, writeQl } from './images.js';

/** A result for the product at `files`, judged by rules that all pass (limits far away). */
function resultFor(files: { image: string; rms?: string }): QaResult {
  const image = readSinglePlane(files.image, 'pbcor image');
  const metrics = measureContinuum(image, readRmsPlane(image, files.rms!));
  const configs: RuleConfig[] = CONTINUUM_RULES.map((r) => ({ name: r.name, action: 'warn', limits: { max: 1e9 } }));
  const rules = evaluateRules(CONTINUUM_RULES, configs, metrics);
  return { product: { name: 'P', epoch: null, type: 'QL', tile: null, phaseCenter: null, files: {} }, verdict: overallVerdict(rules), rules, metrics };
}

const SHAPE = [64, 64, 1, 1];

/** The QL test template plus `n` HISTORY cards. */
function withHistory(n: number) {
  const t = qlTemplate(64, 64);
  for (let i = 0; i < n; i++) t.addHistory(`filler ${i}`);
  return t;
}

/** HISTORY cards that leave exactly `free` unused cards in the last header block. */
function historyLeaving(free: number): number {
  const size = (n: number) => buildImageHeader('x', SHAPE, -32, withHistory(n)).byteLength();
  for (let n = 0; n < 80; n++) if (size(n + free) === size(n) && size(n + free + 1) > size(n)) return n;
  throw new Error('no such header');
}

/** The bytes after the header: pixels, padding and anything beyond. */
function dataBytes(path: string): Buffer {
  const offset = withFits(path, (r) => r.dataOffset);
  return readFileSync(path).subarray(offset);
}

describe('annotateFits', () => {
  it('writes the four keywords in the free header space; pixels byte-identical', () => {
    const files = writeQl(scratch('ann'));
    writeFitsImage(files.image, passingImage(), SHAPE, withHistory(historyLeaving(4)));
    const before = dataBytes(files.image);
    const result = resultFor(files);
    const { update, skipped } = annotateFits(files.image, result);
    expect(update.mode).toBe('in-place');
    expect(skipped).toEqual([]);
    const header = readFitsHeader(files.image);
    expect(header.get('VLASSPK')).toBe(result.metrics.pbcor.peakJy);
    expect(header.get('VLASSRMS')).toBe(result.metrics.rms.medianJy);
    expect(header.get('VLASSPT')).toBe('QL');
    expect(header.get('VLASSQA')).toBe(result.verdict);
    expect(header.card('VLASSPK')?.comment).toContain('peak of the pbcor image');
    expect(dataBytes(files.image).equals(before)).toBe(true);
  });

  it('grows a full header by rewriting the file; pixels byte-identical, keywords read back', () => {
    // Three free cards: the fourth keyword needs a new block.
    const n = historyLeaving(3);
    const files = writeQl(scratch('ann'));
    writeFitsImage(files.image, passingImage(), SHAPE, withHistory(n));
    const before = dataBytes(files.image);
    const { update } = annotateFits(files.image, resultFor(files));
    expect(update.mode).toBe('rewritten');
    expect(dataBytes(files.image).equals(before)).toBe(true);
    const header = readFitsHeader(files.image);
    expect(header.get('VLASSQA')).toMatch(/^(PASS|WARN|FAIL)$/);
    expect(header.get('VLASSPT')).toBe('QL');
    expect(header.history()).toHaveLength(n);
  });

  it('annotating twice changes nothing the second time', () => {
    const files = writeQl(scratch('ann'));
    const result = resultFor(files);
    annotateFits(files.image, result);
    const once = readFileSync(files.image);
    expect(annotateFits(files.image, result).update.mode).toBe('unchanged');
    expect(readFileSync(files.image).equals(once)).toBe(true);
  });

  it('values that were not measured are not written (FITS has no NaN)', () => {
    const files = writeQl(scratch('ann'));
    const result = resultFor(files);
    const unmeasured: QaResult = { ...result, verdict: 'FAIL', metrics: { ...result.metrics, pbcor: { ...result.metrics.pbcor, peakJy: null }, rms: { ...result.metrics.rms, medianJy: null } } };
    expect(qaKeywords(unmeasured)).toEqual({ keywords: { VLASSPT: 'QL', VLASSQA: 'FAIL' }, skipped: ['VLASSPK', 'VLASSRMS'] });
    annotateFits(files.image, unmeasured);
    const header = readFitsHeader(files.image);
    expect(header.has('VLASSPK')).toBe(false);
    expect(header.get('VLASSQA')).toBe('FAIL');
  });
});
