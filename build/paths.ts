/**
 * Where the build reads and writes, and the names it produces. Everything is resolved from
 * this file's location so `npm run build` works from any working directory.
 */
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const ENTRY = join(REPO_ROOT, 'tools', 'main.ts');
/** Intermediate files (bundle, SEA blob, unstripped copies); git-ignored. */
export const WORK_DIR = join(REPO_ROOT, 'build', '.work');
/** What deploy installs; git-ignored. */
export const DIST_DIR = join(REPO_ROOT, 'build', 'dist');
export const MANIFEST_FILE = 'MANIFEST.json';
/** The multi-call binary's own name; must equal MULTICALL_NAME in tools/main.ts. */
export const BINARY_NAME = 'vlass-jobs';
/**
 * Inputs of the binary. A change under any of them makes build/dist stale, and uncommitted
 * changes under them mark the build "-dirty" (other engineers' unrelated files do not).
 */
export const SOURCE_PATHS = ['dags', 'tools', 'shared', 'capo', 'build', 'package.json', 'package-lock.json'];
