/**
 * create-cube-component-list: per-window flux densities and a spectral index for every
 * component of the continuum (SE) catalog, measured in the coarse cube's planes with position
 * and shape fixed.
 *   create-cube-component-list --dir products [--catalog FILE] [--qa FILE]
 *   create-cube-component-list --cube FILE --catalog FILE
 * Writes <stem>.cube_catalog.csv into --out. See docs/create-cube-component-list.md.
 */
import { basename, resolve } from 'node:path';
import { cubeCatalogReport, writeReport } from '../../shared/report/index.js';
import { reportFlag } from '../report-flag.js';
import { defineTool } from '../../shared/cli/run.js';
import type { CapoConfig } from '../../shared/capo/capo.js';
import { VERSION_STRING } from '../../shared/buildinfo.js';
import { ConfigError, ExitCode } from '../../shared/errors.js';
import { type FitSettings, type ModelSettings, type PlaneSummary, type SpectralSettings, findCubePlanes, frequencyText, makeCubeCatalog } from '../../shared/cubecatalog/index.js';

export const CAPO_PREFIX = 'edu.nrao.vlass.createCubeComponentList';


export const createCubeComponentListTool = defineTool({
  name: 'create-cube-component-list',
  summary: 'measure the continuum catalog components in every coarse-cube window: per-window flux densities and a spectral index',
  capoPrefixes: [CAPO_PREFIX],
  positional: { name: 'product', flag: 'dir' },
  flags: {
    dir: { type: 'string', default: '.', describe: 'directory holding the cube window files *.spwN.IQU.iter3.image.pbcor.tt0.subim.fits (then its products/ subdirectory)' },
    cube: { type: 'string', describe: 'one cube file instead (a multi-plane cube, or a single window)' },
    catalog: { type: 'string', describe: 'the continuum component catalog (default: <stem>.I.catalog.csv, or the SE product\'s, beside the cube)' },
    qa: { type: 'string', describe: 'the cube QA result (default: <stem>.qa.json beside the cube, when present); its rejected planes are skipped' },
    ...reportFlag('<stem>.cube_catalog.html'),
  },
  examples: [['$0 --dir products --out products', 'measure the cube in products/ with the SE catalog found there']],

  async run(ctx, args) {
    const fit = fitSettings(ctx.capo);
    const model = modelSettings(ctx.capo);
    const spectral = spectralSettings(ctx.capo);
    ctx.stage('discovering', { dir: args.dir, ...(args.cube ? { cube: args.cube } : {}) });
    const input = await findCubePlanes({ dir: args.dir, cube: args.cube });
    if (input.missingSpws.length) ctx.log.warn({ missingSpws: input.missingSpws }, `no file for ${input.missingSpws.map((s) => `spw${s}`).join(', ')}: their columns are nan`);
    const result = makeCubeCatalog(input, {
      outDir: ctx.outDir,
      catalog: args.catalog === undefined ? undefined : resolve(args.catalog),
      qa: args.qa === undefined ? undefined : resolve(args.qa),
      fit,
      model,
      spectral,
      generator: `create-cube-component-list ${VERSION_STRING}`,
      onStage: (stage, detail) => ctx.stage(stage, detail),
      onPlane: (plane, index, count) => logPlane(ctx.log, plane, index, count),
      onWarning: (message, detail) => ctx.log.warn(detail ?? {}, message),
    });
    if (args.report) {
      ctx.stage('reporting');
      const report = writeReport(ctx.outDir, `${result.product}.cube_catalog.html`, await cubeCatalogReport(result, spectral, `${ctx.tool} ${VERSION_STRING}`));
      ctx.log.info({ report }, `wrote ${basename(report)}`);
    }
    ctx.emitResult(result);
    const skipped = result.planes.filter((p) => p.rejected).map((p) => p.label);
    ctx.report(
      `create-cube-component-list: ${result.measuredComponents} of ${result.components} components of ${result.catalog.split('/').pop()} measured in ${result.measuredPlanes} planes of ${result.product}` +
        (result.offEveryPlane ? ` (${result.offEveryPlane} outside every plane: the cube does not cover them)` : '') +
        (skipped.length ? ` (skipped ${skipped.join(', ')})` : '') +
        `; spectral index for ${result.alphaFitted}; wrote ${result.output.split('/').pop()}.`,
    );
    return ExitCode.OK;
  },
});

