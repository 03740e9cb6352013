/**
 * Coarse-cube QA from a discovered cube to a delivered verdict (annotateQaSECube): check every
 * header first (shape, axes, beams), measure the Stokes I plane of each window one at a time,
 * judge each plane's beam against the 1/f expectation and its flagged fraction, judge the
 * product with the rules, then annotate, move rejected windows and write the result.
 * docs/annotateQaSECube.md says what each step means.
 */
import type { Progress } from '../../progress.js';
import { type CubeFile, type CubeProduct, missingSpws, windowFiles } from '../../cube/discover.js';
import { type CubeFilePlan, checkSameGrid, inspectCubeFile } from '../../cube/plan.js';
import { DataError } from '../../errors.js';
import { cubeProductInfo } from '../productInfo.js';
import { moveToRejected } from '../reject.js';
import { type RuleConfig, evaluateRules, overallVerdict } from '../rules.js';
import { measureCubePlanes } from './measure.js';
import { annotateCubeFile, fileRejected, writeCubeQaJson, writePlanesCsv } from './report.js';
import { CUBE_RULES, chooseReference, judgePlanes, planeName, summarizePlanes } from './rules.js';
import type { CubeQaResult, CubeSettings, UnreadableWindow } from './types.js';

export interface CubeQaOptions {
  settings: CubeSettings;
  /** The rules' limits from CAPO (loadRuleConfigs with CUBE_RULES). */
  ruleConfigs: readonly RuleConfig[];
  /** Write VLASSPT, VLASSPK, VLASSQA into every window, VLASSRJ = T into rejected ones. */
  annotateFits: boolean;
  /** Move each rejected window's files into DIR/QA_REJECTED/. */
  rejectTo?: string;
  /** Where `<stem>.qa.json` and `<stem>.planes.csv` go. */
  outDir: string;
}

export function cubeQa(product: CubeProduct, options: CubeQaOptions, progress: Progress): CubeQaResult {
  const missing = missingSpws(product);
  if (missing.length) progress.warn(`windows not found in ${product.directory}: ${missing.map((s) => `spw${s}`).join(', ')}`, { missingSpws: missing });

  // Every header is checked before any pixel is read. A window that cannot be read (corrupt
  // header, truncated data) is rejected with its reason and the others are judged; only when no
  // window can be read is the cube bad input (65).
  progress.stage('checking', { product: product.stem, files: product.files.length });
  const unreadable: UnreadableWindow[] = [];
  const setAside = (file: CubeFile, err: DataError) => {
    unreadable.push({ file: file.path, spw: file.spw ?? null, reason: err.message });
    progress.warn(`rejected ${file.spw !== undefined ? `spw${file.spw}` : file.path}: cannot be read (${err.message})`, { file: file.path, spw: file.spw, reason: err.message });
  };
  // Each file is set aside at most once (its header, or later its pixels), so this counts them.
  const requireSomeReadable = () => {
    if (unreadable.length === product.files.length) throw new DataError(`no window of ${product.stem} can be read: ${unreadable.map((u) => u.reason).join('; ')}`);
  };
  const plans: CubeFilePlan[] = [];
  for (const file of product.files) {
    try {
      plans.push(inspectCubeFile(file));
    } catch (err) {
      if (!(err instanceof DataError)) throw err;
      setAside(file, err);
    }
  }
  requireSomeReadable();
  checkSameGrid(plans);
  const total = plans.reduce((n, p) => n + p.planes.length, 0);
  for (const plan of plans)
    if (plan.planes.length > 1 && plan.planes.some((p) => p.beamShared))
      progress.warn(`${plan.file.path}: one header beam for its ${plan.planes.length} planes (no BEAMS table): the 1/f beam check does not apply to them`, { file: plan.file.path });

  progress.stage('measuring', { planes: total });
  const measured = measureCubePlanes(
    plans,
    ({ done, total: n, plane, seconds }) =>
    progress.info(`plane ${done}/${n}: ${planeName(plane)} measured`, {
      event: 'plane',
      plane: done,
      planes: n,
      spw: plane.spw,
      freqHz: plane.freqHz,
      file: plane.file,
      rmsJy: plane.rmsJy,
      peakJy: plane.peakJy,
      flaggedFraction: plane.flaggedFraction,
      seconds: Number(seconds.toFixed(3)),
    }),
    undefined,
    (plan, err) => setAside(plan.file, err),
  );
  requireSomeReadable();
  const readable = plans.filter((plan) => !unreadable.some((u) => u.file === plan.file.path));

  progress.stage('judging');
  const reference = chooseReference(measured, options.settings);
  const planes = judgePlanes(measured, reference, options.settings).sort((a, b) => a.freqHz - b.freqHz || a.file.localeCompare(b.file) || a.planeIndex - b.planeIndex);
  // Each unreadable window counts as one rejected plane.
  const planeSummary = summarizePlanes(planes);
  const summary = { ...planeSummary, planes: planeSummary.planes + unreadable.length, rejectedPlanes: planeSummary.rejectedPlanes + unreadable.length };
  const rules = evaluateRules(CUBE_RULES, options.ruleConfigs, summary);
  const result: CubeQaResult = {
    product: cubeProductInfo(product),
    verdict: overallVerdict(rules),
    rules,
    settings: options.settings,
    summary,
    reference,
    planes,
    missingSpws: missing,
    unreadable,
  };
  for (const p of planes) if (p.rejected) progress.warn(`rejected ${planeName(p)}: ${p.reasons.join('; ')}`, { spw: p.spw, freqHz: p.freqHz, file: p.file, reasons: p.reasons });

  const planesOf = (path: string) => planes.filter((p) => p.file === path);
  if (options.annotateFits) {
    progress.stage('annotating', { files: readable.length });
    // Not into an unreadable window: a truncated file is not rewritten.
    for (const plan of readable) {
      const mine = planesOf(plan.file.path);
      const { skipped, update, rejected } = annotateCubeFile(plan.file.path, mine, result);
      if (skipped.length) progress.warn(`not written (not measured): ${skipped.join(', ')}`, { file: plan.file.path, skipped });
      if (!rejected && mine.some((p) => p.rejected))
        progress.warn(`${plan.file.path}: ${mine.filter((p) => p.rejected).length} of its ${mine.length} planes rejected; VLASSRJ marks a whole file, so it is not set (see the result's planes)`, { file: plan.file.path });
      progress.info(`FITS keywords written to ${plan.file.path}`, { file: plan.file.path, mode: update.mode, rejected });
    }
  }
  const rejectedFiles = [...readable.filter((plan) => fileRejected(planesOf(plan.file.path))).map((plan) => plan.file), ...product.files.filter((f) => unreadable.some((u) => u.file === f.path))];
  if (options.rejectTo && rejectedFiles.length > 0) {
    progress.stage('rejecting', { to: options.rejectTo, windows: rejectedFiles.map((f) => f.path) });
    // One call for every rejected window: all of them move, or (on any failure) none does.
    const moved = moveToRejected(
      rejectedFiles.flatMap((f) => windowFiles(f)),
      options.rejectTo,
    );
    result.rejected = { directory: moved.directory, files: moved.files.map((f) => f.to) };
    progress.info(`moved ${moved.files.length} file(s) of ${rejectedFiles.length} rejected window(s) to ${moved.directory}`, { files: moved.files });
  }

  progress.stage('writing', { out: options.outDir });
  const csvPath = writePlanesCsv(options.outDir, result);
  const jsonPath = writeCubeQaJson(options.outDir, result);
  progress.info(`verdict: ${result.verdict}`, { verdict: result.verdict, output: jsonPath, planes: csvPath });
  return result;
}
