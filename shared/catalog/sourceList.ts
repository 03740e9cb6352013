/**
 * PyBDSF's source list (`catalog_type='srl'`): the Gaussians grouped into sources as the finder
 * grouped them (Source_id; S_Code S: the island's only Gaussian, C: a single-Gaussian source
 * in an island with others, M: several Gaussians), one row per source:
 * - Total_flux: the sum of its Gaussians' fluxes, E_Total_flux their errors in quadrature
 *   (the fits' errors are taken as independent);
 * - position: the flux-weighted mean of the Gaussians' positions, errors likewise weighted in
 *   quadrature;
 * - Peak_flux: the brightest Gaussian's peak (PyBDSF takes the peak of the summed model; they
 *   differ only where Gaussians overlap near their peaks), with its error;
 * - Maj, Min, PA: the axes of the second moments of the summed Gaussians (each Gaussian's
 *   covariance plus the spread of the centres, weighted by flux), as FWHM; for one Gaussian,
 *   its own shape and errors;
 * - the island columns from its first Gaussian.
 */
import { writeFileAtomic } from '../io/atomic.js';
import { FWHM_PER_SIGMA, axesOf, covarianceOf } from '../sources/ellipse.js';
import { wrapDegrees } from '../sources/image.js';
import type { Component } from '../sources/types.js';
import { pyExponential, pyFixed, pyInteger } from './pyformat.js';

export interface SourceRow {
  sourceId: number;
  islId: number;
  raDeg: number;
  eRaDeg: number;
  decDeg: number;
  eDecDeg: number;
  totalFlux: number;
  eTotalFlux: number;
  peakFlux: number;
  ePeakFlux: number;
  /** FWHM axes (degrees) and PA (degrees east of north); errors NaN for a multi-Gaussian source. */
  majDeg: number;
  eMajDeg: number;
  minDeg: number;
  eMinDeg: number;
  paDeg: number;
  ePaDeg: number;
  islTotalFlux: number;
  eIslTotalFlux: number;
  islRms: number;
  islMean: number;
  sCode: string;
  /** Gaussians in the source. */
  nGaussians: number;
}

export function sourcesFromGaussians(components: readonly Component[]): SourceRow[] {
  const bySource = new Map<number, Component[]>();
  for (const c of components) {
    const list = bySource.get(c.sourceId);
    if (list) list.push(c);
    else bySource.set(c.sourceId, [c]);
  }
  return [...bySource.entries()].sort((a, b) => a[0] - b[0]).map(([sourceId, members]) => sourceRow(sourceId, members));
}

function sourceRow(sourceId: number, members: readonly Component[]): SourceRow {
  const first = members[0];
  const island = { islId: first.islId, islTotalFlux: first.islTotalFlux.value, eIslTotalFlux: first.islTotalFlux.error, islRms: first.islRms, islMean: first.islMean };
  const brightest = members.reduce((a, b) => (b.peakFlux.value > a.peakFlux.value ? b : a));
  const peak = { peakFlux: brightest.peakFlux.value, ePeakFlux: brightest.peakFlux.error };
  const sCode = members.length > 1 ? 'M' : first.sCode;
  if (members.length === 1) {
    const c = first;
    return {
      sourceId,
      ...island,
      raDeg: c.ra.value,
      eRaDeg: c.ra.error,
      decDeg: c.dec.value,
      eDecDeg: c.dec.error,
      totalFlux: c.totalFlux.value,
      eTotalFlux: c.totalFlux.error,
      ...peak,
      majDeg: c.shape.maj.value,
      eMajDeg: c.shape.maj.error,
      minDeg: c.shape.min.value,
      eMinDeg: c.shape.min.error,
      paDeg: c.shape.pa.value,
      ePaDeg: c.shape.pa.error,
      sCode,
      nGaussians: 1,
    };
  }
  const total = members.reduce((a, c) => a + c.totalFlux.value, 0);
  const weights = members.map((c) => c.totalFlux.value / total);
  // Positions in a local tangent frame around the first Gaussian: east = ΔRA cos(Dec), north = ΔDec (degrees).
  const cosDec = Math.cos((first.dec.value * Math.PI) / 180);
  const east = members.map((c) => wrapDegrees(c.ra.value - first.ra.value) * cosDec);
  const north = members.map((c) => c.dec.value - first.dec.value);
  const meanEast = weights.reduce((a, w, i) => a + w * east[i], 0);
  const meanNorth = weights.reduce((a, w, i) => a + w * north[i], 0);
  // Second moments of the flux-weighted sum: each Gaussian's own covariance plus its centre's offset.
  let xx = 0;
  let xy = 0;
  let yy = 0;
  members.forEach((c, i) => {
    const cov = covarianceOf(c.shape.maj.value / FWHM_PER_SIGMA, c.shape.min.value / FWHM_PER_SIGMA, ((90 - c.shape.pa.value) * Math.PI) / 180);
    const dx = east[i] - meanEast;
    const dy = north[i] - meanNorth;
    xx += weights[i] * (cov.xx + dx * dx);
    xy += weights[i] * (cov.xy + dx * dy);
    yy += weights[i] * (cov.yy + dy * dy);
  });
  const axes = axesOf({ xx, xy, yy });
  const quadrature = (values: number[]) => Math.sqrt(values.reduce((a, v) => a + v * v, 0));
  return {
    sourceId,
    ...island,
    raDeg: first.ra.value + meanEast / cosDec,
    eRaDeg: quadrature(members.map((c, i) => weights[i] * c.ra.error)),
    decDeg: first.dec.value + meanNorth,
    eDecDeg: quadrature(members.map((c, i) => weights[i] * c.dec.error)),
    totalFlux: total,
    eTotalFlux: quadrature(members.map((c) => c.totalFlux.error)),
    ...peak,
    majDeg: axes.major * FWHM_PER_SIGMA,
    eMajDeg: NaN,
    minDeg: axes.minor * FWHM_PER_SIGMA,
    eMinDeg: NaN,
    paDeg: (((90 - (axes.angle * 180) / Math.PI) % 180) + 180) % 180,
    ePaDeg: NaN,
    sCode,
    nGaussians: members.length,
  };
}

