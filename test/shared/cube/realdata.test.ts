/**
 * Cube QA's header reading on the real VLASS cube headers (../shared/realdata/vlass_fits_headers,
 * read in place, never copied into the repository). Each header is put, with its NAXIS1/NAXIS2
 * shrunk to 8x8 and zero pixels, into a scratch FITS file under the system temporary directory,
 * so inspectCubeFile sees exactly the real keywords (WCS, beam, HISTORY).
 *
 * What the real headers say (and the tests pin down):
 * - VLASS2.1 spw2 (`...subim.com.fits`, 6202x6202x1x3): one FREQ plane at 2.028 GHz, STOKES
 *   I, Q, U (I at pixel 0), a single header beam 4.262" x 3.352" and NO per-plane beam table
 *   (no CASAMBM; CASA's HISTORY says the IQUV image had multiple beams before it was convolved to
 *   a common one). As a common-beam (.com.) product its beam is `shared`: not judged by 1/f.
 * - VLASS1.1 cc (12150x12150x16x4, BITPIX -64): 16 FREQ planes with one header beam, so a
 *   multi-plane cube whose planes share the header beam (not judged by 1/f either).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseHeaderText, writeFitsImage } from '../../../shared/fits/index.js';
import { discoverCube } from '../../../shared/cube/discover.js';
import { inspectCubeFile } from '../../../shared/cube/plan.js';
import { hasRealdata, realdata } from '../../helpers/realdata.js';
import { scratch } from '../qa/images.js';

const DIR = 'vlass_fits_headers';
const SPW2 = 'VLASS2.1.cc.T10t02.J005000-023000.06.2048.v1.spw2.IQU.iter3.image.pbcor.tt0.subim.com.fits.header';
const V11 = 'VLASS1.1.cc.T29t05.J110448+763000.10.2048.v1.fits.header';

/** A scratch FITS file named like the real one, with its header and 8x8 pixels per plane. */
function shrunk(name: string): string {
  const header = parseHeaderText(readFileSync(realdata(DIR, name), 'latin1'), name);
  const shape = [8, 8, ...[3, 4].flatMap((i) => (header.has(`NAXIS${i}`) ? [header.getInteger(`NAXIS${i}`)!] : []))];
  const path = join(scratch('cube-real'), name.replace(/\.header$/, ''));
  writeFitsImage(path, new Float32Array(shape.reduce((a, b) => a * b, 1)), shape, header);
  return path;
}

describe.skipIf(!hasRealdata)('real VLASS cube headers (skipped when ../shared/realdata is absent)', () => {
  it('VLASS2.1 spw2 common-beam window: 2.028 GHz, Stokes I at pixel 0, header beam 4.262" x 3.352", no BEAMS table, shared', async () => {
    const text = readFileSync(realdata(DIR, SPW2), 'latin1');
    expect(text).not.toMatch(/^CASAMBM/m);
    expect(text).toMatch(/has mul\s*HISTORY >iple beams/);
    const path = shrunk(SPW2);
    const product = await discoverCube({ explicit: [path] });
    expect(product.files[0]).toMatchObject({ spw: 2, commonBeam: true });
    const plan = inspectCubeFile(product.files[0]);
    expect(plan.spw).toBe(2);
    expect(plan.planes).toHaveLength(1);
    const [p] = plan.planes;
    expect([p.planeIndex, p.stokesIndex, p.freqHz, p.beamSource, p.beamShared]).toEqual([0, 0, 2.028e9, 'header', true]);
    expect(p.beam!.majorArcsec).toBeCloseTo(4.2622, 3);
    expect(p.beam!.minorArcsec).toBeCloseTo(3.3517, 3);
    expect(p.beam!.positionAngleDeg).toBeCloseTo(-10.395, 3);
  });

  it('VLASS1.1 cc (16 FREQ planes, 4 Stokes): 16 planes, Stokes I at pixel 0, one header beam shared by all', () => {
    const path = shrunk(V11);
    const plan = inspectCubeFile({ path, spw: undefined, name: undefined, commonBeam: false });
    expect(plan.shape).toEqual([8, 8, 16, 4]);
    expect(plan.planes).toHaveLength(16);
    expect(plan.planes.every((p) => p.stokesIndex === 0 && p.beamSource === 'header' && p.beamShared)).toBe(true);
    expect(plan.planes[0].freqHz).toBe(3e9);
    // CDELT3 in this header is 2.07 GHz (the continuum bandwidth), so the nominal plane frequencies run to 34 GHz:
    // read as the WCS says; the shared header beam is not judged by 1/f, so no plane is rejected for it.
    expect(plan.planes[1].freqHz).toBeCloseTo(3e9 + 2.072275444205e9, 0);
  });
});
