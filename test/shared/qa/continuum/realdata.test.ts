/**
 * Header metrics on real VLASS headers (../shared/realdata/vlass_fits_headers, read in place):
 * the beam comes out in arcsec at the sizes VLASS images have (~2-4"), the pixel scale is the
 * product's cell (1" QL, 0.6" SE), and the real QL image passes the default QL beam rules.
 * A failure here means the unit handling (degrees -> arcsec) or the default ranges are wrong
 * for real products.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseHeaderText } from '../../../../shared/fits/index.js';
import { parseProductName } from '../../../../shared/vlass/naming.js';
import { CONTINUUM_RULES, loadRuleConfigs, type RuleSpec } from '../../../../shared/qa/index.js';
import { beamMetrics, imageGeometry } from '../../../../shared/qa/continuum/geometry.js';
import { celestialWcs } from '../../../../shared/vlass/image.js';
import { evaluateRule } from '../../../../shared/qa/rules.js';
import { hasRealdata, realdata } from '../../../helpers/realdata.js';
import { QL_RULE_PREFIX, qlDefaults } from '../defaults.js';

const DIR = 'vlass_fits_headers';

describe.skipIf(!hasRealdata)('real VLASS headers (skipped when ../shared/realdata is absent; read in place, never copied)', () => {
  const images = hasRealdata
    ? readdirSync(realdata(DIR)).filter((n) => /^VLASS.*\.(ql|se)\..*image\.pbcor\.tt0(\.rms)?\.subim\.fits\.header$/.test(n))
    : [];

  it('there are QL and SE image headers to check', () => {
    expect(images.some((n) => n.includes('.ql.'))).toBe(true);
    expect(images.some((n) => n.includes('.se.'))).toBe(true);
  });

  it.each(images)('%s: beam in arcsec within 1.5-6", axis ratio < 3, pixel scale = the name\'s cell', (name) => {
    const header = parseHeaderText(readFileSync(realdata(DIR, name), 'latin1'), name);
    const beam = beamMetrics(header)!;
    expect(beam.bmajArcsec).toBeGreaterThan(1.5);
    expect(beam.bmajArcsec).toBeLessThan(6);
    expect(beam.bminArcsec).toBeGreaterThan(1);
    expect(beam.bminArcsec).toBeLessThanOrEqual(beam.bmajArcsec);
    expect(beam.axisRatio).toBeLessThan(3);
    expect(Math.abs(beam.bpaDeg)).toBeLessThanOrEqual(180);
    const geometry = imageGeometry([header.getInteger('NAXIS1')!, header.getInteger('NAXIS2')!], celestialWcs(header));
    const cell = parseProductName(name.replace(/\.header$/, ''))!.cellArcsec;
    expect(geometry.pixelScaleArcsec!.x).toBeCloseTo(cell, 9);
    expect(geometry.pixelScaleArcsec!.y).toBeCloseTo(cell, 9);
  });

  it('the real QL image (VLASS1.1, Dec +76.5, a 3.71" x 2.06" beam) passes the default QL beam rules', () => {
    const name = images.find((n) => n.includes('.ql.') && !n.includes('.rms.'))!;
    const header = parseHeaderText(readFileSync(realdata(DIR, name), 'latin1'), name);
    const beam = beamMetrics(header)!;
    expect(beam.bmajArcsec).toBeCloseTo(3.7056, 3);
    expect(beam.bminArcsec).toBeCloseTo(2.0595, 3);
    const configs = loadRuleConfigs(qlDefaults(), QL_RULE_PREFIX, CONTINUUM_RULES);
    const measured = { beamMajor: beam.bmajArcsec, beamMinor: beam.bminArcsec, beamAxisRatio: beam.axisRatio };
    for (const [rule, value] of Object.entries(measured)) {
      const i = CONTINUUM_RULES.findIndex((r) => r.name === rule);
      expect(evaluateRule(CONTINUUM_RULES[i] as RuleSpec<unknown>, configs[i], value)).toMatchObject({ name: rule, status: 'pass' });
    }
  });
});
