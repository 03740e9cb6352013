/** Synthetic Components and catalog context for the catalog tests. */
import type { CatalogContext, Component, Measured, Shape } from '../../../shared/sources/types.js';
import { mulberry32 } from '../sources/synthetic.js';

/** Deterministic pseudo-random numbers (mulberry32, as the finder tests use), so failures reproduce. */
export const randomSource = mulberry32;

const BEAM_DEG = 2.5 / 3600;

/**
 * A plausible VLASS component with full-precision values (so the test exercises rounding):
 * sizes about a beam, fluxes in mJy, PA anywhere in [0, 180), negative means and offsets.
 */
export function makeComponent(i: number, random: () => number, extras: { quality?: boolean } = {}): Component {
  const m = (value: number, error = value * 0.05 * random()): Measured => ({ value, error });
  const shape = (scale: number): Shape => ({
    maj: m(BEAM_DEG * scale * (1 + random())),
    min: m(BEAM_DEG * scale * (0.5 + 0.5 * random())),
    pa: m(180 * random()),
  });
  const peak = 0.0005 + 0.05 * random();
  const component: Component = {
    gausId: i,
    islId: Math.floor(i / 2),
    sourceId: i,
    waveId: 0,
    ra: m((359.6 + 0.8 * random()) % 360), // either side of RA 0
    dec: m(-0.5 + random()),
    totalFlux: m(peak * (1 + random())),
    peakFlux: m(peak),
    xPosn: m(6201 * random()),
    yPosn: m(6201 * random()),
    shape: shape(1),
    shapeImagePlane: shape(1),
    deconvolved: i % 3 === 0 ? { maj: m(0, 1e-5), min: m(0, 1e-5), pa: m(0, 3) } : shape(0.4),
    deconvolvedImagePlane: shape(0.4),
    islTotalFlux: m(peak * 2),
    islRms: 1e-4 * (1 + random()),
    islMean: -1e-5 * random(),
    residIslRms: 1e-4 * random(),
    residIslMean: (random() - 0.5) * 1e-5,
    sCode: (['S', 'C', 'M'] as const)[i % 3],
    fitFlags: [],
    vlass: {
      obsDate: '2020/07/18T17:15:53.099999',
      tile: 'VLASS2.1.T13t10',
      pointing: 'J063820+113000',
      alpha: -3 + 4 * random(),
      alphaErr: random(),
      offsetRa: random() - 0.5,
      offsetDec: random() - 0.5,
    },
  };
  if (extras.quality) component.quality = { peakToRing: 5 * random(), nnDistArcsec: 100 * random(), qualityFlag: i % 8 };
  return component;
}

export function makeContext(overrides: Partial<CatalogContext> = {}): CatalogContext {
  return {
    imageFile: './VLASS2.1.se.T13t10.J063820+113000.06.2048.v1.I.iter3',
    referenceRaDeg: 100.08423379,
    referenceDecDeg: 11.49997103,
    beam: { majDeg: 2.48 / 3600, minDeg: 2.12 / 3600, paDeg: -8.69 },
    frequencyHz: 3e9,
    generator: 'vlass-components 0.1.0',
    createdAt: '2024-05-01T12:00:00.000000',
    ...overrides,
  };
}
