/**
 * Symlink replacement with rename(2): a new link is made under a temporary name in the same
 * directory and renamed over the old one, so every reader resolves either the old or the new
 * target and never finds the name missing (rm + ln would leave a gap a running DAG can hit).
 */
import { lstatSync, readlinkSync, renameSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';

export function replaceSymlink(dir: string, name: string, target: string): void {
  const tmp = join(dir, `.${name}.tmp-${process.pid}`);
  rmSync(tmp, { force: true });
  symlinkSync(target, tmp);
  try {
    renameSync(tmp, join(dir, name));
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}

/** The target of `path` if it is a symlink; undefined if absent; throws if it is something else. */
export function readLinkIfAny(path: string): string | undefined {
  let isLink: boolean;
  try {
    isLink = lstatSync(path).isSymbolicLink();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  if (!isLink) throw new Error(`${path} exists but is not a symlink`);
  return readlinkSync(path);
}
