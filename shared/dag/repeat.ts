/**
 * Fan-out in a DAG template: a block of lines repeated once per item of a list, so one template
 * gives one node per spectral window or per image (HTCondor runs them side by side; DAGMan has
 * no loop of its own). In a .dag template:
 *
 *   #each spw in {{spws}}
 *   JOB casa_spw{{spw}} casa.sub
 *   VARS casa_spw{{spw}} spw="{{spw}}"
 *   #end
 *
 * The list is a parameter holding an array (`{{spws}}`), an array inside an object parameter
 * (`{{plan.images}}`), or a comma-separated CAPO value (`{{capo:key}}`). Items are plain values
 * (`{{spw}}`) or objects whose fields are named (`{{image.phaseCenter}}`). Item values go into
 * node names and arguments, so they must be short plain words (letters, digits, `_ . + -`).
 * The marker lines are DAG comments, so a template reads as a DAG.
 */
import { DataError } from '../errors.js';

const BLOCK_START = /^#each\s+([A-Za-z][A-Za-z0-9_]*)\s+in\s+\{\{\s*([A-Za-z][A-Za-z0-9_.:-]*)\s*\}\}\s*$/;
const BLOCK_END = /^#end\s*$/;
const SAFE_ITEM = /^[A-Za-z0-9_.+-]{1,64}$/;

/** Resolves a list expression (`spws`, `plan.images`, `capo:key`); undefined when it names nothing. */
export type ListLookup = (expression: string) => unknown;

/** The template with every `#each` block expanded; the list expressions used are returned too. */
export function expandRepeats(text: string, file: string, lookup: ListLookup): { text: string; lists: string[] } {
  const lines = text.split('\n');
  const out: string[] = [];
  const lists: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const start = BLOCK_START.exec(lines[i].trim());
    if (!start) {
      if (BLOCK_END.test(lines[i].trim())) throw new DataError(`${file}:${i + 1}: #end without #each`);
      if (lines[i].trim().startsWith('#each')) throw new DataError(`${file}:${i + 1}: write "#each NAME in {{LIST}}"`);
      out.push(lines[i]);
      continue;
    }
    const [, name, expression] = start;
    const end = lines.findIndex((l, j) => j > i && (BLOCK_END.test(l.trim()) || BLOCK_START.test(l.trim())));
    if (end < 0 || !BLOCK_END.test(lines[end].trim())) throw new DataError(`${file}:${i + 1}: #each ${name} has no #end before ${end < 0 ? 'the end of the file' : `line ${end + 1}`} (blocks do not nest)`);
    const items = listOf(lookup(expression), expression, file, i + 1);
    lists.push(expression);
    const body = lines.slice(i + 1, end);
    for (const [index, item] of items.entries()) out.push(...body.map((l) => fillItem(l, name, item, `${file}:${i + 1}: ${expression}[${index}]`)));
    i = end;
  }
  return { text: out.join('\n'), lists };
}

function listOf(value: unknown, expression: string, file: string, line: number): unknown[] {
  const list = expression.startsWith('capo:') && typeof value === 'string' ? value.split(',').map((s) => s.trim()).filter((s) => s !== '') : value;
  if (!Array.isArray(list)) throw new DataError(`${file}:${line}: #each over {{${expression}}}: ${value === undefined ? 'no such parameter or CAPO key' : 'not a list'}; give an array parameter or a comma-separated CAPO value`);
  if (list.length === 0) throw new DataError(`${file}:${line}: #each over {{${expression}}}: the list is empty, so the DAG would have no such node`);
  return list;
}

/** One line of a block with `{{name}}` and `{{name.field}}` filled from the item. */
function fillItem(line: string, name: string, item: unknown, where: string): string {
  const pattern = new RegExp(`\\{\\{\\s*${name}(?:\\.([A-Za-z][A-Za-z0-9_]*))?\\s*\\}\\}`, 'g');
  return line.replace(pattern, (_, field: string | undefined) => {
    let value: unknown = item;
    if (field !== undefined) {
      if (item === null || typeof item !== 'object' || !(field in item)) throw new DataError(`${where}: has no field "${field}"`);
      value = (item as Record<string, unknown>)[field];
    } else if (item !== null && typeof item === 'object') {
      throw new DataError(`${where}: is an object; name one of its fields ({{${name}.${Object.keys(item)[0] ?? 'field'}}})`);
    }
    const text = typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
    if (text === undefined || !SAFE_ITEM.test(text)) throw new DataError(`${where}${field ? `.${field}` : ''}: ${JSON.stringify(value)} cannot name a node or an argument; use letters, digits, _ . + - (at most 64)`);
    return text;
  });
}
