import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatComponentListScript, MIN_MINOR_AXIS_ARCSEC, writeCasaComponentListScript } from '../../../shared/catalog/casaScript.js';
import type { Component } from '../../../shared/sources/types.js';
import { makeComponent, randomSource } from './make-component.js';

const dir = mkdtempSync(join(tmpdir(), 'componentlist-'));
const hasPython = spawnSync('python3', ['--version']).status === 0;

/** Components covering each case: resolved, unresolved (point), resolved along one axis, no alpha. */
function cases(): Component[] {
  const random = randomSource(4);
  const components = Array.from({ length: 6 }, (_, i) => makeComponent(i, random));
  const resolved = components[1];
  resolved.totalFlux.value = 0.0123;
  resolved.ra.value = 100.07632122017436;
  resolved.dec.value = -11.5;
  resolved.deconvolved.maj.value = 1.5 / 3600;
  resolved.deconvolved.min.value = 0.5 / 3600;
  resolved.deconvolved.pa.value = 30;
  resolved.vlass!.alpha = -0.7;
  components[0].deconvolved.maj.value = 0; // PyBDSF's "unresolved": both DC axes 0
  components[0].deconvolved.min.value = 0;
  components[2].deconvolved.min.value = 0; // resolved along the major axis only
  components[3].vlass!.alpha = NaN;
  delete components[4].vlass;
  return components;
}

describe('CASA componentlist script', () => {
  it('has one addcomponent per component, then rename and close', () => {
    const script = formatComponentListScript(cases(), { clPath: 'out/VLASS2.1.components.cl', freqHz: 3e9 });
    const lines = script.trimEnd().split('\n');
    expect(lines.filter((l) => l.startsWith('cl.addcomponent('))).toHaveLength(6);
    expect(lines.slice(-2)).toEqual(['cl.rename(cl_path)', 'cl.close()']);
    expect(script).toContain('cl_path = "out/VLASS2.1.components.cl"');
    expect(lines[lines.findIndex((l) => l.includes('"Gaus_id 1"'))]).toBe(
      'cl.addcomponent(label="Gaus_id 1", flux=0.0123, fluxunit=\'Jy\', dir="J2000 100.07632122017436deg -11.5deg", ' +
        'shape=\'Gaussian\', majoraxis="1.5arcsec", minoraxis="0.5arcsec", positionangle="30.0deg", freq="3.0GHz", ' +
        "spectrumtype='spectral index', index=-0.7)",
    );
  });

  it('uses a point for unresolved components, a floor for a zero minor axis, a constant spectrum without alpha', () => {
    const lines = formatComponentListScript(cases(), { clPath: 'x.cl', freqHz: 2.987736447683e9 }).split('\n');
    const call = (i: number) => lines.find((l) => l.includes(`"Gaus_id ${i}"`))!;
    expect(call(0)).toContain("shape='point'");
    expect(call(0)).not.toContain('majoraxis');
    expect(call(2)).toContain(`minoraxis="${MIN_MINOR_AXIS_ARCSEC}arcsec"`);
    expect(call(3)).toContain("spectrumtype='constant'");
    expect(call(3)).not.toContain('index=');
    expect(call(4)).toContain("spectrumtype='constant'");
    expect(call(5)).toContain('freq="2.987736447683GHz"');
  });

  it.skipIf(!hasPython)('runs under Python with a recording stand-in for the CASA cl tool', () => {
    const scriptPath = join(dir, 'components.py');
    const clPath = join(dir, 'components.cl');
    writeCasaComponentListScript(scriptPath, cases(), { clPath, freqHz: 3e9 });
    // The stand-in takes exactly the addcomponent keywords of the casatools componentlist
    // reference we rely on, so a misspelt keyword fails here as it would in CASA.
    const harness = [
      'import json, sys',
      'calls = []',
      'class ComponentList:',
      '    def done(self): calls.append(["done"])',
      '    def close(self): calls.append(["close"])',
      '    def rename(self, filename): calls.append(["rename", filename])',
      '    def addcomponent(self, flux, fluxunit, dir, shape, freq, spectrumtype, label, majoraxis=None, minoraxis=None, positionangle=None, index=None):',
      '        calls.append(["add", dict(flux=flux, dir=dir, shape=shape, majoraxis=majoraxis, spectrumtype=spectrumtype, index=index)])',
      'cl = ComponentList()',
      `exec(open(${JSON.stringify(scriptPath)}).read())`,
      'print(json.dumps(calls))',
    ].join('\n');
    const harnessPath = join(dir, 'harness.py');
    writeFileSync(harnessPath, harness);
    const run = spawnSync('python3', [harnessPath], { encoding: 'utf8' });
    expect(run.stderr).toBe('');
    const calls = JSON.parse(run.stdout) as Array<[string, unknown]>;
    expect(calls.map((c) => c[0])).toEqual(['done', 'add', 'add', 'add', 'add', 'add', 'add', 'rename', 'close']);
    expect(calls[2][1]).toEqual({ flux: 0.0123, dir: 'J2000 100.07632122017436deg -11.5deg', shape: 'Gaussian', majoraxis: '1.5arcsec', spectrumtype: 'spectral index', index: -0.7 });
    expect(calls[7]).toEqual(['rename', clPath]);
    expect(readFileSync(scriptPath, 'utf8')).toContain('shutil.rmtree(cl_path)');
  });
});
