import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { judgeCasaRun, type VerdictOptions } from '../../../shared/casa/verdict.js';
import { MAX_EVIDENCE_PER_LOG } from '../../../shared/casa/tasks.js';
import { ALLOW_PATTERN, EXPECTED, SCENARIOS, writeCasaWorkdir } from '../../../fixtures/casa/workdirs.js';
import { hasRealdata, realdata } from '../../helpers/realdata.js';

const root = mkdtempSync(join(tmpdir(), 'verdict-'));
const policy = { fatalOrigins: new Set(['flagmanager']), allowPattern: new RegExp(ALLOW_PATTERN) };
const base = (workdir: string, extra: Partial<VerdictOptions> = {}): VerdictOptions => ({ workdir, expect: [], policy, logGlob: 'casa-*.log', ...extra });

describe('judgeCasaRun on one generated working directory per rule', () => {
  for (const scenario of SCENARIOS) {
    it(scenario, async () => {
      const dir = join(root, scenario);
      writeCasaWorkdir(dir, scenario);
      const want = EXPECTED[scenario];
      const v = await judgeCasaRun(base(dir, { exitCode: want.exitCode }));
      expect(v.verdict).toBe(want.verdict);
      const firstFatal = v.reasons.find((r) => r.severity === 'fatal');
      expect(firstFatal?.rule).toBe(want.firstFatalRule);
      if (want.warningRule) expect(v.reasons.some((r) => r.severity === 'warning' && r.rule === want.warningRule)).toBe(true);
      expect(v.counts.fatal).toBe(v.reasons.filter((r) => r.severity === 'fatal').length);
    });
  }

  it('reports evidence (file, line, text) for SEVERE reasons', async () => {
    const dir = join(root, 'evidence');
    writeCasaWorkdir(dir, 'severe-unrecovered');
    const v = await judgeCasaRun(base(dir));
    const r = v.reasons.find((x) => x.rule === 'severe')!;
    expect(r.file).toBe(join(dir, 'casa-20210314-031507.log'));
    expect(r.text).toContain('Error in making PSF');
    expect(r.line).toBeGreaterThan(1);
    expect(v.tasks.tclean).toEqual({ runs: 2, failed: 1 });
    expect(v.pipelineStages.at(-1)).toBe('hifv_exportvlassdata');
  });

  it('without the allow pattern, the allowed SEVERE is fatal', async () => {
    const dir = join(root, 'allowed-off');
    writeCasaWorkdir(dir, 'severe-allowed');
    const v = await judgeCasaRun(base(dir, { policy: { fatalOrigins: new Set() } }));
    expect(v.verdict).toBe('failure');
  });

  it('with flagmanager off the fatal list, its SEVERE is recovered by the clean re-run', async () => {
    const dir = join(root, 'fm-off');
    writeCasaWorkdir(dir, 'severe-fatal-origin');
    const v = await judgeCasaRun(base(dir, { policy: { fatalOrigins: new Set() } }));
    expect(v.verdict).toBe('success');
  });

  it('--expect globs: matched and non-empty passes, unmatched fails', async () => {
    const dir = join(root, 'expect');
    writeCasaWorkdir(dir, 'success');
    expect((await judgeCasaRun(base(dir, { expect: ['products/*.rms.subim.fits'] }))).verdict).toBe('success');
    const v = await judgeCasaRun(base(dir, { expect: ['products/*.alpha.subim.fits'] }));
    expect(v.verdict).toBe('failure');
    expect(v.reasons[0].message).toContain('products/*.alpha.subim.fits');
  });

  it('a malformed manifest is a products failure naming the file', async () => {
    const dir = join(root, 'bad-manifest');
    writeCasaWorkdir(dir, 'success');
    writeFileSync(join(dir, 'products', 'pipeline_manifest.xml'), '<piperesults><ous><image name="x"></ous>');
    const v = await judgeCasaRun(base(dir));
    expect(v.verdict).toBe('failure');
    expect(v.reasons[0]).toMatchObject({ rule: 'products', file: join(dir, 'products', 'pipeline_manifest.xml') });
  });

  it('DAGMan special values and signals are rule 1', async () => {
    const dir = join(root, 'special');
    writeCasaWorkdir(dir, 'success');
    for (const [code, text] of [[-1001, 'failed to submit'], [-1002, 'removed'], [-1004, 'PRE script'], [-15, 'signal 15']] as const) {
      const v = await judgeCasaRun(base(dir, { exitCode: code }));
      expect(v.verdict).toBe('failure');
      expect(v.reasons[0].rule).toBe('killed');
      expect(v.reasons[0].message).toContain(text);
    }
  });

  it('bounds evidence but not counts for a flood of SEVERE lines', async () => {
    const dir = join(root, 'flood');
    mkdirSync(dir);
    const n = MAX_EVIDENCE_PER_LOG + 50;
    const body = Array.from({ length: n }, (_, i) => `2021-03-14 03:15:07\tSEVERE\ttclean::::\tfailure ${i}`).join('\n');
    writeFileSync(join(dir, 'casa-1.log'), body + '\n');
    const v = await judgeCasaRun(base(dir));
    expect(v.counts.fatal).toBe(n);
    expect(v.reasons.length).toBeLessThanOrEqual(MAX_EVIDENCE_PER_LOG + 1);
    expect(v.tasks.tclean.failed).toBe(n);
  });

  describe.skipIf(!hasRealdata)('real CASA output (realdata absent: skipped)', () => {
    it('the plotants SEVERE in the real CASA 5.6 session is recovered by its re-run', async () => {
      const dir = join(root, 'real-session');
      mkdirSync(dir);
      cpSync(realdata('casa_logs', 'casa-20201008-233531.log'), join(dir, 'casa-20201008-233531.log'));
      const v = await judgeCasaRun(base(dir, { exitCode: 0 }));
      expect(v.verdict).toBe('success');
      expect(v.reasons).toHaveLength(1);
      expect(v.reasons[0]).toMatchObject({ rule: 'severe', severity: 'warning', line: 1675 });
      expect(v.tasks).toEqual({ listobs: { runs: 1, failed: 0 }, plotants: { runs: 2, failed: 1 } });
    });

    it('the real VLASS QL manifest: both images verified when present, failure when not', async () => {
      const dir = join(root, 'real-manifest');
      mkdirSync(join(dir, 'products'), { recursive: true });
      cpSync(realdata('casa_logs', 'casa_startup_only_no_tasks.log'), join(dir, 'casa-20180322-113117.log'));
      cpSync(realdata('casa_pipeline_xml', 'vlass_ql_pipeline_manifest.xml'), join(dir, 'products', 'pipeline_manifest.xml'));
      cpSync(realdata('casa_logs', 'vlass_ql_casa_commands.log'), join(dir, 'casa_commands.log'));
      const missing = await judgeCasaRun(base(dir, { exitCode: 1 }));
      expect(missing.verdict).toBe('failure');
      expect(missing.reasons.filter((r) => r.rule === 'products')).toHaveLength(2);
      for (const p of missing.products) writeFileSync(p.path, 'x'.repeat(2880));
      const present = await judgeCasaRun(base(dir, { exitCode: 1 }));
      expect(present.verdict).toBe('success');
      expect(present.reasons.map((r) => r.rule)).toEqual(['exit-status']);
      expect(present.pipelineStages).toContain('hif_makeimages');
    });
  });
});
