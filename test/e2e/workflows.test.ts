/**
 * The seven workflows end to end: each rendered for dev, test and prod and compared with the
 * golden files (UPDATE_GOLDEN=1 re-renders them and dags/README.md's pictures); strict rendering;
 * then rendered with a CAPO profile that points our executables at the build and Workspaces' at
 * the test doubles (test/doubles), and run with vlass-dag run: results directories, node states
 * and stages, fan-out (a split node per image, a CASA node per window), and the failure paths (a
 * fatal SEVERE fails the node without a retry; CASA's exit 1 with clean evidence succeeds; a
 * split lock held (75) is retried; a configuration error aborts the DAG; a checksum mismatch
 * caches nothing; a failed DAG resumes from its rescue file). Events through a real broker and
 * a QA rejection: test/e2e/events-broker.test.ts.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyBuild } from '../build/built.js';
import { writeCasaWorkdir, type Scenario } from '../../fixtures/casa/workdirs.js';
import { REPO_ROOT } from '../helpers/realdata.js';
import { casacoreSkipReason, makeMs } from '../helpers/casacore.js';
import { hostname } from 'node:os';

let tmp: string;
let bin: string;
let capo: string[];
beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'workflows-'));
  bin = join(tmp, 'bin');
  await copyBuild(bin);
  const capoDir = join(tmp, 'capo');
  mkdirSync(capoDir);
  writeFileSync(join(capoDir, 'local.properties'), `edu.nrao.vlass.sbinDir = ${bin}\nedu.nrao.vlass.workspaces.binDir = ${join(REPO_ROOT, 'test', 'doubles')}\nedu.nrao.vlass.split.cacheRoot = ${join(tmp, 'pims')}\nedu.nrao.vlass.dag.jobCapoPath = ${capoDir}\n`);
  capo = ['--capo-profile', 'local', '--capo-path', capoDir];
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const env = { PATH: '/usr/bin:/bin' };
const dag = (args: string[], cwd?: string) => spawnSync(join(bin, 'vlass-dag'), [...args, '--log-level', 'warn'], { env, encoding: 'utf8', cwd });

function filesOf(dir: string): Record<string, string> {
  return Object.fromEntries(readdirSync(dir).sort().map((f) => [f, readFileSync(join(dir, f), 'utf8')]));
}

/** Parameters for the golden renders: fixed absolute paths, so the output is the same every time. */
function goldenParams(workflow: string, env: string): Record<string, unknown> {
  const resultsDir = `/lustre/aoc/cluster/pipeline/vlass_${env}/results/r42`;
  if (workflow === 'quicklook') return { requestId: 'r42', calibrationLocator: 'uid://evla/calibration/r42', resultsDir };
  if (workflow === 'se_coarse_cube_imaging')
    return { requestId: 'r42', reimagingLocator: 'uid://evla/reimaging/r42', continuumCatalog: `/lustre/aoc/cluster/pipeline/vlass_${env}/results/r41/products/VLASS2.1.se.T10t01.J000200-003000.06.2048.v1.I.catalog.csv`, resultsDir };
  if (workflow === 'se_continuum_imaging') return { requestId: 'r42', pimsLocator: 'pims-cache:VLASS2.1/T10t01/J000200-003000', resultsDir };
  if (workflow === 'image_caching')
    return { requestId: 'r42', destination: `/lustre/aoc/cluster/pipeline/vlass_${env}/image-cache/T10t01`, files: [{ source: `/lustre/aoc/cluster/pipeline/vlass_${env}/results/r42/products/a.fits`, name: 'a.fits', sha256: 'a'.repeat(64) }] };
  if (workflow === 'seci_split_measurement_sets')
    return {
      requestId: 'r42',
      calibrationLocator: 'uid://evla/calibration/r42',
      plan: { epoch: 'VLASS2.1', tile: 'T10t01', radiusDeg: 1.0, images: [{ phaseCenter: 'J005000-023000', measurementSets: ['restored/VLASS2.1.sb38546349.eb38559922.59066.15098736111.ms'] }] },
      resultsDir,
    };
  return { requestId: 'r42', executionBlockLocator: 'uid://evla/execblock/r42', casaRecipe: workflow === 'se_calibration' ? 'vlassSECalibration' : 'vlassCalibration', ingestionToken: 't42', resultsDir };
}

