/**
 * The README's chain ("The whole chain, with report pages") run as written, line by line,
 * with the built executable and freshly generated demo products, in a scratch directory: the
 * promise is that every step succeeds, QL and SE QA PASS (the SE catalog rules judged, not
 * skipped), cube QA only warns about the two windows made to be rejected, the cube catalog
 * measures the components the cube covers with spectral indices, and every page is written.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../build/paths.js';
import { generate } from '../../fixtures/vlass/generate.js';
import { DEMO_PRESETS } from '../../fixtures/vlass/presets.js';
import { productBase } from '../../fixtures/vlass/names.js';
import { copyBuild } from '../build/built.js';

/** The shell lines of the README block marked `<!-- chain: ... -->`. */
function readmeChain(): string[] {
  const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
  const block = /<!-- chain:[^>]*-->\n```sh\n([\s\S]*?)```/.exec(readme);
  if (!block) throw new Error('README.md has no <!-- chain --> block');
  return block[1].split('\n').filter((l) => l.trim() !== '');
}

let work: string;
const outputs: { line: string; status: number | null; summary: string; stderr: string }[] = [];

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'vlass-readme-'));
  mkdirSync(join(work, 'build'));
  // The block runs build/dist/<tool> from the checkout's root: here the copied build, under the scratch directory.
  await copyBuild(join(work, 'build', 'dist'));
  const lines = readmeChain();
  const [generateLine, ...rest] = lines;
  // `npm run fixtures:demo` is the generator with the demo presets; here into the scratch directory.
  expect(generateLine).toMatch(/^npm run fixtures:demo\b/);
  await generate(join(work, 'fixtures', 'demo'), DEMO_PRESETS);
  // The block's own output directory (/tmp/vlass-demo) moved into the scratch directory.
  const script = rest.map((l) => l.replaceAll('/tmp/vlass-demo', join(work, 'out'))).join('\n');
  // The first line sets D and O (and makes O); it runs before each step so that each step's outcome is its own.
  const steps = script.split('\n');
  const prelude = steps[0];
  for (const step of steps.slice(1)) {
    const r = spawnSync('bash', ['-c', `set -e; ${prelude}; ${step}`], { cwd: work, encoding: 'utf8', timeout: 180_000 });
    // The summary paragraph goes to stderr (stdout is kept for --json).
    outputs.push({ line: step, status: r.status, summary: r.stderr.trim().split('\n').pop() ?? '', stderr: r.stderr });
  }
});

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

const step = (tool: string) => {
  const found = outputs.find((o) => o.line.startsWith(`build/dist/${tool} `));
  if (!found) throw new Error(`the README chain has no ${tool} step`);
  return found;
};

describe("the README's chain on the demo products", () => {
  it('every step exits 0', () => {
    expect(outputs.length).toBe(5);
    for (const o of outputs) expect(o.status, `${o.line}\n${o.stderr}`).toBe(0);
  });

  it('QL and SE QA pass, the SE catalog rules judged (density under 500 per square degree)', () => {
    expect(step('annotateQa').summary).toMatch(/^annotateQa: PASS/);
    const se = step('annotateQaSE').summary;
    expect(se).toMatch(/^annotateQaSE: PASS .* All 15 rules passed\./);
    expect(se).not.toContain('Not judged');
    const density = Number(/Catalog: \d+ components \(([\d.]+) per square degree\)/.exec(se)?.[1]);
    expect(density).toBeLessThan(500);
  });

  it('cube QA warns only about the two windows made to be rejected; the cube catalog measures the covered components with spectral indices', () => {
    expect(step('annotateQaSECube').summary).toMatch(/^annotateQaSECube: WARN .* 14 of 16 planes usable\. \[warn rejectedPlanes\]/);
    const summary = step('create-cube-component-list').summary;
    const [, measured, total] = /(\d+) of (\d+) components/.exec(summary)!.map(Number);
    expect(measured).toBeGreaterThanOrEqual(3);
    expect(total).toBeGreaterThan(measured);
    expect(Number(/spectral index for (\d+)/.exec(summary)?.[1])).toBeGreaterThanOrEqual(2);
  });

  it('leaves the five report pages', () => {
    const out = join(work, 'out');
    const demo = join(work, 'fixtures', 'demo');
    for (const page of [
      join(out, `${productBase('ql')}.qa.html`),
      join(demo, 'se', `${productBase('se')}.catalog.html`),
      join(out, `${productBase('se')}.qa.html`),
      join(demo, 'cc', `${productBase('cc')}.qa.html`),
      join(out, `${productBase('cc')}.cube_catalog.html`),
    ])
      expect(existsSync(page), page).toBe(true);
  });
});
