/**
 * Writing the rms image as FITS beside the image it describes. The header is the image's own
 * (WCS, beam, BUNIT, FILNAM..., history) so that the rms image overlays the image pixel for
 * pixel, with the same axes: a QL plane read from a 3722x3722x1x1 file is written back as
 * 3722x3722x1x1, as the pipeline's .rms files are. Values that described the image's pixels
 * and would be false for the rms image are not carried over silently: DATAMIN/DATAMAX, when
 * present, are recomputed from the rms pixels (CASA copies the image's, which are wrong).
 */
import { UsageError } from '../errors.js';
import { type FitsHeader, writeFitsImage } from '../fits/index.js';

export interface WriteRmsOptions {
  /** HISTORY lines to append, e.g. how the map was made (box, grid, statistic). */
  history?: readonly string[];
}

export function writeRmsImage(path: string, rms: Float32Array, templateHeader: FitsHeader, options: WriteRmsOptions = {}): void {
  const shape = outputShape(path, rms.length, templateHeader);
  const header = templateHeader.clone(path);
  if (header.has('DATAMIN') || header.has('DATAMAX')) {
    const { min, max } = finiteRange(rms);
    header.remove('DATAMIN');
    header.remove('DATAMAX');
    if (min <= max) {
      header.set('DATAMIN', min, 'minimum rms pixel value', { asReal: true });
      header.set('DATAMAX', max, 'maximum rms pixel value', { asReal: true });
    }
  }
  for (const line of options.history ?? []) header.addHistory(line);
  writeFitsImage(path, rms, shape, header);
}

/**
 * NAXISn of the template when its first two axes hold the rms plane and every other axis has
 * length 1; otherwise the plane does not belong to this header.
 */
function outputShape(path: string, pixels: number, header: FitsHeader): number[] {
  const naxis = header.getInteger('NAXIS') ?? 0;
  const shape: number[] = [];
  for (let i = 1; i <= naxis; i++) shape.push(header.getInteger(`NAXIS${i}`) ?? 0);
  const [width = 0, height = 1] = shape;
  if (naxis < 2 || width * height !== pixels || shape.slice(2).some((n) => n !== 1))
    throw new UsageError(
      `${path}: the rms plane has ${pixels} pixels but the template header ${header.source} describes a ${shape.join('x') || 'data-less'} image; pass the header of the image the plane was read from`,
    );
  return shape;
}

function finiteRange(data: Float32Array): { min: number; max: number } {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return { min, max };
}
