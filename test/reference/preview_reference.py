#!/usr/bin/python3
"""
Writes preview_reference.json, the oracle for shared/preview: astropy.visualization display
limits and stretched grey levels, and a numpy area-average, on deterministic arrays.

Run with the Debian interpreter (astropy, numpy):

  /usr/bin/python3 test/reference/preview_reference.py

What is computed, with astropy's own classes (defaults unless stated):
- ZScaleInterval().get_limits(data)   (n_samples 1000, contrast 0.25, max_reject 0.5,
                                       min_npixels 5, krej 2.5, max_iterations 5)
- AsymmetricPercentileInterval(lo, hi).get_limits(data) for a few (lo, hi)
- the preview's asinh interval [p0.5, p0.5 + 4 (p99.5 - p0.5)] (see shared/preview/stretch.ts)
- AsinhStretch(a)(x) for a grid of x
- grey levels floor(255 y + 0.5) of interval-then-stretch with clipping, as ImageNormalize(clip=True)
  for the default asinh recipe and for zscale + LinearStretch, rows flipped (north up), NaN
  marked as -1 (blank)
- a NaN-aware area average of an image onto a coarser grid (fractional pixel overlaps,
  blank below half coverage), written out here with explicit overlap weights.
Data are float32 (stored little-endian, base64); limits are computed on their float64 values,
as the TypeScript code does.
"""
import base64
import json
import os

import numpy as np
from astropy.visualization import AsinhStretch, AsymmetricPercentileInterval, LinearStretch, ManualInterval, ZScaleInterval

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "preview_reference.json")
HEADROOM = 4.0
ASINH_A = 0.1


def b64(array, dtype):
    return base64.b64encode(np.ascontiguousarray(array, dtype=np.dtype(dtype).newbyteorder("<")).tobytes()).decode("ascii")


def greys(data, vmin, vmax, stretch):
    """
    Grey levels as the preview computes them, north up; -1 for blank pixels. The interval and
    the stretch are applied as ImageNormalize(clip=True) chains them (matplotlib, which
    ImageNormalize itself needs, is not installed here).
    """
    x = ManualInterval(vmin, vmax)(data.copy(), clip=True)
    y = stretch(x, clip=True)
    g = np.where(np.isfinite(data), np.floor(255 * y + 0.5), -1)
    return np.flipud(g).astype(np.int16)


def limits_of(data):
    d = data.astype(np.float64)
    zmin, zmax = ZScaleInterval().get_limits(d)
    percentiles = {}
    for lo, hi in [(0.5, 99.5), (1, 99), (0, 100), (0.5, 99.9)]:
        vmin, vmax = AsymmetricPercentileInterval(lo, hi).get_limits(d)
        percentiles[f"{lo},{hi}"] = [float(vmin), float(vmax)]
    p_lo, p_hi = percentiles["0.5,99.5"]
    return {
        "zscale": [float(zmin), float(zmax)],
        "percentiles": percentiles,
        "asinh": [p_lo, p_lo + HEADROOM * (p_hi - p_lo)],
    }


def area_average(data, out_w, out_h):
    """NaN-aware mean over equal rectangles with fractional overlaps; NaN under half coverage."""
    h, w = data.shape

    def overlap(n, m):
        f = n / m
        W = np.zeros((m, n))
        for o in range(m):
            lo, hi = o * f, (o + 1) * f
            for p in range(int(np.floor(lo)), min(n, int(np.ceil(hi)))):
                W[o, p] = max(0.0, min(hi, p + 1) - max(lo, p))
        return W

    wx, wy = overlap(w, out_w), overlap(h, out_h)
    valid = np.isfinite(data)
    values = np.where(valid, data, 0.0).astype(np.float64)
    sums = wy @ values @ wx.T
    weights = wy @ valid.astype(np.float64) @ wx.T
    cell = (w / out_w) * (h / out_h)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(weights >= 0.5 * cell, sums / weights, np.nan)


