/**
 * Our side of the side-by-side with SourceExtractor: bundled with esbuild and run by plain
 * node, as the executables run. Reads the tt0 image (one plane) and, as VLASS SE runs do, the
 * rms image; finds the components; writes a small catalogue (JSON) and appends one line of
 * timings (JSONL) for the per-stage report.
 *
 *   node find-sources.cjs <image.fits> <rms.fits | -> <catalog.json> <timings.jsonl> [box,step | -] [atrous_jmax]
 *
 * With `-` for the rms image the rms is measured on the rms_box grid (default box, or the
 * optional `box,step`). A positive atrous_jmax turns on the wavelet scales (atrous_do).
 */
import { appendFileSync, writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { openFits } from '../../shared/fits/index.js';
import { findSources } from '../../shared/sources/index.js';

export interface CatalogFile {
  /** x, y (0-based pixels), total flux (Jy), its error, peak (Jy/beam) per component. */
  components: [number, number, number, number, number][];
}

export interface TimingLine {
  readMs: number;
  stages: Record<string, number>;
  totalMs: number;
  components: number;
  islands: number;
}

function readPlane(path: string) {
  const reader = openFits(path);
  try {
    return { header: reader.header, width: reader.layout.width, height: reader.layout.height, data: reader.readPlane() };
  } finally {
    reader.close();
  }
}

const [imagePath, rmsPath, catalogPath, timingsPath, box, atrous] = process.argv.slice(2);
if (!timingsPath) {
  console.error('usage: find-sources <image.fits> <rms.fits | -> <catalog.json> <timings.jsonl> [box,step | -] [atrous_jmax]');
  process.exit(64);
}
const t0 = performance.now();
const image = readPlane(imagePath);
const rms = rmsPath === '-' ? undefined : readPlane(rmsPath).data;
const readMs = performance.now() - t0;
const rmsBox = box && box !== '-' ? (box.split(',').map(Number) as [number, number]) : undefined;
const atrousJmax = Number(atrous ?? 0);
const found = findSources(
  {
    data: image.data,
    width: image.width,
    height: image.height,
    wcs: (key: string) => {
      const v = image.header.get(key);
      return v === null || typeof v === 'object' ? undefined : v;
    },
  },
  { ...(rms ? { rmsMap: rms } : {}), ...(rmsBox ? { rmsBox } : {}), ...(atrousJmax > 0 ? { atrousDo: true, atrousJmax } : {}) },
);
const catalog: CatalogFile = { components: found.components.map((c) => [c.xPosn.value, c.yPosn.value, c.totalFlux.value, c.totalFlux.error, c.peakFlux.value]) };
writeFileSync(catalogPath, JSON.stringify(catalog));
const line: TimingLine = {
  readMs,
  stages: Object.fromEntries(found.timings.map((t) => [t.stage, t.ms])),
  totalMs: performance.now() - t0,
  components: found.components.length,
  islands: found.islands.length,
};
appendFileSync(timingsPath, JSON.stringify(line) + '\n');
