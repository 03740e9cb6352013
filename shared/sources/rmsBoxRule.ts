/**
 * PyBDSF's choice of rms_box when the user gives none (rmsimage.py, as process_image applies
 * it), and of the small box and bright sources of adaptive_rms_box:
 *  - the image's islands at 10σ (value − clipped mean ≥ 10 × clipped rms, 8-connected) give
 *    the largest island extent L (pixels, along x or y);
 *  - the "size of the brightest source" is 2·FWHM/2.3548·√(2 ln(max / 3σ)) pixels, the
 *    radius at which a beam-shaped source of the image's maximum falls to 3σ, doubled;
 *  - rms_box = (max(min(width, height)/10, 5L), step) and the bright box
 *    (max(brightest size, 9 FWHM, 2L′), step), each at least 9 beam FWHM, a multiple of 10
 *    made odd, the step a third of the box but at most a tenth of the image (a given
 *    rms_box is kept as given);
 *  - with adaptive_rms_box, bright sources are sought from 500σ down, 0.8 times lower each
 *    time, to 50σ, until five islands are found; a bright island whose 10σ island is
 *    compact (under 25 beams, or under 8 times its bright area) keeps the small box around
 *    it, and L′ is the largest of those islands' extents at the bright threshold. Without
 *    adaptive_rms_box, or when no bright source qualifies, there is one box, rms_box.
 * One quirk is kept so that the boxes agree with PyBDSF's: the bright islands' areas are
 * listed across all the thresholds tried, but looked up by their index at the last one.
 * The "beam" here is the major-axis FWHM in pixels, as PyBDSF takes it.
 */
import type { BackgroundStatistic } from './bstat.js';
import { FWHM_PER_SIGMA } from './ellipse.js';
import type { FloatArray, PixelBeam } from './image.js';
import { type Island, findIslands } from './islands.js';

export interface RmsBoxChoice {
  /** rms_box [box, step]: the large-scale box. */
  rmsBox: [number, number];
  /** rms_box_bright [box, step], with adaptive_rms_box and at least one bright source. */
  brightBox?: [number, number];
  /** Pixel indices of the bright sources the small box is kept around. */
  brightPeaks: number[];
}

const START_SNR = 500;
const LOWEST_BRIGHT_SNR = 50;
const WANTED_BRIGHT = 5;
const EXTENT_SNR = 10;

export function pybdsfRmsBox(
  data: FloatArray,
  width: number,
  height: number,
  beam: PixelBeam,
  whole: BackgroundStatistic,
  options: { rmsBox?: readonly [number, number]; adaptive: boolean },
): RmsBoxChoice {
  const fwhm = beam.fwhmMajor;
  const islandsAt = makeIslandFinder(data, width, height, beam, whole);

  const bright: { sizes: number[]; peaks: number[]; areas: number[] } = { sizes: [], peaks: [], areas: [] };
  if (options.adaptive) {
    for (let snr = START_SNR; bright.sizes.length < WANTED_BRIGHT && snr >= LOWEST_BRIGHT_SNR; snr *= 0.8) {
      bright.sizes = [];
      bright.peaks = [];
      for (const island of islandsAt(snr)) {
        bright.sizes.push(extent(island));
        bright.peaks.push(island.peakIndex);
        bright.areas.push((2 * island.pixels.length) / beam.areaPixels);
      }
    }
  }

  let largest = 0;
  let largestBright = 0;
  const brightPeaks: number[] = [];
  for (const island of islandsAt(EXTENT_SNR)) {
    largest = Math.max(largest, extent(island));
    const k = bright.peaks.indexOf(island.peakIndex);
    if (k < 0) continue;
    const area = (2 * island.pixels.length) / beam.areaPixels;
    if (area < 25 || area / bright.areas[k] < 8) {
      brightPeaks.push(island.peakIndex);
      largestBright = Math.max(largestBright, bright.sizes[k]);
    }
  }
  const adaptive = brightPeaks.length > 0;

  const shortSide = Math.min(width, height);
  const smallest = Math.trunc(fwhm * 9);
  const maxValue = imageMaximum(data);
  const ratio = maxValue / (3 * whole.rms);
  const brightestSize = Math.round(((2 * fwhm) / FWHM_PER_SIGMA) * (ratio > 1 ? Math.sqrt(2 * Math.log(ratio)) : 1));
  const boxOf = (size: number): [number, number] => {
    let box = Math.max(Math.trunc(size), smallest);
    if (box % 10 === 0) box += 1;
    return [box, Math.round(Math.min(box / 3, shortSide / 10))];
  };
  const brightBox = boxOf(Math.max(brightestSize, smallest, 2 * largestBright));
  const rmsBox = options.rmsBox ? ([options.rmsBox[0], options.rmsBox[1]] as [number, number]) : boxOf(Math.max(shortSide / 10, 5 * largest));
  return adaptive ? { rmsBox, brightBox, brightPeaks } : { rmsBox, brightPeaks };
}

/** Islands of pixels with value − mean ≥ snr × rms (the whole image's), any size, 8-connected (every island pixel passes the peak test at snr / 2). */
function makeIslandFinder(data: FloatArray, width: number, height: number, beam: PixelBeam, whole: BackgroundStatistic): (snr: number) => Island[] {
  const rms = new Float32Array(width * height).fill(whole.rms);
  const background = { rms, mean: whole.mean, rmsSource: 'constant' as const };
  return (snr) => findIslands(data, width, height, background, beam, { threshIsl: snr, threshPix: snr / 2, minpixIsl: 1, connectivity: 8 }).islands;
}

/** The island's extent along x or y, whichever is larger (pixels). */
function extent(island: Island): number {
  return Math.max(island.xMax - island.xMin + 1, island.yMax - island.yMin + 1);
}

function imageMaximum(data: FloatArray): number {
  let max = -Infinity;
  for (let i = 0; i < data.length; i++) if (data[i] > max) max = data[i];
  return max;
}
