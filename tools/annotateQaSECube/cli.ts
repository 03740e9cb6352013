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
 * is data: exit 0 unless --fail-on-reject and FAIL.
 */
import type { ToolSpec } from '../../shared/cli/run.js';
import { ExitCode } from '../../shared/errors.js';
import {
  CUBE_RULES,
  annotateCubeFile,
  checkSameGrid,
  chooseReference,
  cubeProductInfo,
  discoverCube,
  evaluateRules,
  fileRejected,
  inspectCubeFile,
  judgePlanes,
  loadCubeSettings,
  loadRuleConfigs,
  measureCubePlanes,
  missingSpws,
  moveToRejected,
  overallVerdict,
  planeName,
  summarizeCubeQa,
  summarizePlanes,
  windowFiles,
  writeCubeQaJson,
  writePlanesCsv,
  type CubeQaResult,
} from '../../shared/qa/index.js';

export const CAPO_PREFIX = 'edu.nrao.vlass.annotateQaSECube';
export const RULE_PREFIX = `${CAPO_PREFIX}.rule`;

interface Args {
  dir: string;
  image?: string[];
  annotateFits: boolean;
  rejectTo?: string;
  failOnReject: boolean;
}

export const annotateQaSECubeTool: ToolSpec<Args> = {
  name: 'annotateQaSECube',
  summary: 'plane-by-plane QA of a VLASS coarse cube: beam and flagging per window, annotate, move rejected windows',
  capoPrefixes: [CAPO_PREFIX],
  options: (y) =>
    y
      .option('dir', { type: 'string', default: '.', describe: 'directory holding the cube windows (then its products/ subdirectory); a pipeline_manifest.xml there names them' })
      .option('image', {
        type: 'string',
        array: true,
        describe: 'a window file (*.spwN.IQU.iter3.image.pbcor.tt0.subim.fits; repeat for each) or one multi-plane cube, instead of finding the windows in --dir',
      })
      .option('annotate-fits', { type: 'boolean', default: false, describe: 'write VLASSPT, VLASSPK, VLASSQA into every window, and VLASSRJ = T (with the reason) into rejected ones' })
      .option('reject-to', { type: 'string', describe: "move each rejected window's files into DIR/QA_REJECTED/ (all rejected windows, all or nothing)" })
      .option('fail-on-reject', { type: 'boolean', default: false, describe: 'exit 1 when the verdict is FAIL (default: exit 0, the verdict is data)' })
      .example('$0 --dir products --annotate-fits --reject-to .', 'QA the cube in products/, stamp every window, move rejected windows to ./QA_REJECTED/') as never,

  async run(ctx, args) {
    ctx.stage('discovering', { dir: args.dir, ...(args.image?.length ? { files: args.image } : {}) });
    const product = await discoverCube({ dir: args.dir, explicit: args.image });
    // Configuration errors (78) surface before minutes of reading and measuring.
    const settings = loadCubeSettings(ctx.capo, CAPO_PREFIX);
    const ruleConfigs = loadRuleConfigs(ctx.capo, RULE_PREFIX, CUBE_RULES);
    const missing = missingSpws(product);
    if (missing.length) ctx.log.warn({ missingSpws: missing }, `windows not found in ${product.directory}: ${missing.map((s) => `spw${s}`).join(', ')}`);

    // Every header is checked before any pixel is read: a truncated or odd window fails in seconds.
    ctx.stage('checking', { product: product.stem, files: product.files.length });
    const plans = product.files.map(inspectCubeFile);
    checkSameGrid(plans);
    const total = plans.reduce((n, p) => n + p.planes.length, 0);
    for (const plan of plans)
      if (plan.planes.length > 1 && plan.planes.some((p) => p.beamShared))
        ctx.log.warn({ file: plan.file.path }, `${plan.file.path}: one header beam for its ${plan.planes.length} planes (no BEAMS table): the 1/f beam check does not apply to them`);

    ctx.stage('measuring', { planes: total });
    const measured = measureCubePlanes(plans, ({ done, total: n, plane, seconds }) =>
      ctx.log.info(
        { event: 'plane', plane: done, planes: n, spw: plane.spw, freqHz: plane.freqHz, file: plane.file, rmsJy: plane.rmsJy, peakJy: plane.peakJy, flaggedFraction: plane.flaggedFraction, seconds: Number(seconds.toFixed(3)) },
        `plane ${done}/${n}: ${planeName(plane)} measured`,
      ),
    );

    ctx.stage('judging');
    const reference = chooseReference(measured, settings);
    const planes = judgePlanes(measured, reference, settings).sort((a, b) => a.freqHz - b.freqHz || a.file.localeCompare(b.file) || a.planeIndex - b.planeIndex);
    const summary = summarizePlanes(planes);
    const rules = evaluateRules(CUBE_RULES, ruleConfigs, summary);
    const result: CubeQaResult = {
      product: cubeProductInfo(product),
      verdict: overallVerdict(rules),
      rules,
      settings,
      summary,
      reference,
      planes,
      missingSpws: missing,
    };
    for (const p of planes) if (p.rejected) ctx.log.warn({ spw: p.spw, freqHz: p.freqHz, file: p.file, reasons: p.reasons }, `rejected ${planeName(p)}: ${p.reasons.join('; ')}`);

    const planesOf = (path: string) => planes.filter((p) => p.file === path);
    if (args.annotateFits) {
      ctx.stage('annotating', { files: plans.length });
      for (const plan of plans) {
        const mine = planesOf(plan.file.path);
        const { skipped, update, rejected } = annotateCubeFile(plan.file.path, mine, result);
        if (skipped.length) ctx.log.warn({ file: plan.file.path, skipped }, `not written (not measured): ${skipped.join(', ')}`);
        if (!rejected && mine.some((p) => p.rejected))
          ctx.log.warn({ file: plan.file.path }, `${plan.file.path}: ${mine.filter((p) => p.rejected).length} of its ${mine.length} planes rejected; VLASSRJ marks a whole file, so it is not set (see the result's planes)`);
        ctx.log.info({ file: plan.file.path, mode: update.mode, rejected }, `FITS keywords written to ${plan.file.path}`);
      }
    }
    const rejectedFiles = plans.filter((plan) => fileRejected(planesOf(plan.file.path)));
    if (args.rejectTo && rejectedFiles.length > 0) {
      ctx.stage('rejecting', { to: args.rejectTo, windows: rejectedFiles.map((p) => p.file.path) });
      // One call for every rejected window: all of them move, or (on any failure) none does.
      const moved = moveToRejected(
        rejectedFiles.flatMap((p) => windowFiles(p.file)),
        args.rejectTo,
      );
      result.rejected = { directory: moved.directory, files: moved.files.map((f) => f.to) };
      ctx.log.info({ files: moved.files }, `moved ${moved.files.length} file(s) of ${rejectedFiles.length} rejected window(s) to ${moved.directory}`);
    }

    ctx.stage('writing', { out: ctx.outDir });
    const csvPath = writePlanesCsv(ctx.outDir, result);
    const jsonPath = writeCubeQaJson(ctx.outDir, result);
    ctx.log.info({ verdict: result.verdict, output: jsonPath, planes: csvPath }, `verdict: ${result.verdict}`);
    ctx.emitResult(result);
    ctx.report(summarizeCubeQa(annotateQaSECubeTool.name, result));
    return result.verdict === 'FAIL' && args.failOnReject ? ExitCode.SUBJECT_FAILED : ExitCode.OK;
  },
};
