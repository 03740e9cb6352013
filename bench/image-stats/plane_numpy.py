"""Reference side of the plane-read benchmark: one plane of a 4-D FITS cube with astropy's
memory-mapped reader (the way to avoid loading the whole file), summed in float64."""
import json
import sys
import time

import numpy as np
from astropy.io import fits

path = sys.argv[1]
stokes = int(sys.argv[2]) if len(sys.argv) > 2 else 2
t0 = time.perf_counter()
with fits.open(path, memmap=True) as hdul:
    plane = np.array(hdul[0].data[stokes, 0], dtype=np.float32)
finite = np.isfinite(plane)
print(json.dumps({"sum": float(plane[finite].sum(dtype=np.float64)), "blank": int(plane.size - finite.sum()), "pixels": int(plane.size), "ms": (time.perf_counter() - t0) * 1e3}))
