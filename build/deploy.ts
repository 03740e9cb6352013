/**
 * `npm run deploy -- --env dev|test|prod [--root DIR] [--dry-run] [--rollback] [--force]`
 *
 * Installs build/dist as a new release of <root>/vlass_<env>/ and switches to it atomically,
 * or with --rollback switches back to the previous release. See build/release.ts for the
 * layout and build/README.md for the procedure. Errors are one line; exit codes follow
 * shared/errors.ts (1 refused, 64 usage, 66 no build, 73 cannot create, 75 deploy running).
 */
import { resolve } from 'node:path';
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { ExitCode, JobError, exitCodeFor } from '../shared/errors.js';
import { distStaleReason } from './freshness.js';
import { DIST_DIR } from './paths.js';
import { DEFAULT_ROOT, ENVIRONMENTS, deploy, rollback, type Environment } from './release.js';

interface Args {
  env: Environment;
  root: string;
  dist: string;
  dryRun: boolean;
  rollback: boolean;
  force: boolean;
}

async function parse(argv: string[]): Promise<Args | number> {
  let problem: string | undefined;
  let printed = false;
  const parser = yargs(argv)
    .scriptName('deploy')
    .usage('$0 --env dev|test|prod [options]: install build/dist as a release of <root>/vlass_<env> and switch to it')
    .option('env', { choices: ENVIRONMENTS, demandOption: true, describe: 'environment to install into' })
    .option('root', { type: 'string', default: DEFAULT_ROOT, describe: 'directory holding vlass_<env>/' })
    .option('dist', { type: 'string', default: DIST_DIR, describe: 'build output to install' })
    .option('dry-run', { type: 'boolean', default: false, describe: 'print the plan, change nothing' })
    .option('rollback', { type: 'boolean', default: false, describe: 'make the previous release current again' })
    .option('force', { type: 'boolean', default: false, describe: 'replace sbin/<tool> entries not created by deploy' })
    .version(false)
    .help()
    .strict()
    .exitProcess(false)
    .fail((msg, err) => {
      problem = msg ?? err?.message ?? 'invalid arguments';
    });
  let args: Args | undefined;
  try {
    args = (await parser.parseAsync(argv, {}, (_err, _argv, output) => {
      if (output && problem === undefined) {
        process.stdout.write(output + '\n');
        printed = true;
      }
    })) as unknown as Args;
  } catch (err) {
    problem ??= (err as Error).message;
  }
  if (problem !== undefined) {
    // yargs spreads some messages (invalid choices) over lines; keep them, on one line.
    process.stderr.write(`deploy: ${problem.trim().replace(/\s*\n\s*/g, ' ')} (see deploy --help)\n`);
    return ExitCode.USAGE;
  }
  return printed || !args ? ExitCode.OK : args;
}

async function main(): Promise<number> {
  const args = await parse(hideBin(process.argv));
  if (typeof args === 'number') return args;
  const root = resolve(args.root);
  if (args.rollback) {
    await rollback({ root, env: args.env, dryRun: args.dryRun });
    return ExitCode.OK;
  }
  const dist = resolve(args.dist);
  const stale = dist === DIST_DIR ? distStaleReason() : undefined;
  if (stale) console.log(`warning: build/dist may be stale (${stale}); deploying it as built`);
  await deploy({ root, env: args.env, distDir: dist, dryRun: args.dryRun, force: args.force });
  return ExitCode.OK;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    const message = err instanceof JobError ? err.message : `internal error: ${(err as Error)?.message ?? String(err)}`;
    process.stderr.write(`deploy: ${message.split('\n')[0]}\n`);
    process.exitCode = exitCodeFor(err);
  },
);
