#!/usr/bin/python3
"""
Writes test/reference/fits_reference.json: what astropy reads from the real FITS files and
header dumps in ../shared/realdata, so test/shared/fits/realdata.test.ts can check our own
FITS reader against it without Python (CI has none).

Run from anywhere:  /usr/bin/python3 test/reference/fits_reference.py [REALDATA_DIR]
(needs astropy and numpy: apt-get install python3-astropy). Re-run and commit the JSON when
realdata gains files; paths in the JSON are relative to REALDATA_DIR.

Per image: BITPIX, NAXISn (FITS order), every valued header keyword (first occurrence),
HISTORY/COMMENT counts, pixel values at fixed positions of every plane (NaN as null), and
per-plane sum / NaN count / min / max of the scaled data in float64.
Per header dump: the valued keywords and HISTORY/COMMENT counts.
"""
import glob
import json
import os
import sys

import astropy
import numpy as np
from astropy.io import fits

HERE = os.path.dirname(os.path.abspath(__file__))
REALDATA = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, '..', '..', '..', 'shared', 'realdata'))
OUT = os.path.join(HERE, 'fits_reference.json')

IMAGE_GLOBS = ['fits_images/*.fits', 'aegean_reference/*.fits', 'lofar_wsclean_image/*.fits', 'pybdsf_reference/*.fits']
HEADER_GLOBS = ['vlass_fits_headers/*.header', 'vlass_fits_headers/*.hdr']
COMMENTARY = {'', 'HISTORY', 'COMMENT'}
RANDOM_POSITIONS = 6


def json_value(v):
    """A header value as JSON: complex as {re, im}, astropy's Undefined as null."""
    if isinstance(v, (bool, int, float, str)):
        return v
    if isinstance(v, complex):
        return {'re': v.real, 'im': v.imag}
    return None


def header_summary(h):
    values = {}
    for card in h.cards:
        if card.keyword in COMMENTARY or card.keyword in values:
            continue
        values[card.keyword] = json_value(card.value)
    return {
        'values': values,
        'historyCount': len(h['HISTORY']) if 'HISTORY' in h else 0,
        'commentCount': len(h['COMMENT']) if 'COMMENT' in h else 0,
    }


def pixel_or_none(v):
    v = float(v)
    return None if np.isnan(v) else v


def image_entry(rel):
    with fits.open(os.path.join(REALDATA, rel), memmap=False) as hdul:
        hdu = hdul[0]
        h = hdu.header
        naxis = [h['NAXIS%d' % (i + 1)] for i in range(h['NAXIS'])]
        entry = {'path': rel, 'bitpix': h['BITPIX'], 'naxis': naxis, 'hduCount': len(hdul)}
        entry.update(header_summary(h))
        data = hdu.data
        if data is None:
            entry['planes'] = []
            return entry
        entry['dtype'] = str(data.dtype)
        width, height = naxis[0], (naxis[1] if len(naxis) > 1 else 1)
        # numpy order is reversed FITS order; fold every axis beyond the second into planes.
        planes = np.asarray(data).reshape(-1, height, width)
        rng = np.random.RandomState(20240611)
        fixed = [(0, 0), (width - 1, height - 1), (width // 2, height // 2), (width - 1, 0)]
        rand = [(int(rng.randint(width)), int(rng.randint(height))) for _ in range(RANDOM_POSITIONS)]
        entry['planes'] = []
        for p in range(planes.shape[0]):
            plane = planes[p].astype(np.float64)
            finite = plane[~np.isnan(plane)]
            entry['planes'].append({
                'sum': float(finite.sum()),
                'nanCount': int(np.isnan(plane).sum()),
                'min': float(finite.min()) if finite.size else None,
                'max': float(finite.max()) if finite.size else None,
                'pixels': [[x, y, pixel_or_none(planes[p][y, x])] for (x, y) in fixed + rand],
            })
        return entry


def header_dump_entry(rel):
    with open(os.path.join(REALDATA, rel), encoding='ascii') as f:
        # Lines starting with '#' are the dump's own annotations, not cards.
        text = '\n'.join(line for line in f.read().split('\n') if not line.startswith('#'))
    entry = {'path': rel}
    entry.update(header_summary(fits.Header.fromstring(text, sep='\n')))
    return entry


def relative_paths(patterns):
    out = []
    for pattern in patterns:
        out += sorted(os.path.relpath(p, REALDATA) for p in glob.glob(os.path.join(REALDATA, pattern)))
    return out


def main():
    if not os.path.isdir(REALDATA):
        sys.exit('%s: realdata folder not found; pass its path as the first argument' % REALDATA)
    result = {
        'generator': 'test/reference/fits_reference.py',
        'astropy': astropy.__version__,
        'numpy': np.__version__,
        'images': [image_entry(p) for p in relative_paths(IMAGE_GLOBS)],
        'headers': [header_dump_entry(p) for p in relative_paths(HEADER_GLOBS)],
    }
    with open(OUT + '.tmp', 'w') as f:
        json.dump(result, f, indent=1, sort_keys=False, allow_nan=False)
        f.write('\n')
    os.replace(OUT + '.tmp', OUT)
    print('wrote %s: %d images, %d header dumps' % (OUT, len(result['images']), len(result['headers'])))


if __name__ == '__main__':
    main()
