/**
 * Grouping of an island's Gaussians into sources and the S_Code letters. A failure means the
 * source list merges distinct sources or splits one source into several.
 */
import { describe, expect, it } from 'vitest';
import type { FittedGaussian } from '../../../shared/sources/fit.js';
import { groupIsland, sourceCodes } from '../../../shared/sources/grouping.js';

const g = (x: number, y: number, peak: number, sigma = 1.7): FittedGaussian => ({ islandId: 0, x, y, peak, sigmaMajor: sigma, sigmaMinor: sigma, angle: 0, flags: [] });

describe('groupIsland', () => {
  it('keeps two Gaussians with a deep dip between them as two sources', () => {
    // 3 FWHM apart: the model drops to ~0 between them.
    expect(groupIsland([g(10, 10, 50), g(10 + 3 * 4, 10, 40)], 1)).toEqual([0, 1]);
  });

  it('joins a Gaussian on the flank of another (no interior minimum) into one source', () => {
    expect(groupIsland([g(10, 10, 50), g(12, 10, 10)], 1)).toEqual([0, 0]);
  });

  it('joins two overlapping Gaussians whose dip is shallower than thresh_isl·rms', () => {
    const fwhm = 1.7 * Math.sqrt(8 * Math.LN2);
    // 0.99 FWHM apart (half-maximum contours overlap), equal peaks of 10: the dip is ~0.5 rms.
    expect(groupIsland([g(10, 10, 10), g(10 + 0.99 * fwhm, 10, 10)], 1)).toEqual([0, 0]);
    // The same pair at 10x the flux dips by ~5 rms, more than thresh_isl = 3: two sources.
    expect(groupIsland([g(10, 10, 100), g(10 + 0.99 * fwhm, 10, 100)], 1)).toEqual([0, 1]);
    // Just apart (1.05 FWHM), even a shallow dip does not join them.
    expect(groupIsland([g(10, 10, 10), g(10 + 1.05 * fwhm, 10, 10)], 1)).toEqual([0, 1]);
  });

  it('groups transitively and numbers sources by their brightest member', () => {
    const groups = groupIsland([g(30, 10, 80), g(10, 10, 60), g(12, 10, 10), g(32, 10, 10)], 1);
    expect(groups).toEqual([0, 1, 1, 0]);
  });
});

describe('sourceCodes', () => {
  it('is S for a lone Gaussian, C for single-Gaussian sources sharing an island, M for multi-Gaussian sources', () => {
    expect(sourceCodes([0])).toEqual(['S']);
    expect(sourceCodes([0, 1])).toEqual(['C', 'C']);
    expect(sourceCodes([0, 0, 1])).toEqual(['M', 'M', 'C']);
  });
});
