#!/usr/bin/python3
"""
Reference values for coarse-cube plane QA (shared/qa/cube*.ts, annotateQaSECube), computed
independently with numpy and astropy, written to test/reference/qa_cube_reference.json.

Run with the Debian interpreter (astropy, numpy):

  /usr/bin/python3 test/reference/qa_cube_reference.py

Two inputs are measured:

  cube   the committed fixture cube fixtures/vlass/small/cc (16 windows, 96x96x1x3 each; spw11 has
         a beam 1.4x too large, spw3 is 90% NaN).
  multi  a multi-plane cube this script writes with astropy (qa_cube_reference.multi.fits, committed
         beside it): 4-D 40x30x5x2, non-square; FREQ with CRPIX3 = 2 (the reference pixel is not the
         first plane); STOKES running Q, I (CRVAL4 = 2, CDELT4 = -1), so Stokes I is pixel 1 and
         must be found from the header; no BMAJ in the primary header but CASAMBM = T and a CASA
         BEAMS binary table (BMAJ/BMIN arcsec, BPA deg, CHAN, POL) giving each plane's beam; one
         plane's beam is 1.35x the 1/f expectation, one plane is all NaN, one is 85% exactly 0,
         and the others hold NaN borders, a zero block and a +Infinity pixel.

Definitions the TypeScript side must reproduce:
- the plane is the Stokes I pixel of the STOKES axis (world value 1), at each FREQ pixel; its
  frequency is the FREQ world coordinate (astropy WCS, origin 0) in Hz;
- flagged fraction = (NaN + +-Inf + exact 0) / all pixels; peak = max of the finite pixels;
  rms = astropy mad_std of the finite non-zero pixels, in float64;
- beam: the BEAMS row with CHAN = freq pixel and POL = Stokes I pixel, else the header BMAJ/BMIN;
- rejection (the CASA pipeline's hif_makeimages VLASS-SE-CUBE rule): reference = among planes with
  a beam of their own flagged below 0.8, the one whose BMIN x f is the median (stable sort by
  (BMIN x f, f), index n // 2); expected = reference beam x f_ref / f; kept when
  expected x 0.8 < BMAJ < expected x 1.2 and the same for BMIN, and flagged < 0.8.
Re-running is deterministic.
"""
import hashlib
import json
import os
import warnings

import numpy as np
from astropy.io import fits
from astropy.stats import mad_std
from astropy.utils.exceptions import AstropyWarning
from astropy.wcs import WCS, FITSFixedWarning

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
CUBE_DIR = os.path.join(REPO, "fixtures", "vlass", "small", "cc")
WINDOW_SUFFIX = ".IQU.iter3.image.pbcor.tt0.subim.fits"
MULTI = os.path.join(HERE, "qa_cube_reference.multi.fits")
OUT = os.path.join(HERE, "qa_cube_reference.json")

BEAM_TOLERANCE = 0.2
MAX_FLAGGED = 0.8

warnings.simplefilter("ignore", FITSFixedWarning)
warnings.simplefilter("ignore", AstropyWarning)


