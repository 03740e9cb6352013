/**
 * Finding the window files of one VLASS coarse cube (`cc`) product, for cube QA and the cube
 * catalog alike.
 *
 * A coarse cube is one file per spectral window, `<stem>.spwN.IQU.iter3.image.pbcor.tt0.subim.fits`
 * (spw 2..17), so the single-main-image layouts of discover.ts do not describe it; the search
 * follows the same rules though:
 *   1. files given explicitly (`--image FILE`, repeatable) are used as they are: per-window files,
 *      or one multi-plane cube (several planes along FREQ); the product stem comes from their
 *      VLASS names (they must share one), else from the first file's name;
 *   2. otherwise in `--dir` (default the working directory), then its `products/` subdirectory:
 *      the windows a pipeline_manifest.xml there lists (each must exist), else every file named
 *      as a window of a `cc` product;
 *   3. otherwise in `--dir`'s per-window working directories `spwN/` (and their `products/`), as
 *      the fanned-out cube workflow leaves them. Common-beam variants (`...subim.com.fits`), rms twins and
 *      other files of the product are not windows, except that with `commonBeamFallback` a
 *      place holding only common-beam windows gives those (the cube catalog measures either).
 * No window: InputMissingError (66) naming the pattern and the places searched. Windows of two
 * products: UsageError (64), choose with --image. A missing explicit file: 66.
 */
import { basename, dirname, join, resolve } from 'node:path';
import { readPipelineManifest } from '../casa/manifest.js';
import { InputMissingError, UsageError } from '../errors.js';
import { parseProductName, type ProductName } from '../vlass/naming.js';
import { MANIFEST_FILE } from '../vlass/discover.js';
import { CUBE_COMMON_BEAM_WINDOW_SUFFIX, CUBE_WINDOW_SUFFIX, VLASS_CUBE_SPWS } from '../vlass/products.js';
import { isDirectory, isFile, listDirectories, listFiles, pathExists } from '../io/fsutil.js';

export interface CubeFile {
  /** Absolute path. */
  path: string;
  /** Spectral window from the file name (undefined: not in the name). */
  spw: number | undefined;
  /** Parsed VLASS name (undefined for a file not named by VLASS rules). */
  name: ProductName | undefined;
  /** A common-beam variant (a `com` token in the name): every window restored with one beam. */
  commonBeam: boolean;
}

export interface CubeProduct {
  /** Product stem (VLASS name up to the version), or the first file's name when not VLASS-named. */
  stem: string;
  name: ProductName | undefined;
  /** Directory of the first file. */
  directory: string;
  /** The files to measure, ordered by spw (files without one last, in the order given). */
  files: CubeFile[];
  /** The manifest that listed the windows, if one was used. */
  manifest?: string;
  /** True when the windows were found in a directory (so missing windows mean something). */
  searched: boolean;
}

export interface CubeDiscoverOptions {
  dir?: string;
  /** Files given by flag; empty or undefined: search `dir`. */
  explicit?: readonly string[];
  /** The flag that gives files, for messages (default `--image`). */
  filesFlag?: string;
  /** Use common-beam windows (`...subim.com.fits`) where a place has no plain ones. */
  commonBeamFallback?: boolean;
}

export async function discoverCube(options: CubeDiscoverOptions = {}): Promise<CubeProduct> {
  const explicit = (options.explicit ?? []).filter((p) => p !== '');
  const flag = options.filesFlag ?? '--image';
  if (explicit.length > 0) return fromFiles(explicit, flag);
  return fromDirectory(resolve(options.dir ?? '.'), flag, options.commonBeamFallback === true);
}

function cubeFile(path: string): CubeFile {
  const name = parseProductName(basename(path));
  return { path, spw: name?.spw, name, commonBeam: basename(path).split('.').includes('com') };
}

function fromFiles(given: readonly string[], flag: string): CubeProduct {
  const seen = new Set<string>();
  const files: CubeFile[] = [];
  for (const p of given) {
    const path = resolve(p);
    if (!isFile(path)) throw new InputMissingError(`${flag} ${p}: ${pathExists(path) ? 'not a regular file' : 'not found'}`);
    if (seen.has(path)) throw new UsageError(`${flag} ${p} is given twice; give each window once`);
    seen.add(path);
    const file = cubeFile(path);
    if (file.name && file.name.type !== 'cc')
      throw new UsageError(`${flag} ${p}: a VLASS ${file.name.type} product, but this tool checks coarse cubes (cc); use the ${file.name.type === 'ql' ? 'annotateQa' : 'annotateQaSE'} tool`);
    files.push(file);
  }
  const stems = [...new Set(files.flatMap((f) => (f.name ? [f.name.stem] : [])))].sort();
  if (stems.length > 1) throw new UsageError(`the ${flag} files belong to ${stems.length} products (${stems.join(', ')}); QA one cube per run`);
  requireOneFilePerSpw(files, (spw, a, b) => `spw${spw} is given twice (${a} and ${b}); give one file per window`);
  const named = files.find((f) => f.name);
  return {
    stem: named ? named.name!.stem : basename(files[0].path).replace(/\.fits$/i, ''),
    name: named?.name,
    directory: dirname(files[0].path),
    files: sortBySpw(files),
    searched: false,
  };
}

