/**
 * A sum of elliptical Gaussians over one island's pixels, as a least-squares problem for lm.ts.
 *
 * Each component has six parameters, in this order and these internal units:
 *   x0, y0      centre, pixels (0-based)
 *   a           amplitude / ampScale (ampScale = the island's peak), so a ≈ 1
 *   sa, sb      σ along the axis at θ and across it, / sigmaScale (the beam's minor σ), so ≈ 1
 *   θ           angle of the `sa` axis, radians counter-clockwise from +x
 * g(x, y) = A·exp(−½ (u²/σa² + v²/σb²)), u = Δx cosθ + Δy sinθ, v = −Δx sinθ + Δy cosθ.
 *
 * Scaling amplitude and sizes to order one makes the Jacobian's columns commensurate, which
 * is what keeps Marquardt's damping and the convergence tests meaningful across images whose
 * fluxes differ by orders of magnitude. (σa, σb, θ) is the natural parameterisation for
 * size bounds; its degeneracies are handled where they arise: σa ↔ σb with θ ↔ θ + 90° is
 * the same Gaussian (normalised after the fit, major first), and θ is undefined while σa = σb
 * (its Jacobian column is zero, which lm.ts tolerates; the initial guess is made slightly
 * elongated so the angle has a gradient from the start). θ is π-periodic and left unbounded.
 *
 * Analytic partial derivatives of g (A = a·ampScale, σa = sa·sigmaScale):
 *   ∂g/∂x0 = g (u cosθ/σa² − v sinθ/σb²)      ∂g/∂y0 = g (u sinθ/σa² + v cosθ/σb²)
 *   ∂g/∂a  = ampScale · exp(…)                  ∂g/∂θ  = −g u v (1/σa² − 1/σb²)
 *   ∂g/∂sa = g u²/(σa² sa)                      ∂g/∂sb = g v²/(σb² sb)
 * A component is evaluated only where u²/σa² + v²/σb² <= Q_MAX (beyond 6σ its value is below
 * 1.5e-8 of its peak), which makes the cost per pixel that of the components nearby.
 */
import type { LeastSquaresProblem } from './lm.js';

export const PARAMS_PER_COMPONENT = 6;
/** Squared Mahalanobis radius beyond which a component is taken as zero. */
const Q_MAX = 36;

/** Per-pixel data of one island, in growable buffers reused from island to island. */
export class IslandPixels {
  count = 0;
  x = new Float64Array(256);
  y = new Float64Array(256);
  /** Value minus mean, Jy/beam. */
  value = new Float64Array(256);
  /** 1 / rms². */
  weight = new Float64Array(256);
  /** Model values, filled by `modelValues`. */
  model = new Float64Array(256);

  reset(count: number): void {
    this.count = count;
    if (count <= this.x.length) return;
    const size = Math.max(count, this.x.length * 2);
    this.x = new Float64Array(size);
    this.y = new Float64Array(size);
    this.value = new Float64Array(size);
    this.weight = new Float64Array(size);
    this.model = new Float64Array(size);
  }
}

export class GaussianSumProblem implements LeastSquaresProblem {
  readonly size: number;
  readonly lower: Float64Array;
  readonly upper: Float64Array;
  readonly scale: Float64Array;
  private readonly components: number;
  private readonly cos: Float64Array;
  private readonly sin: Float64Array;
  /** Partials of the components active at one pixel, and which components those are. */
  private readonly row: Float64Array;
  private readonly active: Int32Array;

  constructor(
    private readonly pixels: IslandPixels,
    components: number,
    readonly ampScale: number,
    readonly sigmaScale: number,
  ) {
    this.components = components;
    this.size = components * PARAMS_PER_COMPONENT;
    this.lower = new Float64Array(this.size).fill(-Infinity);
    this.upper = new Float64Array(this.size).fill(Infinity);
    this.scale = new Float64Array(this.size).fill(1);
    this.cos = new Float64Array(components);
    this.sin = new Float64Array(components);
    this.row = new Float64Array(this.size);
    this.active = new Int32Array(components);
  }

