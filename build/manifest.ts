/**
 * build/dist/MANIFEST.json: what was built, from which commit, with which Node, and the
 * sha256 of the binary. deploy.ts trusts nothing else about build/dist.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MANIFEST_FILE } from './paths.js';

export interface BuildManifest {
  version: string;
  commit: string;
  /** ISO 8601 UTC. */
  builtAt: string;
  /** process.version of the Node embedded in the binary. */
  node: string;
  /** Tool names; each is a link to `binary` in build/dist. */
  tools: string[];
  /** File name of the multi-call binary in build/dist. */
  binary: string;
  /** Hex sha256 of `binary`. */
  sha256: string;
  size: number;
  /** The npm packages bundled into it, with their licences (build/packages.ts). */
  packages?: { name: string; version: string; license: string }[];
}

/** The string every tool prints for --version (see shared/buildinfo.ts VERSION_STRING). */
export function versionString(m: Pick<BuildManifest, 'version' | 'commit'>): string {
  return `${m.version} (${m.commit})`;
}

export { sha256File } from '../shared/io/hash.js';

/** Reads and shape-checks a manifest; throws with the file name on any problem. */
export function readManifest(dir: string): BuildManifest {
  const file = join(dir, MANIFEST_FILE);
  const m = JSON.parse(readFileSync(file, 'utf8')) as Partial<BuildManifest>;
  const strings = ['version', 'commit', 'builtAt', 'node', 'binary', 'sha256'] as const;
  for (const key of strings) {
    if (typeof m[key] !== 'string' || m[key] === '') throw new Error(`${file}: "${key}" missing`);
  }
  if (!Array.isArray(m.tools) || m.tools.some((t) => typeof t !== 'string' || !/^[\w.-]+$/.test(t)))
    throw new Error(`${file}: "tools" must be a list of plain file names`);
  if (!/^[0-9a-f]{64}$/.test(m.sha256 as string)) throw new Error(`${file}: "sha256" is not a sha256`);
  if (!/^[\w.-]+$/.test(m.binary as string)) throw new Error(`${file}: "binary" must be a plain file name`);
  return m as BuildManifest;
}
