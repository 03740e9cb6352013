/**
 * Order statistics by Floyd–Rivest selection: after `selectInPlace(a, k)` the element of rank
 * k (0-based, ascending) sits at a[k], everything before it is <= a[k] and everything after
 * is >= a[k]. Expected cost about n + min(k, n-k) comparisons, never a full sort. Arrays must
 * not contain NaN (the working copy has already dropped it).
 *
 * Ranks wanted in ascending order can be selected one after another on the shrinking right
 * part, `[previous rank + 1, end)`, because the left part can no longer contain them.
 */
import type { FloatArray } from './sample.js';

/** Sub-ranges larger than this are first narrowed by selecting on a sample (Floyd–Rivest step). */
const SAMPLING_THRESHOLD = 600;

/**
 * Floyd–Rivest's sample range around rank k in [left, right]: selecting within it first puts
 * pivots just either side of the k-th element. Both selections below share it; their
 * partition loops stay separate because they compare different keys in the hot loop.
 */
function sampleWindow(k: number, left: number, right: number): [number, number] {
  const n = right - left + 1;
  const i = k - left + 1;
  const z = Math.log(n);
  const s = 0.5 * Math.exp((2 * z) / 3);
  const sd = 0.5 * Math.sqrt((z * s * (n - s)) / n) * Math.sign(i - n / 2);
  return [Math.max(left, Math.floor(k - (i * s) / n + sd)), Math.min(right, Math.floor(k + ((n - i) * s) / n + sd))];
}

/** Puts the element of rank k within [left, right] (inclusive) at a[k] and returns it. */
export function selectInPlace(a: FloatArray, k: number, left = 0, right = a.length - 1): number {
  checkRank(a, k, left, right);
  if (k === left) return moveMinimumTo(a, left, right);
  while (right > left) {
    if (right - left > SAMPLING_THRESHOLD) {
      // Recursing on a sample places two pivots that bracket rank k with high probability,
      // so the partition below discards most of the range in one pass.
      const [newLeft, newRight] = sampleWindow(k, left, right);
      selectInPlace(a, k, newLeft, newRight);
    }
    const t = a[k];
    let i = left;
    let j = right;
    swap(a, left, k);
    if (a[right] > t) swap(a, left, right);
    while (i < j) {
      swap(a, i, j);
      i++;
      j--;
      while (a[i] < t) i++;
      while (a[j] > t) j--;
    }
    if (a[left] === t) swap(a, left, j);
    else {
      j++;
      swap(a, j, right);
    }
    if (j <= k) left = j + 1;
    if (k <= j) right = j - 1;
  }
  return a[k];
}

/**
 * Same as selectInPlace, but ranks elements by their distance |a[i] - center| computed in
 * float64. This gives the exact median absolute deviation without writing the deviations
 * back into a float32 array (which would round them) or allocating a second copy.
 * Returns the distance of the selected element.
 */
export function selectByDistanceInPlace(a: FloatArray, k: number, center: number, left = 0, right = a.length - 1): number {
  checkRank(a, k, left, right);
  if (k === left) return moveNearestTo(a, center, left, right);
  while (right > left) {
    if (right - left > SAMPLING_THRESHOLD) {
      const [newLeft, newRight] = sampleWindow(k, left, right);
      selectByDistanceInPlace(a, k, center, newLeft, newRight);
    }
    const t = Math.abs(a[k] - center);
    let i = left;
    let j = right;
    swap(a, left, k);
    if (Math.abs(a[right] - center) > t) swap(a, left, right);
    while (i < j) {
      swap(a, i, j);
      i++;
      j--;
      while (Math.abs(a[i] - center) < t) i++;
      while (Math.abs(a[j] - center) > t) j--;
    }
    if (Math.abs(a[left] - center) === t) swap(a, left, j);
    else {
      j++;
      swap(a, j, right);
    }
    if (j <= k) left = j + 1;
    if (k <= j) right = j - 1;
  }
  return Math.abs(a[k] - center);
}

/** Smallest value in [left, right], swapped to a[left]: the cheap case of rank = left. */
export function moveMinimumTo(a: FloatArray, left: number, right: number): number {
  let best = left;
  for (let i = left + 1; i <= right; i++) if (a[i] < a[best]) best = i;
  swap(a, left, best);
  return a[left];
}

/** Element nearest to `center` in [left, right], swapped to a[left]; returns its distance. */
export function moveNearestTo(a: FloatArray, center: number, left: number, right: number): number {
  let best = left;
  let bestDistance = Math.abs(a[left] - center);
  for (let i = left + 1; i <= right; i++) {
    const d = Math.abs(a[i] - center);
    if (d < bestDistance) {
      best = i;
      bestDistance = d;
    }
  }
  swap(a, left, best);
  return bestDistance;
}

function swap(a: FloatArray, i: number, j: number): void {
  const tmp = a[i];
  a[i] = a[j];
  a[j] = tmp;
}

function checkRank(a: FloatArray, k: number, left: number, right: number): void {
  if (!(left >= 0 && right < a.length && k >= left && k <= right && Number.isInteger(k))) {
    throw new RangeError(`rank ${k} outside [${left}, ${right}] of an array of ${a.length}`);
  }
}
