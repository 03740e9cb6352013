/**
 * Detection quality of findSources against a truth catalogue, on SE-like images rendered in
 * memory (bench/sources/sky.ts): completeness per peak S/N bin, flux and position accuracy of
 * bright components, and false detections in pure-noise images against what Gaussian noise
 * with the beam's correlation is expected to produce.
 *
 * The finder runs as VLASS runs it on SE products: the rms image given, mean zero,
 * thresh_isl 3, thresh_pix 5, default minpix_isl (a third of the beam area).
 */
import { performance } from 'node:perf_hooks';
import { findSources } from '../../shared/sources/index.js';
import { SE_BEAM } from '../../fixtures/vlass/se.js';
import { type Tally, SNR_BINS, binLabel, completeness, isolatedUnmatched, matchOneToOne, median, pct, rangeTally, wilson } from './match.js';
import { SE_BEAM_AREA_PX, SE_CELL_ARCSEC, paintSeImage } from './sky.js';

export interface QualityOptions {
  /** Images with sources: one per seed. */
  seeds: readonly number[];
  size: number;
  nSources: number;
  /** Pure-noise images: one per seed, each searched as is and negated. */
  noiseSeeds: readonly number[];
  noiseSize: number;
}

export const QUALITY_DEFAULTS: QualityOptions = { seeds: [1, 2, 3, 4, 5], size: 2048, nSources: 1000, noiseSeeds: [101, 102, 103, 104, 105], noiseSize: 4096 };

/** Matching radius: one beam FWHM (major axis), in pixels. */
export const MATCH_RADIUS_PX = SE_BEAM.majArcsec / SE_CELL_ARCSEC;
/** The unit of position errors: the beam's geometric-mean FWHM, in pixels. */
export const BEAM_FWHM_PX = Math.sqrt(SE_BEAM.majArcsec * SE_BEAM.minArcsec) / SE_CELL_ARCSEC;
/** Unmatched detections within this (plus twice the source size) of a truth component are pieces of it. */
export const ISOLATION_REACH_PX = 3 * MATCH_RADIUS_PX;
/** thresh_pix of the false-detection test. */
const THRESH_PIX = 5;

/** One truth entry's outcome. */
export interface TruthOutcome {
  snr: number;
  extended: boolean;
  matched: boolean;
  /** Measured / true total flux, when matched. */
  fluxRatio: number;
  /** Separation from the truth position in beam FWHM, when matched. */
  offsetBeams: number;
  /** The finder's relative total-flux error (Condon), when matched. */
  fluxRelError: number;
  /** Measured / true total flux on the same image without noise, when matched there. */
  noiseFreeRatio: number;
}

export interface NoiseImageResult {
  seed: number;
  sign: 1 | -1;
  validPixels: number;
  detections: number;
  islands: number;
  /** Pixels that are strict 8-neighbour maxima with S/N > 5: what an ideal 5-sigma peak finder must find. */
  peaksAbove: number;
}

export interface QualityResult {
  options: QualityOptions;
  outcomes: TruthOutcome[];
  perSeed: { seed: number; truth: number; detections: number; unmatched: number; unmatchedNearTruth: number; seconds: number }[];
  noise: NoiseImageResult[];
  seconds: number;
}

