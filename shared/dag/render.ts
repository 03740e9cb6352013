/**
 * Rendering a workflow template (dags/<workflow>/, docs/vlass-dag.md "render") into a concrete
 * DAG directory: every `{{name}}` in the template files is filled from the manager's parameters
 * (checked against the workflow's params.schema.json) or from CAPO (`{{sbinDir}}`,
 * `{{workspacesBinDir}}`, `{{env}}`, `{{workflow}}`, `{{capoProfile}}`, `{{capo:<key>}}`), after `#each`
 * blocks in the .dag are repeated once per item of a list (./repeat.ts). Strict: an unknown, a
 * missing or an unused placeholder is an error listing every name at once; values are checked
 * (paths absolute and inside the allowed roots, no `..`, no shell metacharacters). The output is
 * written to a temporary directory, linted, then renamed: nothing half-rendered is left.
 */
import { existsSync, mkdirSync, readdirSync, renameSync, rmdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { basename, dirname, isAbsolute, join, normalize, resolve } from 'node:path';
import { Ajv } from 'ajv';
import type { CapoConfig } from '../capo/capo.js';
import { DataError, InputMissingError, OutputError, UsageError } from '../errors.js';
import { forgetTemporary, trackTemporary } from '../io/atomic.js';
import { lintDag, type Finding } from './lint.js';
import { expandRepeats } from './repeat.js';

/** A workflow template: file name -> text (the .dag, its .sub files, params.schema.json, stages.json, example.params.json). */
export type Template = Record<string, string>;

export const PLACEHOLDER = /\{\{\s*([A-Za-z][A-Za-z0-9_.:-]*)\s*\}\}/g;
const SHELL_META = /[;&|`$<>(){}!*?~'"\\\n\r\0]/;

export interface RenderOptions {
  workflow: string;
  template: Template;
  params: Record<string, unknown>;
  capo: CapoConfig;
  env: string;
  out: string;
  /** Roots every path value must lie under. */
  allowedRoots: string[];
  knownExecutables: string[];
}

export interface Rendered {
  dir: string;
  dagFile: string;
  files: string[];
  findings: Finding[];
}

/** The values CAPO gives every template. */
function capoValues(capo: CapoConfig, env: string, workflow: string): Record<string, string> {
  return {
    env,
    workflow,
    // The jobs read the same CAPO profile at run time (tool settings), through CAPO_PROFILE.
    capoProfile: capo.profile ?? `dsoc-${env}`,
    sbinDir: capo.getString('edu.nrao.vlass.sbinDir', `/lustre/aoc/cluster/pipeline/vlass_${env}/sbin`),
    workspacesBinDir: capo.getString('edu.nrao.vlass.workspaces.binDir', '/lustre/aoc/cluster/pipeline/workspaces/bin'),
  };
}

/** Checks one parameter value: no shell metacharacters; paths absolute, normalised, inside the roots. */
function checkValue(key: string, value: unknown, isPath: boolean, roots: string[]): string[] {
  const problems: string[] = [];
  const text = typeof value === 'string' ? value : typeof value === 'number' || typeof value === 'boolean' ? String(value) : undefined;
  if (text === undefined) return [`${key}: must be a string, number or boolean`];
  if (SHELL_META.test(text)) problems.push(`${key}: "${text.slice(0, 60)}" contains a shell metacharacter, quote, newline or NUL`);
  if (text.split('/').includes('..')) problems.push(`${key}: "${text}" contains ".."`);
  if (isPath) {
    if (!isAbsolute(text)) problems.push(`${key}: "${text}" must be an absolute path`);
    else if (!roots.some((r) => normalize(text) === r || normalize(text).startsWith(r.endsWith('/') ? r : r + '/'))) problems.push(`${key}: "${text}" is outside the allowed roots (${roots.join(', ')})`);
  }
  return problems;
}

export function renderWorkflow(options: RenderOptions): Rendered {
  const { template, workflow } = options;
  const dagName = Object.keys(template).find((f) => f.endsWith('.dag'));
  if (!dagName) throw new InputMissingError(`workflow ${workflow}: its template has no .dag file`);
  const schemaText = template['params.schema.json'];
  if (!schemaText) throw new InputMissingError(`workflow ${workflow}: its template has no params.schema.json`);
  const schema = JSON.parse(schemaText) as { properties?: Record<string, { pathValue?: boolean; writeAs?: string }> };
  // A parameter with "writeAs" (a split plan, say) is written as that JSON file beside the DAG;
  // its placeholder gives the file name, and its values are checked by the tool that reads it.
  const files = Object.fromEntries(Object.entries(schema.properties ?? {}).filter(([, p]) => p.writeAs).map(([k, p]) => [k, p.writeAs!]));

  // The manager's parameters: the schema first, every problem at once.
  const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
  if (!validate(options.params)) {
    throw new DataError(`parameters for ${workflow}: ${(validate.errors ?? []).map((e) => `${e.instancePath || '(top)'} ${e.message}${e.params && 'additionalProperty' in e.params ? ` "${String(e.params.additionalProperty)}"` : ''}`).join('; ')}`);
  }
  // Lists (arrays) feed `#each` blocks (./repeat.ts), which check every item they use.
  const valueProblems = Object.entries(options.params)
    .filter(([k, v]) => !(k in files) && !Array.isArray(v))
    .flatMap(([k, v]) => checkValue(k, v, schema.properties?.[k]?.pathValue === true, options.allowedRoots));
  if (valueProblems.length) throw new DataError(`parameters for ${workflow}: ${valueProblems.join('; ')}`);

  const capo = capoValues(options.capo, options.env, workflow);
  const lookup = (name: string): string | undefined => {
    if (name.startsWith('capo:')) {
      const key = name.slice(5);
      // An empty CAPO value is as good as none: a DAG must not run with an empty argument.
      const value = options.capo.has(key) ? options.capo.getString(key) : '';
      return value === '' ? undefined : value;
    }
    if (name in files && name in options.params) return files[name];
    if (name in options.params) return String(options.params[name]);
    return capo[name];
  };

  // `{{plan.images}}`: a path into a parameter; `{{capo:key}}`: a CAPO list.
  const listLookup = (expression: string): unknown =>
    expression.startsWith('capo:') ? lookup(expression) : expression.split('.').reduce<unknown>((v, k) => (v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined), options.params);

  const templated = Object.keys(template).filter((f) => f.endsWith('.dag') || f.endsWith('.sub'));
  const used = new Set<string>();
  const unknown = new Set<string>();
  const rendered: Record<string, string> = {};
  for (const file of templated) {
    const expanded = file.endsWith('.dag') ? expandRepeats(template[file], file, listLookup) : { text: template[file], lists: [] };
    for (const list of expanded.lists) used.add(list.split('.')[0]);
    rendered[file] = expanded.text.replace(PLACEHOLDER, (_, name: string) => {
      used.add(name);
      const value = lookup(name);
      if (value === undefined) {
        unknown.add(name);
        return '';
      }
      return value;
    });
  }
  const unused = Object.keys(options.params).filter((k) => !used.has(k));
  const problems = [
    ...(unknown.size ? [`placeholders with no parameter or CAPO value: ${[...unknown].sort().join(', ')}`] : []),
    ...(unused.length ? [`parameters no template uses: ${unused.sort().join(', ')}`] : []),
  ];
  if (problems.length) throw new DataError(`rendering ${workflow}: ${problems.join('; ')}`);

  // Into a temporary beside the output, linted, then renamed: nothing half-rendered is left.
  const out = resolve(options.out);
  const parent = dirname(out);
  if (!existsSync(parent) || !statSync(parent).isDirectory()) throw new OutputError(`--out ${out}: its parent directory does not exist; create it first`);
  const outExists = existsSync(out);
  if (outExists && readdirSync(out).length) throw new UsageError(`--out ${out}: not empty; render into a new or empty directory`);
  const tmp = join(parent, `.${basename(out)}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
  trackTemporary(tmp);
  try {
    mkdirSync(tmp);
    for (const [file, text] of Object.entries(rendered)) writeFileSync(join(tmp, file), text);
    if (template['stages.json']) writeFileSync(join(tmp, 'stages.json'), template['stages.json']);
    writeFileSync(join(tmp, 'params.json'), JSON.stringify(options.params, null, 2) + '\n');
    for (const [k, file] of Object.entries(files)) if (k in options.params) writeFileSync(join(tmp, file), JSON.stringify(options.params[k], null, 2) + '\n');
    const findings = lintDag(join(tmp, dagName), { knownExecutables: options.knownExecutables, deployedDirs: [capo.sbinDir, capo.workspacesBinDir] });
    if (findings.length) throw new DataError(`rendered ${workflow} fails lint: ${findings.map((f) => `${basename(f.file)}:${f.line}: ${f.message}`).join('; ')}`);
    // An empty --out is replaced by the finished directory in one rename.
    if (outExists) rmdirSync(out);
    renameSync(tmp, out);
    forgetTemporary(tmp);
    return { dir: out, dagFile: join(out, dagName), files: [...Object.keys(rendered), 'stages.json', 'params.json', ...Object.values(files)], findings };
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true });
    forgetTemporary(tmp);
    throw err;
  }
}

/**
 * The example parameters with every relative path made absolute under `out` (so an example
 * renders self-contained), and `out` added to the allowed roots by the caller.
 */
export function exampleParams(template: Template, out: string): Record<string, unknown> {
  const text = template['example.params.json'];
  if (!text) throw new InputMissingError('this workflow has no example.params.json');
  const schema = JSON.parse(template['params.schema.json'] ?? '{}') as { properties?: Record<string, { pathValue?: boolean }> };
  const params = JSON.parse(text) as Record<string, unknown>;
  for (const [k, v] of Object.entries(params)) if (schema.properties?.[k]?.pathValue && typeof v === 'string' && !isAbsolute(v)) params[k] = join(resolve(out), v);
  return params;
}
