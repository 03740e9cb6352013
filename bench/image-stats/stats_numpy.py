"""The reference side of the image statistics benchmark: the same numbers with astropy.io.fits
and numpy, as a pipeline developer would write them. Run with /usr/bin/python3 (Debian's
python3-astropy). Prints JSON in the same shape as stats.ts."""
import json
import sys
import time

import numpy as np
from astropy.io import fits
from astropy.stats import mad_std

path = sys.argv[1]
plane = int(sys.argv[2]) if len(sys.argv) > 2 else 0
t0 = time.perf_counter()
with fits.open(path, memmap=True) as hdul:
    data = hdul[0].data
    while data.ndim > 2:
        data = data[plane % data.shape[0]] if data.shape[0] > 1 else data[0]
    data = np.array(data, dtype=np.float32)
t1 = time.perf_counter()
kept = data[np.isfinite(data) & (data != 0)]
median = float(np.median(kept))
sigma = float(mad_std(kept))
fractions = [float(np.count_nonzero(kept < t) / kept.size) for t in (120e-6, 168e-6, 200e-6)]
t2 = time.perf_counter()
print(json.dumps({"median": median, "madSigma": sigma, "fractions": fractions, "readMs": (t1 - t0) * 1e3, "statsMs": (t2 - t1) * 1e3}))
