/**
 * `<stem>.qa.html` of cube QA (annotateQaSECube): the verdict and the product rules, the
 * per-plane table (rejected planes marked, with their reasons), and per-plane plots against
 * frequency: rms, beam axes against the 1/f expectation from the reference plane, flagged
 * fraction. Everything comes from the result object; no pixel is read again.
 */
import { basename } from 'node:path';
import type { CubeQaResult } from '../qa/cube/types.js';
import { seriesSpec } from './charts.js';
import { type Cell, figure, formatNumber, htmlTable, paragraph, reportPage } from './html.js';
import { rulesSection } from './qaReport.js';
import { renderSvg } from './vega.js';

export async function cubeQaReport(result: CubeQaResult, generator: string): Promise<string> {
  const planes = result.planes;
  const ghz = (hz: number) => hz / 1e9;
  const label = (p: (typeof planes)[number]) => (p.spw !== null ? `spw${p.spw}` : `plane ${p.planeIndex}`);
  const ref = result.reference;
  const expected = ref
    ? {
        major: planes.map((p) => ({ x: ghz(p.freqHz), y: (ref.bmajArcsec * ref.freqHz) / p.freqHz })),
        minor: planes.map((p) => ({ x: ghz(p.freqHz), y: (ref.bminArcsec * ref.freqHz) / p.freqHz })),
      }
    : undefined;
  const charts = [
    {
      spec: seriesSpec(planes.map((p) => ({ x: ghz(p.freqHz), y: p.rmsJy ?? NaN, flagged: p.rejected, label: label(p) })), { title: 'rms against frequency', x: 'frequency (GHz)', y: 'MAD sigma (Jy/beam)', yZero: true }),
      caption: 'MAD-based sigma of each Stokes I plane; rejected planes in red.',
    },
    {
      spec: seriesSpec(planes.map((p) => ({ x: ghz(p.freqHz), y: p.bmajArcsec ?? NaN, flagged: p.rejected, label: label(p) })), {
        title: 'Beam major axis against frequency',
        x: 'frequency (GHz)',
        y: 'BMAJ (arcsec)',
        expected: expected?.major,
        expectedLabel: '1/f',
      }),
      caption: ref ? `Dashed: the reference plane's beam (${label(planes.find((p) => p.file === ref.file && p.planeIndex === ref.planeIndex) ?? planes[0])}, ${formatNumber(ref.bmajArcsec)}" at ${formatNumber(ghz(ref.freqHz))} GHz) scaled as 1/f; a plane is kept within ±${100 * result.settings.beamTolerance}%.` : 'No reference beam (no plane could be judged).',
    },
    {
      spec: seriesSpec(planes.map((p) => ({ x: ghz(p.freqHz), y: p.bminArcsec ?? NaN, flagged: p.rejected, label: label(p) })), { title: 'Beam minor axis against frequency', x: 'frequency (GHz)', y: 'BMIN (arcsec)', expected: expected?.minor, expectedLabel: '1/f' }),
      caption: 'As above, for the minor axis.',
    },
    {
      spec: seriesSpec(planes.map((p) => ({ x: ghz(p.freqHz), y: p.flaggedFraction, flagged: p.rejected, label: label(p) })), { title: 'Flagged fraction against frequency', x: 'frequency (GHz)', y: 'flagged fraction', yZero: true }),
      caption: `NaN, infinite or exactly 0 pixels over all pixels; a plane at or above ${result.settings.maxFlaggedFraction} is rejected.`,
    },
  ];
  const svgs = await Promise.all(charts.map((c) => renderSvg(c.spec)));
  const rows: Cell[][] = planes.map((p) => [label(p), formatNumber(ghz(p.freqHz)), basename(p.file), p.bmajArcsec, p.bminArcsec, p.bpaDeg, p.rmsJy, p.peakJy, p.flaggedFraction, p.rejected ? `rejected: ${p.reasons.join('; ')}` : 'kept']);
  const extra = [
    ...result.unreadable.map((u) => `Unreadable (rejected): ${basename(u.file)}: ${u.reason}`),
    ...(result.missingSpws.length ? [`No file for ${result.missingSpws.map((s) => `spw${s}`).join(', ')}.`] : []),
    ...(result.rejected ? [`Rejected windows moved to ${result.rejected.directory}.`] : []),
  ];
  return reportPage({
    title: result.product.name,
    subtitle: `Coarse cube QA by ${generator}, ${new Date().toISOString()}: ${result.summary.usablePlanes} of ${result.summary.planes} planes usable`,
    verdict: result.verdict,
    sections: [
      rulesSection(result.rules),
      {
        title: 'Planes',
        body:
          htmlTable(['plane', 'GHz', 'file', 'BMAJ "', 'BMIN "', 'BPA deg', 'rms Jy/beam', 'peak Jy/beam', 'flagged', 'judgement'], rows, (i) => (planes[i].rejected ? 'rejected' : '')) +
          extra.map(paragraph).join('\n'),
      },
      { title: 'Per-plane plots', body: svgs.map((svg, i) => figure(svg, charts[i].caption)).join('\n') },
    ],
  });
}
