#!/usr/bin/python3
"""
Reference values for the Single Epoch QA metrics (shared/qa alphaMetrics.ts, catalogMetrics.ts),
computed independently with numpy and astropy, written to test/reference/qa_se_reference.json.

Run with the Debian interpreter (astropy, numpy):

  /usr/bin/python3 test/reference/qa_se_reference.py

Products measured:

  se    the committed fixture generator's small SE product (fixtures/vlass/small/se): alpha
        metrics and the continuum metrics of its tt0 (qa_reference.py's definitions).
  edge  a small SE-shaped product this script writes (qa_se_reference.edge.*.fits and
        qa_se_reference.edge.catalog.csv, committed beside it), 4-D 61x47x1x1, with: pixels at
        exactly tt0/rms = 10 and one float32 step below; NaN, zero and infinite tt0/rms; alpha
        blank (NaN, +-Inf) and exactly 0 at high S/N; unphysical alpha on both sides and alpha
        exactly at -3 and +2.5 (physical); a block where alpha disagrees with tt1/tt0; NaN
        alpha.error and NaN tt1 where alpha is set; a catalog with Quality_flag (one blank cell).
  edge with other settings (snrMin 20, physical range [-1, 1]): the settings are used.
  real  the real SE catalogs in ../shared/realdata/pybdsf_catalogs_vlass (read in place, never
        copied), when present: number of components and whether they have Quality_flag.

Definitions the TypeScript side must reproduce (all in float64 after reading the float32 images):
- high S/N: tt0 and rms finite, rms > 0, tt0/rms >= snrMin; nHighSnr counts them.
- over those with finite alpha (nAlphaHighSnr): median, astropy mad_std, fraction outside
  [unphysicalBelow, unphysicalAbove]; blankFractionHighSnr = (nHighSnr - nAlpha) / nHighSnr.
- medianErrorHighSnr: median of the finite alpha.error values at those pixels.
- tt1ConsistencyMedianAbs: median of |alpha - tt1/tt0| where tt1 is finite there.
- catalog: rows; area = (finite, non-zero tt0 pixels) x |CDELT1 x CDELT2| deg^2; per square
  degree = rows / area; Quality_flag fraction = non-zero / non-blank cells.
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
from astropy.wcs import FITSFixedWarning

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
import qa_reference  # noqa: E402  (the continuum metrics' reference definitions)

warnings.simplefilter("ignore", FITSFixedWarning)
warnings.simplefilter("ignore", AstropyWarning)

SE_DIR = os.path.join(REPO, "fixtures", "vlass", "small", "se")
SE_SUFFIXES = {
    "tt0": ".I.iter3.image.pbcor.tt0.subim.fits",
    "tt1": ".I.iter3.image.pbcor.tt1.subim.fits",
    "rms": ".I.iter3.image.pbcor.tt0.rms.subim.fits",
    "alpha": ".I.iter3.alpha.subim.fits",
    "alphaError": ".I.iter3.alpha.error.subim.fits",
}
EDGE = {role: os.path.join(HERE, f"qa_se_reference.edge.{name}.fits") for role, name in
        [("tt0", "tt0"), ("tt1", "tt1"), ("rms", "rms"), ("alpha", "alpha"), ("alphaError", "alpha.error")]}
EDGE_CATALOG = os.path.join(HERE, "qa_se_reference.edge.catalog.csv")
REALDATA = os.environ.get("VLASS_REALDATA", os.path.join(os.path.dirname(REPO), "shared", "realdata"))
REAL_CATALOG_DIR = os.path.join(REALDATA, "pybdsf_catalogs_vlass")

DEFAULT_SETTINGS = {"snrMin": 10.0, "unphysicalBelow": -3.0, "unphysicalAbove": 2.5}
OTHER_SETTINGS = {"snrMin": 20.0, "unphysicalBelow": -1.0, "unphysicalAbove": 1.0}
CELL_DEG = 0.6 / 3600
RMS_EXACT = 2.0 ** -13  # 122 uJy, a power of two: 10 x it is exact in float32

GAUSSIAN_COLUMNS = (
    "Gaus_id, Isl_id, Source_id, Wave_id, RA, E_RA, DEC, E_DEC, Total_flux, E_Total_flux, Peak_flux, "
    "E_Peak_flux, Xposn, E_Xposn, Yposn, E_Yposn, Maj, E_Maj, Min, E_Min, PA, E_PA, Maj_img_plane, "
    "E_Maj_img_plane, Min_img_plane, E_Min_img_plane, PA_img_plane, E_PA_img_plane, DC_Maj, E_DC_Maj, "
    "DC_Min, E_DC_Min, DC_PA, E_DC_PA, DC_Maj_img_plane, E_DC_Maj_img_plane, DC_Min_img_plane, "
    "E_DC_Min_img_plane, DC_PA_img_plane, E_DC_PA_img_plane, Isl_Total_flux, E_Isl_Total_flux, Isl_rms, "
    "Isl_mean, Resid_Isl_rms, Resid_Isl_mean, S_Code"
).split(", ")
VLASS_COLUMNS = ["ObsDate", "Tile", "Pointing", "Alpha", "AlphaErr", "OffsetRA", "OffsetDec"]
QUALITY_COLUMNS = ["Peak_to_ring", "NN_dist", "Quality_flag"]
EDGE_QUALITY_FLAGS = ["0", "1", "0", "4", "6", "", "0", "2", "0", "7", "0"]


def se_header(width, height):
    h = fits.Header()
    h["BMAJ"] = 2.8323 / 3600
    h["BMIN"] = 2.154 / 3600
    h["BPA"] = 0.8472
    h["BUNIT"] = "Jy/beam"
    h["RADESYS"] = "ICRS"
    h["EQUINOX"] = 2000.0
    for i, (ctype, crval, cdelt, crpix, cunit) in enumerate(
        [
            ("RA---SIN", 150.25, -CELL_DEG, (width + 1) / 2, "deg"),
            ("DEC--SIN", -30.5, CELL_DEG, (height + 1) / 2, "deg"),
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
    """The edge-case SE product, float32, 61 columns x 47 rows."""
    width, height = 61, 47
    rng = np.random.default_rng(20250612)
    rms = rng.uniform(0.9e-4, 2.6e-4, (height, width))
    rms[:2, :] = 0.0  # CASA blanks the rms where the image is blank
    rms[:, -3:] = np.nan
    yy, xx = np.mgrid[0:height, 0:width]
    sky = np.zeros((height, width))
    alpha_true = np.zeros((height, width))
    for x0, y0, peak, a in [(12, 10, 0.03, -0.7), (40, 30, 0.008, -1.1), (25, 38, 0.004, 0.4), (50, 12, 0.05, -0.2)]:
        blob = peak * np.exp(-((xx - x0) ** 2 + (yy - y0) ** 2) / (2 * 2.0**2))
        sky += blob
        alpha_true = np.where(blob > 0.5 * sky, a, alpha_true)
    tt0 = sky + rng.normal(0, 1, (height, width)) * np.nan_to_num(rms)
    tt1 = sky * alpha_true + rng.normal(0, 1, (height, width)) * 5.2 * np.nan_to_num(rms)
    tt0[:2, :] = np.nan
    tt0[20:23, 2:5] = 0.0  # a CASA-style exact-zero mask
    tt0[44, 30] = np.inf  # a corrupt pixel: not high S/N
    # Exactly at the S/N cut (included) and one float32 step below (excluded).
    for k, (y, x) in enumerate([(5, 30), (6, 30), (7, 30), (8, 30)]):
        rms[y, x] = RMS_EXACT
        at = np.float32(10 * RMS_EXACT)
        tt0[y, x] = at if k % 2 == 0 else np.nextafter(at, np.float32(0))
    tt0 = tt0.astype(np.float32)
    tt1 = tt1.astype(np.float32)
    rms = rms.astype(np.float32)
    t0 = tt0.astype(np.float64)
    r64 = rms.astype(np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        sig = np.isfinite(t0) & np.isfinite(r64) & (r64 > 0) & (t0 >= 5 * r64)
        alpha = np.where(sig, tt1.astype(np.float64) / t0, np.nan).astype(np.float32)
    high = np.argwhere(np.isfinite(t0) & (r64 > 0) & np.isfinite(r64) & (t0 / np.where(r64 > 0, r64, 1) >= 10))
    picks = [tuple(p) for p in high[:: max(1, len(high) // 40)]]
    # Blanks at high S/N: NaN, +Inf, -Inf.
    alpha[picks[0]] = np.nan
    alpha[picks[1]] = np.nan
    alpha[picks[2]] = np.inf
    alpha[picks[3]] = -np.inf
    # Valid edge values: a flat spectrum, and exactly at the physical limits.
    alpha[picks[4]] = 0.0
    alpha[picks[5]] = -3.0
    alpha[picks[6]] = 2.5
    # Unphysical on both sides.
    alpha[picks[7]] = -4.25
    alpha[picks[8]] = 3.125
    alpha[picks[9]] = -7.5
    # Disagreement with tt1/tt0 around the first two sources (more than half the high-S/N pixels).
    for block in (np.s_[4:17, 6:19], np.s_[26:35, 36:45]):
        alpha[block] = np.where(np.isfinite(alpha[block]), alpha[block] + np.float32(0.3), alpha[block])
    with np.errstate(divide="ignore", invalid="ignore"):
        a64 = alpha.astype(np.float64)
        error = np.where(np.isfinite(a64), np.hypot(5.2 * r64, a64 * r64) / t0, np.nan).astype(np.float32)
    error[picks[10]] = np.nan  # an error missing where alpha is set
    tt1[picks[11]] = np.nan  # a tt1 missing where alpha is set
    header = se_header(width, height)
    for role, data in [("tt0", tt0), ("tt1", tt1), ("rms", rms), ("alpha", alpha), ("alphaError", error)]:
        h = header.copy()
        if role in ("alpha", "alphaError"):
            h["BUNIT"] = ""
        fits.PrimaryHDU(data.reshape(1, 1, height, width), header=h).writeto(EDGE[role], overwrite=True)
    write_edge_catalog(header)


def write_edge_catalog(header):
    """A run_getalpha-style catalog with CIRADA quality columns; Quality_flag has one blank cell."""
    names = GAUSSIAN_COLUMNS + VLASS_COLUMNS + QUALITY_COLUMNS
    lines = [
        "# Executing qa_se_reference.py  on 2025-06-12T00:00:00",
        "# ImageFile=./qa_se_reference.edge",
        '# ImageReferenceDirection="ICRS 10:01:00.00000 -30.30.00.0000"',
        '# RestoringBeam="2.83arcsec 2.15arcsec 0.85deg"',
        "# ",
        "# Gaussian list for qa_se_reference.edge.tt0.fits",
        "# Generated by qa_se_reference.py",
        '# Reference frequency of the detection ("ch0") image: 3.00000e+09 Hz',
        "# Equinox : 2000.0 ",
        "",
        "# " + ", ".join(names),
    ]
    for i, flag in enumerate(EDGE_QUALITY_FLAGS):
        values = []
        for name in names:
            if name in ("Gaus_id", "Isl_id", "Source_id"):
                values.append(f"{i:4d}")
            elif name == "Wave_id":
                values.append(f"{0:4d}")
            elif name == "S_Code":
                values.append("S   ")
            elif name == "ObsDate":
                values.append("2020/07/17T11:36:04")
            elif name == "Tile":
                values.append("VLASS2.1.T10t01")
            elif name == "Pointing":
                values.append("J100100-303000")
            elif name == "Quality_flag":
                values.append(f"{int(flag):4d}" if flag != "" else "")
            else:
                values.append(f"{0.001 * (i + 1) + 0.0001 * names.index(name):.14f}")
        lines.append(", ".join(values))
    with open(EDGE_CATALOG, "w") as f:
        f.write("\n".join(lines) + "\n")


def plane64(path):
    with fits.open(path) as hdul:
        data = np.array(hdul[0].data)
    return data.reshape(data.shape[-2], data.shape[-1]).astype(np.float64)


def none_if_nan(x):
    x = float(x)
    return None if not np.isfinite(x) else x


def alpha_metrics(files, settings):
    t0, rms, alpha, err, t1 = (plane64(files[k]) for k in ("tt0", "rms", "alpha", "alphaError", "tt1"))
    snr, lo, hi = settings["snrMin"], settings["unphysicalBelow"], settings["unphysicalAbove"]
    with np.errstate(divide="ignore", invalid="ignore"):
        high = np.isfinite(t0) & np.isfinite(rms) & (rms > 0) & (t0 / rms >= snr)
    has_alpha = high & np.isfinite(alpha)
    a = alpha[has_alpha]
    n_high, n_alpha = int(high.sum()), int(has_alpha.sum())
    e = err[has_alpha]
    e = e[np.isfinite(e)]
    t1a, t0a = t1[has_alpha], t0[has_alpha]
    keep = np.isfinite(t1a)
    diff = np.abs(a[keep] - t1a[keep] / t0a[keep])
    return {
        "snrMin": snr,
        "physicalRange": {"min": lo, "max": hi},
        "nHighSnr": n_high,
        "nAlphaHighSnr": n_alpha,
        "blankFractionHighSnr": None if n_high == 0 else (n_high - n_alpha) / n_high,
        "medianHighSnr": none_if_nan(np.median(a)) if n_alpha else None,
        "madSigmaHighSnr": none_if_nan(mad_std(a)) if n_alpha else None,
        "fractionUnphysical": None if n_alpha == 0 else int(((a < lo) | (a > hi)).sum()) / n_alpha,
        "medianErrorHighSnr": none_if_nan(np.median(e)) if e.size else None,
        "tt1ConsistencyMedianAbs": none_if_nan(np.median(diff)) if diff.size else None,
    }


def imaged_area(tt0_path):
    t0 = plane64(tt0_path)
    header = fits.getheader(tt0_path)
    usable = int((np.isfinite(t0) & (t0 != 0)).sum())
    return usable * abs(header["CDELT1"] * header["CDELT2"])


def read_catalog(path):
    """Independent reader: the '#' line right above the data names the columns; values split on ','."""
    with open(path) as f:
        lines = f.read().splitlines()
    first = next(i for i, line in enumerate(lines) if line.strip() and not line.startswith("#"))
    header_line = max(i for i in range(first) if lines[i].startswith("#"))
    names = [c.strip() for c in lines[header_line][1:].split(",")]
    rows = [dict(zip(names, [v.strip() for v in line.split(",")])) for line in lines[first:] if line.strip()]
    return names, rows


def catalog_metrics(path, area):
    names, rows = read_catalog(path)
    has_flag = "Quality_flag" in names
    flags = [int(r["Quality_flag"]) for r in rows if has_flag and r["Quality_flag"] != ""]
    flagged = sum(1 for q in flags if q != 0) if has_flag else None
    return {
        "components": len(rows),
        "areaSqDeg": area,
        "perSquareDegree": len(rows) / area,
        "hasQualityFlag": has_flag,
        "qualityFlagged": flagged,
        "qualityFlaggedFraction": (flagged / len(flags)) if has_flag and flags else None,
    }


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def rel(path):
    return os.path.relpath(path, REPO)


def entry(files, catalog=None):
    out = {
        "files": {k: rel(v) for k, v in files.items()},
        "sha256": {k: sha256(v) for k, v in files.items()},
        "alpha": alpha_metrics(files, DEFAULT_SETTINGS),
        "alphaOtherSettings": alpha_metrics(files, OTHER_SETTINGS),
        "continuum": qa_reference.measure(files["tt0"], files["rms"]),
        "areaSqDeg": imaged_area(files["tt0"]),
    }
    if catalog:
        out["catalog"] = {"file": rel(catalog), "sha256": sha256(catalog), **catalog_metrics(catalog, out["areaSqDeg"])}
    return out


def main():
    write_edge_product()
    out = {"settings": DEFAULT_SETTINGS, "otherSettings": OTHER_SETTINGS, "edge": entry(EDGE, EDGE_CATALOG)}
    if os.path.isdir(SE_DIR):
        stems = sorted(f[: -len(SE_SUFFIXES["tt0"])] for f in os.listdir(SE_DIR) if f.endswith(SE_SUFFIXES["tt0"]))
        if len(stems) != 1:
            sys.exit(f"expected one SE product in {SE_DIR}, found {stems}")
        out["se"] = entry({k: os.path.join(SE_DIR, stems[0] + s) for k, s in SE_SUFFIXES.items()})
    else:
        print(f"note: {SE_DIR} absent; only the edge product measured", file=sys.stderr)
    if os.path.isdir(REAL_CATALOG_DIR):
        out["realCatalogs"] = {}
        for name in sorted(os.listdir(REAL_CATALOG_DIR)):
            if name.startswith("VLASS") and ".se." in name and name.endswith(".I.catalog.csv"):
                names, rows = read_catalog(os.path.join(REAL_CATALOG_DIR, name))
                out["realCatalogs"][name] = {"components": len(rows), "hasQualityFlag": "Quality_flag" in names}
    with open(os.path.join(HERE, "qa_se_reference.json"), "w") as f:
        json.dump(out, f, indent=1, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()
