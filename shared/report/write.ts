/** Writing a report page: atomically, so a reader (or the archive) never sees half a page. */
import { join } from 'node:path';
import { writeFileAtomic } from '../io/atomic.js';

/** Writes `<name>` into outDir and returns its path. */
export function writeReport(outDir: string, name: string, html: string): string {
  const path = join(outDir, name);
  writeFileAtomic(path, html);
  return path;
}
