/**
 * Minimum and maximum with their positions. Positions follow numpy.nanargmin/nanargmax: the
 * first occurrence in memory order. For an image stored row by row with `width` pixels per
 * row (NAXIS1), index i is pixel x = i mod width, y = floor(i / width), both 0-based.
 */
import { type FloatArray, type SampleOptions, isKept } from './sample.js';

export interface PixelValue {
  value: number;
  /** Offset in the array. */
  index: number;
  /** 0-based column (FITS axis 1). */
  x: number;
  /** 0-based row (FITS axis 2); for a cube, rows continue through the following planes. */
  y: number;
}

export interface Extrema {
  min: PixelValue;
  max: PixelValue;
}

/** Min and max of the non-NaN values, or null when there are none. */
export function extrema(data: FloatArray, width: number, options: SampleOptions = {}): Extrema | null {
  if (!(Number.isInteger(width) && width > 0)) throw new RangeError(`image width ${width} is not a positive integer`);
  const excludeZeros = options.excludeZeros === true;
  let minIndex = -1;
  let maxIndex = -1;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (!isKept(v, excludeZeros)) continue;
    if (minIndex < 0) {
      minIndex = maxIndex = i;
      min = max = v;
      continue;
    }
    if (v < min) {
      min = v;
      minIndex = i;
    }
    if (v > max) {
      max = v;
      maxIndex = i;
    }
  }
  if (minIndex < 0) return null;
  return { min: pixelAt(min, minIndex, width), max: pixelAt(max, maxIndex, width) };
}

/** The value at `index` with its pixel coordinates. */
export function pixelAt(value: number, index: number, width: number): PixelValue {
  return { value, index, x: index % width, y: Math.floor(index / width) };
}