describe('rendering the workflows', () => {
  const cases = ['quicklook', 'calibration', 'se_calibration', 'seci_split_measurement_sets', 'se_continuum_imaging', 'se_coarse_cube_imaging', 'image_caching'].flatMap((w) => ['dev', 'test', 'prod'].map((e) => [w, e]));
  it.each(cases)('renders %s for %s exactly as the golden files, lint clean', (w, e) => {
    const out = mkdtempSync(join(tmp, `golden-${w}-${e}-`));
    const params = join(tmp, `params-${w}-${e}.json`);
    writeFileSync(params, JSON.stringify(goldenParams(w, e)));
    const r = dag(['render', '--workflow', w, '--env', e, '--params', params, '--capo-profile', `dsoc-${e}`, '--out', out]);
    expect(r.status, r.stderr).toBe(0);
    const golden = join(REPO_ROOT, 'test', 'golden', 'dags', `${w}-${e}`);
    // After a deliberate template change: UPDATE_GOLDEN=1 npx vitest run test/e2e/workflows.test.ts, then review the diff.
    if (process.env.UPDATE_GOLDEN === '1') {
      rmSync(golden, { recursive: true, force: true });
      cpSync(out, golden, { recursive: true });
    }
    expect(filesOf(out)).toEqual(filesOf(golden));
    expect(dag(['lint', out, '--capo-profile', `dsoc-${e}`]).status).toBe(0);
  });

  it("dags/README.md's pictures are what vlass-dag graph draws for each workflow's example", () => {
    const readmePath = join(REPO_ROOT, 'dags', 'README.md');
    let readme = readFileSync(readmePath, 'utf8');
    const markers = [...readme.matchAll(/<!-- graph:(\w+) -->\n/g)].map((m) => m[1]);
    expect(markers.sort()).toEqual(['calibration', 'image_caching', 'quicklook', 'se_coarse_cube_imaging', 'se_continuum_imaging', 'seci_split_measurement_sets']);
    for (const w of markers) {
      const out = mkdtempSync(join(tmp, `graph-${w}-`));
      expect(dag(['render', '--workflow', w, '--example', '--out', out, ...capo]).status).toBe(0);
      const graph = dag(['graph', out]);
      expect(graph.status, graph.stderr).toBe(0);
      const block = `<!-- graph:${w} -->\n\n\`\`\`dot\n${graph.stdout.trimEnd()}\n\`\`\`\n`;
      const existing = new RegExp(`<!-- graph:${w} -->\\n(?:\\n\`\`\`dot\\n[\\s\\S]*?\\n\`\`\`\\n)?`);
      if (process.env.UPDATE_GOLDEN === '1') readme = readme.replace(existing, block);
      expect(readme.match(existing)?.[0], w).toBe(block);
    }
    if (process.env.UPDATE_GOLDEN === '1') writeFileSync(readmePath, readme);
  });

  it('se_calibration is calibration\'s template with other parameters, not a copy', () => {
    expect(existsSync(join(REPO_ROOT, 'dags', 'se_calibration', 'calibration.dag'))).toBe(false);
    const se = filesOf(join(REPO_ROOT, 'test', 'golden', 'dags', 'se_calibration-dev'));
    const cal = filesOf(join(REPO_ROOT, 'test', 'golden', 'dags', 'calibration-dev'));
    expect(Object.keys(se)).toEqual(Object.keys(cal));
    const statements = (text: string) => text.split('\n').filter((l) => !l.startsWith('#'));
    expect(statements(se['calibration.dag']).map((l) => l.replace(/se_calibration/g, 'calibration').replace(/example-secal-1|r42/g, 'R'))).toEqual(statements(cal['calibration.dag']).map((l) => l.replace(/r42/g, 'R')));
  });

  it.each([
    ['an unknown parameter', { extra: 1 }, /additional properties .+extra/],
    ['a missing parameter', { resultsDir: undefined }, /must have required property 'resultsDir'/],
    ['a path outside the allowed roots', { resultsDir: '/etc/results' }, /resultsDir: .+\/etc\/results.+ is outside the allowed roots/],
    ['a relative path', { resultsDir: 'results' }, /resultsDir: .+results.+ must be an absolute path/],
    ['a path with ..', { resultsDir: '/lustre/aoc/cluster/pipeline/../../etc' }, /contains .+\.\./],
    ['a shell metacharacter', { resultsDir: '/lustre/aoc/cluster/pipeline/x$(id)' }, /resultsDir: .+ contains a shell metacharacter/],
    ['a request id that is not a name', { requestId: 'r1;rm -rf' }, /\/requestId must match pattern/],
  ])('refuses %s, naming it, and leaves nothing in --out', (_, change, message) => {
    const out = mkdtempSync(join(tmp, 'bad-'));
    const params = { requestId: 'r1', calibrationLocator: 'uid://x/r1', resultsDir: '/lustre/aoc/cluster/pipeline/vlass_dev/results/r1', ...change } as Record<string, unknown>;
    for (const k of Object.keys(params)) if (params[k] === undefined) delete params[k];
    writeFileSync(join(tmp, 'p.json'), JSON.stringify(params));
    const r = dag(['render', '--workflow', 'quicklook', '--env', 'dev', '--params', join(tmp, 'p.json'), '--out', out]);
    expect(r.status).toBe(65);
    expect(r.stderr).toMatch(message);
    expect(readdirSync(out)).toEqual([]);
    expect(readdirSync(tmp).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });

  it('refuses an unknown workflow, naming the ones there are', () => {
    const r = dag(['render', '--workflow', 'quiklook', '--example', '--out', mkdtempSync(join(tmp, 'x-'))]);
    expect(r.status).toBe(64);
    expect(r.stderr).toMatch(/choose one of calibration, image_caching, quicklook, se_calibration, se_coarse_cube_imaging, se_continuum_imaging, seci_split_measurement_sets/);
  });
});

const SMALL = join(REPO_ROOT, 'fixtures', 'vlass', 'small');

/**
 * Puts a fixture product's images into a prepared CASA working directory's products/: for QL
 * over the same-named placeholders the scenario wrote (its manifest names them); for SE and the
 * cube instead of them (no manifest).
 */
function useFixtureProducts(scenarioDir: string, kind: 'ql' | 'se' | 'cc'): void {
  const products = join(scenarioDir, 'products');
  if (!existsSync(products)) return;
  if (kind !== 'ql') for (const f of readdirSync(products)) rmSync(join(products, f));
  for (const f of readdirSync(join(SMALL, kind)))
    if (f.endsWith('.fits') && (kind !== 'ql' || existsSync(join(products, f)))) copyFileSync(join(SMALL, kind, f), join(products, f));
}

/** Renders the example and prepares the CASA scenario the casa_envoy double will copy. */
function prepared(scenario: Scenario, casaExit = 0): string {
  const out = mkdtempSync(join(tmp, `run-${scenario}-`));
  const r = dag(['render', '--workflow', 'quicklook', '--example', '--out', out, ...capo]);
  expect(r.status, r.stderr).toBe(0);
  const scenarioDir = join(out, 'test-scenario');
  writeCasaWorkdir(scenarioDir, scenario);
  useFixtureProducts(scenarioDir, 'ql');
  writeFileSync(join(scenarioDir, '.exit-code'), String(casaExit));
  return out;
}

describe('running the quicklook workflow with our executables and the Workspaces test doubles', () => {
  it('delivers the products, QA result and previews; every node done, stage by stage', () => {
    const out = prepared('success');
    const r = dag(['run', out, ...capo]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/quicklook#example-1 {2}workflow {2}DONE {2}exit 0; results .*results/);
    const delivered = readdirSync(join(out, 'results', 'products'));
    expect(delivered).toEqual(expect.arrayContaining([expect.stringMatching(/\.qa\.json$/), expect.stringMatching(/_prev\.jpg$/), expect.stringMatching(/_prev_256\.jpg$/)]));
    const qa = JSON.parse(readFileSync(join(out, 'results', 'products', delivered.find((f) => f.endsWith('.qa.json'))!), 'utf8'));
    expect(qa.verdict).toMatch(/PASS|WARN/);
    expect(JSON.parse(readFileSync(join(out, 'results', 'casa-verdict.json'), 'utf8')).verdict).toBe('success');
    const view = JSON.parse(dag(['status', out, '--json']).stdout);
    expect(view).toMatchObject({ outcome: 'succeeded', done: 5, total: 5, stage: 'post casa work' });
    expect(view.nodes.map((n: { node: string; stage: string }) => [n.node, n.stage])).toEqual([
      ['fetch', 'gathering data'],
      ['casa', 'running casa'],
      ['qa', 'post casa work'],
      ['deliver', 'post casa work'],
      ['report', 'post casa work'],
    ]);
  });

  it('a fatal SEVERE in the CASA log fails the casa node without a retry; status names casa-verdict\'s reason', () => {
    const out = prepared('severe-fatal-origin');
    const r = dag(['run', out, ...capo]);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/workflow {2}FAILED/);
    const view = JSON.parse(dag(['status', out, '--json']).stdout);
    const casa = view.nodes.find((n: { node: string }) => n.node === 'casa');
    expect(casa).toMatchObject({ status: 'ERROR', retries: 0 });
    expect(casa.casaReason).toMatch(/^\[severe\] /);
    expect(existsSync(join(out, 'quicklook.dag.rescue001'))).toBe(true);
    expect(existsSync(join(out, 'results'))).toBe(false);
  });

  it('CASA exit 1 with clean evidence: casa-verdict overrides it and the workflow succeeds', () => {
    const out = prepared('exit-overridden', 1);
    expect(dag(['run', out, ...capo]).status).toBe(0);
    const verdict = JSON.parse(readFileSync(join(out, 'results', 'casa-verdict.json'), 'utf8'));
    expect(verdict.reasons).toEqual([expect.objectContaining({ rule: 'exit-status', severity: 'warning' })]);
  });

  it('se_calibration: ingestion\'s product name, given in the manager\'s {\'NAME\': id} form, lands plain in calibration-product.json', () => {
    const out = mkdtempSync(join(tmp, 'run-secal-'));
    expect(dag(['render', '--workflow', 'se_calibration', '--example', '--out', out, ...capo]).status).toBe(0);
    writeCasaWorkdir(join(out, 'test-scenario'), 'success');
    const r = dag(['run', out, ...capo]);
    expect(r.status, r.stderr).toBe(0);
    expect(readFileSync(join(out, 'ingest.out'), 'utf8').trim()).toBe("{'VLASS.cal.token-example-2': 4242}");
    expect(JSON.parse(readFileSync(join(out, 'results', 'calibration-product.json'), 'utf8'))).toEqual({ productName: 'VLASS.cal.token-example-2', givenAs: 'dict' });
    expect(r.stdout).toMatch(/se_calibration#example-secal-1 {2}ingestion {2}DONE {2}product VLASS\.cal\.token-example-2/);
  });

  it('se_continuum_imaging: imaging, then the catalog, then QA with the catalog\'s rules, delivered together', () => {
    const out = mkdtempSync(join(tmp, 'run-se-'));
    expect(dag(['render', '--workflow', 'se_continuum_imaging', '--example', '--out', out, ...capo]).status).toBe(0);
    const scenario = join(out, 'test-scenario');
    writeCasaWorkdir(scenario, 'success');
    // The SE product instead of the QL one: its five images, no manifest.
    useFixtureProducts(scenario, 'se');
    const r = dag(['run', out, ...capo]);
    expect(r.status, r.stderr).toBe(0);
    const delivered = readdirSync(join(out, 'results', 'products'));
    for (const suffix of ['.I.catalog.csv', '.I.catalog.reg', '.I.componentlist.py', '.qa.json', '_prev.jpg']) expect(delivered.some((f) => f.endsWith(suffix)), suffix).toBe(true);
    const qa = JSON.parse(readFileSync(join(out, 'results', 'products', delivered.find((f) => f.endsWith('.qa.json'))!), 'utf8'));
    // The catalog existed when QA ran: its rules were judged.
    expect(JSON.stringify(qa)).toContain('catalogDensity');
    expect(qa.metrics.catalog).toBeTruthy();
  });

  it('se_coarse_cube_imaging: cube QA rejects the bad windows, then the continuum catalog is measured in the kept ones', () => {
    const out = mkdtempSync(join(tmp, 'run-cc-'));
    expect(dag(['render', '--workflow', 'se_coarse_cube_imaging', '--example', '--out', out, ...capo]).status).toBe(0);
    const scenario = join(out, 'test-scenario');
    writeCasaWorkdir(scenario, 'success');
    useFixtureProducts(scenario, 'cc');
    // The continuum catalog, as se_continuum_imaging delivered it.
    mkdirSync(join(out, 'continuum'));
    const se = spawnSync(join(bin, 'create-component-list'), ['--dir', join(SMALL, 'se'), '--out', join(out, 'continuum'), '--log-level', 'warn'], { env });
    expect(se.status).toBe(0);
    const r = dag(['run', out, ...capo, '--max-jobs', '4']);
    expect(r.status, r.stderr).toBe(0);
    // One CASA node per window, each in its own working directory, delivered as cube/spwN/.
    const view = JSON.parse(dag(['status', out, '--json']).stdout);
    const casaNodes = view.nodes.filter((n: { node: string }) => n.node.startsWith('casa_spw'));
    expect(casaNodes.map((n: { node: string }) => n.node)).toEqual(Array.from({ length: 16 }, (_, i) => `casa_spw${i + 2}`));
    for (const n of casaNodes) expect(n).toMatchObject({ status: 'DONE', stage: 'running casa' });
    const cube = join(out, 'results', 'cube');
    for (let spw = 2; spw <= 17; spw++) {
      const windows = readdirSync(join(cube, `spw${spw}`, 'products')).filter((f) => /spw\d+\.IQU/.test(f));
      expect(windows, `spw${spw}`).toEqual([expect.stringContaining(`.spw${spw}.IQU.`)]);
      expect(JSON.parse(readFileSync(join(cube, `spw${spw}`, 'casa-verdict.json'), 'utf8')).verdict).toBe('success');
    }
    const delivered = readdirSync(cube);
    expect(delivered.some((f) => f.endsWith('.planes.csv'))).toBe(true);
    const qa = JSON.parse(readFileSync(join(cube, delivered.find((f) => f.endsWith('.qa.json'))!), 'utf8'));
    expect(qa.planes).toHaveLength(16);
    expect(JSON.stringify(qa)).toMatch(/spw3|spw11/);
    expect(delivered.some((f) => f.endsWith('.cube_catalog.csv'))).toBe(true);
  });

  it('a failed DAG resumes from its rescue file once the cause is fixed, without redoing what was done', () => {
    const out = prepared('errorexit');
    expect(dag(['run', out, ...capo]).status).toBe(1);
    const fetchedAt = readFileSync(join(out, 'rawdata', 'fetched.txt'), 'utf8');
    rmSync(join(out, 'test-scenario'), { recursive: true });
    writeCasaWorkdir(join(out, 'test-scenario'), 'success');
    useFixtureProducts(join(out, 'test-scenario'), 'ql');
    rmSync(join(out, 'working'), { recursive: true });
    rmSync(join(out, 'rawdata', 'fetched.txt'));
    const again = dag(['run', out, ...capo]);
    expect(again.status, again.stderr).toBe(0);
    expect(again.stderr).toContain('resumed from quicklook.dag.rescue001');
    expect(existsSync(join(out, 'rawdata', 'fetched.txt'))).toBe(false); // fetch was not run again
    expect(fetchedAt).toContain('uid://');
    expect(readdirSync(join(out, 'results'))).toContain('products');
  });
});

const noCasacore = casacoreSkipReason();
describe.skipIf(noCasacore)('running seci_split_measurement_sets: restore, split every image of the plan into the cache, deliver', () => {
  it('splits each image on its own node, retrying the one whose lock another run holds (exit 75), and delivers the results', async () => {
    const out = mkdtempSync(join(tmp, 'run-seci-'));
    const cache = mkdtempSync(join(tmp, 'pims-'));
    const capoDir = mkdtempSync(join(tmp, 'capo-seci-'));
    writeFileSync(join(capoDir, 'local.properties'), `edu.nrao.vlass.sbinDir = ${bin}\nedu.nrao.vlass.workspaces.binDir = ${join(REPO_ROOT, 'test', 'doubles')}\nedu.nrao.vlass.split.cacheRoot = ${cache}\nedu.nrao.vlass.dag.jobCapoPath = ${capoDir}\n`);
    const seciCapo = ['--capo-profile', 'local', '--capo-path', capoDir];
    expect(dag(['render', '--workflow', 'seci_split_measurement_sets', '--example', '--out', out, ...seciCapo]).status).toBe(0);
    writeCasaWorkdir(join(out, 'test-scenario'), 'success');
    makeMs(join(out, 'test-scenario', 'VLASS2.1.sb1.eb1.59066.1.ms'), { ra0: 359.5, dec0: -2.5 });
    // Another run holds the first image's lock for a moment: split exits 75 and is retried.
    // The holder lives until split's first attempt has failed with 75 (read from split's status
    // file), whatever the machine's load. Not our child (a zombie would look alive until we reap
    // it): a grandchild that init reaps.
    const status = join(out, 'split-status.jsonl');
    const holderScript = `i=0; until grep -q '"exitCode":75' '${status}' 2>/dev/null || [ $i -gt 1200 ]; do sleep 0.05; i=$((i+1)); done`;
    const holderPid = Number(spawnSync('/bin/sh', ['-c', `(${holderScript}) >/dev/null 2>&1 & echo $!`], { encoding: 'utf8' }).stdout.trim());
    const lockDir = join(cache, 'VLASS2.1', 'T10t01', 'J235900-023000');
    mkdirSync(lockDir, { recursive: true });
    writeFileSync(join(lockDir, '.split.lock'), JSON.stringify({ pid: holderPid, host: hostname(), started: new Date().toISOString() }));
    const r = spawnSync(join(bin, 'vlass-dag'), ['run', out, ...seciCapo, '--log-level', 'warn'], { env, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    // One split node per image of the plan (a #each block in the template), run side by side.
    const view = JSON.parse(dag(['status', out, '--json']).stdout);
    const node = (name: string) => view.nodes.find((n: { node: string }) => n.node === name);
    expect(view.nodes.map((n: { node: string }) => n.node).filter((n: string) => n.startsWith('split_')).sort()).toEqual(['split_J000100-023000', 'split_J235900-023000']);
    for (const name of ['split_J000100-023000', 'split_J235900-023000', 'deliver_J000100-023000', 'deliver_J235900-023000', 'deliver']) expect(node(name).status, name).toBe('DONE');
    expect(node('split_J235900-023000').retries).toBeGreaterThanOrEqual(1);
    expect(node('split_J000100-023000').retries).toBe(0);
    expect(node('split_J000100-023000').stage).toBe('post casa work');
    for (const image of ['J000100-023000', 'J235900-023000']) {
      const result = JSON.parse(readFileSync(join(out, 'results', `split_${image}.out`), 'utf8'));
      expect(result.outcomes.map((o: { image: string; state: string }) => [o.image, o.state])).toEqual([[image, 'split']]);
      expect(existsSync(join(result.outcomes[0].target, 'table.dat'))).toBe(true);
    }
    expect(readFileSync(join(out, 'results', 'split-status.jsonl'), 'utf8')).toContain('"kind":"split"');
  }, 120_000);
});

describe('ABORT-DAG-ON where continuing is pointless', () => {
  it("a configuration error (78) on one image's split node stops the DAG at once: no retry, the other images not started, exit 78, FINAL report, rescue file", () => {
    const out = mkdtempSync(join(tmp, 'run-abort-'));
    const capoDir = mkdtempSync(join(tmp, 'capo-abort-'));
    // The jobs read this profile too (jobCapoPath): split's backend is not one it knows.
    writeFileSync(
      join(capoDir, 'local.properties'),
      `edu.nrao.vlass.sbinDir = ${bin}\nedu.nrao.vlass.workspaces.binDir = ${join(REPO_ROOT, 'test', 'doubles')}\nedu.nrao.vlass.split.cacheRoot = ${join(tmp, 'pims-abort')}\nedu.nrao.vlass.dag.jobCapoPath = ${capoDir}\nedu.nrao.vlass.split.backend = nonsense\n`,
    );
    const c = ['--capo-profile', 'local', '--capo-path', capoDir];
    expect(dag(['render', '--workflow', 'seci_split_measurement_sets', '--example', '--out', out, ...c]).status).toBe(0);
    writeCasaWorkdir(join(out, 'test-scenario'), 'success');
    const r = dag(['run', out, ...c, '--max-jobs', '1']);
    expect(r.status, r.stderr).toBe(78);
    const view = JSON.parse(dag(['status', out, '--json']).stdout);
    const node = (name: string) => view.nodes.find((n: { node: string }) => n.node === name);
    const splits = view.nodes.filter((n: { node: string }) => n.node.startsWith('split_'));
    expect(splits.filter((n: { status: string }) => n.status === 'ERROR')).toHaveLength(1);
    expect(splits.find((n: { status: string }) => n.status === 'ERROR').retries).toBe(0);
    expect(splits.filter((n: { status: string }) => n.status === 'NOT_READY' || n.status === 'READY')).toHaveLength(1);
    // The FINAL node ran and reported the failure (its POST exits 1 so the DAG keeps its outcome).
    expect(node('report').status).toBe('ERROR');
    expect(readFileSync(join(out, 'seci_split_measurement_sets.jobstate.log'), 'utf8')).toMatch(/ report POST_SCRIPT_FAILURE /);
    expect(readFileSync(join(out, 'seci_split_measurement_sets.dag.rescue001'), 'utf8')).toMatch(/DONE restore/);
  });
});

describe('running image_caching', () => {
  function render(files: unknown[]) {
    const out = mkdtempSync(join(tmp, 'run-cache-'));
    const params = join(tmp, `cache-params-${Math.random().toString(36).slice(2)}.json`);
    mkdirSync(join(out + '-cache'));
    writeFileSync(params, JSON.stringify({ requestId: 'r7', destination: out + '-cache', files }));
    const capoDir = mkdtempSync(join(tmp, 'capo-cache-'));
    writeFileSync(join(capoDir, 'local.properties'), `edu.nrao.vlass.sbinDir = ${bin}\nedu.nrao.vlass.dag.allowedRoots = ${tmp}\nedu.nrao.vlass.dag.jobCapoPath = ${capoDir}\n`);
    const c = ['--capo-profile', 'local', '--capo-path', capoDir];
    expect(dag(['render', '--workflow', 'image_caching', '--params', params, '--out', out, ...c]).status).toBe(0);
    return { out, cache: out + '-cache', run: () => dag(['run', out, ...c]) };
  }

  it('copies what the manager names into the cache, verified, with a manifest', () => {
    const src = join(tmp, 'product.fits');
    writeFileSync(src, Buffer.alloc(100_000, 7));
    const w = render([{ source: src, name: 'VLASS2.1.se.T10t01.J000200-003000.06.2048.v1.I.iter3.image.pbcor.tt0.subim.fits' }]);
    expect(w.run().status).toBe(0);
    expect(readdirSync(w.cache).sort()).toEqual(['VLASS2.1.se.T10t01.J000200-003000.06.2048.v1.I.iter3.image.pbcor.tt0.subim.fits', 'cache-manifest.json']);
  });

  it('a copy whose checksum does not match fails the DAG without a retry and caches nothing', () => {
    const src = join(tmp, 'other.fits');
    writeFileSync(src, 'not what the manager expects');
    const w = render([{ source: src, name: 'x.fits', sha256: '0'.repeat(64) }]);
    const r = w.run();
    expect(r.status).toBe(1);
    const view = JSON.parse(dag(['status', w.out, '--json']).stdout);
    expect(view.nodes.find((n: { node: string }) => n.node === 'copy')).toMatchObject({ status: 'ERROR', retries: 0 });
    expect(readdirSync(w.cache)).toEqual([]);
    expect(existsSync(join(w.out, 'image_caching.dag.rescue001'))).toBe(true);
  });
});
