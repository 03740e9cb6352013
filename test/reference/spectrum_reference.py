#!/usr/bin/python3
"""
Writes spectrum_reference.json, the oracle for shared/cubecatalog/spectrum.ts (the cube
catalog's power-law fit S = A (nu / nu0)^alpha in linear space, weights 1 / sigma^2).

Run with the Debian interpreter (numpy, scipy):

  /usr/bin/python3 test/reference/spectrum_reference.py

The reference is scipy.optimize.curve_fit (Levenberg-Marquardt) with absolute_sigma=True,
started from the truth, written independently of the TypeScript code: alpha, A, their
errors from pcov, chi2 / dof. The TypeScript fit multiplies the variances by chi2/dof when it
is above 1; that scaling is applied in the test, not here. Spectra: the 14 windows a VLASS
cube keeps when spw3 and spw11 are rejected, fluxes with Gaussian noise at per-plane S/N 2
to 300 (some negative), alpha from -2 to 1, a few planes NaN. Deterministic (seeded).
"""
import json
import os

import numpy as np
from scipy.optimize import curve_fit

HERE = os.path.dirname(os.path.abspath(__file__))
NU0 = 3.0e9
SPWS = [s for s in range(2, 18) if s not in (3, 11)]
FREQS = np.array([2.028e9 + 128e6 * (s - 2) for s in SPWS])


def model(nu, a, alpha):
    return a * (nu / NU0) ** alpha


def main():
    rng = np.random.default_rng(20261202)
    cases = []
    for i in range(60):
        alpha = rng.uniform(-2.0, 1.0)
        a = 10 ** rng.uniform(-3.5, -1.5)
        snr = 10 ** rng.uniform(np.log10(4), np.log10(300))
        truth = model(FREQS, a, alpha)
        # Per-plane errors vary (noise differs between windows) around truth(nu0) / snr.
        sigma = (a / snr) * rng.uniform(0.7, 1.5, size=FREQS.size)
        flux = truth + sigma * rng.standard_normal(FREQS.size)
        if i % 5 == 0:
            flux[rng.integers(0, FREQS.size)] = np.nan
        keep = np.isfinite(flux)
        popt, pcov = curve_fit(model, FREQS[keep], flux[keep], p0=(a, alpha), sigma=sigma[keep], absolute_sigma=True, maxfev=20000, ftol=1e-15, xtol=1e-15, gtol=1e-15)
        resid = (flux[keep] - model(FREQS[keep], *popt)) / sigma[keep]
        dof = int(keep.sum()) - 2
        cases.append({
            "flux": [None if not np.isfinite(v) else float(v) for v in flux],
            "error": [float(v) for v in sigma],
            "amplitude": float(popt[0]),
            "alpha": float(popt[1]),
            "amplitudeError": float(np.sqrt(pcov[0, 0])),
            "alphaError": float(np.sqrt(pcov[1, 1])),
            "reducedChi2": float(np.sum(resid ** 2) / dof),
            "nPlanes": int(keep.sum()),
        })
    out = {"generator": "test/reference/spectrum_reference.py (scipy.optimize.curve_fit, absolute_sigma=True)", "nu0": NU0, "freqHz": [float(f) for f in FREQS], "cases": cases}
    with open(os.path.join(HERE, "spectrum_reference.json"), "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
