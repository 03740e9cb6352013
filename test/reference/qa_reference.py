#!/usr/bin/python3
"""
Reference values for the image-QA metrics (shared/qa), computed independently with numpy and
astropy, written to test/reference/qa_reference.json.

Run with the Debian interpreter (astropy, numpy):

  /usr/bin/python3 test/reference/qa_reference.py

Two products are measured:

  edge  a small QL-shaped pair this script writes with astropy (qa_reference.edge.pbcor.fits,
        qa_reference.edge.rms.fits, committed beside it): 4-D 61x47x1x1, non-square so rows and
        columns cannot be confused, with a NaN border, an exact-zero block, a +Infinity pixel,
        a deep negative bowl, a bright peak off centre; its rms image (BITPIX -64) has zeros and
        pixels exactly at 120/168/200 uJy and one float64 step above each.
  ql    the committed fixture generator's small QL product (fixtures/vlass/small/ql), if present.

The definitions the TypeScript side must reproduce (see shared/qa/*Metrics.ts):
- pbcor: NaN and +-Inf are blanks, exact 0 is "zero"; peak/min over the remaining pixels, the
  first occurrence in memory order (numpy argmax); position via astropy WCS, origin 0;
  median and astropy mad_std over finite non-zero pixels in float64.
- rms: over finite non-zero pixels: median, 10th/90th percentiles (numpy 'linear') in float64;
  fraction at or below 120/168/200 uJy/beam compared as numpy compares the float32 array with a
  Python float (in float32), i.e. the pipeline's `rms <= 120e-6`.
- dynamic range = peak / median rms; negative-to-peak = -min / peak.
Re-running is deterministic.
"""
import hashlib
import json
import os
import sys
import warnings

import numpy as np
from astropy.io import fits
from astropy.stats import mad_std
from astropy.utils.exceptions import AstropyWarning
from astropy.wcs import WCS, FITSFixedWarning

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
EDGE_PBCOR = os.path.join(HERE, "qa_reference.edge.pbcor.fits")
EDGE_RMS = os.path.join(HERE, "qa_reference.edge.rms.fits")
QL_DIR = os.path.join(REPO, "fixtures", "vlass", "small", "ql")
QL_SUFFIX = ".I.iter1.image.pbcor.tt0.subim.fits"
QL_RMS_SUFFIX = ".I.iter1.image.pbcor.tt0.rms.subim.fits"

warnings.simplefilter("ignore", FITSFixedWarning)
warnings.simplefilter("ignore", AstropyWarning)

LEVELS = {"fractionBelow120uJy": 120e-6, "fractionBelow168uJy": 168e-6, "fractionBelow200uJy": 200e-6}


def ql_header(width, height):
    h = fits.Header()
    h["BMAJ"] = 2.5 / 3600
    h["BMIN"] = 2.0 / 3600
    h["BPA"] = -35.0
    h["BUNIT"] = "Jy/beam"
    h["RADESYS"] = "ICRS"
    h["EQUINOX"] = 2000.0
    for i, (ctype, crval, cdelt, crpix, cunit) in enumerate(
        [
            ("RA---SIN", 0.5, -1.0 / 3600, (width + 1) / 2, "deg"),
            ("DEC--SIN", -0.5, 1.0 / 3600, (height + 1) / 2, "deg"),
            ("FREQ", 3.0e9, 2.072e9, 1.0, "Hz"),
            ("STOKES", 1.0, 1.0, 1.0, ""),
        ],
        start=1,
    ):
        h[f"CTYPE{i}"] = ctype
        h[f"CRVAL{i}"] = crval
        h[f"CDELT{i}"] = cdelt
        h[f"CRPIX{i}"] = crpix
        h[f"CUNIT{i}"] = cunit
    return h


def write_edge_product():
    """The edge-case pair, float32, 61 columns x 47 rows."""
    width, height = 61, 47
    rng = np.random.default_rng(20250611)
    img = rng.normal(2e-6, 1.4e-4, (height, width))
    img[:2, :] = np.nan  # blank rows at the bottom edge
    img[:, -3:] = np.nan  # blank columns on the right
    img[30:34, 5:9] = 0.0  # a CASA-style exact-zero mask
    img[20:23, 40:44] -= 2.5e-3  # a negative bowl
    img[10, 50] = 0.0415  # the peak, off centre (x=50, y=10)
    img[35, 12] = 0.0415  # an equal value later in memory: argmax keeps the first
    img[5, 5] = np.inf  # a corrupt pixel that must not become the peak
    rms = rng.uniform(0.9e-4, 2.6e-4, (height, width))
    rms[:2, :] = 0.0  # CASA blanks the rms where the image is blank
    rms[:, -3:] = np.nan
    flat = rms.reshape(-1)
    for k, level in enumerate((120e-6, 168e-6, 200e-6)):
        flat[400 + 7 * k : 400 + 7 * k + 5] = level  # exactly at the level
        flat[500 + 7 * k : 500 + 7 * k + 3] = np.nextafter(level, 1.0)  # one float64 step above
    header = ql_header(width, height)
    fits.PrimaryHDU(img.astype(np.float32).reshape(1, 1, height, width), header=header).writeto(EDGE_PBCOR, overwrite=True)
    # float64 (BITPIX -64), so that pixels can sit exactly at 120/168/200 uJy: float32 cannot
    # hold those values and rounds them below the levels (see shared/qa/continuum/rms.ts).
    fits.PrimaryHDU(rms.astype(np.float64).reshape(1, 1, height, width), header=header).writeto(EDGE_RMS, overwrite=True)


