#!/usr/bin/python3
"""
Writes the oracle files the shared/stats and shared/wcs tests compare against:

  stats_reference.json  numpy / astropy statistics of deterministic numpy-generated arrays
  wcs_reference.json    astropy.wcs pixel<->world conversions for real and synthetic headers

Run from anywhere with the Debian interpreter (astropy, numpy, scipy):

  /usr/bin/python3 test/reference/make_reference.py

It reads the team's real headers from ../shared/realdata (VLASS_REALDATA overrides) and
stores only the WCS cards it needs inside the JSON, so the TypeScript tests (and CI, which
runs no Python) need nothing but the committed JSON files. Re-running is deterministic.

Conventions the TypeScript side relies on:
- data arrays are base64 of little-endian float32 ("f4") or float64 ("f8") values;
- statistics are computed in float64 on the float64 view of the data (the TS code always
  accumulates in float64, whereas numpy on a float32 array would round to float32);
- pixel coordinates are 0-based (astropy origin 0).
"""
import base64
import json
import math
import os
import sys
import warnings

import numpy as np
from astropy.io import fits
from astropy.stats import SigmaClip, mad_std, median_absolute_deviation, sigma_clipped_stats
from astropy.utils.exceptions import AstropyWarning
from astropy.wcs import WCS, FITSFixedWarning
from scipy.special import erfcinv

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
REALDATA = os.environ.get("VLASS_REALDATA", os.path.join(os.path.dirname(REPO), "shared", "realdata"))

warnings.simplefilter("ignore", FITSFixedWarning)
warnings.simplefilter("ignore", AstropyWarning)

PERCENTILES = [0, 0.1, 1, 2.5, 5, 10, 15.87, 25, 33.3, 50, 66.7, 75, 84.13, 90, 95, 97.5, 99, 99.9, 100]


# ----------------------------------------------------------------------------- statistics

def encode(array):
    return base64.b64encode(np.ascontiguousarray(array).astype(array.dtype.newbyteorder("<")).tobytes()).decode("ascii")


def make_datasets():
    """Arrays shaped like the things the tools measure: image noise with sources and blanks."""
    rng = np.random.default_rng(20240611)
    sets = []

    # Odd-length "image" 47 x 43: Gaussian noise, bright sources, NaN blanks, exact zeros.
    w, h = 47, 43
    a = rng.normal(0.0, 1.2e-4, w * h)
    src = rng.choice(w * h, 25, replace=False)
    a[src] += rng.exponential(2e-3, 25)
    a[rng.choice(w * h, 40, replace=False)] = 0.0
    a[rng.choice(w * h, 60, replace=False)] = np.nan
    sets.append(("noise_odd", a.astype(np.float32), w))

    # Even-length 64 x 50, float32, NaN border as on a pbcor image, negative bowl.
    w, h = 64, 50
    img = rng.normal(5e-6, 9e-5, (h, w))
    img[:3, :] = np.nan
    img[:, -2:] = np.nan
    img[20:24, 30:34] -= 6e-4
    img[10, 10] = 0.05
    img[40, 5:9] = 0.0
    sets.append(("noise_even", img.ravel().astype(np.float32), w))

    # Heavy ties: integers from -5 to 5 (odd length), and a constant-run even-length variant.
    sets.append(("ties_odd", rng.integers(-5, 6, 1001).astype(np.float32), 1001))
    t = np.concatenate([np.full(300, 2.0), np.full(200, -1.0), rng.integers(0, 3, 500).astype(float)])
    rng.shuffle(t)
    sets.append(("ties_even", t.astype(np.float32), 40))

    # float64 values not representable in float32, with outliers on both sides.
    f = rng.normal(10.0, 3.0, 1500)
    f[rng.choice(1500, 12, replace=False)] += rng.choice([-1, 1], 12) * rng.uniform(20, 80, 12)
    sets.append(("float64_outliers", f.astype(np.float64), 50))

    # Heavy-tailed (Student t, 2 dof) float32: clipping runs many iterations.
    sets.append(("heavy_tail", (rng.standard_t(2, 3001) * 1e-3).astype(np.float32), 3001))

    # Long enough (> 600) for the sampling step of Floyd-Rivest, with NaN runs.
    big = rng.normal(0, 1, 6000)
    big[1500:1700] = np.nan
    big[rng.choice(6000, 150, replace=False)] = 0.0
    sets.append(("long_with_zeros", big.astype(np.float32), 200))

    sets.append(("single", np.array([3.25], dtype=np.float32), 1))
    sets.append(("two_values_and_nan", np.array([np.nan, 2.0, -1.5], dtype=np.float64), 3))
    return sets