export function runQuality(options: QualityOptions = QUALITY_DEFAULTS): QualityResult {
  const t0 = performance.now();
  const outcomes: TruthOutcome[] = [];
  const perSeed: QualityResult['perSeed'] = [];
  for (const seed of options.seeds) {
    const s0 = performance.now();
    const image = paintSeImage(options.size, seed, options.nSources);
    const found = findSources({ data: image.data, width: image.width, height: image.height, wcs: image.wcs, beam: image.beam }, { rmsMap: image.rms, threshPix: THRESH_PIX });
    const detections = found.components.map((c) => ({ x: c.xPosn.value, y: c.yPosn.value }));
    const m = matchOneToOne(image.truth, detections, MATCH_RADIUS_PX);
    // Control: the same components on a blank sky.
    const clean = paintSeImage(options.size, seed, options.nSources, false);
    const cleanFound = findSources({ data: clean.data, width: clean.width, height: clean.height, wcs: clean.wcs, beam: clean.beam }, { rmsMap: clean.rms, threshPix: THRESH_PIX, quality: false });
    const cm = matchOneToOne(clean.truth, cleanFound.components.map((c) => ({ x: c.xPosn.value, y: c.yPosn.value })), MATCH_RADIUS_PX);
    image.truth.forEach((t, i) => {
      const f = m.truthToFound[i];
      const c = f >= 0 ? found.components[f] : undefined;
      const cf = cm.truthToFound[i];
      outcomes.push({
        fluxRelError: c ? c.totalFlux.error / c.totalFlux.value : NaN,
        noiseFreeRatio: cf >= 0 ? cleanFound.components[cf].totalFlux.value / t.totalFluxJy : NaN,
        snr: t.snr,
        extended: t.majArcsec > 0,
        matched: c !== undefined,
        fluxRatio: c ? c.totalFlux.value / t.totalFluxJy : NaN,
        offsetBeams: c ? Math.hypot(c.xPosn.value - t.x, c.yPosn.value - t.y) / BEAM_FWHM_PX : NaN,
      });
    });
    // Unmatched detections: pieces of resolved or blended sources near a truth position, or spurious.
    const unmatched = m.foundToTruth.filter((t) => t < 0).length;
    const sized = image.truth.map((t) => ({ x: t.x, y: t.y, sizePx: t.majArcsec / SE_CELL_ARCSEC }));
    const near = unmatched - isolatedUnmatched(detections, m.foundToTruth, sized, ISOLATION_REACH_PX).length;
    perSeed.push({ seed, truth: image.truth.length, detections: detections.length, unmatched, unmatchedNearTruth: near, seconds: (performance.now() - s0) / 1000 });
  }

  const noise: NoiseImageResult[] = [];
  for (const seed of options.noiseSeeds) {
    const image = paintSeImage(options.noiseSize, seed, 0);
    for (const sign of [1, -1] as const) {
      if (sign < 0) for (let i = 0; i < image.data.length; i++) image.data[i] = -image.data[i];
      const found = findSources({ data: image.data, width: image.width, height: image.height, wcs: image.wcs, beam: image.beam }, { rmsMap: image.rms, threshPix: THRESH_PIX, quality: false });
      const { valid, peaks } = countPeaks(image.data, image.rms, image.width, image.height, THRESH_PIX);
      noise.push({ seed, sign, validPixels: valid, detections: found.components.length, islands: found.islands.length, peaksAbove: peaks });
    }
  }
  return { options, outcomes, perSeed, noise, seconds: (performance.now() - t0) / 1000 };
}

/** Valid pixels (finite value, rms > 0) and strict 8-neighbour maxima of value/rms above `u`. */
function countPeaks(data: Float32Array, rms: Float32Array, width: number, height: number, u: number): { valid: number; peaks: number } {
  let valid = 0;
  let peaks = 0;
  const snr = (i: number) => (rms[i] > 0 && Number.isFinite(data[i]) ? data[i] / rms[i] : -Infinity);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      const s = snr(i);
      if (s === -Infinity) continue;
      valid++;
      if (!(s > u) || x === 0 || y === 0 || x === width - 1 || y === height - 1) continue;
      let isMax = true;
      for (let dy = -1; dy <= 1 && isMax; dy++)
        for (let dx = -1; dx <= 1; dx++) if ((dx || dy) && snr(i + dy * width + dx) >= s) isMax = false;
      if (isMax) peaks++;
    }
  return { valid, peaks };
}

