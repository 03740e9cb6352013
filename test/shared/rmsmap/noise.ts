/** Deterministic test images: seeded Gaussian noise and Gaussian sources (no Math.random). */

/** A seeded generator of standard normal deviates (mulberry32 + Box–Muller). */
export function gaussianSource(seed: number): () => number {
  let state = seed >>> 0;
  const uniform = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) + 0.5) / 4294967296;
  };
  let spare = NaN;
  return () => {
    if (spare === spare) {
      const v = spare;
      spare = NaN;
      return v;
    }
    const r = Math.sqrt(-2 * Math.log(uniform()));
    const phi = 2 * Math.PI * uniform();
    spare = r * Math.sin(phi);
    return r * Math.cos(phi);
  };
}

/** width × height pixels of uncorrelated Gaussian noise with standard deviation sigma. */
export function noiseImage(width: number, height: number, sigma: number, seed: number): Float32Array {
  const next = gaussianSource(seed);
  const image = new Float32Array(width * height);
  for (let i = 0; i < image.length; i++) image[i] = sigma * next();
  return image;
}

/** Adds a circular Gaussian of the given peak and FWHM (pixels) centred on (x, y). */
export function addGaussian(image: Float32Array, width: number, x: number, y: number, peak: number, fwhm: number): void {
  const s = fwhm / (2 * Math.sqrt(2 * Math.log(2)));
  const reach = Math.ceil(8 * s);
  const height = image.length / width;
  for (let py = Math.max(0, Math.floor(y) - reach); py <= Math.min(height - 1, Math.ceil(y) + reach); py++) {
    for (let px = Math.max(0, Math.floor(x) - reach); px <= Math.min(width - 1, Math.ceil(x) + reach); px++) {
      image[py * width + px] += peak * Math.exp(-((px - x) ** 2 + (py - y) ** 2) / (2 * s * s));
    }
  }
}

/** Median of the non-NaN values (test helper; sorts a copy). */
export function nanMedian(values: ArrayLike<number>): number {
  const v = Array.from(values).filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
  const n = v.length;
  return n % 2 ? v[(n - 1) / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}