async function fromDirectory(dir: string, flag: string, commonBeamFallback: boolean): Promise<CubeProduct> {
  if (!isDirectory(dir)) throw new InputMissingError(`--dir ${dir}: not a directory or cannot be read; pass the directory holding the cube's window files`);
  const places = [dir, join(dir, 'products')].filter(isDirectory);
  const suffixes = commonBeamFallback ? [CUBE_WINDOW_SUFFIX, CUBE_COMMON_BEAM_WINDOW_SUFFIX] : [CUBE_WINDOW_SUFFIX];
  const looked: string[] = [];
  for (const place of places) {
    const manifestPath = join(place, MANIFEST_FILE);
    const useManifest = isFile(manifestPath);
    looked.push(useManifest ? `${manifestPath} (its <image> entries)` : place);
    for (const suffix of suffixes) {
      const found = useManifest ? await windowsFromManifest(place, manifestPath, suffix) : windowsByName(place, suffix);
      if (found.length === 0) continue;
      const stems = [...new Set(found.map((f) => f.name!.stem))].sort();
      if (stems.length > 1) throw new UsageError(`${place} holds ${stems.length} cube products (CC: ${stems.join(', ')}); choose one with ${flag}`);
      return { stem: stems[0], name: found[0].name, directory: place, files: sortBySpw(found), ...(useManifest ? { manifest: manifestPath } : {}), searched: true };
    }
  }
  const fannedOut = fromWindowDirectories(dir, suffixes, flag);
  if (fannedOut) return fannedOut;
  looked.push(`${join(dir, 'spwN', 'products')}`);
  const patterns = suffixes.map((s) => `*.spwN.${s}`).join(' or ');
  throw new InputMissingError(`no CC product found: looked for ${patterns} in ${looked.join(' and ')}; pass --dir or ${flag}`);
}

/**
 * The layout the fanned-out se_coarse_cube_imaging workflow leaves (dags/README.md): one CASA
 * working directory per window, `dir/spwN/`, each with its window in `products/`. The product's
 * directory is `dir`, where its QA result and catalog go.
 */
function fromWindowDirectories(dir: string, suffixes: readonly string[], flag: string): CubeProduct | undefined {
  const windowDirs = listDirectories(dir).filter((d) => /^spw\d+$/.test(d));
  for (const suffix of suffixes) {
    const found = windowDirs.flatMap((d) => [join(dir, d), join(dir, d, 'products')].filter(isDirectory).flatMap((place) => windowsByName(place, suffix)));
    if (found.length === 0) continue;
    const stems = [...new Set(found.map((f) => f.name!.stem))].sort();
    if (stems.length > 1) throw new UsageError(`${dir}/spwN/ hold ${stems.length} cube products (CC: ${stems.join(', ')}); choose one with ${flag}`);
    requireOneFilePerSpw(found, (spw, a, b) => `spw${spw} is found twice (${a} and ${b}); keep one`);
    return { stem: stems[0], name: found[0].name, directory: dir, files: sortBySpw(found), searched: true };
  }
  return undefined;
}

/** UsageError (64) when two files claim one spectral window. */
function requireOneFilePerSpw(files: readonly CubeFile[], twice: (spw: number, first: string, second: string) => string): void {
  const bySpw = new Map<number, string>();
  for (const f of files) {
    if (f.spw === undefined) continue;
    const other = bySpw.get(f.spw);
    if (other !== undefined) throw new UsageError(twice(f.spw, other, f.path));
    bySpw.set(f.spw, f.path);
  }
}

function isWindowName(file: string, suffix: string): boolean {
  const name = parseProductName(file);
  return name !== undefined && name.type === 'cc' && name.spw !== undefined && file === `${name.stem}.spw${name.spw}.${suffix}`;
}

function windowsByName(dir: string, suffix: string): CubeFile[] {
  return listFiles(dir)
    .filter((f) => isWindowName(f, suffix))
    .map((f) => cubeFile(join(dir, f)));
}

async function windowsFromManifest(dir: string, manifestPath: string, suffix: string): Promise<CubeFile[]> {
  const manifest = await readPipelineManifest(manifestPath);
  const out: CubeFile[] = [];
  for (const image of manifest.images) {
    const file = basename(image.name);
    if (!isWindowName(file, suffix)) continue;
    const path = join(dir, file);
    if (!isFile(path)) throw new InputMissingError(`${path}: listed in ${manifestPath} but not found; the export is incomplete`);
    out.push(cubeFile(path));
  }
  return out;
}

function sortBySpw(files: CubeFile[]): CubeFile[] {
  return files
    .map((f, i) => ({ f, i }))
    .sort((a, b) => (a.f.spw ?? Infinity) - (b.f.spw ?? Infinity) || a.i - b.i)
    .map(({ f }) => f);
}

/** VLASS windows 2..17 not among the product's files (only meaningful when `searched`). */
export function missingSpws(product: CubeProduct): number[] {
  if (!product.searched) return [];
  const have = new Set(product.files.map((f) => f.spw));
  return VLASS_CUBE_SPWS.filter((s) => !have.has(s));
}

/**
 * Every file of one window, to move together when the window is rejected: the window file and,
 * for a VLASS-named window, every regular non-hidden file beside it named `<stem>.spwN.*` (its
 * rms twin, common-beam variant, ...). Sorted.
 */
export function windowFiles(file: CubeFile): string[] {
  const out = new Set([file.path]);
  if (file.name && file.spw !== undefined) {
    const prefix = `${file.name.stem}.spw${file.spw}.`;
    const dir = dirname(file.path);
    for (const name of listFiles(dir)) if (name.startsWith(prefix)) out.add(join(dir, name));
  }
  return [...out].sort();
}
