/**
 * The workflow templates (dags/<workflow>/), embedded in the executable at build time like the
 * CAPO defaults, read from the checkout otherwise.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UsageError } from '../errors.js';
import type { Template } from './render.js';

declare const __EMBEDDED_DAGS__: Record<string, Template> | undefined;

/** Every template directory under `dir`: workflow -> file name -> text. */
export function readDagTemplates(dir: string): Record<string, Template> {
  const out: Record<string, Template> = {};
  if (!existsSync(dir)) return out;
  for (const workflow of readdirSync(dir).sort()) {
    const wdir = join(dir, workflow);
    if (!statSync(wdir).isDirectory()) continue;
    out[workflow] = Object.fromEntries(
      readdirSync(wdir)
        .filter((f) => /\.(dag|sub|json)$/.test(f))
        .sort()
        .map((f) => [f, readFileSync(join(wdir, f), 'utf8')]),
    );
  }
  return out;
}

function allTemplates(): Record<string, Template> {
  if (typeof __EMBEDDED_DAGS__ !== 'undefined') return __EMBEDDED_DAGS__;
  return readDagTemplates(join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'dags'));
}

/**
 * A workflow's files. A folder with `template.json` ({"template": "calibration"}) uses another
 * workflow's template with its own example parameters: se_calibration is calibration with other
 * parameters, not a copy.
 */
function resolved(workflow: string): Template | undefined {
  const all = allTemplates();
  const own = all[workflow];
  if (!own) return undefined;
  if (!own['template.json']) return own;
  const base = all[(JSON.parse(own['template.json']) as { template: string }).template];
  return base ? { ...base, ...Object.fromEntries(Object.entries(own).filter(([f]) => f !== 'template.json')) } : undefined;
}

export function workflowNames(): string[] {
  return Object.keys(allTemplates()).filter((w) => Object.keys(resolved(w) ?? {}).some((f) => f.endsWith('.dag')));
}

export function workflowTemplate(workflow: string): Template {
  const t = resolved(workflow);
  if (!t || !Object.keys(t).some((f) => f.endsWith('.dag'))) throw new UsageError(`--workflow ${workflow}: no such workflow; choose one of ${workflowNames().join(', ') || '(none built in)'}`);
  return t;
}