def chauvenet(values, maxiter=-1, zscore=None):
    """CASA ChauvenetCriterionStatistics::_setRange, with the exact root for z (see chauvenet.ts)."""
    max_i = maxiter if maxiter >= 0 else 1000

    def stats(x):
        mean = x.mean()
        std = x.std(ddof=1) if x.size > 1 else 0.0
        return x.size, mean, std

    x = values
    niter = 0
    prev = None
    lo, hi = -np.inf, np.inf
    while niter <= max_i:
        if niter == 0:
            n, mean, std = stats(x)
        else:
            n, mean, std = stats(x[(x >= lo) & (x <= hi)])
            if n == prev:
                break
        z = zscore if zscore is not None else math.sqrt(2) * erfcinv(0.5 / n)
        lo, hi = mean - z * std, mean + z * std
        prev = n
        niter += 1
    niter -= 1
    n, mean, std = stats(x[(x >= lo) & (x <= hi)])
    return {"count": int(n), "mean": float(mean), "std": float(std), "passes": niter + 1, "zscore": float(z), "lower": float(lo), "upper": float(hi)}


def sigma_clip_case(values, **kw):
    mean, median, std = sigma_clipped_stats(values, **kw)
    clip_kw = {k: v for k, v in kw.items() if k != "std_ddof"}
    sc = SigmaClip(**clip_kw)
    kept, lower, upper = sc(values, masked=False, return_bounds=True, axis=None)
    return {
        "options": kw,
        "count": int(kept.size),
        "mean": float(mean),
        "median": float(median),
        "std": float(std),
        "iterations": int(sc._niterations),
        "lower": float(lower),
        "upper": float(upper),
    }