def dataset(name, data, images=False):
    entry = {"name": name, "width": int(data.shape[1]), "height": int(data.shape[0]), "data": b64(data.ravel(), "f4")}
    entry.update(limits_of(data))
    if images:
        vmin, vmax = entry["asinh"]
        entry["asinhGrey"] = b64(greys(data.astype(np.float64), vmin, vmax, AsinhStretch(ASINH_A)).ravel(), "i2")
        zmin, zmax = entry["zscale"]
        entry["zscaleGrey"] = b64(greys(data.astype(np.float64), zmin, zmax, LinearStretch()).ravel(), "i2")
    return entry


def main():
    rng = np.random.default_rng(20250612)
    sets = []

    # Radio-like: noise, sources from 5 to 500 sigma, a NaN block; 7680 px so zscale samples
    # with stride 7 (1000 of ~7400 finite values).
    h, w = 80, 96
    img = rng.normal(0.0, 1.0e-4, (h, w))
    y, x = np.mgrid[0:h, 0:w]
    for sx, sy, peak in [(20.3, 60.1, 5e-2), (70.0, 15.5, 2e-3), (50.5, 40.2, 6e-4), (85.0, 70.0, 1e-3)]:
        img += peak * np.exp(-((x - sx) ** 2 + (y - sy) ** 2) / (2 * 1.3**2))
    img[0:12, 0:20] = np.nan
    sets.append(dataset("radio", img.astype(np.float32), images=True))

    # Fewer samples than n_samples (stride 1) with ties and a negative bowl.
    small = np.round(rng.normal(0, 3, 257)).astype(np.float32)
    small[100:110] -= 12
    sets.append(dataset("small-ties", small.reshape(1, -1)))

    # Too few values for a fit (npix < min_npixels): zscale returns min and max.
    sets.append(dataset("four", np.array([[3.0, -1.0, 2.5, 7.0]], dtype=np.float32)))

    # Half the values far out on one side: the fit rejects past max_reject, zscale falls back to min/max.
    wild = np.concatenate([rng.normal(0, 1, 300), rng.uniform(50, 5000, 320)]).astype(np.float32)
    rng.shuffle(wild)
    sets.append(dataset("mostly-outliers", wild.reshape(20, 31)))

    # Heavy positive tail, infinities and NaN mixed in (dropped as astropy drops them).
    tail = rng.lognormal(0, 1.5, 3000).astype(np.float32)
    tail[::97] = np.nan
    tail[5] = np.inf
    tail[6] = -np.inf
    sets.append(dataset("lognormal-tail", tail.reshape(50, 60), images=True))

    asinh_x = np.linspace(0, 1, 21)
    stretch = [{"a": a, "x": asinh_x.tolist(), "y": AsinhStretch(a)(asinh_x.copy()).tolist()} for a in (0.1, 0.01, 1.0)]

    # Area average: 97 x 83 with NaN blocks onto 23 x 20 (factors 4.2 and 4.15).
    big = rng.normal(0, 1, (83, 97)).astype(np.float32)
    big[0:30, 0:9] = np.nan
    big[50:53, 40:90] = np.nan
    big[60, 70] = np.nan
    down = area_average(big.astype(np.float64), 23, 20)
    area = {"width": 97, "height": 83, "data": b64(big.ravel(), "f4"), "outWidth": 23, "outHeight": 20,
            "mean": b64(down.ravel(), "f8")}

    with open(OUT, "w") as f:
        json.dump({"generator": "test/reference/preview_reference.py", "headroom": HEADROOM, "asinhA": ASINH_A,
                   "datasets": sets, "asinhStretch": stretch, "areaAverage": area}, f, indent=1)
        f.write("\n")
    for s in sets:
        print(s["name"], "zscale", s["zscale"], "asinh", s["asinh"])


if __name__ == "__main__":
    main()
