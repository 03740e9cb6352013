/**
 * Version, git commit and the project's CAPO defaults. The build (build/build.ts) bakes these
 * into the bundle with esbuild `define`, so the single-file executable needs nothing on disk;
 * when running from a checkout (tests, tsx) they are read from the repository instead.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

declare const __VLASS_VERSION__: string | undefined;
declare const __VLASS_COMMIT__: string | undefined;
declare const __EMBEDDED_CAPO__: Record<string, string> | undefined;

const baked = typeof __VLASS_VERSION__ !== 'undefined';

function repoRoot(): string {
  return join(dirname(fileURLToPath(import.meta.url)), '..');
}

function checkoutVersion(): string {
  return (JSON.parse(readFileSync(join(repoRoot(), 'package.json'), 'utf8')) as { version: string }).version;
}

function checkoutCommit(): string {
  try {
    return execFileSync('git', ['rev-parse', '--short=12', 'HEAD'], { cwd: repoRoot(), encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return 'unknown';
  }
}

/** Reads capo/*.properties from the checkout: file name -> text. */
export function readCapoDirectory(dir = join(repoRoot(), 'capo')): Record<string, string> {
  const files: Record<string, string> = {};
  for (const name of readdirSync(dir).sort()) {
    if (name.endsWith('.properties')) files[name] = readFileSync(join(dir, name), 'utf8');
  }
  return files;
}

export const VERSION: string = baked ? (__VLASS_VERSION__ as string) : checkoutVersion();
export const COMMIT: string = baked ? (__VLASS_COMMIT__ as string) : checkoutCommit();
export const VERSION_STRING = `${VERSION} (${COMMIT})`;

/** The project's CAPO defaults (capo/*.properties), embedded at build time. */
export function embeddedCapoFiles(): Record<string, string> {
  return typeof __EMBEDDED_CAPO__ !== 'undefined' ? __EMBEDDED_CAPO__ : readCapoDirectory();
}
