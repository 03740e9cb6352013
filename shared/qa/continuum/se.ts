/**
 * The Single Epoch continuum product as QA sees it (the SE pipeline's export, 0.6" pixels,
 * 6202x6202x1x1): the pbcor tt0 image names the product; the tt1 image, the spectral index
 * image and its error are required; the tt0 rms image is optional (computed when absent, as
 * for QL); the component catalog `<stem>.I.catalog.csv` is optional (its rules are skipped
 * without it).
 *
 * Every companion image must be one plane on tt0's grid: the same size (checked from its
 * header, before any pixel is read) and the same sky, compared through the two WCSs at the
 * corners and centre of the image. Anything else is a DataError (65) naming both files.
 */
import { DataError } from '../../errors.js';
import type { FitsHeader } from '../../fits/index.js';
import { angularSeparation, pixelScaleArcsec } from '../../wcs/index.js';
import { celestialWcs } from '../../vlass/image.js';
import { readPlaneHeader, type ImagePlane } from '../../vlass/image.js';
import { summarizeQa } from '../report.js';
import type { SeQaResult } from './seRules.js';

/** The images that must lie on tt0's grid, by role, with the name used in messages. */
export const SE_COMPANION_IMAGES: readonly { role: 'rms' | 'tt1' | 'alpha' | 'alphaError'; what: string }[] = [
  { role: 'rms', what: 'rms image' },
  { role: 'tt1', what: 'tt1 image' },
  { role: 'alpha', what: 'spectral index image' },
  { role: 'alphaError', what: 'spectral index error image' },
];

/** Largest offset between two grids' pixel centres still counted as the same grid, in pixels. */
export const SAME_GRID_TOLERANCE_PIXELS = 0.01;

/**
 * Checks, from its header only, that `path` is one plane on `image`'s grid: its shape
 * (readPlaneHeader) and its sky (sameSky). Returns the header.
 */
export function checkOnGrid(image: ImagePlane, path: string, what: string): FitsHeader {
  const header = readPlaneHeader(path, what, image);
  sameSky(image, header, path, what);
  return header;
}

/**
 * The companion's WCS must put the image's corner and centre pixels where the image's own WCS
 * puts them, within SAME_GRID_TOLERANCE_PIXELS. Skipped when the image has no celestial WCS
 * (a plain test image); a companion without one, when the image has one, cannot be checked and
 * is refused.
 */
export function sameSky(image: ImagePlane, header: FitsHeader, path: string, what: string): void {
  const ours = celestialWcs(image.header);
  if (!ours) return;
  let theirs;
  try {
    theirs = celestialWcs(header);
  } catch (err) {
    throw new DataError(`${what} ${path}: its WCS cannot be read (${(err as Error).message}); it cannot be checked against the image ${image.path}`, { cause: err });
  }
  if (!theirs)
    throw new DataError(`${what} ${path} has no celestial WCS but the image ${image.path} has one, so it cannot be shown to be on the image's grid; regenerate it`);
  const scale = pixelScaleArcsec(ours);
  const pixelArcsec = Math.min(scale.x, scale.y);
  const w = image.width - 1;
  const h = image.height - 1;
  const points: [number, number][] = [[0, 0], [w, 0], [0, h], [w, h], [w / 2, h / 2]];
  for (const [x, y] of points) {
    const [ra1, dec1] = ours.pixelToSky(x, y);
    const [ra2, dec2] = theirs.pixelToSky(x, y);
    const bothBlank = !Number.isFinite(ra1) && !Number.isFinite(ra2);
    if (bothBlank) continue;
    const offsetArcsec = angularSeparation(ra1, dec1, ra2, dec2) * 3600;
    if (!(offsetArcsec <= SAME_GRID_TOLERANCE_PIXELS * pixelArcsec))
      throw new DataError(
        `${what} ${path} is not on the sky grid of the image ${image.path}: its pixel (${x}, ${y}) is ${Number.isFinite(offsetArcsec) ? `${Number(offsetArcsec.toPrecision(4))}" (${Number((offsetArcsec / pixelArcsec).toPrecision(4))} pixels)` : 'an undefined distance'} from the image's (RA, Dec ${fmt(ra2)}, ${fmt(dec2)} vs ${fmt(ra1)}, ${fmt(dec1)}); the ${what} must come from the same imaging run, regenerate it`,
      );
  }
}

function fmt(deg: number): string {
  return Number.isFinite(deg) ? deg.toFixed(6) : String(deg);
}


/** summarizeQa's paragraph plus the spectral index, the catalog and the rules not judged. */
export function summarizeSe(tool: string, result: SeQaResult): string {
  const { alpha, catalog } = result.metrics;
  const n = (v: number | null, digits = 4) => (v === null ? 'n/a' : String(Number(v.toPrecision(digits))));
  const alphaText =
    alpha.nAlphaHighSnr === 0
      ? `Spectral index: no pixel with tt0/rms >= ${alpha.snrMin} has one (${alpha.nHighSnr} such pixels).`
      : `Spectral index over ${alpha.nAlphaHighSnr} pixels with tt0/rms >= ${alpha.snrMin}: median ${n(alpha.medianHighSnr)}, MAD sigma ${n(alpha.madSigmaHighSnr)}, unphysical fraction ${n(alpha.fractionUnphysical)}, median error ${n(alpha.medianErrorHighSnr)}, median |alpha - tt1/tt0| ${n(alpha.tt1ConsistencyMedianAbs, 2)}.`;
  const catalogText =
    catalog === null
      ? 'No component catalog.'
      : `Catalog: ${catalog.components} components (${n(catalog.perSquareDegree)} per square degree), ${catalog.hasQualityFlag ? `Quality_flag set on ${n(catalog.qualityFlaggedFraction)} of them` : 'no Quality_flag column'}.`;
  const skipped = result.rules.filter((r) => r.status === 'skipped');
  const skippedText = skipped.length ? `Not judged: ${skipped.map((r) => r.name).join(', ')}.` : '';
  return [summarizeQa(tool, result), alphaText, catalogText, skippedText].filter((p) => p !== '').join(' ');
}
