/**
 * annotateQaSECube on a full-size coarse cube: 16 windows of 6202x6202x1x3 float32 (460 MB each,
 * 7.4 GB in all) from fixtures/vlass (fixtures/full/cc, written once with worker threads if
 * absent: ~2.5 min). The tool is bundled from tools/main.ts with build/bundle.ts (the same esbuild
 * build the executables get, CAPO defaults baked in) and run by plain node as
 * `node vlass-jobs.cjs annotateQaSECube --dir fixtures/full/cc`.
 *
 * Targets: at most 0.4x the numpy/astropy script's time (issue 14); peak resident memory under two planes' worth (2 x 6202^2 x 4 bytes = 294 MiB): the
 * tool keeps one plane-sized working array whatever the number of windows. Beside it, for
 * scale, the same per-plane numbers (flagged fraction, peak, mad_std of the finite non-zero
 * Stokes I pixels) computed with numpy/astropy on memory-mapped planes.
 *
 * The run is read-only (no --annotate-fits / --reject-to): fixtures/full is shared and must not
 * change; annotation rewrites only header blocks, and a move within a filesystem is a link.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { bundleJobs } from './lib/tool.js';
import { FULL_DIR, generate } from '../fixtures/vlass/generate.js';
import { FULL_PRESETS } from '../fixtures/vlass/presets.js';
import { machineLine, measure, table } from './lib/measure.js';

const OUT = join('bench', 'out');
const PYTHON = '/usr/bin/python3';
const SIDE = 6202;
const PLANE_BYTES = SIDE * SIDE * 4;
const WINDOW_SUFFIX = '.IQU.iter3.image.pbcor.tt0.subim.fits';

/** numpy/astropy: the same per-plane statistics, one memory-mapped Stokes I plane at a time. */
const NUMPY_SCRIPT = `
import json, os, sys, warnings
import numpy as np
from astropy.io import fits
from astropy.stats import mad_std
warnings.simplefilter("ignore")
d = sys.argv[1]
out = []
for f in sorted(x for x in os.listdir(d) if x.endswith("${WINDOW_SUFFIX}")):
    with fits.open(os.path.join(d, f), memmap=True) as h:
        p = np.array(h[0].data[0, 0], dtype=np.float32)
    fin = np.isfinite(p)
    v = p[fin & (p != 0)].astype(np.float64)
    out.append({"file": f, "flagged": float((~fin).sum() + (p[fin] == 0).sum()) / p.size, "peak": float(p[fin].max()), "rms": float(mad_std(v))})
    del p, v, fin
print(json.dumps(out))
`;

async function fullCube(): Promise<string> {
  const dir = join(FULL_DIR, 'cc');
  const windows = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith(WINDOW_SUFFIX)) : [];
  if (windows.length < 16) await generate(FULL_DIR, FULL_PRESETS, { kinds: ['cc'], workers: availableParallelism() });
  return dir;
}

export async function benchCubeQa(runs = 3): Promise<string> {
  const cube = await fullCube();
  const exe = await bundleJobs();
  const out = mkdtempSync(join(tmpdir(), 'bench-cube-qa-'));
  const args = ['annotateQaSECube', '--dir', cube, '--out', out, '--log-level', 'warn'];

  // Same answers first: the tool's verdict against the fixture's own record of its defects,
  // and its per-plane numbers against numpy's.
  const windowsJson = readdirSync(cube).find((f) => f.endsWith('.windows.json'))!;
  const defects = (JSON.parse(readFileSync(join(cube, windowsJson), 'utf8')).windows as { spw: number; defect: string | null }[]).filter((w) => w.defect).map((w) => w.spw);
  const result = JSON.parse(execFileSync('node', [exe, ...args, '--json'], { encoding: 'utf8', maxBuffer: 1 << 26, stdio: ['ignore', 'pipe', 'ignore'] }));
  const rejected = (result.planes as { spw: number; rejected: boolean }[]).filter((p) => p.rejected).map((p) => p.spw);
  const numpy = JSON.parse(execFileSync(PYTHON, ['-c', NUMPY_SCRIPT, cube], { encoding: 'utf8', maxBuffer: 1 << 26 })) as { file: string; flagged: number; peak: number; rms: number }[];
  const ours = new Map((result.planes as { file: string; flaggedFraction: number; peakJy: number; rmsJy: number }[]).map((p) => [p.file.split('/').pop()!, p]));
  const agree = numpy.every((n) => {
    const p = ours.get(n.file)!;
    return p.flaggedFraction === n.flagged && p.peakJy === n.peak && Math.abs(p.rmsJy / n.rms - 1) < 1e-9;
  });

  const runsOf = measure(
    [
      { name: 'numpy/astropy per-plane stats (memmap, 16 Stokes I planes)', command: [PYTHON, '-c', NUMPY_SCRIPT, cube] },
      { name: 'annotateQaSECube (bundled, node)', command: ['node', exe, ...args] },
    ],
    runs,
  );
  const baseline = measure([{ name: 'node bundle --version', command: ['node', exe, '--version'] }], 3)[0].medianPeakMiB;
  const [py, ours1] = runsOf;
  const planeMiB = PLANE_BYTES / 2 ** 20;
  const target = 2 * planeMiB;
  return [
    '## annotateQaSECube on a full-size coarse cube',
    '',
    `${machineLine()}; ${runs} interleaved runs; input ${cube} (16 windows x ${SIDE}x${SIDE}x1x3 float32, ${((16 * 3 * PLANE_BYTES) / 2 ** 30).toFixed(1)} GiB; only the 16 Stokes I planes, ${((16 * PLANE_BYTES) / 2 ** 30).toFixed(2)} GiB, are read). Read-only run (no --annotate-fits / --reject-to).`,
    `Verdict ${result.verdict}; rejected windows ${JSON.stringify(rejected)}, fixture defects ${JSON.stringify(defects)}: ${JSON.stringify(rejected) === JSON.stringify([...defects].sort((a, b) => a - b)) ? 'agree' : 'DISAGREE'}. Per-plane flagged fraction and peak exact, rms to 1e-9 relative, against numpy/astropy: ${agree ? 'yes' : 'NO'}.`,
    '',
    table(runsOf),
    '',
    `- wall time: ${ours1.medianSeconds.toFixed(1)} s for 16 planes (${(ours1.medianSeconds / 16).toFixed(2)} s a plane); **${(ours1.medianSeconds / py.medianSeconds).toFixed(2)}x** numpy/astropy's ${py.medianSeconds.toFixed(1)} s (target <= 0.4x): ${ours1.medianSeconds <= 0.4 * py.medianSeconds ? 'met' : 'NOT met'}`,
    `- peak RSS: ${ours1.medianPeakMiB.toFixed(0)} MiB = ${(ours1.medianPeakMiB / planeMiB).toFixed(2)} planes of ${planeMiB.toFixed(0)} MiB (target < 2 planes = ${target.toFixed(0)} MiB): ${ours1.medianPeakMiB < target ? 'met' : 'NOT met'}; the bundled tool alone (--version) takes ${baseline.toFixed(0)} MiB, so the data cost ${((ours1.medianPeakMiB - baseline) / planeMiB).toFixed(2)} planes`,
    '',
  ].join('\n');
}
