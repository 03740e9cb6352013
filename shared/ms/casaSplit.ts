/**
 * The `casa` backend: a CASA script calling mstransform with the field selection, for sites
 * that prefer CASA's own split (it regenerates the subtables itself). Run with the CASA found
 * under CAPO `edu.nrao.vlass.split.casaPath`; the result is verified like the taql backend's.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { DataError, TemporaryError } from '../errors.js';
import { forgetChild, trackChild, writeFileAtomic } from '../io/atomic.js';

/** Python string literal for a path (paths with quotes are refused before this). */
const py = (text: string) => `'${text.replace(/\\/g, '\\\\')}'`;

export function casaSplitScript(vis: string, outputvis: string, fieldIds: number[]): string {
  return [
    '# Written by split (vlass-jobs): keep the fields this image needs, re-indexed from 0 as CASA does.',
    `mstransform(vis=${py(vis)}, outputvis=${py(outputvis)}, field=${py(fieldIds.join(','))}, datacolumn='all', keepflags=True, reindex=True)`,
    '',
  ].join('\n');
}

/** Writes the script beside `outputvis` and runs CASA on it; DataError with CASA's last words on failure. */
export async function casaSplit(casaPath: string, vis: string, outputvis: string, fieldIds: number[]): Promise<void> {
  const script = `${outputvis}.split.py`;
  writeFileAtomic(script, casaSplitScript(vis, outputvis, fieldIds));
  const casa = join(casaPath, 'bin', 'casa');
  await new Promise<void>((resolve, reject) => {
    const child = spawn(casa, ['--nogui', '--nologger', '--log2term', '--agg', '-c', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    if (child.pid) trackChild(child.pid);
    let tail = '';
    const keep = (d: Buffer) => (tail = (tail + d.toString()).slice(-2000));
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('error', (e: NodeJS.ErrnoException) =>
      reject(e.code === 'ENOENT' ? new TemporaryError(`${casa}: not found; check CAPO edu.nrao.vlass.split.casaPath`) : new TemporaryError(`${casa}: ${e.message}`)),
    );
    child.on('close', (code) => {
      if (child.pid) forgetChild(child.pid);
      if (code === 0) resolve();
      else reject(new DataError(`${vis}: CASA mstransform failed (exit ${code}): ${tail.trim().split('\n').slice(-3).join(' | ')}`));
    });
  });
}
