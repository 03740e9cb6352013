/**
 * Location of the team's real reference files (../shared/realdata beside the checkout).
 * They are oracles, read in place and never copied; tests that use them skip when absent.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join, resolve } from 'node:path';

export const REPO_ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '..', '..');
export const REALDATA = process.env.VLASS_REALDATA ?? resolve(REPO_ROOT, '..', 'shared', 'realdata');
export const hasRealdata = existsSync(REALDATA);

/** Path of a file under realdata. */
export function realdata(...parts: string[]): string {
  return join(REALDATA, ...parts);
}
