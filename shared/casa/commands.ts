/**
 * `casa_commands.log`: the pipeline's record of its stages, written as comment lines
 * `# hif_makeimages(hm_masking='none', ...)`. Only the stage names are taken: they tell an
 * operator how far the pipeline got.
 */
import { readFileSync } from 'node:fs';
import { fsError } from '../errors.js';

const STAGE = /^# (h[a-z]*_[A-Za-z0-9_]+)\(/;

export function readPipelineStages(path: string): string[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw fsError(err, path, 'reading');
  }
  const stages: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    const m = STAGE.exec(line);
    if (m) stages.push(m[1]);
  }
  return stages;
}
