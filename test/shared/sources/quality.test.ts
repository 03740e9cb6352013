/**
 * CIRADA quality measures: Peak_to_ring, NN_dist and the Quality_flag bits. A failure means
 * the "good component" selection (Quality_flag == 0) keeps artefacts or drops real sources.
 */
import { describe, expect, it } from 'vitest';
import { QUALITY_LOW_SNR, QUALITY_PEAK_OVER_TOTAL, QUALITY_SIDELOBE, assessQuality, nearestNeighbourArcsec, peakToRingRatio } from '../../../shared/sources/quality.js';
import type { Component } from '../../../shared/sources/types.js';

const m = (value: number) => ({ value, error: 0 });
const shape = { maj: m(0), min: m(0), pa: m(0) };
function component(x: number, y: number, ra: number, dec: number, peak: number, total: number, islRms = 1): Component {
  return {
    gausId: 0,
    islId: 0,
    sourceId: 0,
    waveId: 0,
    ra: m(ra),
    dec: m(dec),
    totalFlux: m(total),
    peakFlux: m(peak),
    xPosn: m(x),
    yPosn: m(y),
    shape,
    shapeImagePlane: shape,
    deconvolved: shape,
    deconvolvedImagePlane: shape,
    islTotalFlux: m(total),
    islRms,
    islMean: 0,
    residIslRms: 0,
    residIslMean: 0,
    sCode: 'S',
    fitFlags: [],
  };
}

/** 41x41 image, 1"/pixel: a peak at the centre and a ring of given brightness at radius 7". */
function ringImage(peak: number, ring: number): Float32Array {
  const data = new Float32Array(41 * 41);
  for (let y = 0; y < 41; y++)
    for (let x = 0; x < 41; x++) {
      const r = Math.hypot(x - 20, y - 20);
      data[y * 41 + x] = r === 0 ? peak : Math.abs(r - 7) < 0.5 ? ring : 0.1;
    }
  return data;
}

describe('peakToRingRatio', () => {
  it('divides the brightest pixel within 5" by the brightest in the 5"-10" annulus', () => {
    expect(peakToRingRatio(ringImage(10, 4), 41, 41, 20, 20, 5, 10, 1)).toBeCloseTo(2.5, 12);
    // At 2"/pixel the ring (7 pixels) is at 14", outside the annulus; at 0.5"/pixel it is at
    // 3.5", inside the inner circle. Either way the annulus holds only the 0.1 floor.
    expect(peakToRingRatio(ringImage(10, 4), 41, 41, 20, 20, 5, 10, 2)).toBeCloseTo(10 / 0.1, 5);
    expect(peakToRingRatio(ringImage(10, 4), 41, 41, 20, 20, 5, 10, 0.5)).toBeCloseTo(10 / 0.1, 5);
  });

  it('is NaN when the annulus is off the image', () => {
    const data = new Float32Array(3 * 3).fill(1);
    expect(peakToRingRatio(data, 3, 3, 1, 1, 5, 10, 1)).toBeNaN();
  });
});

describe('nearestNeighbourArcsec', () => {
  it('finds each component its nearest other component on the sky', () => {
    const cs = [component(0, 0, 150, 30, 1, 1), component(0, 0, 150, 30 + 10 / 3600, 1, 1), component(0, 0, 150.02, 30, 1, 1)];
    const nn = nearestNeighbourArcsec(cs);
    expect(nn[0]).toBeCloseTo(10, 6);
    expect(nn[1]).toBeCloseTo(10, 6);
    expect(nn[2]).toBeCloseTo(0.02 * 3600 * Math.cos((30 * Math.PI) / 180), 1);
    expect(nearestNeighbourArcsec([cs[0]])[0]).toBe(Infinity);
  });

  it('matches a brute-force search on a random field', () => {
    const cs = Array.from({ length: 200 }, (_, i) => component(0, 0, 150 + ((i * 7919) % 997) / 1e4, 30 + ((i * 104729) % 991) / 1e4, 1, 1));
    const nn = nearestNeighbourArcsec(cs);
    cs.forEach((c, i) => {
      let best = Infinity;
      cs.forEach((o, j) => {
        if (i === j) return;
        const d = Math.hypot((c.ra.value - o.ra.value) * Math.cos((30 * Math.PI) / 180), c.dec.value - o.dec.value) * 3600;
        best = Math.min(best, d);
      });
      expect(nn[i]).toBeCloseTo(best, 1);
    });
  });
});

describe('assessQuality', () => {
  it('sets bit 1 for an isolated component with a bright ring, bit 2 below 5 Isl_rms, bit 4 for peak > total', () => {
    const data = ringImage(10, 6);
    const isolatedArtefact = component(20, 20, 150, 30, 10, 12);
    const faint = component(20, 20, 151, 31, 4, 5);
    const compact = component(20, 20, 152, 32, 10, 9);
    const cs = [isolatedArtefact, faint, compact];
    assessQuality(cs, data, 41, 41, () => 1);
    expect(isolatedArtefact.quality).toMatchObject({ qualityFlag: QUALITY_SIDELOBE });
    expect(isolatedArtefact.quality!.peakToRing).toBeCloseTo(10 / 6, 12);
    expect(faint.quality!.qualityFlag & QUALITY_LOW_SNR).toBe(QUALITY_LOW_SNR);
    expect(compact.quality!.qualityFlag & QUALITY_PEAK_OVER_TOTAL).toBe(QUALITY_PEAK_OVER_TOTAL);
  });

  it('does not set bit 1 when the ring belongs to a neighbour within 20"', () => {
    const data = ringImage(10, 6);
    const a = component(20, 20, 150, 30, 10, 12);
    const b = component(27, 20, 150, 30 + 15 / 3600, 6, 7);
    assessQuality([a, b], data, 41, 41, () => 1);
    expect(a.quality!.nnDistArcsec).toBeCloseTo(15, 6);
    expect(a.quality!.qualityFlag & QUALITY_SIDELOBE).toBe(0);
  });
});
