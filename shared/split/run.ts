/**
 * split, step by step for each image and measurement set (docs/split.md):
 *   select  the fields within the image's radius (inspect the measurement set first)
 *   split   into a temporary directory beside the cache target (taql, or CASA)
 *   verify  read the result back with casacore
 *   cache   rename it into place and record it in the image directory's index
 * Images run in parallel up to `jobs`; one image's measurement sets run in order under the
 * image directory's lock. A verified, current entry is skipped unless `force`.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../log.js';
import { VERSION_STRING } from '../buildinfo.js';
import { forgetTemporary } from '../io/atomic.js';
import { JobError, exitCodeFor } from '../errors.js';
import { casaSplit } from '../ms/casaSplit.js';
import { inspectMeasurementSet } from '../ms/inspect.js';
import { selectFields } from '../ms/select.js';
import { rowsPerField, splitByField } from '../ms/split.js';
import { verifySplit } from '../ms/verify.js';
import {
  imageDirectory,
  installSplit,
  isCurrent,
  lockImageDirectory,
  readIndex,
  removeDeadLeftovers,
  splitName,
  temporaryBeside,
  writeIndex,
  type CacheEntry,
} from './cache.js';
import type { PlannedImage } from './plan.js';

export type SplitBackend = 'taql' | 'casa';
export type SplitStepName = 'select' | 'split' | 'verify' | 'cache';

export interface SplitOptions {
  images: PlannedImage[];
  cacheRoot: string;
  force: boolean;
  jobs: number;
  backend: SplitBackend;
  casaPath?: string;
  lockStaleMs: number;
}

/** How progress leaves the library: one call per step and state (the tool turns them into events). */
export interface SplitProgress {
  step(update: { step: SplitStepName; state: 'started' | 'progress' | 'done' | 'failed'; image: string; ms: string; progress?: number; message?: string }): void;
}

export interface SplitOutcome {
  image: string;
  ms: string;
  target: string;
  state: 'split' | 'cached' | 'failed';
  fields?: number;
  rows?: number;
  bytes?: number;
  absentSubtables?: string[];
  error?: string;
  exitCode?: number;
}

export async function runSplit(options: SplitOptions, progress: SplitProgress, log: Logger): Promise<SplitOutcome[]> {
  const outcomes: SplitOutcome[] = [];
  const queue = [...options.images];
  const worker = async () => {
    for (let image = queue.shift(); image; image = queue.shift()) outcomes.push(...(await splitImage(image, options, progress, log)));
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(options.jobs, options.images.length)) }, worker));
  return outcomes;
}

async function splitImage(image: PlannedImage, options: SplitOptions, progress: SplitProgress, log: Logger): Promise<SplitOutcome[]> {
  const dir = imageDirectory(options.cacheRoot, image.epoch, image.tile, image.phaseCenter);
  const release = lockImageDirectory(dir, log, options.lockStaleMs);
  const outcomes: SplitOutcome[] = [];
  try {
    removeDeadLeftovers(dir, log);
    for (const planned of image.measurementSets) {
      const name = splitName(planned.path);
      const target = join(dir, name);
      let step: SplitStepName = 'select';
      const report = (state: 'started' | 'progress' | 'done' | 'failed', extra: { progress?: number; message?: string } = {}) =>
        progress.step({ step, state, image: image.phaseCenter, ms: planned.path, ...extra });
      let tmp: string | undefined;
      try {
        report('started');
        const info = await inspectMeasurementSet(planned.path);
        if (info.absentSubtables.length) log.info({ ms: planned.path, absent: info.absentSubtables }, `${planned.path}: its keywords name ${info.absentSubtables.length} subtable(s) that are absent (${info.absentSubtables.slice(0, 5).join(', ')}${info.absentSubtables.length > 5 ? ', ...' : ''}); they cannot be carried over`);
        const selection = selectFields(planned.path, info.fields, image.centre, image.radiusDeg);
        const fieldIds = selection.selected.map((f) => f.id);
        report('done', { progress: 1, message: `${fieldIds.length} of ${info.fields.length} fields within ${image.radiusDeg} deg` });

        const index = readIndex(dir);
        if (!options.force && isCurrent(dir, name, index.entries[name], info)) {
          step = 'cache';
          report('done', { progress: 1, message: `already cached: ${target}` });
          outcomes.push({ image: image.phaseCenter, ms: planned.path, target, state: 'cached', fields: fieldIds.length, rows: index.entries[name].rows, bytes: index.entries[name].bytes });
          continue;
        }

        step = 'split';
        report('started');
        tmp = temporaryBeside(target);
        let absentSubtables = info.absentSubtables;
        let sourceRowsPerField: Record<number, number>;
        if (options.backend === 'casa') [, sourceRowsPerField] = await Promise.all([casaSplit(options.casaPath!, planned.path, tmp, fieldIds), rowsPerField(planned.path, fieldIds)]);
        else ({ absentSubtables, sourceRowsPerField } = await splitByField(info, fieldIds, tmp, (_, fraction) => report('progress', { progress: fraction })));
        report('done', { progress: 1 });

        step = 'verify';
        report('started');
        const verified = await verifySplit(info, selection.selected, tmp, sourceRowsPerField);
        report('done', { progress: 1, message: `${verified.rows} rows, ${verified.fields.length} fields` });

        step = 'cache';
        report('started');
        // The old entry goes first: from here until the new one is written, no entry vouches for the target.
        delete index.entries[name];
        writeIndex(dir, index);
        installSplit(tmp, target);
        tmp = undefined;
        const entry: CacheEntry = {
          source: planned.path,
          sourceBytes: info.sizeBytes,
          sourceMtimeMs: info.newestMtimeMs,
          ...(planned.calibration ? { calibration: planned.calibration } : {}),
          fields: selection.selected.map(({ id, name: fieldName, raDeg, decDeg }) => ({ id, name: fieldName, raDeg, decDeg })),
          rows: verified.rows,
          bytes: verified.sizeBytes,
          tool: 'split',
          version: VERSION_STRING,
          time: new Date().toISOString(),
          state: 'verified',
        };
        const fresh = readIndex(dir);
        fresh.entries[name] = entry;
        writeIndex(dir, fresh);
        report('done', { progress: 1, message: target });
        outcomes.push({ image: image.phaseCenter, ms: planned.path, target, state: 'split', fields: fieldIds.length, rows: verified.rows, bytes: verified.sizeBytes, absentSubtables });
      } catch (err) {
        if (tmp) {
          rmSync(tmp, { recursive: true, force: true });
          forgetTemporary(tmp);
        }
        const message = err instanceof JobError ? err.message : String((err as Error)?.message ?? err);
        report('failed', { message });
        log.error({ ms: planned.path, image: image.phaseCenter, step, exitCode: exitCodeFor(err) }, message);
        outcomes.push({ image: image.phaseCenter, ms: planned.path, target, state: 'failed', error: message, exitCode: exitCodeFor(err) });
      }
    }
  } finally {
    release();
  }
  return outcomes;
}