/** Standard normal upper tail Q(u), by the complementary error function (Abramowitz & Stegun 7.1.26 is too coarse at 5 sigma: use a continued fraction). */
export function normalTail(u: number): number {
  // Lentz continued fraction for erfc-based Mills ratio; exact to ~1e-15 relative for u > 2.
  const phi = Math.exp(-0.5 * u * u) / Math.sqrt(2 * Math.PI);
  let f = u;
  for (let k = 60; k >= 1; k--) f = u + k / f;
  return phi / f;
}

/**
 * Expected number of local maxima above u per beam area (2 pi sigma_maj sigma_min) of a
 * unit-variance Gaussian field whose autocorrelation is the beam: the Euler-characteristic
 * density (Adler 1981; Rice's formula in 2-D) sqrt(det Lambda) (2 pi)^-3/2 u exp(-u^2/2) with
 * Lambda = the beam covariance's inverse, times the beam area: u phi(u).
 */
export function peaksPerBeam(u: number): number {
  return (u * Math.exp(-0.5 * u * u)) / Math.sqrt(2 * Math.PI);
}

export interface FluxBin {
  label: string;
  n: number;
  medianAbs: number;
  medianRatio: number;
}

export interface QualitySummary {
  curve: { label: string; all: Tally; point: Tally; extended: Tally }[];
  above7: Tally;
  from5to7: Tally;
  bright: {
    n: number;
    fluxMedianAbs: number;
    /** Distribution-free 95% interval of that median: order statistics n/2 ± 1.96·√n/2. */
    fluxMedianAbsInterval: [number, number];
    fluxMedianRatio: number;
    offsetMedian: number;
    pointFluxMedianAbs: number;
    extendedFluxMedianAbs: number;
    /** median |S/S_true - 1| / (E_Total_flux / S): 0.674 when the scatter is the quoted Gaussian errors. */
    normalisedMedianAbs: number;
    noiseFreeMedianAbs: number;
    noiseFreeMedianRatio: number;
    noiseFreeN: number;
    bins: FluxBin[];
  };
  noise: { beams: number; detections: number; peaks: number; perMillion: number; naivePerMillion: number; ricePerMillion: number; peaksPerMillion: number; equalPerImage: boolean };
}

/**
 * The 95% confidence interval of a sample's median without assuming its distribution: the
 * number of values below the true median is Binomial(n, ½), so the order statistics at ranks
 * n/2 ∓ 1.96·√n/2 bracket it with 95% probability (normal approximation, n in the hundreds).
 */
export function medianInterval(values: number[]): [number, number] {
  const sorted = [...values].sort((a, b) => a - b);
  const n = sorted.length;
  const half = 1.96 * Math.sqrt(n) / 2;
  const lo = Math.max(0, Math.floor(n / 2 - half) - 1);
  const hi = Math.min(n - 1, Math.ceil(n / 2 + half) - 1);
  return [sorted[lo], sorted[hi]];
}