function logPlane(log: { info(o: object, msg: string): void }, p: PlaneSummary, index: number, count: number): void {
  const where = `${p.label} (${p.freqHz === null ? 'no file' : `${frequencyText(p.freqHz)} Hz`}) [${index + 1}/${count}]`;
  if (p.rejected) {
    log.info({ event: 'plane', plane: p.label, spw: p.spw, freqHz: p.freqHz, skipped: true, reasons: p.reasons }, `${where}: skipped (${p.reasons.join('; ')})`);
    return;
  }
  log.info(
    { event: 'plane', plane: p.label, spw: p.spw, freqHz: p.freqHz, rmsJy: p.rmsJy, measured: p.measured, notMeasured: p.notMeasured, groups: p.groups, largestGroup: p.largestGroup, seconds: Number(p.seconds.toFixed(3)) },
    `${where}: ${p.measured} components measured, rms ${p.rmsJy === null ? 'nan' : p.rmsJy.toExponential(3)} Jy/beam, ${p.seconds.toFixed(2)} s`,
  );
}

/** The fit's settings from CAPO. */
export function fitSettings(capo: CapoConfig): FitSettings {
  const key = (name: string) => `${CAPO_PREFIX}.${name}`;
  const positive = (name: string) => {
    const v = capo.getNumber(key(name));
    if (!(v > 0)) throw new ConfigError(`CAPO key ${key(name)} must be a positive number, got ${v}`);
    return v;
  };
  const minCoverage = capo.getNumber(key('minCoverage'));
  if (!(minCoverage > 0 && minCoverage <= 1)) throw new ConfigError(`CAPO key ${key('minCoverage')} must be in (0, 1], got ${minCoverage}`);
  return { fitRadiusFwhm: positive('fitRadiusFwhm'), blendRadiusFwhm: positive('blendRadiusFwhm'), minCoverage };
}

/** Point-source criterion and local-noise boxes from CAPO. */
export function modelSettings(capo: CapoConfig): ModelSettings {
  const key = (name: string) => `${CAPO_PREFIX}.${name}`;
  const resolvedSigmas = capo.getNumber(key('resolvedSigmas'));
  if (!(resolvedSigmas >= 0)) throw new ConfigError(`CAPO key ${key('resolvedSigmas')} must be >= 0 (0: any deconvolved size counts as resolved), got ${resolvedSigmas}`);
  const noiseBoxBeams = capo.getNumber(key('noiseBoxBeams'));
  if (!(noiseBoxBeams >= 5)) throw new ConfigError(`CAPO key ${key('noiseBoxBeams')} must be at least 5 beams (fewer gives a noisy noise estimate), got ${noiseBoxBeams}`);
  return { resolvedSigmas, noiseBoxBeams };
}

/** The spectral-index fit's settings from CAPO. */
export function spectralSettings(capo: CapoConfig): SpectralSettings {
  const key = (name: string) => `${CAPO_PREFIX}.${name}`;
  const referenceFreqHz = capo.getNumber(key('referenceFrequencyHz'));
  if (!(referenceFreqHz > 0)) throw new ConfigError(`CAPO key ${key('referenceFrequencyHz')} must be a positive frequency in Hz, got ${referenceFreqHz}`);
  const minSnr = capo.getNumber(key('alphaMinSnr'));
  if (!(minSnr >= 0)) throw new ConfigError(`CAPO key ${key('alphaMinSnr')} must be >= 0, got ${minSnr}`);
  const minPlanes = capo.getInteger(key('alphaMinPlanes'));
  if (!(minPlanes >= 2)) throw new ConfigError(`CAPO key ${key('alphaMinPlanes')} must be a whole number >= 2 (a power law has two parameters), got ${minPlanes}`);
  return { referenceFreqHz, minSnr, minPlanes };
}
