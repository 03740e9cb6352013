/**
 * casa-verdict: the DAG's POST script for a CASA node.
 *   SCRIPT POST casa casa-verdict --workdir <dir> --exit-code $RETURN
 * Reads the working directory, applies the standard (shared/casa/verdict.ts), writes
 * casa-verdict.json, prints a one-paragraph summary on stderr, exits 0 (success) or 1 (failure).
 */
import { statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { writeFileAtomic } from '../../shared/io/atomic.js';
import { defineTool } from '../../shared/cli/run.js';
import { ExitCode, InputMissingError, UsageError } from '../../shared/errors.js';
import { judgeCasaRun, type CasaVerdict } from '../../shared/casa/verdict.js';

export const CAPO_PREFIX = 'edu.nrao.vlass.casaVerdict';
export const RESULT_FILE = 'casa-verdict.json';


export const casaVerdictTool = defineTool({
  name: 'casa-verdict',
  summary: 'decide whether a CASA run succeeded, from its working directory (a DAG POST script)',
  capoPrefixes: [CAPO_PREFIX],
  positional: { name: 'directory', flag: 'workdir' },
  flags: {
    workdir: { type: 'string', describe: 'the CASA working directory (logs, errorexit markers, products/); required' },
    'exit-code': { type: 'string', describe: "the job's exit status, DAGMan's $RETURN (negative: killed by a signal; -1001/-1002/-1004: never ran)" },
    expect: { type: 'string', array: true, default: [], describe: 'glob (relative to --workdir) that must match non-empty products; repeatable' },
    workflow: { type: 'string', describe: `add the expected products configured for this workflow (CAPO ${CAPO_PREFIX}.expect.<workflow>)` },
  },
  examples: [['$0 --workdir . --exit-code $RETURN --workflow quicklook', 'as a DAG POST script']],

  async run(ctx, args) {
    // Checked here rather than with demandOption so that --show-config works alone.
    if (!args.workdir) throw new UsageError('--workdir is required: the CASA working directory to judge');
    const workdir = resolve(args.workdir);
    try {
      if (!statSync(workdir).isDirectory()) throw new InputMissingError(`--workdir ${workdir}: not a directory`);
    } catch (err) {
      if (err instanceof InputMissingError) throw err;
      throw new InputMissingError(`--workdir ${workdir}: does not exist or cannot be read; pass the CASA working directory`);
    }
    const exitCode = parseExitCode(args.exitCode);
    const expect = [...args.expect];
    if (args.workflow) {
      const key = `${CAPO_PREFIX}.expect.${args.workflow}`;
      if (!ctx.capo.has(key)) throw new UsageError(`--workflow ${args.workflow}: no CAPO key ${key}; known workflows: ${Object.keys(ctx.capo.settings(`${CAPO_PREFIX}.expect`)).join(', ')}`);
      expect.push(...ctx.capo.getList(key));
    }
    const policy = {
      fatalOrigins: new Set(ctx.capo.getList(`${CAPO_PREFIX}.fatalOrigins`).map((s) => s.toLowerCase())),
      allowPattern: ctx.capo.getRegex(`${CAPO_PREFIX}.allowPattern`),
    };
    const logGlob = ctx.capo.getString(`${CAPO_PREFIX}.logGlob`);

    ctx.stage('reading', { workdir });
    const verdict = await judgeCasaRun({ workdir, exitCode, expect, policy, logGlob });

    ctx.stage('writing');
    const outFile = join(ctx.outDir, RESULT_FILE);
    writeFileAtomic(outFile, JSON.stringify(verdict, null, 2) + '\n');
    ctx.log.info({ verdict: verdict.verdict, fatal: verdict.counts.fatal, warnings: verdict.counts.warning, output: outFile }, `verdict: ${verdict.verdict}`);
    ctx.emitResult(verdict);
    ctx.report(summarize(verdict));
    return verdict.verdict === 'success' ? ExitCode.OK : ExitCode.SUBJECT_FAILED;
  },
});

/** DAGMan substitutes $RETURN as a decimal integer, possibly negative. */
export function parseExitCode(text: string | undefined): number | undefined {
  if (text === undefined || text === '') return undefined;
  if (!/^-?\d+$/.test(text.trim())) throw new UsageError(`--exit-code "${text}": expected an integer such as DAGMan's $RETURN`);
  return Number(text);
}

/** The one paragraph an operator reads in the node's .err file. */
export function summarize(v: CasaVerdict): string {
  const firstFatal = v.reasons.find((r) => r.severity === 'fatal');
  const where = (r: { file?: string; line?: number }) => (r.file ? ` (${r.file}${r.line ? `:${r.line}` : ''})` : '');
  const taskList = Object.entries(v.tasks)
    .map(([t, c]) => `${t} ${c.runs}${c.failed ? `/${c.failed} failed` : ''}`)
    .join(', ');
  const parts = [
    `casa-verdict: ${v.verdict.toUpperCase()} for ${v.workdir}.`,
    firstFatal ? `First fatal reason [rule ${firstFatal.rule}]: ${firstFatal.message}${where(firstFatal)}.` : 'No fatal reason found.',
    `${v.counts.fatal} fatal, ${v.counts.warning} warning(s); ${v.logs.length} CASA log(s) read; exit status ${v.exitCode ?? 'not given'}.`,
    taskList ? `Tasks (runs/failed): ${taskList}.` : '',
    v.pipelineStages.length ? `Last pipeline stage recorded: ${v.pipelineStages[v.pipelineStages.length - 1]}.` : '',
  ];
  return parts.filter((p) => p !== '').join(' ');
}
