/**
 * SE QA on real VLASS material (../shared/realdata, read in place, never copied; skipped when
 * absent): the real VLASS2.1 SE tt0, rms and alpha headers give sane beam metrics that pass the
 * default SE beam rules, 0.6" pixels, and lie on one grid; the real run_getalpha SE catalogs
 * parse for the catalog metrics, have no Quality_flag column, and the Quality_flag rule is
 * skipped for them, saying so.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadCapo } from '../../../../shared/capo/capo.js';
import { parseHeaderText, type FitsHeader } from '../../../../shared/fits/index.js';
import { beamMetrics, imageGeometry } from '../../../../shared/qa/continuum/geometry.js';
import { celestialWcs, type ImagePlane } from '../../../../shared/vlass/image.js';
import { evaluateRule, evaluateRules } from '../../../../shared/qa/rules.js';
import { loadRuleConfigs, loadSeSettings, seRules, type RuleSpec, type SeMetrics } from '../../../../shared/qa/index.js';
import { measureCatalog, readComponentCatalog } from '../../../../shared/qa/continuum/catalog.js';
import { sameSky } from '../../../../shared/qa/continuum/se.js';
import { REPO_ROOT, hasRealdata, realdata } from '../../../helpers/realdata.js';
import { join } from 'node:path';

const HEADERS = 'vlass_fits_headers';
const CATALOGS = 'pybdsf_catalogs_vlass';
const PREFIX = 'edu.nrao.vlass.annotateQaSE';
const defaultsText = readFileSync(join(REPO_ROOT, 'capo', 'defaults-annotateQaSE.properties'), 'utf8');
const capo = () => loadCapo({ embedded: { 'defaults-annotateQaSE.properties': defaultsText }, env: {}, home: '/nonexistent' });
const reference = JSON.parse(readFileSync(join(REPO_ROOT, 'test', 'reference', 'qa_se_reference.json'), 'utf8')) as {
  realCatalogs?: Record<string, { components: number; hasQualityFlag: boolean }>;
};

/** Metrics with nothing measured (every value null), for judging one part of a product. */
function seMetricsWithout(): SeMetrics {
  const nulls = <T extends object>(o: T) => Object.fromEntries(Object.keys(o).map((k) => [k, null])) as T;
  return {
    image: { shape: [], width: 0, height: 0, pixelScaleArcsec: null },
    beam: null,
    pbcor: nulls({ peakJy: 0, peakRaDeg: 0, peakDecDeg: 0, peakPixel: null, minJy: 0, medianJy: 0, madSigmaJy: 0, blankFraction: 0, zeroFraction: 0, maskedFraction: 0, pixelCount: 0 }),
    rms: nulls({ source: 'file', file: null, medianJy: 0, p10Jy: 0, p90Jy: 0, fractionBelow120uJy: 0, fractionBelow168uJy: 0, fractionBelow200uJy: 0, pixelCount: 0 }),
    dynamicRange: null,
    negativeToPeak: null,
    alpha: { ...nulls({ medianHighSnr: 0, madSigmaHighSnr: 0, fractionUnphysical: 0, medianErrorHighSnr: 0, tt1ConsistencyMedianAbs: 0, blankFractionHighSnr: 0 }), snrMin: 10, physicalRange: { min: -3, max: 2.5 }, nHighSnr: 0, nAlphaHighSnr: 0 },
    catalog: null,
  } as SeMetrics;
}

function header(name: string): FitsHeader {
  return parseHeaderText(readFileSync(realdata(HEADERS, name), 'latin1'), name);
}

/** A header-only stand-in for an image plane (the grid check reads header, size and path). */
function plane(name: string): ImagePlane {
  const h = header(name);
  const shape = [1, 2, 3, 4].map((i) => h.getInteger(`NAXIS${i}`)!);
  return { path: realdata(HEADERS, name), header: h, layout: undefined as never, shape, width: shape[0], height: shape[1], data: new Float32Array(0) };
}

