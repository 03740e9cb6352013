/**
 * Every QA metric against values computed independently with numpy/astropy
 * (test/reference/qa_reference.py -> qa_reference.json) on two committed products: the edge
 * pair the script writes (NaN border, zeros, an Infinity, equal peaks, rms pixels exactly at
 * 120/168/200 uJy) and the fixture generator's small QL product.
 *
 * Tolerances: exact for counts, fractions, positions and order statistics (the same float
 * values are selected); 1e-12 relative for sums of float64 arithmetic (MAD scaling, WCS).
 * A mismatch means our definition differs from the pipeline's numpy one.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fractionsBelow } from '../../../../shared/stats/index.js';
import { measureContinuum } from '../../../../shared/qa/continuum/measure.js';
import { readRmsPlane } from '../../../../shared/qa/continuum/rmsSource.js';
import { readSinglePlane } from '../../../../shared/vlass/image.js';
import { type QaMetrics } from '../../../../shared/qa/index.js';
import { REPO_ROOT } from '../../../helpers/realdata.js';
import { sha256 } from '../images.js';

interface ProductRef {
  pbcor: string;
  rms: string;
  sha256: { pbcor: string; rms: string };
  metrics: Omit<QaMetrics, 'rms'> & { rms: QaMetrics['rms'] & { strictlyBelow: Record<string, number> } };
}

const reference = JSON.parse(readFileSync(join(REPO_ROOT, 'test', 'reference', 'qa_reference.json'), 'utf8')) as Record<string, ProductRef>;
const FRACTIONS = ['fractionBelow120uJy', 'fractionBelow168uJy', 'fractionBelow200uJy'] as const;

function close(actual: number | null, expected: number, rel = 1e-12): void {
  expect(actual).not.toBeNull();
  expect(Math.abs(actual! - expected)).toBeLessThanOrEqual(rel * Math.max(Math.abs(expected), 1e-300));
}

function measure(ref: ProductRef): QaMetrics {
  const image = readSinglePlane(join(REPO_ROOT, ref.pbcor), 'pbcor image');
  return measureContinuum(image, readRmsPlane(image, join(REPO_ROOT, ref.rms)));
}

describe.each(Object.keys(reference))('metrics of the %s product match numpy/astropy', (key) => {
  const ref = reference[key];
  const present = existsSync(join(REPO_ROOT, ref.pbcor));

  it.skipIf(!present)('the files are the ones the reference was computed on (else re-run qa_reference.py)', () => {
    expect({ pbcor: sha256(join(REPO_ROOT, ref.pbcor)), rms: sha256(join(REPO_ROOT, ref.rms)) }).toEqual(ref.sha256);
  });

  it.skipIf(!present)('image geometry and beam', () => {
    const m = measure(ref);
    expect(m.image.shape).toEqual(ref.metrics.image.shape);
    expect([m.image.width, m.image.height]).toEqual([ref.metrics.image.width, ref.metrics.image.height]);
    close(m.image.pixelScaleArcsec!.x, ref.metrics.image.pixelScaleArcsec!.x);
    close(m.image.pixelScaleArcsec!.y, ref.metrics.image.pixelScaleArcsec!.y);
    for (const k of ['bmajArcsec', 'bminArcsec', 'bpaDeg', 'axisRatio'] as const) close(m.beam![k], ref.metrics.beam![k]);
  });

  it.skipIf(!present)('pbcor: peak, its pixel and sky position, min, median, MAD sigma, blank and zero fractions', () => {
    const { pbcor } = measure(ref);
    const r = ref.metrics.pbcor;
    expect(pbcor.peakJy).toBe(r.peakJy);
    expect(pbcor.peakPixel).toEqual(r.peakPixel);
    expect(pbcor.minJy).toBe(r.minJy);
    expect(pbcor.medianJy).toBe(r.medianJy);
    close(pbcor.madSigmaJy, r.madSigmaJy!);
    // astropy WCS (WCSLIB) vs ours: agreement to 1e-10 deg (0.4 micro-arcsec)
    expect(Math.abs(pbcor.peakRaDeg! - r.peakRaDeg!)).toBeLessThan(1e-10);
    expect(Math.abs(pbcor.peakDecDeg! - r.peakDecDeg!)).toBeLessThan(1e-10);
    expect(pbcor.blankFraction).toBe(r.blankFraction);
    expect(pbcor.zeroFraction).toBe(r.zeroFraction);
    close(pbcor.maskedFraction, r.maskedFraction);
    expect(pbcor.pixelCount).toBe(r.pixelCount);
  });

  it.skipIf(!present)('rms: median, p10, p90, count, fractions AT OR BELOW 120/168/200 uJy of non-zero pixels', () => {
    const { rms } = measure(ref);
    const r = ref.metrics.rms;
    expect(rms.source).toBe('file');
    expect(rms.medianJy).toBe(r.medianJy);
    close(rms.p10Jy, r.p10Jy!);
    close(rms.p90Jy, r.p90Jy!);
    expect(rms.pixelCount).toBe(r.pixelCount);
    for (const f of FRACTIONS) expect({ f, v: rms[f] }).toEqual({ f, v: r[f] });
  });

  it.skipIf(!present)('dynamic range and negative-to-peak', () => {
    const m = measure(ref);
    close(m.dynamicRange, ref.metrics.dynamicRange!);
    close(m.negativeToPeak, ref.metrics.negativeToPeak!);
  });
});

describe('the edge product shows why "at or below" is not shared/stats fractionsBelow', () => {
  const ref = reference.edge;
  it('pixels exactly at the levels make the pipeline fraction larger than the strict one, and we follow the pipeline', () => {
    const image = readSinglePlane(join(REPO_ROOT, ref.pbcor), 'pbcor image');
    const rms = readRmsPlane(image, join(REPO_ROOT, ref.rms));
    const strict = fractionsBelow(rms.data, [120e-6, 168e-6, 200e-6], { excludeZeros: true });
    FRACTIONS.forEach((f, i) => {
      expect(ref.metrics.rms[f]).toBeGreaterThan(ref.metrics.rms.strictlyBelow[f]);
      expect(strict[i]).toBe(ref.metrics.rms.strictlyBelow[f]);
    });
    const m = measureContinuum(image, rms);
    FRACTIONS.forEach((f) => expect(m.rms[f]).toBe(ref.metrics.rms[f]));
  });
});
