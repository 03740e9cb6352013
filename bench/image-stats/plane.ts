/**
 * Our side of the plane-read benchmark: read one plane of a multi-plane FITS file (a
 * 6202x6202x1x3 coarse-cube window) and sum it in float64, printing JSON. Only that plane
 * should ever be in memory.
 */
import { FitsReader } from '../../shared/fits/index.js';

const [path, planeArg = '2'] = process.argv.slice(2);
const t0 = performance.now();
const reader = FitsReader.open(path);
const data = reader.readPlane(0, Number(planeArg));
reader.close();
let sum = 0;
let blank = 0;
for (let i = 0; i < data.length; i++) {
  const v = data[i];
  if (v === v) sum += v;
  else blank++;
}
process.stdout.write(JSON.stringify({ sum, blank, pixels: data.length, ms: performance.now() - t0 }) + '\n');