describe.skipIf(!hasRealdata)('real VLASS SE headers (read in place)', () => {
  const se = hasRealdata ? readdirSync(realdata(HEADERS)).filter((n) => n.startsWith('VLASS') && n.includes('.se.') && n.endsWith('.fits.header')) : [];
  const tt0 = se.find((n) => n.endsWith('.image.pbcor.tt0.subim.fits.header'))!;

  it('there are SE tt0, rms and alpha headers', () => {
    expect(se.some((n) => n.endsWith('.tt0.subim.fits.header'))).toBe(true);
    expect(se.some((n) => n.endsWith('.tt0.rms.subim.fits.header'))).toBe(true);
    expect(se.some((n) => n.endsWith('.alpha.subim.fits.header'))).toBe(true);
  });

  it.each(se)('%s: beam 2.83" x 2.15" at PA 0.85 deg (ratio 1.31), 0.6" pixels, 6202x6202', (name) => {
    const h = header(name);
    const beam = beamMetrics(h)!;
    expect(beam.bmajArcsec).toBeCloseTo(2.8323, 3);
    expect(beam.bminArcsec).toBeCloseTo(2.1540, 3);
    expect(beam.bpaDeg).toBeCloseTo(0.8472, 3);
    expect(beam.axisRatio).toBeCloseTo(1.3149, 3);
    const g = imageGeometry([h.getInteger('NAXIS1')!, h.getInteger('NAXIS2')!], celestialWcs(h));
    expect([g.width, g.height]).toEqual([6202, 6202]);
    expect(g.pixelScaleArcsec!.x).toBeCloseTo(0.6, 9);
    expect(g.pixelScaleArcsec!.y).toBeCloseTo(0.6, 9);
  });

  it('the real SE beam passes every default SE beam rule (the minor axis is below the guide\'s 2.2", so 2.2" is not a minor-axis limit)', () => {
    const rules = seRules(loadSeSettings(capo(), PREFIX));
    const configs = loadRuleConfigs(capo(), `${PREFIX}.rule`, rules);
    const beam = beamMetrics(header(tt0))!;
    const outcomes = rules.flatMap((r, i) => (r.name.startsWith('beam') ? [evaluateRule(r as RuleSpec<unknown>, configs[i], r.value({ beam } as SeMetrics))] : []));
    expect(outcomes.map((o) => [o.name, o.status])).toEqual([
      ['beamMajor', 'pass'],
      ['beamMinor', 'pass'],
      ['beamAxisRatio', 'pass'],
    ]);
  });

  it('the real rms and alpha headers are on the tt0 sky grid', () => {
    const image = plane(tt0);
    for (const name of se.filter((n) => n !== tt0)) expect(() => sameSky(image, header(name), realdata(HEADERS, name), name)).not.toThrow();
  });

  it('the real alpha header has a blank BUNIT (alpha is dimensionless), tt0 Jy/beam', () => {
    expect(String(header(se.find((n) => n.includes('.alpha.'))!).get('BUNIT')).trim()).toBe('');
    expect(String(header(tt0).get('BUNIT')).trim()).toBe('Jy/beam');
  });
});

describe.skipIf(!hasRealdata)('real VLASS SE component catalogs (read in place)', () => {
  const names = hasRealdata ? readdirSync(realdata(CATALOGS)).filter((n) => n.includes('.se.') && n.endsWith('.I.catalog.csv')) : [];
  // A full 6202^2 SE image of 0.6" pixels, none masked: 1.068 deg^2.
  const area = (6202 * 6202 * 0.6 * 0.6) / (3600 * 3600);

  it('there are real SE catalogs, and the reference script saw the same ones', () => {
    expect(names.length).toBeGreaterThan(0);
    if (reference.realCatalogs) expect(Object.keys(reference.realCatalogs).sort()).toEqual([...names].sort());
  });

  it.each(names)('%s parses: component count, density, no Quality_flag column', (name) => {
    const path = realdata(CATALOGS, name);
    const m = measureCatalog(readComponentCatalog(path), area);
    const dataLines = readFileSync(path, 'utf8').split('\n').filter((l) => l.trim() !== '' && !l.startsWith('#')).length;
    expect(m.components).toBe(dataLines);
    if (reference.realCatalogs) expect(m.components).toBe(reference.realCatalogs[name].components);
    expect(m.perSquareDegree).toBeCloseTo(dataLines / area, 12);
    expect(m).toMatchObject({ file: path, hasQualityFlag: false, qualityFlagged: null, qualityFlaggedFraction: null });
    // The catalog names its detection image: the product's own tt0.
    expect(m.detectionImage).toBe(name.replace('.I.catalog.csv', '.I.iter3.image.pbcor.tt0.subim.fits'));
  });

  it('the Quality_flag rule is skipped for them, and the result says why', () => {
    const rules = seRules(loadSeSettings(capo(), PREFIX));
    const configs = loadRuleConfigs(capo(), `${PREFIX}.rule`, rules);
    const catalog = measureCatalog(readComponentCatalog(realdata(CATALOGS, names[0])), area);
    const metrics = { ...seMetricsWithout(), catalog };
    const outcome = evaluateRules(rules, configs, metrics).find((o) => o.name === 'catalogQualityFlagged')!;
    expect(outcome.status).toBe('skipped');
    expect(outcome.message).toContain('has no Quality_flag column');
  });
});
