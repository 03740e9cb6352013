/**
 * Issue "native source finder": quality and speed of shared/sources findSources.
 *  1. Quality on SE-like images with a truth catalogue (5 seeds, 2048^2, 1000 components each,
 *     point and resolved, beam-correlated noise): completeness per peak S/N bin (targets
 *     >= 98% at S/N >= 7, >= 70% at 5-7), false detections in pure noise at thresh_pix 5
 *     against the Gaussian expectation, median |S/S_true - 1| (<= 2%) and position error
 *     (<= 0.05 beam) at S/N >= 20.
 *  2. Side by side with SourceExtractor on one 6202^2 SE product (~3000 components): wall
 *     times (target: ours <= 3x), flux accuracy and completeness of both catalogues.
 *  3. Per-stage times of our finder on that image.
 * Inputs are generated on first use under bench/out/sources (not committed).
 */
import { qualityReport, runQuality } from './sources/quality.js';
import { sideBySide } from './sources/side-by-side.js';

export async function benchSources(runs = 3): Promise<string> {
  const quality = qualityReport(runQuality());
  const speed = await sideBySide(runs);
  return ['## Source finder: quality against truth, and speed versus SourceExtractor', '', quality, speed].join('\n');
}
