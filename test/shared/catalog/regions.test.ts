import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatCrtfRegions, formatDs9Regions, writeCrtfRegions, writeDs9Regions } from '../../../shared/catalog/regions.js';
import type { Component } from '../../../shared/sources/types.js';
import { makeComponent, randomSource } from './make-component.js';

const dir = mkdtempSync(join(tmpdir(), 'regions-'));

/** A component at RA 150°, Dec 2° with a 3" x 2" FWHM ellipse at PA 30° (sky and image plane). */
function componentAtPa30(): Component {
  const c = makeComponent(7, randomSource(2));
  c.ra.value = 150;
  c.dec.value = 2;
  for (const shape of [c.shape, c.shapeImagePlane]) {
    shape.maj.value = 3 / 3600;
    shape.min.value = 2 / 3600;
    shape.pa.value = 30;
  }
  return c;
}

function shapeLines(text: string): string[] {
  return text.split('\n').filter((l) => /^(ellipse|point|ann symbol)/.test(l));
}

describe('DS9 regions', () => {
  it('header, then an ellipse of semi-axes FWHM/2 at angle PA + 90 (DS9 measures from +x)', () => {
    const text = formatDs9Regions([componentAtPa30()]);
    const lines = text.split('\n');
    expect(lines.slice(0, 3)).toEqual([
      '# Region file format: DS9 version 4.1',
      expect.stringMatching(/^global color=green /),
      'fk5',
    ]);
    expect(lines[3]).toBe('ellipse(150,2,1.5",1",120) # text={7}');
  });

  it('uses the image-plane PA, which DS9 draws correctly at the component', () => {
    const c = componentAtPa30();
    c.shapeImagePlane.pa.value = 27.9; // meridian convergence away from the image centre
    expect(shapeLines(formatDs9Regions([c]))[0]).toMatch(/,117\.9\) /);
  });

  it('writes one shape per component, a point where the fit has no size', () => {
    const random = randomSource(9);
    const components = Array.from({ length: 25 }, (_, i) => makeComponent(i, random));
    components[4].shapeImagePlane.min.value = 0;
    const path = join(dir, 'components.reg');
    writeDs9Regions(path, components);
    const shapes = shapeLines(readFileSync(path, 'utf8'));
    expect(shapes).toHaveLength(25);
    expect(shapes.filter((l) => l.startsWith('ellipse('))).toHaveLength(24);
    expect(shapes[4]).toMatch(/^point\(.*\) # point=x text=\{4\}$/);
    shapes.forEach((line, i) => expect(line).toContain(`text={${i}}`));
  });
});

describe('CRTF regions', () => {
  it('header, then ellipse [[ra, dec], [semi-major, semi-minor], pa] with pa east of north as is', () => {
    const lines = formatCrtfRegions([componentAtPa30()]).split('\n');
    expect(lines[0]).toBe('#CRTFv0 CASA Region Text Format version 0');
    expect(lines[1]).toBe('global coord=J2000');
    expect(lines[2]).toBe('ellipse [[150deg, 2deg], [1.5arcsec, 1arcsec], 30deg] label="7"');
  });

  it('writes one shape per component; a failed fit without a position is a comment', () => {
    const random = randomSource(10);
    const components = Array.from({ length: 12 }, (_, i) => makeComponent(i, random));
    components[3].ra.value = NaN;
    components[3].fitFlags = ['did-not-converge'];
    const path = join(dir, 'components.crtf');
    writeCrtfRegions(path, components);
    const text = readFileSync(path, 'utf8');
    expect(shapeLines(text)).toHaveLength(11);
    expect(text).toContain('# component 3: no position (fit flags: did-not-converge)');
    // Sky PA, not the image-plane one, and never exponent notation in coordinates.
    const c = components[5];
    expect(text).toContain(`, ${Number(c.shape.pa.value.toFixed(4))}deg] label="5"`);
    expect(text).not.toMatch(/\de[-+]?\d/);
  });
});
