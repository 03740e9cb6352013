/**
 * The working copy every order statistic runs on.
 *
 * Selection reorders its input, so the caller's pixels are never touched: the values to keep
 * are copied once into an array of the same element type (a Float32Array image costs four
 * bytes per pixel, not eight), and every later step (median, MAD, clipping) permutes or
 * compacts that one copy in place. Arithmetic on the values is always done in float64.
 */

export type FloatArray = Float32Array | Float64Array;

export interface SampleOptions {
  /**
   * Also drop pixels that are exactly 0. CASA and the VLASS pipeline write 0, not NaN, into
   * blanked regions of some products (pbcor edges, masked rms images), which would otherwise
   * drag the median and MAD toward zero.
   */
  excludeZeros?: boolean;
}

export interface ConsumeOptions extends SampleOptions {
  /**
   * The caller gives `data` up: the kept values are compacted into its own prefix instead of a
   * copy (no second image in memory), and its contents afterwards are unspecified. For tools
   * that read a plane only to measure it.
   */
  consumeInput?: boolean;
}

export interface WorkingCopyOptions extends SampleOptions {
  /** Also drop ±Infinity (sigma clipping does, as astropy does). NaN is always dropped. */
  excludeInfinite?: boolean;
}

/**
 * Copies the values of `data` that survive the filters into one new array of the same type
 * and returns the filled prefix (a subarray view, so no second allocation). Order is kept.
 */
export function workingCopy(data: FloatArray, options: WorkingCopyOptions = {}): FloatArray {
  const work = data instanceof Float32Array ? new Float32Array(data.length) : new Float64Array(data.length);
  const dropZeros = options.excludeZeros === true;
  const dropInfinite = options.excludeInfinite === true;
  let n = 0;
  if (!dropZeros && !dropInfinite) {
    for (let i = 0; i < data.length; i++) {
      const v = data[i];
      if (v === v) work[n++] = v;
    }
  } else {
    for (let i = 0; i < data.length; i++) {
      const v = data[i];
      if (v !== v) continue;
      if (dropZeros && v === 0) continue;
      if (dropInfinite && (v === Infinity || v === -Infinity)) continue;
      work[n++] = v;
    }
  }
  return work.subarray(0, n);
}

/**
 * The working array for order statistics: a fresh copy, or with `consumeInput` the input's own
 * storage, compacted in place (order kept) and returned as a prefix view.
 */
export function workingArray(data: FloatArray, options: ConsumeOptions = {}): FloatArray {
  if (!options.consumeInput) return workingCopy(data, options);
  const dropZeros = options.excludeZeros === true;
  let n = 0;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (v !== v || (dropZeros && v === 0)) continue;
    data[n++] = v;
  }
  return data.subarray(0, n);
}

/** True when `v` is kept by the NaN / zero filter of `options` (the predicate workingCopy uses). */
export function isKept(v: number, excludeZeros: boolean): boolean {
  return v === v && !(excludeZeros && v === 0);
}
