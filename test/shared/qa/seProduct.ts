/**
 * Single Epoch products for the SE QA tests: the committed small SE fixture
 * (fixtures/vlass/small/se, 320x320 at 0.6", written by fixtures/vlass writeSeProduct) copied
 * into a scratch directory, then changed one image at a time; component catalogs made from the
 * committed reference catalog (test/reference/qa_se_reference.edge.catalog.csv).
 */
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { componentsFromCatalog, readCatalog, readVlassHeader, writeVlassCatalog } from '../../../shared/catalog/index.js';
import { FitsHeader, readFitsImage, writeFitsImage } from '../../../shared/fits/index.js';
import { REPO_ROOT } from '../../helpers/realdata.js';

export const SE_STEM = 'VLASS2.1.se.T10t01.J000200-003000.06.2048.v1';
export const SE_FIXTURE = join(REPO_ROOT, 'fixtures', 'vlass', 'small', 'se');
export const SE_SIZE = 320;
export const REFERENCE_CATALOG = join(REPO_ROOT, 'test', 'reference', 'qa_se_reference.edge.catalog.csv');

export const SE_SUFFIX = {
  image: 'I.iter3.image.pbcor.tt0.subim.fits',
  rms: 'I.iter3.image.pbcor.tt0.rms.subim.fits',
  tt1: 'I.iter3.image.pbcor.tt1.subim.fits',
  alpha: 'I.iter3.alpha.subim.fits',
  alphaError: 'I.iter3.alpha.error.subim.fits',
  catalog: 'I.catalog.csv',
} as const;

export type SeRole = keyof typeof SE_SUFFIX;
export type SeImageRole = Exclude<SeRole, 'catalog'>;

export function sePath(dir: string, role: SeRole): string {
  return join(dir, `${SE_STEM}.${SE_SUFFIX[role]}`);
}

/** Copies the fixture's images (and truth CSV) into `dir`, leaving out `without`. */
export function copySeFixture(dir: string, without: SeImageRole[] = []): Record<SeImageRole, string> {
  mkdirSync(dir, { recursive: true });
  const out = {} as Record<SeImageRole, string>;
  for (const role of ['image', 'rms', 'tt1', 'alpha', 'alphaError'] as const) {
    out[role] = sePath(dir, role);
    if (!without.includes(role)) copyFileSync(sePath(SE_FIXTURE, role), out[role]);
  }
  copyFileSync(join(SE_FIXTURE, `${SE_STEM}.truth.csv`), join(dir, `${SE_STEM}.truth.csv`));
  return out;
}

/**
 * Rewrites an image in place: `pixels` changes a copy of its plane (or returns a new one),
 * `header` its header; `shape` writes it with another shape (the pixels are then repeated or
 * cut to fit).
 */
export function rewriteImage(
  path: string,
  change: { pixels?: (data: Float32Array) => Float32Array | void; header?: (h: FitsHeader) => void; shape?: number[] } = {},
): void {
  const { header, layout, data } = readFitsImage(path);
  let pixels: Float32Array = Float32Array.from(data as ArrayLike<number>);
  pixels = change.pixels?.(pixels) ?? pixels;
  const shape = change.shape ?? [...layout.naxis];
  const count = shape.reduce((a, b) => a * b, 1);
  if (count !== pixels.length) {
    const resized = new Float32Array(count);
    for (let i = 0; i < count; i++) resized[i] = pixels[i % pixels.length];
    pixels = resized;
  }
  const template = header.clone();
  change.header?.(template);
  writeFitsImage(path, pixels, shape, template);
}

/** The reference catalog as `<stem>.I.catalog.csv` in `dir` (11 components, Quality_flag on 5 of 10 known). */
export function writeReferenceCatalog(dir: string): string {
  const path = sePath(dir, 'catalog');
  copyFileSync(REFERENCE_CATALOG, path);
  return path;
}

/** The reference catalog's components written without the quality columns (a run_getalpha catalog). */
export function writeCatalogWithoutQuality(path: string): string {
  const catalog = readCatalog(REFERENCE_CATALOG);
  const components = componentsFromCatalog(catalog).map((c) => ({ ...c, quality: undefined }));
  writeVlassCatalog(path, components, readVlassHeader(catalog).context);
  return path;
}

/** The reference catalog with its data line number `line` (1-based in the file) cut short by one value. */
export function writeCorruptCatalog(path: string, line: number): string {
  const lines = readFileSync(REFERENCE_CATALOG, 'utf8').split('\n');
  lines[line - 1] = lines[line - 1].split(', ').slice(0, -1).join(', ');
  writeFileSync(path, lines.join('\n'));
  return path;
}
