/**
 * How cost grows with image size (issue 14): annotateQa against the astropy/numpy script, and
 * create-component-list against SourceExtractor (configured as bench/sources: FILTER N, the rms
 * image as MAP_RMS, DETECT_THRESH 5), each at four sizes, medians of interleaved runs. Products
 * are generated with the same source density at every size (fixtures/vlass) under bench/out/scaling.
 * Writes bench/results/scaling.svg, drawn with Vega-Lite (rendered to SVG in Node, no browser).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { DIST_DIR } from '../build/paths.js';
import { writeQlProduct } from '../fixtures/vlass/ql.js';
import { writeSeProduct } from '../fixtures/vlass/se.js';
import { NUMPY_SCRIPT } from './annotate-qa.bench.js';
import { machineLine, measure } from './lib/measure.js';
import { SEXTRACTOR, writeSexConfig } from './sources/sextractor.js';

const OUT = join('bench', 'out', 'scaling');
const PYTHON = '/usr/bin/python3';
const QL_SIZES = [1024, 2048, 3072, 3722];
const SE_SIZES = [1536, 3072, 4608, 6202];
/** Components per million pixels: the full SE preset with 3000 components (bench/sources). */
const DENSITY = 3000 / 6202 ** 2;

function product(kind: 'ql' | 'se', size: number): string {
  const dir = join(OUT, `${kind}-${size}`);
  if (!existsSync(dir)) {
    const options = { size, seed: 1, nSources: Math.max(10, Math.round(DENSITY * size * size)) };
    if (kind === 'ql') writeQlProduct(dir, options);
    else writeSeProduct(dir, options);
  }
  return dir;
}

const file = (dir: string, suffix: string) => join(dir, readdirSync(dir).find((f) => f.endsWith(suffix))!);

export async function benchScaling(runs = 3): Promise<string> {
  if (!existsSync(join(DIST_DIR, 'MANIFEST.json'))) throw new Error(`no build in ${DIST_DIR}: run npm run build first`);
  mkdirSync(OUT, { recursive: true });
  const script = join(OUT, 'annotate_qa_numpy.py');
  writeFileSync(script, NUMPY_SCRIPT);
  const scratch = mkdtempSync(join(tmpdir(), 'bench-scaling-'));
  const points: { tool: string; megapixels: number; seconds: number }[] = [];
  const lines: string[] = [];
  for (const size of QL_SIZES) {
    const dir = product('ql', size);
    const [image, rms] = [file(dir, '.tt0.subim.fits'), file(dir, '.tt0.rms.subim.fits')];
    const [py, ours] = measure(
      [
        { name: 'astropy/numpy', command: [PYTHON, script, image, rms] },
        { name: 'annotateQa', command: [join(DIST_DIR, 'annotateQa'), dir, '--out', scratch, '--log-level', 'warn'] },
      ],
      runs,
    );
    points.push({ tool: 'astropy/numpy (QL statistics)', megapixels: size ** 2 / 1e6, seconds: py.medianSeconds }, { tool: 'annotateQa', megapixels: size ** 2 / 1e6, seconds: ours.medianSeconds });
    lines.push(`| QL ${size}^2 | astropy/numpy ${py.medianSeconds.toFixed(3)} s | annotateQa ${ours.medianSeconds.toFixed(3)} s | ${(ours.medianSeconds / py.medianSeconds).toFixed(2)}x |`);
  }
  for (const size of SE_SIZES) {
    const dir = product('se', size);
    const image = file(dir, '.tt0.subim.fits');
    const sexDir = join(OUT, `sex-${size}`);
    mkdirSync(sexDir, { recursive: true });
    const sex = writeSexConfig(sexDir, file(dir, '.tt0.rms.subim.fits'), 'none');
    const [theirs, ours] = measure(
      [
        { name: 'SourceExtractor', command: [SEXTRACTOR, image, '-c', sex.conf] },
        { name: 'create-component-list', command: [join(DIST_DIR, 'create-component-list'), dir, '--out', scratch, '--log-level', 'warn'] },
      ],
      runs,
    );
    points.push({ tool: 'SourceExtractor', megapixels: size ** 2 / 1e6, seconds: theirs.medianSeconds }, { tool: 'create-component-list', megapixels: size ** 2 / 1e6, seconds: ours.medianSeconds });
    lines.push(`| SE ${size}^2 | SourceExtractor ${theirs.medianSeconds.toFixed(3)} s | create-component-list ${ours.medianSeconds.toFixed(3)} s | ${(ours.medianSeconds / theirs.medianSeconds).toFixed(2)}x |`);
  }

  const spec: TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: 'Wall time against image size (medians, 2 cores)',
    width: 520,
    height: 320,
    data: { values: points },
    mark: { type: 'line', point: true },
    encoding: {
      x: { field: 'megapixels', type: 'quantitative', title: 'image size (million pixels)' },
      y: { field: 'seconds', type: 'quantitative', title: 'wall time (s)' },
      color: { field: 'tool', type: 'nominal', title: null },
      strokeDash: { condition: { test: "indexof(datum.tool, 'numpy') >= 0 || datum.tool === 'SourceExtractor'", value: [4, 3] }, value: [1, 0] },
    },
  };
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  const svg = await view.toSVG();
  mkdirSync(join('bench', 'results'), { recursive: true });
  writeFileSync(join('bench', 'results', 'scaling.svg'), svg);
  execFileSync('rm', ['-rf', scratch]);
  return [
    '## Scaling with image size',
    '',
    `${machineLine()}; ${runs} interleaved runs per size; products generated with ${(DENSITY * 1e6).toFixed(0)} components per million pixels (bench/out/scaling).`,
    '',
    '![wall time against image size](scaling.svg)',
    '',
    '| product | reference | ours | ratio |',
    '|---|---|---|---|',
    ...lines,
    '',
    'Reproduce: `npm run build && npm run bench -- scaling` (needs python3-astropy and source-extractor).',
    '',
  ].join('\n');
}
