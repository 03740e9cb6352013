/** Yes/no questions about paths, for discovery code that must not throw on a missing file. */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

export function pathExists(path: string): boolean {
  return statSync(path, { throwIfNoEntry: false }) !== undefined;
}

export function isFile(path: string): boolean {
  try {
    return statSync(path, { throwIfNoEntry: false })?.isFile() ?? false;
  } catch {
    return false; // unreadable parent directory: not a file we can use
  }
}

export function isDirectory(path: string): boolean {
  try {
    return statSync(path, { throwIfNoEntry: false })?.isDirectory() ?? false;
  } catch {
    return false;
  }
}

/** The visible regular files of `dir`, sorted by name; none when it cannot be read. */
export function listFiles(dir: string): string[] {
  return visibleEntries(dir, isFile);
}

/** The visible subdirectories of `dir`, sorted by name; none when it cannot be read. */
export function listDirectories(dir: string): string[] {
  return visibleEntries(dir, isDirectory);
}

function visibleEntries(dir: string, kind: (path: string) => boolean): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names.filter((n) => !n.startsWith('.') && kind(join(dir, n))).sort();
}
