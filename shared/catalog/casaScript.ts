/**
 * A Python script for CASA that turns the components into a CASA componentlist table
 * (`--casa-script`), e.g. to predict model visibilities with `ft` or to make a model image:
 *
 *   casa --nologger --nogui -c components.py      (or, with pip casatools: python3 components.py)
 *
 * One `cl.addcomponent(...)` per component (keywords as in the casatools componentlist
 * reference: flux, fluxunit, dir, shape, majoraxis, minoraxis, positionangle, freq,
 * spectrumtype, index), then `cl.rename(path)` and `cl.close()`.
 *
 * A componentlist is a sky model, so the shape is the size deconvolved from the restoring
 * beam (DC_Maj, DC_Min, DC_PA), and the flux is the integrated flux. A component unresolved
 * in both axes (PyBDSF writes DC sizes of 0) is a point. One resolved along its major axis
 * only gets a minor axis of MIN_MINOR_AXIS_ARCSEC: CASA's Gaussian shape needs a positive
 * width. The spectral index is the VLASS Alpha; without one (no VLASS fields, or NaN) the
 * spectrum is constant.
 *
 * The script first deletes an existing table at the destination, so that a retried job
 * replaces it instead of failing in `cl.rename`.
 */
import { writeFileAtomic } from '../io/atomic.js';
import type { Component } from '../sources/types.js';

export interface ComponentListScriptOptions {
  /** Path of the componentlist table the script creates (as CASA will see it). */
  clPath: string;
  /** Reference frequency of the fluxes and spectral index, Hz (3e9 for VLASS). */
  freqHz: number;
}

/** Far below anything VLASS resolves (0.6" pixels), yet a valid Gaussian width for CASA. */
export const MIN_MINOR_AXIS_ARCSEC = 0.001;

export function formatComponentListScript(components: readonly Component[], options: ComponentListScriptOptions): string {
  const freq = `${pythonFloat(options.freqHz / 1e9)}GHz`;
  const lines = [
    `# CASA componentlist of ${components.length} components; run with: casa --nologger --nogui -c <this file>`,
    '# Shapes are deconvolved (intrinsic) sizes; fluxes are integrated, in Jy.',
    'import os',
    'import shutil',
    'try:',
    '    cl',
    'except NameError:',
    '    # Outside the CASA shell (pip-installed casatools) the tool has to be made.',
    '    from casatools import componentlist',
    '    cl = componentlist()',
    `cl_path = ${pythonString(options.clPath)}`,
    'if os.path.exists(cl_path):',
    '    shutil.rmtree(cl_path)',
    'cl.done()',
  ];
  for (const c of components) lines.push(addComponentCall(c, freq));
  lines.push('cl.rename(cl_path)', 'cl.close()');
  return lines.join('\n') + '\n';
}

export function writeCasaComponentListScript(path: string, components: readonly Component[], options: ComponentListScriptOptions): void {
  writeFileAtomic(path, formatComponentListScript(components, options));
}

function addComponentCall(c: Component, freq: string): string {
  if (![c.ra.value, c.dec.value, c.totalFlux.value].every(Number.isFinite))
    return `# component ${c.gausId} left out: no finite position or flux (fit flags: ${c.fitFlags.join(' ') || 'none'})`;
  const args = [
    `label=${pythonString(`Gaus_id ${c.gausId}`)}`,
    `flux=${pythonFloat(c.totalFlux.value)}`,
    "fluxunit='Jy'",
    `dir=${pythonString(`J2000 ${pythonFloat(c.ra.value)}deg ${pythonFloat(c.dec.value)}deg`)}`,
    ...shapeArguments(c),
    `freq=${pythonString(freq)}`,
    ...spectrumArguments(c),
  ];
  return `cl.addcomponent(${args.join(', ')})`;
}

function shapeArguments(c: Component): string[] {
  const { maj, min, pa } = c.deconvolved;
  const majArcsec = maj.value * 3600;
  if (!(majArcsec > 0)) return ["shape='point'"];
  const minArcsec = min.value * 3600 > MIN_MINOR_AXIS_ARCSEC ? min.value * 3600 : MIN_MINOR_AXIS_ARCSEC;
  return [
    "shape='Gaussian'",
    `majoraxis=${pythonString(`${pythonFloat(majArcsec)}arcsec`)}`,
    `minoraxis=${pythonString(`${pythonFloat(minArcsec)}arcsec`)}`,
    `positionangle=${pythonString(`${pythonFloat(Number.isFinite(pa.value) ? pa.value : 0)}deg`)}`,
  ];
}

function spectrumArguments(c: Component): string[] {
  const alpha = c.vlass?.alpha;
  if (alpha === undefined || !Number.isFinite(alpha)) return ["spectrumtype='constant'"];
  return ["spectrumtype='spectral index'", `index=${pythonFloat(alpha)}`];
}

/** Shortest round-trip decimal, with a point as Python prints floats ('3.0', '-1.471'; '1e-7' is valid Python too). */
function pythonFloat(x: number): string {
  if (!Number.isFinite(x)) throw new Error(`pythonFloat: ${x} is not finite`);
  const s = String(x);
  return /[.e]/.test(s) ? s : `${s}.0`;
}

/** A Python string literal (JSON string syntax is valid Python for these characters). */
function pythonString(s: string): string {
  return JSON.stringify(s);
}
