/**
 * `<stem>.cube_catalog.html` of create-cube-component-list: the planes (measured or skipped,
 * beam, rms, components measured), and the spectra of the brightest components with their
 * fitted power laws. The rows are read back from the written CSV, so the page shows what the
 * catalog holds; the power law is refitted from those rows by the tool's own fit (the CSV
 * keeps alpha, not the amplitude).
 */
import { basename } from 'node:path';
import { readCatalog } from '../catalog/index.js';
import type { CubeCatalogResult } from '../cubecatalog/run.js';
import { fitSpectralIndex, type SpectralSettings } from '../cubecatalog/spectrum.js';
import { median } from '../stats/index.js';
import { type Cell, figure, formatNumber, htmlTable, paragraph, reportPage } from './html.js';
import { type ChartSpec, COLOURS, renderSvg } from './vega.js';

/** Spectra shown: the brightest measured components (by median flux over the kept planes). */
const SPECTRA = 6;

export async function cubeCatalogReport(result: CubeCatalogResult, spectral: SpectralSettings, generator: string): Promise<string> {
  const rows = readCatalog(result.output).rows;
  const planes = result.planes;
  const kept = planes.filter((p) => !p.rejected && p.freqHz !== null);
  const spectra = rows
    .map((row) => ({ row, flux: kept.map((p) => row[`S_${p.label}`] as number), error: kept.map((p) => row[`E_S_${p.label}`] as number) }))
    .filter((s) => s.flux.filter(Number.isFinite).length >= 2)
    .sort((a, b) => medianFlux(b.flux) - medianFlux(a.flux))
    .slice(0, SPECTRA);
  const freqs = kept.map((p) => p.freqHz!);
  const charts: object[] = spectra.map(({ row, flux, error }) => {
    const fit = fitSpectralIndex(freqs, flux, error, spectral);
    const hasAlpha = Number.isFinite(fit.alpha);
    const points = freqs.map((f, k) => ({ ghz: f / 1e9, s: flux[k], lo: flux[k] - error[k], hi: flux[k] + error[k] })).filter((p) => Number.isFinite(p.s));
    const lo = Math.min(...freqs);
    const hi = Math.max(...freqs);
    const model = Array.from({ length: 41 }, (_, i) => {
      const f = lo + ((hi - lo) * i) / 40;
      return { ghz: f / 1e9, s: fit.fluxAtReference * (f / spectral.referenceFreqHz) ** fit.alpha };
    });
    const x = { field: 'ghz', type: 'quantitative', title: 'frequency (GHz)', scale: { zero: false } };
    return {
      title: hasAlpha ? `Gaus_id ${row.Gaus_id}: alpha ${formatNumber(row.Alpha_cube as number)} +/- ${formatNumber(row.E_Alpha_cube as number)}` : `Gaus_id ${row.Gaus_id}: no spectral index (S(nu0) not detected)`,
      width: 300,
      height: 170,
      layer: [
        ...(hasAlpha ? [{ data: { values: model }, mark: { type: 'line', color: COLOURS.model }, encoding: { x, y: { field: 's', type: 'quantitative' } } }] : []),
        { data: { values: points }, mark: { type: 'rule', color: COLOURS.data }, encoding: { x, y: { field: 'lo', type: 'quantitative', title: 'S (Jy)', scale: { zero: false } }, y2: { field: 'hi' } } },
        { data: { values: points }, mark: { type: 'point', filled: true, color: COLOURS.data }, encoding: { x, y: { field: 's', type: 'quantitative' } } },
      ],
    };
  });
  const spectraSvg = charts.length ? await renderSvg({ concat: charts, columns: 2 } as ChartSpec) : '';
  const planeRows: Cell[][] = planes.map((p) => [
    p.label,
    p.freqHz === null ? null : formatNumber(p.freqHz / 1e9),
    p.file ? basename(p.file) : null,
    p.beam ? `${formatNumber(p.beam.majorArcsec)}" x ${formatNumber(p.beam.minorArcsec)}"` : null,
    p.rmsJy,
    p.rejected ? null : p.measured,
    p.rejected ? `skipped: ${p.reasons.join('; ')}` : 'measured',
  ]);
  return reportPage({
    title: result.product,
    subtitle: `Cube component list by ${generator}, ${new Date().toISOString()}`,
    verdict: null,
    sections: [
      {
        title: 'Summary',
        body: htmlTable(
          ['', ''],
          [
            ['continuum catalog', basename(result.catalog)],
            ['cube QA result', result.qa ? basename(result.qa) : 'none'],
            ['components', result.components],
            ['measured in at least one plane', result.measuredComponents],
            ['outside every measured plane', result.offEveryPlane],
            ['measured as point sources', result.pointSources],
            ['with a spectral index', result.alphaFitted],
            ['planes measured, skipped', `${result.measuredPlanes}, ${result.skippedPlanes}`],
          ],
        ),
      },
      { title: 'Planes', body: htmlTable(['plane', 'GHz', 'file', 'beam', 'MAD rms Jy/beam', 'measured', ''], planeRows, (i) => (planes[i].rejected ? 'rejected' : '')) },
      {
        title: 'Spectra of the brightest components',
        body: spectraSvg
          ? figure(spectraSvg, `Per-plane flux densities with 1-sigma errors (blue) and, where there is a spectral index, the fitted power law S = A (nu / ${formatNumber(spectral.referenceFreqHz / 1e9)} GHz)^alpha (red), for the ${charts.length} brightest measured components.`)
          : paragraph('No component was measured in two or more planes.'),
      },
    ],
  });
}

/** Median of the measured (finite) fluxes; -Infinity for none, so such spectra sort last. */
function medianFlux(values: number[]): number {
  const measured = values.filter(Number.isFinite);
  return measured.length ? median(Float64Array.from(measured)) : -Infinity;
}