def rel(path):
    return os.path.relpath(path, REPO)


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def write_multi():
    nx, ny, nf = 40, 30, 5
    rng = np.random.default_rng(20251125)
    # numpy order: (stokes, freq, y, x); STOKES pixel 0 = Q, pixel 1 = I
    data = rng.normal(0.0, 3.0e-4, (2, nf, ny, nx)).astype(np.float32)
    data[:, :, :2, :] = np.nan  # blank bottom rows
    data[:, :, :, -4:] = np.nan  # blank right columns
    data[:, :, 10:14, 3:9] = 0.0  # a CASA-style zero block
    data[1, 0, 20, 30] = 0.0123  # peaks in Stokes I
    data[1, 1, 5, 7] = 0.0456
    data[0, 1, 6, 8] = 0.9  # brighter in Q: must not be taken for I's peak
    data[1, 2, 15, 15] = np.inf  # a corrupt pixel: blank, never the peak
    data[1, 2, 16, 16] = 0.0077
    data[1, 3] = np.nan  # an all-NaN plane
    plane4 = data[1, 4]
    mask = rng.random(plane4.shape) < 0.85
    plane4[mask] = 0.0  # 85% exactly zero
    h = fits.Header()
    h["BUNIT"] = "Jy/beam"
    h["RADESYS"] = "ICRS"
    h["EQUINOX"] = 2000.0
    for i, (ctype, crval, cdelt, crpix, cunit) in enumerate(
        [
            ("RA---SIN", 12.5, -0.6 / 3600, 20.0, "deg"),
            ("DEC--SIN", -2.5, 0.6 / 3600, 15.0, "deg"),
            ("FREQ", 2.5e9, 0.25e9, 2.0, "Hz"),
            ("STOKES", 2.0, -1.0, 1.0, ""),
        ],
        start=1,
    ):
        h[f"CTYPE{i}"] = ctype
        h[f"CRVAL{i}"] = crval
        h[f"CDELT{i}"] = cdelt
        h[f"CRPIX{i}"] = crpix
        h[f"CUNIT{i}"] = cunit
    h["CASAMBM"] = True
    primary = fits.PrimaryHDU(data, header=h)
    freqs = 2.5e9 + 0.25e9 * (np.arange(nf) + 1 - 2.0)
    ref_maj, ref_min, f_ref = 4.2, 3.3, 2.25e9
    rows = []
    for chan in range(nf):
        scale = f_ref / freqs[chan]
        factor = 1.35 if chan == 2 else 1.0  # plane 2: a beam 35% too large
        for pol in range(2):
            rows.append((ref_maj * scale * factor * (1.01 if pol == 0 else 1.0), ref_min * scale * factor, -10.4 + chan, chan, pol))
    cols = [
        fits.Column(name="BMAJ", format="1E", unit="arcsec", array=np.array([r[0] for r in rows], dtype=np.float32)),
        fits.Column(name="BMIN", format="1E", unit="arcsec", array=np.array([r[1] for r in rows], dtype=np.float32)),
        fits.Column(name="BPA", format="1E", unit="deg", array=np.array([r[2] for r in rows], dtype=np.float32)),
        fits.Column(name="CHAN", format="1J", array=np.array([r[3] for r in rows], dtype=np.int32)),
        fits.Column(name="POL", format="1J", array=np.array([r[4] for r in rows], dtype=np.int32)),
    ]
    beams = fits.BinTableHDU.from_columns(cols, name="BEAMS")
    beams.header["NCHAN"] = nf
    beams.header["NPOL"] = 2
    fits.HDUList([primary, beams]).writeto(MULTI, overwrite=True)