const COLUMNS: [string, (s: SourceRow) => string][] = [
  ['Source_id', (s) => pyInteger(s.sourceId, 4)],
  ['Isl_id', (s) => pyInteger(s.islId, 4)],
  ['RA', (s) => pyFixed(s.raDeg, 14)],
  ['E_RA', (s) => pyFixed(s.eRaDeg, 14)],
  ['DEC', (s) => pyFixed(s.decDeg, 14)],
  ['E_DEC', (s) => pyFixed(s.eDecDeg, 14)],
  ['Total_flux', (s) => pyFixed(s.totalFlux, 14)],
  ['E_Total_flux', (s) => pyFixed(s.eTotalFlux, 14)],
  ['Peak_flux', (s) => pyFixed(s.peakFlux, 14)],
  ['E_Peak_flux', (s) => pyFixed(s.ePeakFlux, 14)],
  ['Maj', (s) => pyFixed(s.majDeg, 14)],
  ['E_Maj', (s) => pyFixed(s.eMajDeg, 14)],
  ['Min', (s) => pyFixed(s.minDeg, 14)],
  ['E_Min', (s) => pyFixed(s.eMinDeg, 14)],
  ['PA', (s) => pyFixed(s.paDeg, 14)],
  ['E_PA', (s) => pyFixed(s.ePaDeg, 14)],
  ['Isl_Total_flux', (s) => pyFixed(s.islTotalFlux, 14)],
  ['E_Isl_Total_flux', (s) => pyFixed(s.eIslTotalFlux, 14)],
  ['Isl_rms', (s) => pyFixed(s.islRms, 14)],
  ['Isl_mean', (s) => pyFixed(s.islMean, 14)],
  ['S_Code', (s) => s.sCode.padEnd(4, ' ')],
];

/** The source list as PyBDSF's CSV: its header lines, the column names as the last comment, one line per source. */
export function formatSourceList(sources: readonly SourceRow[], context: { imageFile: string; frequencyHz: number; generator: string }): string {
  return (
    [
      `# Source list for ${context.imageFile}`,
      `# Generated by ${context.generator}`,
      `# Reference frequency of the detection ("ch0") image: ${pyExponential(context.frequencyHz, 5)} Hz`,
      '# Equinox : 2000.0 ',
      '',
      `# ${COLUMNS.map(([name]) => name).join(', ')}`,
      ...sources.map((s) => COLUMNS.map(([, format]) => format(s)).join(', ')),
    ].join('\n') + '\n'
  );
}

export function writeSourceList(path: string, sources: readonly SourceRow[], context: { imageFile: string; frequencyHz: number; generator: string }): void {
  writeFileAtomic(path, formatSourceList(sources, context));
}
