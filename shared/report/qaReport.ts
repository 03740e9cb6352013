/**
 * `<stem>.qa.html` of continuum QA (annotateQa, annotateQaSE): the verdict and the rules
 * table, the image with its sky grid, beam and colour bar (and the catalog's components when
 * the SE product has one), histograms of the pixel values and of the rms image with the
 * thresholds marked, and for SE the spectral-index image and alpha against S/N.
 */
import { basename } from 'node:path';
import type { Component } from '../sources/types.js';
import type { QaResult, RuleOutcome } from '../qa/types.js';
import type { SeQaResult } from '../qa/continuum/seRules.js';
import { type FloatArray, percentiles } from '../stats/index.js';
import { celestialWcs, imageCellArcsec, type ImagePlane } from '../vlass/image.js';
import { histogramSpec, seriesSpec } from './charts.js';
import { type Cell, type ReportSection, figure, formatNumber, htmlTable, reportPage } from './html.js';
import { type SkyComponent, skyFigure } from './sky.js';
import { type ChartSpec, renderSvg } from './vega.js';

/** The rms levels the QA statistics count against: technical goal, SE goal, technical requirement. */
const RMS_LEVELS_JY = [
  { value: 120e-6, label: '120 uJy' },
  { value: 168e-6, label: '168 uJy' },
  { value: 200e-6, label: '200 uJy' },
];

export interface ContinuumReportInput {
  result: QaResult | SeQaResult;
  image: ImagePlane;
  rms: FloatArray;
  /** SE: the spectral-index plane, when the product has one. */
  alpha?: FloatArray;
  /** SE: the catalog's components, when the product has a catalog. */
  components?: readonly Component[];
  generator: string;
}

export async function continuumQaReport(input: ContinuumReportInput): Promise<string> {
  const { result, image } = input;
  const wcs = celestialWcs(image.header);
  const cell = imageCellArcsec(image, NaN);
  const beam = result.metrics.beam ? { majArcsec: result.metrics.beam.bmajArcsec, minArcsec: result.metrics.beam.bminArcsec, paDeg: result.metrics.beam.bpaDeg } : null;
  const sections: ReportSection[] = [rulesSection(result.rules)];

  const components = input.components?.map(skyComponent);
  const sky = await skyFigure({
    values: image.data,
    width: image.width,
    height: image.height,
    wcs,
    cellArcsec: Number.isFinite(cell) ? cell : null,
    beam,
    unit: String(image.header.get('BUNIT') ?? 'Jy/beam'),
    components,
    componentLegend: 'Quality_flag',
  });
  sections.push({
    title: 'Image',
    body: figure(
      sky,
      `${basename(image.path)}: asinh stretch as the archive preview, north up, RA/Dec grid from the header's WCS` +
        (components ? `; ${components.length} catalog components drawn as their fitted ellipses (at least 7 px), coloured by Quality_flag` : '') +
        '. Blank pixels grey.',
    ),
  });

  const { pbcor, rms } = result.metrics;
  const charts: { spec: ChartSpec; caption: string }[] = [];
  if (pbcor.medianJy !== null && pbcor.madSigmaJy !== null && pbcor.madSigmaJy > 0) {
    const m = pbcor.medianJy;
    const s = pbcor.madSigmaJy;
    charts.push({
      spec: histogramSpec(image.data, {
        title: 'Pixel values',
        unit: 'Jy/beam',
        range: [m - 10 * s, m + 10 * s],
        thresholds: [
          { value: m - 5 * s, label: '-5 sigma' },
          { value: m + 5 * s, label: '+5 sigma' },
        ],
      }),
      caption: `Pixel values within 10 MAD sigma of the median (${formatNumber(m)} +/- ${formatNumber(s)} Jy/beam), log counts; the peak ${formatNumber(pbcor.peakJy ?? NaN)} Jy/beam is off the scale.`,
    });
  }
  if (rms.p10Jy !== null && rms.p90Jy !== null) {
    const [lo, hi] = percentiles(input.rms, [0.1, 99.9], { excludeZeros: true });
    const range: [number, number] = [Math.min(lo, 100e-6), Math.max(hi, 220e-6)];
    charts.push({
      spec: histogramSpec(input.rms, { title: 'rms image', unit: 'Jy/beam', range, thresholds: RMS_LEVELS_JY }),
      caption: `rms pixels (${rms.source === 'file' ? 'the product\'s rms image' : 'computed from the image as the pipeline does'}), median ${formatNumber(rms.medianJy ?? NaN)} Jy/beam; the 120/168/200 uJy levels marked. At or below them: ${fractionText(rms.fractionBelow120uJy)}, ${fractionText(rms.fractionBelow168uJy)}, ${fractionText(rms.fractionBelow200uJy)}.`,
    });
  }
  if ('alpha' in result.metrics && input.alpha) {
    const alpha = result.metrics.alpha;
    const alphaSky = await skyFigure({ values: input.alpha, width: image.width, height: image.height, wcs, cellArcsec: Number.isFinite(cell) ? cell : null, beam, unit: 'spectral index' });
    sections.push({ title: 'Spectral index image', body: figure(alphaSky, `The alpha image (blank where tt0 is not significant); median at tt0/rms >= ${alpha.snrMin}: ${formatNumber(alpha.medianHighSnr ?? NaN)}.`) });
    charts.push({ spec: alphaVersusSnr(input.alpha, image.data, input.rms, alpha.physicalRange), caption: `Alpha against tt0/rms for the pixels with a spectral index (a sample of at most 4000); the physical range ${alpha.physicalRange.min} to ${alpha.physicalRange.max} dashed.` });
  }
  const rendered = await Promise.all(charts.map((c) => renderSvg(c.spec)));
  sections.push({ title: 'Pixel statistics', body: rendered.map((svg, i) => figure(svg, charts[i].caption)).join('\n') });

  return reportPage({
    title: result.product.name,
    subtitle: `${result.product.type.toUpperCase()} QA by ${input.generator}, ${new Date().toISOString()}${result.rejected ? `; moved to ${result.rejected.directory}` : ''}`,
    verdict: result.verdict,
    sections,
  });
}

