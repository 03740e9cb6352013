/**
 * Our side of the image statistics benchmark: read plane 0 of a FITS image and compute the
 * numbers the QA tools report (median, MAD sigma, fractions of non-zero pixels below 120, 168
 * and 200 uJy), printed as JSON. Bundled by esbuild and run with plain node, as the executables
 * run, so neither side pays for a TypeScript loader.
 */
import { FitsReader } from '../../shared/fits/index.js';
import { fractionsBelow, medianAndMad } from '../../shared/stats/index.js';

const [path, planeArg = '0'] = process.argv.slice(2);
const t0 = performance.now();
const reader = FitsReader.open(path);
const plane = Number(planeArg);
const data = reader.planeCount > 1 ? reader.readPlane(plane % reader.planeCount) : reader.readPlane();
reader.close();
const t1 = performance.now();
// Fractions first: the median then consumes the plane in place (no second copy of the image).
const fractions = fractionsBelow(data, [120e-6, 168e-6, 200e-6], { excludeZeros: true });
const robust = medianAndMad(data, { excludeZeros: true, consumeInput: true });
const t2 = performance.now();
process.stdout.write(
  JSON.stringify({ median: robust.median, madSigma: robust.madStd, fractions, readMs: t1 - t0, statsMs: t2 - t1 }) + '\n',
);
