#!/usr/bin/python3
"""
Writes rmsmap_reference.json, the oracle for shared/rmsmap (the VLASS rms image as CASA imdev
makes it: 60" boxes every 10 px, Chauvenet clipping, MAD x 1.4826, interpolation between nodes).

Run with the Debian interpreter (numpy, scipy):

  /usr/bin/python3 test/reference/rmsmap_reference.py

Everything here is written from the definitions, independently of the TypeScript code:
- the box statistic is plain numpy on each box: Chauvenet ranges as casacore's
  ChauvenetCriterionStatistics::_setRange applies them (each range to all the box's values,
  stop when a range holds as many values as the previous one, z from scipy's erfcinv), then
  np.median of |v - np.median(v)| over the values in the final range;
- the cubic interpolation is casacore's Interpolate2D::interpCubic: a bicubic Hermite patch
  on the grid cell with corner derivatives from central differences, evaluated here with the
  Hermite basis functions (the TypeScript evaluates Catmull-Rom weights; agreement checks that
  the two are the same interpolant); bilinear where the 4 x 4 stencil does not fit, linear
  extrapolation beyond the outermost nodes;
- blank-node rules as documented in shared/rmsmap/interpolate.ts.

Images are deterministic (seeded numpy) and stored as int16 codes c standing for
(c + 1/2) x 2**-18 Jy (exact in float32, never 0); -32768 marks NaN, -32767 an exact 0. Every array is little-endian, deflated (zlib) and base64-encoded.
Expected map values are stored at a deterministic sample of pixels: the rows and columns 0,
1, 9, 10 from each edge (where the edge rules apply) and ~2 % of the rest.
"""
import base64
import json
import math
import os
import zlib

import numpy as np
from scipy.ndimage import gaussian_filter
from scipy.special import erfcinv

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "rmsmap_reference.json")

PHI = 1.482602218505602
QUANTUM = 2.0 ** -18
NAN_CODE = -32768
ZERO_CODE = -32767
MAX_RANGES = 1001


def packed(array, dtype):
    """Little-endian bytes of `array` as `dtype`, deflated, base64."""
    raw = np.ascontiguousarray(array, dtype=np.dtype(dtype).newbyteorder("<")).tobytes()
    return base64.b64encode(zlib.compress(raw, 9)).decode("ascii")


# ------------------------------------------------------------------------------ test images

def make_image(rng, width, height, beam_sigma, sigma_low, sigma_high, sources):
    """Correlated Gaussian noise whose sigma grows from sigma_low (left) to sigma_high (right)."""
    pad = 16
    white = rng.normal(size=(height + 2 * pad, width + 2 * pad))
    smooth = gaussian_filter(white, beam_sigma, mode="wrap")[pad:-pad, pad:-pad]
    smooth /= smooth.std()
    x = np.arange(width)[None, :]
    y = np.arange(height)[:, None]
    image = smooth * (sigma_low + (sigma_high - sigma_low) * x / (width - 1))
    for sx, sy, peak in sources:
        image += peak * np.exp(-((x - sx) ** 2 + (y - sy) ** 2) / (2 * beam_sigma**2))
    return image


def quantize(image):
    """
    int16 codes and the float32 image they stand for: code c is (c + 1/2) x QUANTUM (never 0,
    so no noise pixel becomes a masked zero), NAN_CODE is NaN, ZERO_CODE an exact 0.
    """
    finite = np.nan_to_num(image)
    codes = np.clip(np.floor(finite / QUANTUM), -32766, 32766)
    codes = np.where(image == 0, ZERO_CODE, codes)
    codes = np.where(np.isnan(image), NAN_CODE, codes).astype(np.int16)
    values = (codes.astype(np.float64) + 0.5) * QUANTUM
    values = np.where(codes == ZERO_CODE, 0.0, values)
    values = np.where(codes == NAN_CODE, np.nan, values).astype(np.float32)
    return codes, values


# ------------------------------------------------------------------------------ box statistic

def chauvenet_z(n):
    return math.sqrt(2.0) * float(erfcinv(0.5 / n))


def sample_std(v):
    return float(v.std(ddof=1)) if v.size > 1 else 0.0


def clipped_mad_sigma(values):
    """(sigma, kept count): casacore Chauvenet ranges, then MAD x PHI of the values in the last range."""
    v = values.astype(np.float64)
    n = v.size
    mean = float(v.mean())
    std = sample_std(v)
    kept = v
    for _ in range(MAX_RANGES):
        if not std > 0:
            break
        z = chauvenet_z(n)
        lower, upper = mean - z * std, mean + z * std
        inside = v[(v >= lower) & (v <= upper)]  # the range applies to all values, as casacore
        kept = inside
        if inside.size == n:
            break
        n = inside.size
        mean = float(inside.mean())
        std = sample_std(inside)
    median = float(np.median(kept))
    mad = float(np.median(np.abs(kept - median)))
    return mad * PHI, int(kept.size)