def summarize(values, raw, width, exclude_zeros):
    """All statistics of one variant; `values` is float64 with NaN (and maybe zeros) removed."""
    out = {"count": int(values.size)}
    if values.size == 0:
        return out
    med = float(np.median(values))
    out["median"] = med
    out["percentiles"] = [float(p) for p in np.percentile(values, PERCENTILES)]
    out["mad"] = float(median_absolute_deviation(values))
    out["madStd"] = float(mad_std(values))
    out["mean"] = float(np.mean(values))
    out["std"] = float(np.std(values))
    out["stdDdof1"] = float(np.std(values, ddof=1)) if values.size > 1 else None

    # Extrema over the original layout (positions refer to the unfiltered array).
    masked = raw.astype(np.float64).copy()
    if exclude_zeros:
        masked[masked == 0] = np.nan
    imin, imax = int(np.nanargmin(masked)), int(np.nanargmax(masked))
    out["min"] = {"value": float(masked[imin]), "index": imin, "x": imin % width, "y": imin // width}
    out["max"] = {"value": float(masked[imax]), "index": imax, "x": imax % width, "y": imax // width}

    finite = values[np.isfinite(values)]
    lo, hi = float(finite.min()), float(finite.max())
    counts, edges = np.histogram(finite, bins=20)
    out["histogramDefault"] = {"bins": 20, "counts": counts.tolist(), "edges": edges.tolist()}
    p5, p95 = np.percentile(finite, [5, 95])
    counts, edges = np.histogram(finite, bins=7, range=(float(p5), float(p95)))
    out["histogramRange"] = {
        "bins": 7,
        "range": [float(p5), float(p95)],
        "counts": counts.tolist(),
        "edges": edges.tolist(),
        "below": int((finite < p5).sum()),
        "above": int((finite > p95).sum()),
    }
    thresholds = [lo, float(np.percentile(finite, 10)), 0.0, med, float(finite.mean() + 3 * finite.std()), hi, hi + 1]
    out["fractionsBelow"] = {"thresholds": thresholds, "fractions": [float((finite < t).sum() / finite.size) for t in thresholds]}

    out["sigmaClip"] = [
        sigma_clip_case(values),
        sigma_clip_case(values, sigma=2.5, maxiters=None),
        sigma_clip_case(values, sigma_lower=2.0, sigma_upper=4.0, maxiters=10, std_ddof=1),
        sigma_clip_case(values, maxiters=1),
    ]
    out["chauvenet"] = [
        {"options": {"maxIterations": -1}, **chauvenet(values, -1)},
        {"options": {"maxIterations": 0}, **chauvenet(values, 0)},
        {"options": {"maxIterations": 2}, **chauvenet(values, 2)},
        {"options": {"maxIterations": -1, "zscore": 2.5}, **chauvenet(values, -1, 2.5)},
    ]
    return out


def stats_reference():
    datasets = []
    for name, data, width in make_datasets():
        f64 = data.astype(np.float64)
        finite_or_nan = f64[~np.isnan(f64)]
        entry = {
            "name": name,
            "dtype": "f4" if data.dtype == np.float32 else "f8",
            "width": width,
            "data": encode(data),
            "counts": {
                "total": int(f64.size),
                "nan": int(np.isnan(f64).sum()),
                "zero": int((f64 == 0).sum()),
                "infinite": int(np.isinf(f64).sum()),
                "finite": int(np.isfinite(f64).sum()),
            },
            "all": summarize(finite_or_nan, data, width, False),
            "excludeZeros": summarize(finite_or_nan[finite_or_nan != 0], data, width, True),
        }
        datasets.append(entry)
    z_scores = {str(n): float(math.sqrt(2) * erfcinv(0.5 / n)) for n in [1, 2, 3, 10, 185, 1000, 7893, 73579, 872138, 13853284, 253398672]}
    return {
        "generator": "test/reference/make_reference.py",
        "versions": versions(),
        "percentiles": PERCENTILES,
        "chauvenetZScores": z_scores,
        "datasets": datasets,
    }


# ----------------------------------------------------------------------------------- WCS

WCS_KEY_PREFIXES = ("CTYPE", "CRVAL", "CRPIX", "CDELT", "CUNIT", "CROTA", "PC", "CD", "PV", "NAXIS")
WCS_KEYS = {"NAXIS", "WCSAXES", "LONPOLE", "LATPOLE", "RADESYS", "EQUINOX", "BMAJ", "BMIN", "BPA", "SPECSYS", "RESTFRQ", "OBSRA", "OBSDEC"}


def wcs_cards(header):
    cards = {}
    for key, value in header.items():
        if key in WCS_KEYS or (key.startswith(WCS_KEY_PREFIXES) and any(c.isdigit() for c in key)):
            if key.startswith("CD") and not (key.startswith("CDELT") or key[2:3].isdigit()):
                continue  # e.g. CDATE
            cards[key] = value if not isinstance(value, str) else value.rstrip()
    return cards


def header_from_text(path):
    lines = [ln.rstrip("\n") for ln in open(path, encoding="ascii", errors="replace")]
    lines = [ln for ln in lines if not ln.startswith("#")]
    return fits.Header.fromstring("\n".join(lines), sep="\n")


def real_headers():
    vh = os.path.join(REALDATA, "vlass_fits_headers")
    text = [
        ("vlass_ql_1p1", "VLASS1.1.ql.T29t05.J110448+763000.10.2048.v1.I.iter1.image.pbcor.tt0.subim.fits.header", "VLASS 1.1 Quick Look, 1\" SIN, Dec +76.5"),
        ("vlass_se_2p1", "VLASS2.1.se.T10t01.J000200-003000.06.2048.v1.I.iter3.image.pbcor.tt0.subim.fits.header", "VLASS 2.1 Single Epoch, 0.6\" SIN, RA near 0"),
        ("vlass_se_alpha", "VLASS2.1.se.T10t01.J000200-003000.06.2048.v1.I.iter3.alpha.subim.fits.header", "VLASS 2.1 SE spectral index, CRVAL with float noise"),
        ("vlass_cc_1p1", "VLASS1.1.cc.T29t05.J110448+763000.10.2048.v1.fits.header", "VLASS 1.1 coarse cube, 16 FREQ x 4 STOKES"),
        ("vlass_cc_iqu", "VLASS2.1.cc.T10t02.J005000-023000.06.2048.v1.spw2.IQU.iter3.image.pbcor.tt0.subim.com.fits.header", "VLASS 2.1 IQU cube"),
        ("spectralcube_vopt_kms", "spectralcube__header_jybeam.hdr", "VLA HI cube, VOPT in km/s (converted to m/s)"),
    ]
    for name, fname, note in text:
        yield name, header_from_text(os.path.join(vh, fname)), f"vlass_fits_headers/{fname}", note
    files = [
        ("first_cutout", "fits_images/first_J105007+304037_cutout.fits", "FIRST: NAXIS=2 with CTYPE3/4 present, CROTA2=0"),
        ("magpis_galactic", "fits_images/magpis_G10.5+0.0_20cm_cutout.fits", "MAGPIS: GLON/GLAT-SIN, reference pixel far outside"),
        ("gildas_arc", "fits_images/spectralcube__example_cube_GILDAS_IRAS2A_HDO.fits", "GILDAS: RA---ARC, VRAD, blank CTYPE4"),
        ("aegean_south_pole", "aegean_reference/1904-66_SIN.fits", "Aegean test image: SIN at the south celestial pole"),
        ("lofar_wsclean", "lofar_wsclean_image/lsmtool__test_image.fits", "WSClean: negative CRVAL1, 1 deg pixels"),
        ("pybdsf_stokes_first", "pybdsf_reference/tbdsf_process_image.in_fits.pybdsf.ch0_I.fits", "PyBDSF: STOKES axis 3, FREQ axis 4, CUNIT HZ"),
    ]
    for name, rel, note in files:
        yield name, fits.getheader(os.path.join(REALDATA, rel)), rel, note


def synthetic_headers():
    def header(cards):
        h = fits.Header()
        for k, v in cards.items():
            h[k] = v
        return h

    yield "synthetic_tan_pc", header({
        "NAXIS": 2, "NAXIS1": 400, "NAXIS2": 300,
        "CTYPE1": "RA---TAN", "CTYPE2": "DEC--TAN", "CRVAL1": 250.12345, "CRVAL2": -33.5,
        "CRPIX1": 200.5, "CRPIX2": 151.25, "CDELT1": -2.5e-4, "CDELT2": 2.5e-4,
        "PC1_1": 0.9659258262890683, "PC1_2": -0.25881904510252074, "PC2_1": 0.25881904510252074, "PC2_2": 0.9659258262890683,
        "RADESYS": "ICRS",
    }), "synthetic: TAN with a 15 deg PC rotation"
    yield "synthetic_cd_skew", header({
        "NAXIS": 3, "NAXIS1": 512, "NAXIS2": 512, "NAXIS3": 8,
        "CTYPE1": "RA---SIN", "CTYPE2": "DEC--SIN", "CTYPE3": "FREQ", "CRVAL1": 12.3, "CRVAL2": 45.6, "CRVAL3": 1.4e9,
        "CRPIX1": 257, "CRPIX2": 250, "CRPIX3": 1, "CDELT3": 1e6,
        "CD1_1": -1.1e-4, "CD1_2": 1.5e-5, "CD2_1": 1.0e-5, "CD2_2": 1.2e-4,
    }), "synthetic: CD matrix with skew, no CD for FREQ (unit diagonal, CDELT3 ignored)"
    yield "synthetic_crota_tan", header({
        "NAXIS": 2, "NAXIS1": 300, "NAXIS2": 200,
        "CTYPE1": "RA---TAN", "CTYPE2": "DEC--TAN", "CRVAL1": 83.63, "CRVAL2": 22.01,
        "CRPIX1": 150, "CRPIX2": 100, "CDELT1": -1e-3, "CDELT2": 2e-3, "CROTA2": 30.0,
    }), "synthetic: legacy CROTA2 with non-square pixels"
    yield "synthetic_sin_slant", header({
        "NAXIS": 2, "NAXIS1": 256, "NAXIS2": 256,
        "CTYPE1": "RA---SIN", "CTYPE2": "DEC--SIN", "CRVAL1": 201.365, "CRVAL2": -43.019,
        "CRPIX1": 128.5, "CRPIX2": 128.5, "CDELT1": -5e-3, "CDELT2": 5e-3,
        "PV2_1": 0.05, "PV2_2": -0.12,
    }), "synthetic: SIN with slant terms PV2_1/PV2_2"
    yield "synthetic_arc_north_pole", header({
        "NAXIS": 2, "NAXIS1": 200, "NAXIS2": 200,
        "CTYPE1": "RA---ARC", "CTYPE2": "DEC--ARC", "CRVAL1": 45.0, "CRVAL2": 90.0,
        "CRPIX1": 100, "CRPIX2": 100, "CDELT1": -0.05, "CDELT2": 0.05,
    }), "synthetic: ARC at the north pole (default LONPOLE = 0)"
    yield "synthetic_tan_lonpole", header({
        "NAXIS": 2, "NAXIS1": 100, "NAXIS2": 100,
        "CTYPE1": "RA---TAN", "CTYPE2": "DEC--TAN", "CRVAL1": 10.0, "CRVAL2": 60.0,
        "CRPIX1": 50, "CRPIX2": 50, "CDELT1": -0.01, "CDELT2": 0.01, "LONPOLE": 170.0, "CUNIT1": "deg", "CUNIT2": "deg",
    }), "synthetic: TAN with LONPOLE = 170"
    yield "synthetic_arcsec_units_ghz", header({
        "NAXIS": 3, "NAXIS1": 64, "NAXIS2": 64, "NAXIS3": 4,
        "CTYPE1": "RA---SIN", "CTYPE2": "DEC--SIN", "CTYPE3": "FREQ", "CRVAL1": 540000.0, "CRVAL2": 7920.0, "CRVAL3": 3.0,
        "CRPIX1": 33, "CRPIX2": 33, "CRPIX3": 1, "CDELT1": -0.6, "CDELT2": 0.6, "CDELT3": 0.128,
        "CUNIT1": "arcsec", "CUNIT2": "arcsec", "CUNIT3": "GHz",
    }), "synthetic: CDELT in arcsec (CRVAL too), FREQ in GHz"


def pixel_grid(w, cards, rng):
    """~20 0-based pixels: corners, centre, reference pixel, random interior points; planes vary."""
    n = w.naxis
    # Axes beyond NAXIS (FIRST's CTYPE3/4 on a 2-axis image) have one plane.
    sizes = [int(cards.get(f"NAXIS{i + 1}", 1)) if i < cards.get("NAXIS", 0) else 1 for i in range(n)]
    nx, ny = sizes[0], sizes[1] if n > 1 else 1
    xy = [(0, 0), (nx - 1, 0), (0, ny - 1), (nx - 1, ny - 1), ((nx - 1) / 2, (ny - 1) / 2),
          (w.wcs.crpix[0] - 1, w.wcs.crpix[1] - 1 if n > 1 else 0)]
    for _ in range(14):
        xy.append((float(rng.uniform(0, nx - 1)), float(rng.uniform(0, ny - 1))))
    pixels = []
    for k, (x, y) in enumerate(xy):
        p = [float(x), float(y)] + [0.0] * (n - 2)
        for axis in range(2, n):
            if sizes[axis] > 1:
                p[axis] = float(k % sizes[axis])
        pixels.append(p)
    return pixels


def wcs_case(name, header, source, note, rng):
    cards = wcs_cards(header)
    # Built from the stored cards alone, so that the oracle is exactly what the JSON holds.
    w = WCS(fits.Header(cards.items()))
    pixels = pixel_grid(w, cards, rng)
    world = w.all_pix2world(np.array(pixels), 0)
    # World inputs for world->pixel: the world positions of pixels shifted off the grid.
    shifted = np.array(pixels) + np.array([0.37, -0.21] + [0.0] * (w.naxis - 2))
    world_inputs = w.all_pix2world(shifted, 0)
    pixels_from_world = w.all_world2pix(world_inputs, 0, tolerance=1e-12)
    celestial = w.celestial
    return {
        "name": name,
        "source": source,
        "note": note,
        "naxis": w.naxis,
        "ctype": list(w.wcs.ctype),
        "cunit": [str(u) for u in w.wcs.cunit],
        "lonAxis": int(w.wcs.lng) if w.wcs.lng >= 0 else None,
        "latAxis": int(w.wcs.lat) if w.wcs.lat >= 0 else None,
        "pixelScaleArcsec": [float(s) * 3600 for s in proj_plane_scales(celestial)] if celestial.naxis == 2 else None,
        "cards": cards,
        "pixelToWorld": {"pixels": pixels, "world": world.tolist()},
        "worldToPixel": {"world": world_inputs.tolist(), "pixels": pixels_from_world.tolist()},
    }


def proj_plane_scales(celestial):
    from astropy.wcs.utils import proj_plane_pixel_scales
    return proj_plane_pixel_scales(celestial)


def wcs_reference():
    rng = np.random.default_rng(7)
    cases = []
    for name, header, source, note in real_headers():
        cases.append(wcs_case(name, header, source, note, rng))
    for name, header, note in synthetic_headers():
        cases.append(wcs_case(name, header, "synthetic", note, rng))
    return {
        "generator": "test/reference/make_reference.py",
        "versions": versions(),
        "pixelOrigin": 0,
        "note": "pixels are 0-based (astropy origin 0); world values from astropy.wcs.WCS.all_pix2world; longitudes as astropy returns them (WCSLIB may return negative longitudes when CRVAL1 < 0)",
        "cases": cases,
    }


def versions():
    import astropy
    import scipy
    return {"numpy": np.__version__, "astropy": astropy.__version__, "scipy": scipy.__version__, "python": sys.version.split()[0]}


def nan_to_null(value):
    """JSON has no NaN: an undefined statistic (std with ddof 1 of one value) is stored as null."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: nan_to_null(v) for k, v in value.items()}
    if isinstance(value, list):
        return [nan_to_null(v) for v in value]
    return value


def write(name, payload):
    path = os.path.join(HERE, name)
    with open(path, "w", encoding="ascii") as f:
        json.dump(nan_to_null(payload), f, indent=1, allow_nan=False)
        f.write("\n")
    print(f"wrote {path} ({os.path.getsize(path)} bytes)")


def main():
    if not os.path.isdir(REALDATA):
        sys.exit(f"real data not found at {REALDATA}; set VLASS_REALDATA")
    write("stats_reference.json", stats_reference())
    write("wcs_reference.json", wcs_reference())


if __name__ == "__main__":
    main()
