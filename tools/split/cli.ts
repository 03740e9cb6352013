/**
 * split: per-image measurement sets (PIMS) for the seci_split_measurement_sets workflow and for
 * reimaging, split from restored calibrated data with casacore and cached safely
 * (docs/split.md). A plan (`--plan`) or one image by flags.
 */
import { resolve } from 'node:path';
import { defineTool } from '../../shared/cli/run.js';
import type { FlagValues } from '../../shared/cli/flags.js';
import { ConfigError, ExitCode, UsageError } from '../../shared/errors.js';
import { planImage, readPlan, type PlannedImage } from '../../shared/split/plan.js';
import { runSplit, type SplitBackend } from '../../shared/split/run.js';

export const CAPO_PREFIX = 'edu.nrao.vlass.split';

const SPLIT_FLAGS = {
  plan: { type: 'string', describe: 'plan JSON: images and the measurement sets each needs (docs/split.md)' },
  only: { type: 'string', describe: "with --plan: split only the plan's image with this phase centre (one DAG node per image)" },
  ms: { type: 'string', array: true, describe: 'one image: the restored calibrated measurement set(s); repeatable' },
  'phase-center': { type: 'string', describe: 'one image: its phase centre, e.g. J005000-023000' },
  'radius-deg': { type: 'number', describe: 'one image: fields within this many degrees of the centre' },
  epoch: { type: 'string', describe: 'one image: VLASS epoch, e.g. VLASS2.1' },
  tile: { type: 'string', describe: 'one image: tile, e.g. T10t01' },
  calibration: { type: 'string', describe: "one image: the calibration product, plain or the manager's {'NAME': 123} form" },
  cache: { type: 'string', describe: `cache root (default: CAPO ${CAPO_PREFIX}.cacheRoot)` },
  backend: { choices: ['taql', 'casa'], describe: `taql (casacore, no Python) or casa (mstransform) (default: CAPO ${CAPO_PREFIX}.backend)` },
  jobs: { type: 'number', describe: `images split in parallel (default: CAPO ${CAPO_PREFIX}.jobs)` },
  force: { type: 'boolean', default: false, describe: 'redo verified cache entries' },
} as const;

export const splitTool = defineTool({
  name: 'split',
  summary: 'split calibrated measurement sets into per-image measurement sets (PIMS) and cache them',
  capoPrefixes: [CAPO_PREFIX],
  flags: SPLIT_FLAGS,
  examples: [['$0 --plan plan.json', 'every image of a plan'], ['$0 --ms /data/eb1.ms --phase-center J005000-023000 --radius-deg 1 --epoch VLASS2.1 --tile T10t01', 'one image']],

  async run(ctx, args) {
    const images = imagesFrom(args);
    const cacheRoot = args.cache ? resolve(args.cache) : ctx.capo.getString(`${CAPO_PREFIX}.cacheRoot`, '');
    if (!cacheRoot) throw new ConfigError(`no cache root: set CAPO ${CAPO_PREFIX}.cacheRoot or pass --cache DIR`);
    const backend = (args.backend ?? ctx.capo.getString(`${CAPO_PREFIX}.backend`, 'taql')) as SplitBackend;
    if (backend !== 'taql' && backend !== 'casa') throw new ConfigError(`CAPO ${CAPO_PREFIX}.backend is "${backend}"; use taql or casa`);
    const jobs = args.jobs ?? ctx.capo.getInteger(`${CAPO_PREFIX}.jobs`, 1);
    if (!Number.isInteger(jobs) || jobs < 1) throw new UsageError(`--jobs ${jobs}: a whole number >= 1`);
    const casaPath = backend === 'casa' ? ctx.capo.getString(`${CAPO_PREFIX}.casaPath`) : undefined;
    const lockStaleMs = ctx.capo.getNumber(`${CAPO_PREFIX}.lockStaleHours`, 12) * 3600_000;

    ctx.stage('splitting', { images: images.length, cacheRoot, backend });
    const outcomes = await runSplit(
      { images, cacheRoot, force: args.force, jobs, backend, casaPath, lockStaleMs },
      { step: (u) => ctx.events.emit({ kind: 'split', state: u.state, step: u.step, image: u.image, ms: u.ms, progress: u.progress, message: u.message }) },
      ctx.log,
    );
    const result = { cacheRoot, backend, outcomes };
    ctx.emitResult(result);
    const count = (state: string) => outcomes.filter((o) => o.state === state).length;
    ctx.report(`split: ${count('split')} split, ${count('cached')} already cached, ${count('failed')} failed, for ${images.length} image(s) under ${cacheRoot}.`);
    const failed = outcomes.find((o) => o.state === 'failed');
    return failed ? (failed.exitCode ?? ExitCode.SOFTWARE) : ExitCode.OK;
  },
});

function imagesFrom(args: FlagValues<typeof SPLIT_FLAGS>): PlannedImage[] {
  const byFlags = args.ms !== undefined || args.phaseCenter !== undefined || args.radiusDeg !== undefined;
  if (args.plan && byFlags) throw new UsageError('give either --plan or --ms/--phase-center/--radius-deg, not both');
  if (args.only !== undefined && !args.plan) throw new UsageError('--only selects an image of a --plan; give --plan FILE too');
  if (args.plan) return onlyImage(readPlan(resolve(args.plan)), args.only, args.plan);
  if (!byFlags) throw new UsageError('nothing to split: give --plan FILE, or --ms, --phase-center, --radius-deg, --epoch and --tile for one image');
  for (const [flag, value] of [['--ms', args.ms], ['--phase-center', args.phaseCenter], ['--radius-deg', args.radiusDeg], ['--epoch', args.epoch], ['--tile', args.tile]] as const)
    if (value === undefined) throw new UsageError(`${flag} is required to split one image by flags`);
  try {
    return [
      planImage(
        { epoch: args.epoch, tile: args.tile, phaseCenter: args.phaseCenter, radiusDeg: args.radiusDeg, measurementSets: args.ms!.map((path) => (args.calibration ? { path, calibration: args.calibration } : path)) },
        'command line',
        process.cwd(),
      ),
    ];
  } catch (err) {
    // A bad flag value is a usage error, not bad data.
    const flag = (key: string) => (key.startsWith('measurementSets') ? '--ms' : `--${key.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase())}`);
    throw new UsageError((err as Error).message.replace(/^command line: (\w+)(?:\[\d+\])?/, (_, key: string) => flag(key)));
  }
}

/** The plan's images, or with --only the one with that phase centre (64 naming those there are). */
function onlyImage(images: PlannedImage[], phaseCenter: string | undefined, planFile: string): PlannedImage[] {
  if (phaseCenter === undefined) return images;
  const chosen = images.filter((img) => img.phaseCenter === phaseCenter);
  if (chosen.length === 0) throw new UsageError(`--only ${phaseCenter}: no such image in ${planFile}; it has ${images.map((img) => img.phaseCenter).join(', ')}`);
  return chosen;
}
