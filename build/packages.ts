/**
 * The npm packages an executable bundles, with their versions and licences, for MANIFEST.json:
 * read from esbuild's metafile (every input under node_modules names its package) and each
 * package's own package.json. What ships is then on record with the binary.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Metafile } from 'esbuild';
import { REPO_ROOT } from './paths.js';

export interface BundledPackage {
  name: string;
  version: string;
  license: string;
}

export function bundledPackages(...metafiles: Metafile[]): BundledPackage[] {
  const names = new Set<string>();
  for (const input of metafiles.flatMap((m) => Object.keys(m.inputs))) {
    // The last node_modules/ on the path: a package nested in another's node_modules is its own.
    const m = /(?:^|\/)node_modules\/((?:@[^/]+\/)?[^/]+)\/(?!.*\/node_modules\/)/.exec(input);
    if (m) names.add(input.slice(0, m.index + m[0].length - 1).replace(/^.*?node_modules\//, 'node_modules/'));
  }
  return [...names]
    .map((dir) => {
      const file = join(REPO_ROOT, dir, 'package.json');
      const pkg = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string; license?: unknown }) : {};
      const license = typeof pkg.license === 'string' ? pkg.license : 'UNKNOWN';
      return { name: pkg.name ?? dir.replace(/^.*node_modules\//, ''), version: pkg.version ?? 'unknown', license };
    })
    .sort((a, b) => a.name.localeCompare(b.name) || a.version.localeCompare(b.version));
}