def plane(path):
    """The one plane, in the file's own precision (float32 for BITPIX -32, float64 for -64)."""
    with fits.open(path) as hdul:
        data = np.array(hdul[0].data)
        header = hdul[0].header.copy()
    return data.reshape(data.shape[-2], data.shape[-1]), header


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def none_if_nan(x):
    x = float(x)
    return None if not np.isfinite(x) else x


def measure(pbcor_path, rms_path):
    img, header = plane(pbcor_path)
    rms, _ = plane(rms_path)
    height, width = img.shape
    flat = img.reshape(-1).astype(np.float64)
    total = flat.size
    finite = np.isfinite(flat)
    n_nan = int(np.isnan(flat).sum())
    n_inf = int(np.isinf(flat).sum())
    n_zero = int((flat == 0).sum())
    values = np.where(finite, flat, np.nan)
    peak_index = int(np.nanargmax(values))
    min_index = int(np.nanargmin(values))
    px, py = peak_index % width, peak_index // width
    wcs = WCS(header)
    world = wcs.pixel_to_world_values(px, py, 0, 0)
    nonzero = flat[finite & (flat != 0)]

    r = rms.reshape(-1)
    rkeep = np.isfinite(r) & (r != 0)
    rk = r[rkeep]  # the file's precision: the comparison below is numpy's on that array
    r64 = rk.astype(np.float64)
    p10, p90 = np.percentile(r64, [10, 90])
    median_rms = float(np.median(r64))
    peak = float(values[peak_index])
    minimum = float(values[min_index])

    return {
        "image": {"shape": list(reversed(fits.getdata(pbcor_path).shape)), "width": width, "height": height,
                  "pixelScaleArcsec": {"x": float(abs(header["CDELT1"]) * 3600), "y": float(abs(header["CDELT2"]) * 3600)}},
        "beam": {"bmajArcsec": header["BMAJ"] * 3600, "bminArcsec": header["BMIN"] * 3600, "bpaDeg": header["BPA"],
                 "axisRatio": header["BMAJ"] / header["BMIN"]},
        "pbcor": {
            "peakJy": peak,
            "peakRaDeg": float(world[0]),
            "peakDecDeg": float(world[1]),
            "peakPixel": {"x": px, "y": py},
            "minJy": minimum,
            "medianJy": float(np.median(nonzero)),
            "madSigmaJy": float(mad_std(nonzero)),
            "blankFraction": (n_nan + n_inf) / total,
            "zeroFraction": n_zero / total,
            "maskedFraction": (n_nan + n_inf) / total + n_zero / total,
            "pixelCount": total,
        },
        "rms": {
            "medianJy": median_rms,
            "p10Jy": float(p10),
            "p90Jy": float(p90),
            **{k: int(np.count_nonzero(rk <= level)) / rk.size for k, level in LEVELS.items()},
            # Strictly below (shared/stats fractionsBelow's definition): the tests show the code does not follow it.
            "strictlyBelow": {k: int(np.count_nonzero(rk < level)) / rk.size for k, level in LEVELS.items()},
            "pixelCount": int(rk.size),
        },
        "dynamicRange": peak / median_rms,
        "negativeToPeak": -minimum / peak,
    }


def product_entry(pbcor, rms):
    """Paths relative to the repository, with checksums so a changed fixture is noticed."""
    return {
        "pbcor": os.path.relpath(pbcor, REPO),
        "rms": os.path.relpath(rms, REPO),
        "sha256": {"pbcor": sha256(pbcor), "rms": sha256(rms)},
        "metrics": measure(pbcor, rms),
    }


def main():
    write_edge_product()
    out = {"edge": product_entry(EDGE_PBCOR, EDGE_RMS)}
    if os.path.isdir(QL_DIR):
        images = sorted(f for f in os.listdir(QL_DIR) if f.endswith(QL_SUFFIX))
        if len(images) != 1:
            sys.exit(f"expected one QL image in {QL_DIR}, found {images}")
        stem = images[0][: -len(QL_SUFFIX)]
        pbcor = os.path.join(QL_DIR, stem + QL_SUFFIX)
        rms = os.path.join(QL_DIR, stem + QL_RMS_SUFFIX)
        out["ql"] = product_entry(pbcor, rms)
    else:
        print(f"note: {QL_DIR} absent; only the edge product measured", file=sys.stderr)
    with open(os.path.join(HERE, "qa_reference.json"), "w") as f:
        json.dump(out, f, indent=1, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()
