/**
 * annotateQaSECube: plane-by-plane QA of a VLASS coarse cube (one file per spectral window, or
 * one multi-plane cube).
 *   annotateQaSECube --dir products --annotate-fits --reject-to . [--fail-on-reject]
 * Finds the windows, checks every header first (shape, axes, beams), then measures the Stokes I
 * plane of each window one at a time (rms, peak, flagged fraction), judges each plane's beam
 * against the expected 1/f scaling and its flagged fraction (CAPO
 * edu.nrao.vlass.annotateQaSECube.*), and the product with the CAPO rules: FITS keywords
 * (--annotate-fits; VLASSRJ = T in rejected windows), the rejected windows' files into
 * QA_REJECTED/ (--reject-to), `<stem>.qa.json` and `<stem>.planes.csv` in --out. The verdict
 * is data: exit 0 unless --fail-on-reject and FAIL. The steps: shared/qa/cube/run.ts.
 */
import { basename } from 'node:path';
import { VERSION_STRING } from '../../shared/buildinfo.js';
import { cubeQaReport, writeReport } from '../../shared/report/index.js';
import { reportFlag } from '../report-flag.js';
import { defineTool } from '../../shared/cli/run.js';
import { discoverCube } from '../../shared/cube/discover.js';
import { CUBE_RULES, cubeQa, loadCubeSettings, loadRuleConfigs, summarizeCubeQa } from '../../shared/qa/index.js';
import { finishQa } from '../continuum-qa-flags.js';

export const CAPO_PREFIX = 'edu.nrao.vlass.annotateQaSECube';
export const RULE_PREFIX = `${CAPO_PREFIX}.rule`;

export const annotateQaSECubeTool = defineTool({
  name: 'annotateQaSECube',
  summary: 'plane-by-plane QA of a VLASS coarse cube: beam and flagging per window, annotate, move rejected windows',
  capoPrefixes: [CAPO_PREFIX],
  positional: { name: 'product', flag: 'dir' },
  flags: {
    dir: { type: 'string', default: '.', describe: 'directory holding the cube windows (then its products/ subdirectory); a pipeline_manifest.xml there names them' },
    image: {
      type: 'string',
      array: true,
      describe: 'a window file (*.spwN.IQU.iter3.image.pbcor.tt0.subim.fits; repeat for each) or one multi-plane cube, instead of finding the windows in --dir',
    },
    'annotate-fits': { type: 'boolean', default: false, describe: 'write VLASSPT, VLASSPK, VLASSQA into every window, and VLASSRJ = T (with the reason) into rejected ones' },
    'reject-to': { type: 'string', describe: "move each rejected window's files into DIR/QA_REJECTED/ (all rejected windows, all or nothing)" },
    'fail-on-reject': { type: 'boolean', default: false, describe: 'exit 1 when the verdict is FAIL (default: exit 0, the verdict is data)' },
    ...reportFlag('<stem>.qa.html'),
  },
  examples: [['$0 --dir products --annotate-fits --reject-to .', 'QA the cube in products/, stamp every window, move rejected windows to ./QA_REJECTED/']],

  async run(ctx, args) {
    ctx.stage('discovering', { dir: args.dir, ...(args.image?.length ? { files: args.image } : {}) });
    const product = await discoverCube({ dir: args.dir, explicit: args.image });
    // Configuration errors (78) surface before minutes of reading and measuring.
    const settings = loadCubeSettings(ctx.capo, CAPO_PREFIX);
    const ruleConfigs = loadRuleConfigs(ctx.capo, RULE_PREFIX, CUBE_RULES);
    const result = cubeQa(product, { settings, ruleConfigs, annotateFits: args.annotateFits, rejectTo: args.rejectTo, outDir: ctx.outDir }, ctx.progress);
    if (args.report) {
      ctx.stage('reporting');
      const report = writeReport(ctx.outDir, `${result.product.name}.qa.html`, await cubeQaReport(result, `${ctx.tool} ${VERSION_STRING}`));
      ctx.log.info({ report }, `wrote ${basename(report)}`);
    }
    return finishQa(ctx, result, summarizeCubeQa(ctx.tool, result), args.failOnReject);
  },
});