  /** χ², and JᵀWJ / JᵀWr when h and g are given. */
  evaluate(p: Float64Array, h: Float64Array | null, g: Float64Array | null): number {
    const { x, y, value, weight, count } = this.pixels;
    const nc = this.components;
    const n = this.size;
    const { cos, sin, row, active, ampScale, sigmaScale } = this;
    for (let k = 0; k < nc; k++) {
      const th = p[k * 6 + 5];
      cos[k] = Math.cos(th);
      sin[k] = Math.sin(th);
      if (!(p[k * 6 + 3] > 0 && p[k * 6 + 4] > 0)) return NaN;
    }
    if (h) h.fill(0, 0, n * n);
    if (g) g.fill(0, 0, n);
    let chi2 = 0;
    for (let i = 0; i < count; i++) {
      const px = x[i];
      const py = y[i];
      let model = 0;
      let nActive = 0;
      for (let k = 0; k < nc; k++) {
        const o = k * 6;
        const dx = px - p[o];
        const dy = py - p[o + 1];
        const c = cos[k];
        const s = sin[k];
        const u = dx * c + dy * s;
        const v = dy * c - dx * s;
        const sa = p[o + 3];
        const sb = p[o + 4];
        const ia = 1 / (sa * sa * sigmaScale * sigmaScale);
        const ib = 1 / (sb * sb * sigmaScale * sigmaScale);
        const uu = u * u * ia;
        const vv = v * v * ib;
        const q = uu + vv;
        if (q > Q_MAX) continue;
        const e = Math.exp(-0.5 * q);
        const gk = p[o + 2] * ampScale * e;
        model += gk;
        if (!h) continue;
        const r = nActive * 6;
        row[r] = gk * (u * c * ia - v * s * ib);
        row[r + 1] = gk * (u * s * ia + v * c * ib);
        row[r + 2] = ampScale * e;
        row[r + 3] = (gk * uu) / sa;
        row[r + 4] = (gk * vv) / sb;
        row[r + 5] = -gk * u * v * (ia - ib);
        active[nActive++] = k;
      }
      const resid = value[i] - model;
      const w = weight[i];
      chi2 += w * resid * resid;
      if (!h || !g || nActive === 0) continue;
      const wr = w * resid;
      for (let ka = 0; ka < nActive; ka++) {
        const oa = active[ka] * 6;
        const ra = ka * 6;
        for (let ja = 0; ja < 6; ja++) {
          const dj = row[ra + ja];
          g[oa + ja] += wr * dj;
          const wj = w * dj;
          const hr = (oa + ja) * n;
          // Upper triangle only (columns >= this row); mirrored below.
          for (let jb = ja; jb < 6; jb++) h[hr + oa + jb] += wj * row[ra + jb];
          for (let kb = ka + 1; kb < nActive; kb++) {
            const ob = active[kb] * 6;
            const rb = kb * 6;
            // active[] ascends, so ob > oa: this block is in the upper triangle.
            for (let jb = 0; jb < 6; jb++) h[hr + ob + jb] += wj * row[rb + jb];
          }
        }
      }
    }
    if (h) for (let r = 0; r < n; r++) for (let c = r + 1; c < n; c++) h[c * n + r] = h[r * n + c];
    return chi2;
  }

  /** Model values at every pixel, into pixels.model. */
  modelValues(p: Float64Array): Float64Array {
    this.evaluateModelOnly(p);
    return this.pixels.model;
  }

  private evaluateModelOnly(p: Float64Array): void {
    const { x, y, model, count } = this.pixels;
    const nc = this.components;
    const s2 = this.sigmaScale * this.sigmaScale;
    for (let i = 0; i < count; i++) model[i] = 0;
    for (let k = 0; k < nc; k++) {
      const o = k * 6;
      const c = Math.cos(p[o + 5]);
      const s = Math.sin(p[o + 5]);
      const ia = 1 / (p[o + 3] * p[o + 3] * s2);
      const ib = 1 / (p[o + 4] * p[o + 4] * s2);
      const amp = p[o + 2] * this.ampScale;
      for (let i = 0; i < count; i++) {
        const dx = x[i] - p[o];
        const dy = y[i] - p[o + 1];
        const u = dx * c + dy * s;
        const v = dy * c - dx * s;
        const q = u * u * ia + v * v * ib;
        if (q <= Q_MAX) model[i] += amp * Math.exp(-0.5 * q);
      }
    }
  }
}