def planes_of(path, spw):
    """Every Stokes I plane of one file, measured."""
    with fits.open(path) as hdul:
        header = hdul[0].header
        data = np.array(hdul[0].data)
        table = None
        if header.get("CASAMBM", False):
            for hdu in hdul[1:]:
                if hdu.name == "BEAMS":
                    table = np.array(hdu.data)
    w = WCS(header)
    naxis = header["NAXIS"]
    ctypes = [header[f"CTYPE{i}"].strip() for i in range(1, naxis + 1)]
    spec = next(i for i, c in enumerate(ctypes) if c.startswith("FREQ"))
    stokes = next(i for i, c in enumerate(ctypes) if c.startswith("STOKES"))

    def world(axis, pixel):
        p = [0.0] * naxis
        p[axis] = pixel
        return float(w.all_pix2world([p], 0)[0][axis])

    stokes_values = [world(stokes, p) for p in range(header[f"NAXIS{stokes + 1}"])]
    i_index = int(np.argmin([abs(v - 1.0) for v in stokes_values]))
    assert abs(stokes_values[i_index] - 1.0) < 1e-9
    out = []
    for k in range(header[f"NAXIS{spec + 1}"]):
        # numpy axes are reversed: FITS axis a is numpy axis naxis-1-a
        index = [slice(None)] * naxis
        index[naxis - 1 - spec] = k
        index[naxis - 1 - stokes] = i_index
        plane = data[tuple(index)]
        total = plane.size
        finite = np.isfinite(plane)
        flagged = (~finite).sum() + (plane[finite] == 0).sum()
        values = plane[finite & (plane != 0)].astype(np.float64)
        peak = float(np.max(plane[finite])) if finite.any() else None
        rms = float(mad_std(values)) if values.size else None
        if table is not None:
            row = table[(table["CHAN"] == k) & (table["POL"] == i_index)][0]
            beam = (float(row["BMAJ"]), float(row["BMIN"]), float(row["BPA"]), "table")
        else:
            beam = (header["BMAJ"] * 3600, header["BMIN"] * 3600, float(header["BPA"]), "header")
        out.append(
            {
                "file": os.path.basename(path),
                "spw": spw,
                "planeIndex": k,
                "stokesIndex": i_index,
                "freqHz": world(spec, k),
                "bmajArcsec": beam[0],
                "bminArcsec": beam[1],
                "bpaDeg": beam[2],
                "beamSource": beam[3],
                "rmsJy": rms,
                "peakJy": peak,
                "flaggedFraction": float(flagged) / total,
                "pixelCount": int(total),
            }
        )
    return out


def judge(planes):
    """The pipeline's rule with the documented reference candidates; returns the reference index."""
    candidates = [i for i, p in enumerate(planes) if p["flaggedFraction"] < MAX_FLAGGED]
    ordered = sorted(candidates, key=lambda i: (planes[i]["bminArcsec"] * planes[i]["freqHz"], planes[i]["freqHz"]))
    ref = planes[ordered[len(ordered) // 2]]
    for p in planes:
        scale = ref["freqHz"] / p["freqHz"]
        emaj, emin = ref["bmajArcsec"] * scale, ref["bminArcsec"] * scale
        keep_beam = emaj * (1 - BEAM_TOLERANCE) < p["bmajArcsec"] < emaj * (1 + BEAM_TOLERANCE) and emin * (1 - BEAM_TOLERANCE) < p["bminArcsec"] < emin * (1 + BEAM_TOLERANCE)
        p["expectedBmajArcsec"] = emaj
        p["expectedBminArcsec"] = emin
        p["rejected"] = not (keep_beam and p["flaggedFraction"] < MAX_FLAGGED)
    return {"file": ref["file"], "spw": ref["spw"], "planeIndex": ref["planeIndex"], "freqHz": ref["freqHz"], "candidates": len(candidates)}


def main():
    write_multi()
    windows = sorted(
        (f for f in os.listdir(CUBE_DIR) if f.endswith(WINDOW_SUFFIX)),
        key=lambda f: int(f.split(".spw")[1].split(".")[0]),
    )
    cube = []
    for f in windows:
        cube.extend(planes_of(os.path.join(CUBE_DIR, f), int(f.split(".spw")[1].split(".")[0])))
    cube_ref = judge(cube)
    multi = planes_of(MULTI, None)
    multi_ref = judge(multi)
    result = {
        "note": "written by test/reference/qa_cube_reference.py; do not edit",
        "cube": {
            "dir": rel(CUBE_DIR),
            "sha256": {f: sha256(os.path.join(CUBE_DIR, f)) for f in windows},
            "reference": cube_ref,
            "planes": cube,
        },
        "multi": {
            "file": rel(MULTI),
            "sha256": sha256(MULTI),
            "reference": multi_ref,
            "planes": multi,
        },
    }
    with open(OUT, "w") as f:
        json.dump(result, f, indent=1)
        f.write("\n")
    print(f"wrote {rel(OUT)} and {rel(MULTI)}")


if __name__ == "__main__":
    main()