/** The rules table: one row per rule, coloured by status. */
export function rulesSection(rules: readonly RuleOutcome[]): ReportSection {
  const limits = (r: RuleOutcome) =>
    [r.threshold.min !== undefined ? `min ${formatNumber(r.threshold.min)}` : '', r.threshold.max !== undefined ? `max ${formatNumber(r.threshold.max)}` : '', r.threshold.warnMin !== undefined ? `warn below ${formatNumber(r.threshold.warnMin)}` : '', r.threshold.warnMax !== undefined ? `warn above ${formatNumber(r.threshold.warnMax)}` : '']
      .filter(Boolean)
      .join(', ');
  const rows: Cell[][] = rules.map((r) => [r.name, r.status, r.value, limits(r) || null, r.message]);
  return { title: 'Verdict and rules', body: htmlTable(['rule', 'status', 'value', 'threshold', 'message'], rows, (i) => (rules[i].status === 'fail' ? 'fail' : rules[i].status === 'warn' ? 'warn' : '')) };
}

function fractionText(f: number | null): string {
  return f === null ? 'n/a' : `${(100 * f).toFixed(1)}%`;
}

/** A catalog component as the sky figure draws it: fitted (convolved) axes, coloured by Quality_flag (S_Code when the catalog has none). */
export function skyComponent(c: Component): SkyComponent {
  return {
    raDeg: c.ra.value,
    decDeg: c.dec.value,
    majArcsec: c.shape.maj.value * 3600,
    minArcsec: c.shape.min.value * 3600,
    paDeg: c.shape.pa.value,
    label: String(c.quality?.qualityFlag ?? c.sCode),
  };
}

/** A scatter of alpha against tt0/rms over a deterministic sample of the pixels with an alpha. */
function alphaVersusSnr(alpha: FloatArray, tt0: FloatArray, rms: FloatArray, range: { min: number; max: number }): ChartSpec {
  let finite = 0;
  for (let i = 0; i < alpha.length; i++) if (Number.isFinite(alpha[i]) && rms[i] > 0) finite++;
  const every = Math.max(1, Math.ceil(finite / 4000));
  const points: { x: number; y: number }[] = [];
  let k = 0;
  for (let i = 0; i < alpha.length; i++) {
    if (!(Number.isFinite(alpha[i]) && rms[i] > 0)) continue;
    if (k++ % every === 0) points.push({ x: tt0[i] / rms[i], y: alpha[i] });
  }
  const spec = seriesSpec(points, { title: 'Spectral index against S/N', x: 'tt0 / rms', y: 'alpha' }) as { layer: object[] };
  spec.layer.push({ data: { values: [{ y: range.min }, { y: range.max }] }, mark: { type: 'rule', strokeDash: [4, 3], color: '#888' }, encoding: { y: { field: 'y', type: 'quantitative' } } });
  return spec as ChartSpec;
}
