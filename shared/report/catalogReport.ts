/**
 * `<stem>.catalog.html` of create-component-list: what was found (counts, settings), the
 * detection image with every component drawn as its fitted ellipse coloured by Quality_flag,
 * the components' S/N distribution with the detection threshold marked, and total over peak
 * flux against S/N (unresolved components sit at 1, within the errors).
 */
import { basename } from 'node:path';
import type { Component } from '../sources/types.js';
import { celestialWcs, imageCellArcsec, type ImagePlane } from '../vlass/image.js';
import { histogramSpec, seriesSpec } from './charts.js';
import { type Cell, figure, htmlTable, reportPage } from './html.js';
import { skyFigure } from './sky.js';
import { skyComponent } from './qaReport.js';
import { type ChartSpec, renderSvg } from './vega.js';

export interface CatalogReportInput {
  product: string;
  image: ImagePlane;
  components: readonly Component[];
  /** Settings and counts, shown as a two-column table. */
  summary: readonly [string, Cell][];
  /** The peak S/N a component needs (thresh_pix), marked on the histogram. */
  detectionSnr: number;
  generator: string;
}

export async function catalogReport(input: CatalogReportInput): Promise<string> {
  const { image, components } = input;
  const cell = imageCellArcsec(image, NaN);
  const bmaj = Number(image.header.get('BMAJ'));
  const bmin = Number(image.header.get('BMIN'));
  const beam = Number.isFinite(bmaj) && Number.isFinite(bmin) ? { majArcsec: bmaj * 3600, minArcsec: bmin * 3600, paDeg: Number(image.header.get('BPA') ?? 0) } : null;
  const sky = await skyFigure({
    values: image.data,
    width: image.width,
    height: image.height,
    wcs: celestialWcs(image.header),
    cellArcsec: Number.isFinite(cell) ? cell : null,
    beam,
    unit: String(image.header.get('BUNIT') ?? 'Jy/beam'),
    components: components.map(skyComponent),
    componentLegend: 'Quality_flag',
  });
  const snr = Float64Array.from(components, (c) => c.peakFlux.value / c.islRms);
  const charts: { spec: ChartSpec; caption: string }[] = [];
  const finite = Array.from(snr).filter(Number.isFinite);
  if (finite.length) {
    const hi = Math.max(...finite);
    charts.push({
      spec: histogramSpec(snr, { title: 'Component peak S/N', unit: 'Peak_flux / Isl_rms', range: [0, Math.max(hi * 1.02, input.detectionSnr * 2)], thresholds: [{ value: input.detectionSnr, label: 'thresh_pix' }], yTitle: 'components' }),
      caption: `Peak flux over the island's rms for the ${components.length} components; an island needs a pixel at or above thresh_pix = ${input.detectionSnr} to be kept.`,
    });
    charts.push({
      spec: seriesSpec(
        components.map((c, i) => ({ x: snr[i], y: c.totalFlux.value / c.peakFlux.value, label: `Gaus_id ${c.gausId}` })),
        { title: 'Total over peak flux against S/N', x: 'Peak_flux / Isl_rms', y: 'Total_flux / Peak_flux', yZero: false, xLog: true },
      ),
      caption: 'A point source has Total_flux / Peak_flux = 1 within its errors (which shrink with S/N); resolved components lie above.',
    });
  }
  const svgs = await Promise.all(charts.map((c) => renderSvg(c.spec)));
  return reportPage({
    title: input.product,
    subtitle: `Component catalog by ${input.generator}, ${new Date().toISOString()}`,
    verdict: null,
    sections: [
      { title: 'Summary', body: htmlTable(['', ''], input.summary.map(([k, v]) => [k, v])) },
      { title: 'Components on the image', body: figure(sky, `${basename(image.path)} with the ${components.length} components as their fitted (convolved) ellipses, at least 7 px, coloured by Quality_flag (0: no CIRADA flag).`) },
      { title: 'Plots', body: svgs.map((svg, i) => figure(svg, charts[i].caption)).join('\n') },
    ],
  });
}
