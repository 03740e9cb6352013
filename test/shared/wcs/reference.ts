/** Loads test/reference/wcs_reference.json (astropy.wcs results written by make_reference.py). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../../helpers/realdata.js';

export interface WcsCase {
  name: string;
  source: string;
  note: string;
  naxis: number;
  ctype: string[];
  cunit: string[];
  lonAxis: number | null;
  latAxis: number | null;
  pixelScaleArcsec: [number, number] | null;
  cards: Record<string, string | number | boolean>;
  /** 0-based pixels and astropy all_pix2world(pixels, 0). */
  pixelToWorld: { pixels: number[][]; world: number[][] };
  /** World inputs and astropy all_world2pix(world, 0). */
  worldToPixel: { world: number[][]; pixels: number[][] };
}

export function loadWcsReference(): WcsCase[] {
  return JSON.parse(readFileSync(join(REPO_ROOT, 'test', 'reference', 'wcs_reference.json'), 'utf8')).cases;
}