def grid_nodes(width, height, step, anchor):
    x0 = anchor[0] % step
    y0 = anchor[1] % step
    nx = -(-(width - x0) // step)
    ny = -(-(height - y0) // step)
    return x0, y0, nx, ny


def rms_grid(image, cell, box_arcsec, step, anchor, min_fraction, exclude_zeros=True):
    height, width = image.shape
    half = int(round(box_arcsec / 2 / cell))
    side = 2 * half + 1
    min_valid = max(1, math.ceil(min_fraction * side * side))
    x0, y0, nx, ny = grid_nodes(width, height, step, anchor)
    values = np.full((ny, nx), np.nan)
    valid_count = np.zeros((ny, nx), dtype=np.int32)
    kept_count = np.zeros((ny, nx), dtype=np.int32)
    for gy in range(ny):
        cy = y0 + gy * step
        for gx in range(nx):
            cx = x0 + gx * step
            box = image[max(0, cy - half): min(height, cy + half + 1), max(0, cx - half): min(width, cx + half + 1)].ravel()
            ok = np.isfinite(box)
            if exclude_zeros:
                ok &= box != 0
            data = box[ok]
            valid_count[gy, gx] = data.size
            if data.size < min_valid or data.size == 0:
                continue
            values[gy, gx], kept_count[gy, gx] = clipped_mad_sigma(data)
    return dict(half=half, x0=x0, y0=y0, nx=nx, ny=ny, values=values, valid=valid_count, kept=kept_count)


# ------------------------------------------------------------------------------ interpolation

def hermite_patch(f, i, j, t, u):
    """casacore interpCubic: bicubic Hermite on cell (i, j) with central-difference derivatives."""
    def F(a, b):
        return f[j + b, i + a]

    def fx(a, b):
        return (F(a + 1, b) - F(a - 1, b)) / 2

    def fy(a, b):
        return (F(a, b + 1) - F(a, b - 1)) / 2

    def fxy(a, b):
        return (F(a + 1, b + 1) + F(a - 1, b - 1) - F(a - 1, b + 1) - F(a + 1, b - 1)) / 4

    h_value = (lambda s: 2 * s**3 - 3 * s**2 + 1, lambda s: -2 * s**3 + 3 * s**2)
    h_slope = (lambda s: s**3 - 2 * s**2 + s, lambda s: s**3 - s**2)
    total = 0.0
    for a in (0, 1):
        for b in (0, 1):
            total += (h_value[a](t) * h_value[b](u) * F(a, b) + h_slope[a](t) * h_value[b](u) * fx(a, b)
                      + h_value[a](t) * h_slope[b](u) * fy(a, b) + h_slope[a](t) * h_slope[b](u) * fxy(a, b))
    return total


def interpolate_pixel(grid, x, y, step, method):
    f = grid["values"]
    nx, ny = grid["nx"], grid["ny"]
    gx = (x - grid["x0"]) / step
    gy = (y - grid["y0"]) / step
    cx, cy = math.floor(gx), math.floor(gy)
    if method == "cubic" and 1 <= cx <= nx - 3 and 1 <= cy <= ny - 3:
        stencil = f[cy - 1: cy + 3, cx - 1: cx + 3]
        if np.all(np.isfinite(stencil)):
            return hermite_patch(f, cx, cy, gx - cx, gy - cy)
    # Bilinear on the clamped cell (linear extrapolation outside the node span); nodes of
    # zero weight are left out so that a blank one does not spoil the value.
    i = min(max(cx, 0), nx - 2) if nx >= 2 else 0
    j = min(max(cy, 0), ny - 2) if ny >= 2 else 0
    tx = gx - i if nx >= 2 else 0.0
    ty = gy - j if ny >= 2 else 0.0
    total = 0.0
    for a, wa in ((0, 1 - tx), (1, tx)):
        for b, wb in ((0, 1 - ty), (1, ty)):
            if wa == 0 or wb == 0:
                continue
            node = f[j + b, i + a]
            if not math.isfinite(node):
                return math.nan
            total += wa * wb * node
    return total


# ------------------------------------------------------------------------------ cases

def sample_pixels(rng, width, height, extra_boxes):
    pick = rng.random((height, width)) < 0.02
    edge = [0, 1, 9, 10]
    for k in edge:
        pick[k, :] = pick[height - 1 - k, :] = True
        pick[:, k] = pick[:, width - 1 - k] = True
    for (ya, yb, xa, xb) in extra_boxes:
        pick[ya:yb, xa:xb] = True
    return np.flatnonzero(pick.ravel())


def make_case(name, rng, width, height, cell, anchor, method, min_fraction, blanks, sources, extra_boxes, beam_sigma, sigmas):
    image = make_image(rng, width, height, beam_sigma, sigmas[0], sigmas[1], sources)
    original = image.copy()
    for kind, (ya, yb, xa, xb) in blanks:
        if kind == "nan":
            image[ya:yb, xa:xb] = np.nan
        elif kind == "zero":
            image[ya:yb, xa:xb] = 0.0
        else:  # "valid": an island of data inside a blank area
            image[ya:yb, xa:xb] = original[ya:yb, xa:xb]
    counts, values = quantize(image)
    grid = rms_grid(values, cell, 60.0, 10, anchor, min_fraction)
    pixels = sample_pixels(rng, width, height, extra_boxes)
    expected = np.empty(pixels.size)
    for k, p in enumerate(pixels):
        y, x = divmod(int(p), width)
        v = float(values[y, x])
        expected[k] = math.nan if (not math.isfinite(v) or v == 0) else interpolate_pixel(grid, x, y, 10, method)
    return {
        "name": name,
        "width": width,
        "height": height,
        "cellArcsec": cell,
        "boxArcsec": 60.0,
        "gridStep": 10,
        "anchor": list(anchor),
        "interpolation": method,
        "minValidFraction": min_fraction,
        "quantum": QUANTUM,
        "nanCode": NAN_CODE,
        "zeroCode": ZERO_CODE,
        "image": packed(counts, "i2"),
        "grid": {
            "halfWidth": grid["half"],
            "x0": grid["x0"],
            "y0": grid["y0"],
            "nx": grid["nx"],
            "ny": grid["ny"],
            "values": packed(grid["values"].ravel(), "f8"),
            "validCount": packed(grid["valid"].ravel(), "i4"),
            "keptCount": packed(grid["kept"].ravel(), "i4"),
        },
        "map": {"pixels": packed(pixels, "i4"), "values": packed(expected, "f8")},
        "summary": {
            "blankNodes": int(np.isnan(grid["values"]).sum()),
            "clippedNodes": int(((grid["kept"] < grid["valid"]) & (grid["kept"] > 0)).sum()),
            "sampledPixels": int(pixels.size),
            "nanSamples": int(np.isnan(expected).sum()),
        },
    }


def main():
    rng = np.random.default_rng(20250611)
    cases = []
    # QL-like: 1" cells (61 px boxes), correlated noise with a 100 -> 200 uJy gradient, sources
    # from ~5 to ~200 sigma, a NaN block at an edge, a zero-masked block, anchor off the
    # origin, cubic.
    sources = [(float(x), float(y), float(p)) for x, y, p in zip(rng.uniform(20, 380, 14), rng.uniform(20, 380, 14), rng.uniform(6e-4, 6e-3, 14))]
    sources.append((200.0, 150.0, 0.03))
    blanks = [("nan", (300, 400, 0, 110)), ("zero", (30, 60, 300, 360))]
    ql = make_case("ql-1arcsec-cubic", rng, 400, 400, 1.0, (203, 196), "cubic", 0.1, blanks, sources,
                   extra_boxes=[(330, 345, 40, 70), (120, 180, 170, 230)], beam_sigma=1.3, sigmas=(1.0e-4, 2.0e-4))
    cases.append(ql)
    # Blank nodes next to valid pixels: an 8 x 8 island of data inside an 80 x 80 NaN block
    # (its boxes hold under 10 % valid pixels), a NaN corner; linear interpolation.
    blanks2 = [("nan", (0, 90, 0, 90)), ("nan", (140, 220, 30, 110)), ("valid", (176, 184, 66, 74))]
    island = make_case("island-1arcsec-linear", rng, 260, 240, 1.0, (0, 0), "linear", 0.1, blanks2, [(180.0, 60.0, 0.01)],
                       extra_boxes=[(170, 190, 60, 80)], beam_sigma=1.3, sigmas=(1.2e-4, 1.2e-4))
    cases.append(island)
    # SE-like: 0.6" cells (101 px boxes), anchor with negative offset, cubic.
    se = make_case("se-0.6arcsec-cubic", rng, 230, 210, 0.6, (-7, 13), "cubic", 0.1, [], [(100.0, 100.0, 0.02)],
                   extra_boxes=[], beam_sigma=1.8, sigmas=(1.4e-4, 1.6e-4))
    cases.append(se)
    with open(OUT, "w") as f:
        json.dump({"generator": "test/reference/rmsmap_reference.py", "phi": PHI, "cases": cases}, f, indent=1)
        f.write("\n")
    for c in cases:
        print(c["name"], c["summary"])


if __name__ == "__main__":
    main()