export function summarise(r: QualityResult): QualitySummary {
  const o = r.outcomes;
  const snr = o.map((t) => t.snr);
  const curve = SNR_BINS.map((bin, b) => {
    const inBin = (t: TruthOutcome) => t.snr >= bin[0] && t.snr < bin[1];
    const count = (keep: (t: TruthOutcome) => boolean): Tally => ({ found: o.filter((t) => inBin(t) && keep(t) && t.matched).length, total: o.filter((t) => inBin(t) && keep(t)).length });
    return { label: binLabel(SNR_BINS[b]), all: completeness(snr, (i) => o[i].matched, [bin])[0], point: count((t) => !t.extended), extended: count((t) => t.extended) };
  });
  const brightAll = o.filter((t) => t.snr >= 20 && t.matched);
  const absDev = (ts: TruthOutcome[]) => median(ts.map((t) => Math.abs(t.fluxRatio - 1)));
  const clean = o.filter((t) => t.snr >= 20 && Number.isFinite(t.noiseFreeRatio));
  const fluxBin = (label: string, lo: number, hi: number): FluxBin => {
    const ts = brightAll.filter((t) => t.snr >= lo && t.snr < hi);
    return { label, n: ts.length, medianAbs: absDev(ts), medianRatio: median(ts.map((t) => t.fluxRatio)) };
  };
  const beams = r.noise.reduce((s, n) => s + n.validPixels, 0) / SE_BEAM_AREA_PX;
  const detections = r.noise.reduce((s, n) => s + n.detections, 0);
  const peaks = r.noise.reduce((s, n) => s + n.peaksAbove, 0);
  return {
    curve,
    above7: rangeTally(snr, (i) => o[i].matched, 7),
    from5to7: rangeTally(snr, (i) => o[i].matched, 5, 7),
    bright: {
      n: brightAll.length,
      fluxMedianAbs: absDev(brightAll),
      fluxMedianAbsInterval: medianInterval(brightAll.map((t) => Math.abs(t.fluxRatio - 1))),
      fluxMedianRatio: median(brightAll.map((t) => t.fluxRatio)),
      offsetMedian: median(brightAll.map((t) => t.offsetBeams)),
      pointFluxMedianAbs: absDev(brightAll.filter((t) => !t.extended)),
      extendedFluxMedianAbs: absDev(brightAll.filter((t) => t.extended)),
      normalisedMedianAbs: median(brightAll.map((t) => Math.abs(t.fluxRatio - 1) / t.fluxRelError)),
      noiseFreeMedianAbs: median(clean.map((t) => Math.abs(t.noiseFreeRatio - 1))),
      noiseFreeMedianRatio: median(clean.map((t) => t.noiseFreeRatio)),
      noiseFreeN: clean.length,
      bins: [fluxBin('20-50', 20, 50), fluxBin('50-100', 50, 100), fluxBin('>= 100', 100, Infinity)],
    },
    noise: {
      beams,
      detections,
      peaks,
      perMillion: (detections / beams) * 1e6,
      naivePerMillion: normalTail(THRESH_PIX) * 1e6,
      ricePerMillion: peaksPerBeam(THRESH_PIX) * 1e6,
      peaksPerMillion: (peaks / beams) * 1e6,
      equalPerImage: r.noise.every((n) => n.detections === n.peaksAbove),
    },
  };
}

const met = (ok: boolean) => (ok ? '**met**' : '**NOT met**');
const pc = (x: number, digits = 2) => `${(100 * x).toFixed(digits)}%`;

