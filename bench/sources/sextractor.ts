/**
 * SourceExtractor (`source-extractor`, Debian package source-extractor) as the speed and
 * quality anchor: configuration written into bench/out (not committed), catalogue read back
 * with positions converted to our 0-based pixels and fluxes to Jy.
 *
 * Configuration, chosen to be SourceExtractor's closest equivalent of how VLASS runs our
 * finder on SE products:
 * - WEIGHT_TYPE MAP_RMS with the product's rms image as WEIGHT_IMAGE, RESCALE_WEIGHTS N: the
 *   thresholds are in units of the given rms, as ours (the rms image is exact, nothing to
 *   rescale);
 * - BACK_TYPE MANUAL, BACK_VALUE 0: no background subtracted, as VLASS's mean_map 'zero';
 * - DETECT_THRESH 5, ANALYSIS_THRESH 5 (thresh_pix 5), DETECT_MINAREA 5 (SourceExtractor's
 *   default; our minpix_isl is 6 pixels above 3 sigma);
 * - FILTER N by default: a radio image is already the sky convolved with the beam and its
 *   noise has the beam's correlation, so it is its own matched filter; convolving again with
 *   a beam-sized Gaussian lowers a point source's peak S/N (to 0.87x for a Gaussian of the
 *   beam's own size, with SourceExtractor's threshold still in units of the unfiltered rms,
 *   so a 5-sigma detection then needs a ~10-sigma source). The 'beam' variant runs it anyway;
 * - fluxes: FLUX_AUTO (Kron aperture, factor 2.5, minimum radius 3.5) and FLUX_ISO, in
 *   Jy/beam x pixels, divided here by the beam area in pixels to give Jy;
 * - NTHREADS 1 (our finder is single-threaded).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FWHM_PER_SIGMA, covarianceOf, inverse } from '../../fixtures/vlass/gaussian.js';
import { SE_BEAM } from '../../fixtures/vlass/se.js';
import { SE_BEAM_AREA_PX, SE_CELL_ARCSEC } from './sky.js';

export type FilterChoice = 'none' | 'beam';

export const SEXTRACTOR = 'source-extractor';

const PARAMS = ['NUMBER', 'X_IMAGE', 'Y_IMAGE', 'FLUX_AUTO', 'FLUXERR_AUTO', 'FLUX_ISO', 'FLUX_MAX', 'A_IMAGE', 'B_IMAGE', 'FLAGS'];

export interface SexConfig {
  conf: string;
  catalog: string;
  description: string;
}

/** Writes the parameter list, the optional beam filter and the configuration; returns the paths. */
export function writeSexConfig(outDir: string, rmsImage: string, filter: FilterChoice): SexConfig {
  const param = join(outDir, 'sex.param');
  writeFileSync(param, PARAMS.join('\n') + '\n');
  const catalog = join(outDir, `sex-${filter}.cat`);
  const lines = [
    `CATALOG_NAME ${catalog}`,
    'CATALOG_TYPE ASCII_HEAD',
    `PARAMETERS_NAME ${param}`,
    'DETECT_TYPE CCD',
    'DETECT_MINAREA 5',
    'DETECT_THRESH 5',
    'ANALYSIS_THRESH 5',
    'DEBLEND_NTHRESH 32',
    'DEBLEND_MINCONT 0.005',
    'CLEAN Y',
    'CLEAN_PARAM 1.0',
    'WEIGHT_TYPE MAP_RMS',
    `WEIGHT_IMAGE ${rmsImage}`,
    'RESCALE_WEIGHTS N',
    'WEIGHT_GAIN N',
    'BACK_TYPE MANUAL',
    'BACK_VALUE 0',
    'GAIN 0',
    'PHOT_AUTOPARAMS 2.5,3.5',
    'CHECKIMAGE_TYPE NONE',
    'VERBOSE_TYPE QUIET',
    'NTHREADS 1',
    'MEMORY_BUFSIZE 1024',
  ];
  let description = 'DETECT_THRESH 5, ANALYSIS_THRESH 5, DETECT_MINAREA 5, WEIGHT_TYPE MAP_RMS (rms image, RESCALE_WEIGHTS N), BACK_VALUE 0, ';
  if (filter === 'beam') {
    const conv = join(outDir, 'beam.conv');
    writeFileSync(conv, beamKernel());
    lines.push('FILTER Y', `FILTER_NAME ${conv}`);
    description += 'FILTER Y with the restoring beam as kernel';
  } else {
    lines.push('FILTER N');
    description += 'FILTER N';
  }
  const conf = join(outDir, `sex-${filter}.sex`);
  writeFileSync(conf, lines.join('\n') + '\n');
  return { conf, catalog, description: description + ', 1 thread' };
}

/** The restoring beam sampled on the pixel grid out to 3 sigma (major), as a CONV NORM file. */
function beamKernel(): string {
  const cov = covarianceOf(SE_BEAM, SE_CELL_ARCSEC);
  const p = inverse(cov);
  const half = Math.ceil((3 * SE_BEAM.majArcsec) / FWHM_PER_SIGMA / SE_CELL_ARCSEC);
  const rows: string[] = [`CONV NORM`, `# restoring beam ${SE_BEAM.majArcsec}" x ${SE_BEAM.minArcsec}" PA ${SE_BEAM.paDeg} deg on ${SE_CELL_ARCSEC}" pixels`];
  // SourceExtractor's kernel rows run along increasing y like the image's; the beam is symmetric under (x, y) -> (-x, -y), so either order is the same kernel.
  for (let dy = -half; dy <= half; dy++) {
    const row: string[] = [];
    for (let dx = -half; dx <= half; dx++) row.push(Math.exp(-0.5 * (p.xx * dx * dx + 2 * p.xy * dx * dy + p.yy * dy * dy)).toFixed(6));
    rows.push(row.join(' '));
  }
  return rows.join('\n') + '\n';
}

export interface SexObject {
  x: number;
  y: number;
  fluxAuto: number;
  fluxIso: number;
  flags: number;
}

/** Reads an ASCII_HEAD catalogue: positions to 0-based pixels, fluxes to Jy. */
export function readSexCatalog(path: string): SexObject[] {
  const columns = new Map<string, number>();
  const out: SexObject[] = [];
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (line.startsWith('#')) {
      const m = /^#\s+(\d+)\s+(\S+)/.exec(line);
      if (m) columns.set(m[2], Number(m[1]) - 1);
      continue;
    }
    const cells = line.trim().split(/\s+/);
    if (cells.length < 2) continue;
    const v = (name: string) => Number(cells[columns.get(name)!]);
    out.push({ x: v('X_IMAGE') - 1, y: v('Y_IMAGE') - 1, fluxAuto: v('FLUX_AUTO') / SE_BEAM_AREA_PX, fluxIso: v('FLUX_ISO') / SE_BEAM_AREA_PX, flags: v('FLAGS') });
  }
  return out;
}
