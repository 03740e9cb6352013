/**
 * The CASA pipeline's `pipeline_manifest.xml`: the products it says it exported.
 * `<piperesults><ous> ... <image imtype="target" name="..."/>` (images may sit at any depth,
 * e.g. under per-session elements), parsed with fast-xml-parser.
 */
import { readFileSync } from 'node:fs';
import { DataError, fsError } from '../errors.js';

export interface ManifestImage {
  name: string;
  imtype?: string;
}

export interface PipelineManifest {
  file: string;
  images: ManifestImage[];
}

/**
 * Reads a manifest; DataError (one line, with the XML line number) when malformed.
 * fast-xml-parser is loaded on first use: most runs of a tool never need it.
 */
export async function readPipelineManifest(path: string): Promise<PipelineManifest> {
  const { XMLParser, XMLValidator } = await import('fast-xml-parser');
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw fsError(err, path, 'reading');
  }
  const valid = XMLValidator.validate(text);
  if (valid !== true) throw new DataError(`${path}: malformed XML at line ${valid.err.line}: ${valid.err.msg}`);
  const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@_', isArray: (_name, _path, _leaf, isAttribute) => !isAttribute });
  let doc: Record<string, unknown>;
  try {
    doc = parser.parse(text) as Record<string, unknown>;
  } catch (err) {
    // The validator lets a few malformed documents through (an unclosed <?xml ... ?>); the parser does not.
    throw new DataError(`${path}: malformed XML: ${(err as Error).message.split('\n')[0]}; re-export the pipeline results`, { cause: err });
  }
  if (!('piperesults' in doc)) throw new DataError(`${path}: no <piperesults> element; is this a pipeline manifest?`);
  const images: ManifestImage[] = [];
  collectImages(doc, images);
  return { file: path, images };
}

function collectImages(node: unknown, out: ManifestImage[]): void {
  if (Array.isArray(node)) {
    for (const n of node) collectImages(n, out);
    return;
  }
  if (node === null || typeof node !== 'object') return;
  for (const [key, value] of Object.entries(node as Record<string, unknown>)) {
    if (key === 'image') {
      for (const img of value as Record<string, unknown>[]) {
        const name = img['@_name'];
        if (typeof name === 'string' && name !== '') out.push({ name, imtype: typeof img['@_imtype'] === 'string' ? img['@_imtype'] : undefined });
      }
    } else if (!key.startsWith('@_')) collectImages(value, out);
  }
}