export function qualityReport(r: QualityResult): string {
  const s = summarise(r);
  const o = r.options;
  const b = s.bright;
  const totalTruth = r.outcomes.length;
  const nExt = r.outcomes.filter((t) => t.extended).length;
  const det = r.perSeed.reduce((a, p) => a + p.detections, 0);
  const unmatched = r.perSeed.reduce((a, p) => a + p.unmatched, 0);
  const near = r.perSeed.reduce((a, p) => a + p.unmatchedNearTruth, 0);
  const n = s.noise;
  const poisson = (k: number) => (k > 0 ? ` ± ${((Math.sqrt(k) / n.beams) * 1e6).toFixed(1)}` : '');
  return [
    `### Quality against the truth catalogue (${o.seeds.length} seeds, ${o.size}^2 images)`,
    '',
    `Images: ${o.seeds.length} SE-like ${o.size}x${o.size} tt0 planes (seeds ${o.seeds.join(', ')}), each with ${o.nSources} components (${totalTruth} in all, ${nExt} = ${((100 * nExt) / totalTruth).toFixed(0)}% resolved),`,
    `rendered in memory exactly as fixtures/vlass writeSeProduct renders them (bench/sources/sky.ts; same pixels as the product's tt0 and rms files): 0.6" pixels, beam ${SE_BEAM.majArcsec}" x ${SE_BEAM.minArcsec}" PA ${SE_BEAM.paDeg}°,`,
    '120 uJy noise correlated as the beam and rising to the edges with the mosaic coverage, NaN corners, zero border; dN/dS ~ S^-1.7 from 3 to 500 sigma in total flux, 30% resolved (1"-10").',
    `Finder: findSources with the rms image given (as VLASS SE), mean 0, thresh_isl 3, thresh_pix ${THRESH_PIX}, default minpix_isl.`,
    "Truth S/N is the fixture's `snr`: the component's peak (intrinsic shape convolved with the beam, Jy/beam) over the rms image at its pixel, so a resolved source's peak S/N is below its total-flux S/N.",
    `Matching: one-to-one, nearest pairs first, within 1 beam FWHM (major axis, ${SE_BEAM.majArcsec}" = ${MATCH_RADIUS_PX.toFixed(2)} px). Position errors in units of the beam's geometric-mean FWHM (${(BEAM_FWHM_PX * SE_CELL_ARCSEC).toFixed(2)}" = ${BEAM_FWHM_PX.toFixed(2)} px).`,
    `This section ran in ${r.seconds.toFixed(0)} s (rendering included).`,
    '',
    '| peak S/N | truth | matched | completeness | 95% interval (Wilson) | point sources | resolved sources |',
    '|---|---|---|---|---|---|---|',
    ...s.curve.map((c) => `| ${c.label} | ${c.all.total} | ${c.all.found} | ${pct(c.all)} | ${wilson(c.all)} | ${pct(c.point)} of ${c.point.total} | ${pct(c.extended)} of ${c.extended.total} |`),
    '',
    `- completeness at S/N >= 7: **${pct(s.above7, 2)}** (${s.above7.found}/${s.above7.total}; target >= 98%): ${met(s.above7.found / s.above7.total >= 0.98)}`,
    `- completeness at 5 <= S/N < 7: **${pct(s.from5to7)}** (${s.from5to7.found}/${s.from5to7.total}; target >= 70%): ${met(s.from5to7.found / s.from5to7.total >= 0.7)}`,
    `- total-flux accuracy at S/N >= 20 (${b.n} matched): median abs(S/S_true - 1) = **${pc(b.fluxMedianAbs, 3)}** (95% interval of the median ${pc(b.fluxMedianAbsInterval[0], 2)}-${pc(b.fluxMedianAbsInterval[1], 2)}; target <= 2%): ${met(b.fluxMedianAbs <= 0.02)}${b.fluxMedianAbs > 0.02 && b.fluxMedianAbsInterval[0] <= 0.02 ? ' as measured, though the 2% lies inside the interval' : ''}; median S/S_true = ${b.fluxMedianRatio.toFixed(4)}; point sources ${pc(b.pointFluxMedianAbs)}, resolved ${pc(b.extendedFluxMedianAbs)}`,
    `  - by S/N: ${b.bins.map((x) => `${x.label}: ${pc(x.medianAbs)} (median ratio ${x.medianRatio.toFixed(4)}, ${x.n})`).join('; ')}`,
    `  - the scatter is the noise: median abs(S/S_true - 1) / (E_Total_flux / S) = ${b.normalisedMedianAbs.toFixed(3)} (0.674 if the deviations are Gaussian with the Condon errors the finder quotes); the same ${o.seeds.length} images without noise give median abs(S/S_true - 1) = ${pc(b.noiseFreeMedianAbs, 4)} (median ratio ${b.noiseFreeMedianRatio.toFixed(5)}, ${b.noiseFreeN} components at S/N >= 20). So the measured value is the scatter noise gives a Gaussian fit with free position, size and angle (PyBDSF's method) on this S/N mix, and the 2% target sits right at that floor; the small positive median bias at S/N 20-50 is the usual noise bias of a Gaussian fit with free size (it falls quickly with S/N, see the bins, and is absent without noise)`,
    `- position accuracy at S/N >= 20: median offset = **${b.offsetMedian.toFixed(4)} beam** (${(b.offsetMedian * BEAM_FWHM_PX * SE_CELL_ARCSEC).toFixed(3)}"; target <= 0.05 beam): ${met(b.offsetMedian <= 0.05)}`,
    `- detections in these images: ${det} components, ${unmatched} unmatched (${near} of those within 3 beams + 2 source sizes of a truth component: extra Gaussians of resolved or blended sources; ${unmatched - near} isolated)`,
    '',
    `#### False detections in pure noise (thresh_pix ${THRESH_PIX})`,
    '',
    `${o.noiseSeeds.length} noise-only ${o.noiseSize}^2 images (seeds ${o.noiseSeeds.join(', ')}), same noise model and rms image, each searched as is and negated (Gaussian noise is symmetric, so the negated image is a second sample): ${(n.beams / 1e6).toFixed(2)} x 10^6 beams of valid pixels (beam area ${SE_BEAM_AREA_PX.toFixed(2)} px = pi bmaj bmin / 4 ln 2).`,
    '',
    '| | count | per 10^6 beams |',
    '|---|---|---|',
    `| **false detections (components found)** | ${n.detections} | **${n.perMillion.toFixed(2)}**${poisson(n.detections)} |`,
    `| expectation as the issue states it: independent beams x P(Z > 5) = N_beams x ${normalTail(THRESH_PIX).toExponential(3)} | ${((n.naivePerMillion * n.beams) / 1e6).toFixed(1)} | ${n.naivePerMillion.toFixed(2)} |`,
    `| expectation for beam-correlated noise: local maxima above u per beam area = u phi(u) at u = 5 (Rice formula / Euler-characteristic density of a smooth Gaussian field whose autocorrelation is the beam) | ${((n.ricePerMillion * n.beams) / 1e6).toFixed(1)} | ${n.ricePerMillion.toFixed(2)} |`,
    `| what is there to find in these images: pixels that are 8-neighbour maxima with S/N > 5 | ${n.peaks} | ${n.peaksPerMillion.toFixed(2)}${poisson(n.peaks)} |`,
    '',
    'Per image (components found, 5-sigma pixel maxima): ' + r.noise.map((x) => `seed ${x.seed}${x.sign < 0 ? ' negated' : ''} ${x.detections}, ${x.peaksAbove}`).join('; ') + '.',
    '',
    `In correlated noise, P(peak > 5 sigma) per beam is not P(Z > 5): a beam holds ${(peaksPerBeam(5) / normalTail(5)).toFixed(0)}x more chances than one independent draw, because the field's maxima, not its samples, are what a finder picks (u phi(u) / Q(u) ~ u^2 at high u).`,
    'The continuous-field count is higher than the pixel-grid count because the finder tests pixel values and on 0.6" pixels (beam sigma 1.5-2.0 px) the brightest pixel lies below the continuous maximum; at u = 3.5-4.5, where the counts are large, the pixel maxima are 0.54-0.72 of the Rice count and quadratically interpolated maxima 0.86-0.94 of it (checked while writing this benchmark).',
    `Verdict: the finder's false detections are ${(n.detections / Math.max(1, n.peaks)).toFixed(2)}x the 5-sigma noise peaks present${n.equalPerImage ? ' (equal in every image)' : ''}, i.e. ${n.detections <= n.peaks + 2 * Math.sqrt(Math.max(1, n.peaks)) ? '**as expected for Gaussian noise with this correlation**: each 5-sigma noise peak is a detection, nothing else is' : '**in excess of the noise peaks**'}.`,
    `Against the issue's "about 1 per 10^6 beams": ${met(n.perMillion <= 1.5)} as a number (${n.perMillion.toFixed(2)}); that figure follows from counting independent beams, which undercounts the peaks of beam-correlated noise (the correlated-field expectation is ${n.ricePerMillion.toFixed(1)} for a continuous field, ${n.peaksPerMillion.toFixed(1)} measured on the pixel grid).`,
    '',
  ].join('\n');
}
