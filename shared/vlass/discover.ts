/**
 * Finding the files of one VLASS product (QA and the component list alike).
 *
 * A layout names the files a product type has, by role, as the suffix that follows the
 * product stem (QL: `image` = `<stem>.I.iter1.image.pbcor.tt0.subim.fits`). Files are found:
 *   1. by flag: a role given explicitly (`--image FILE`) is used as is; the product stem comes
 *      from its name, and roles not given are looked for beside it;
 *   2. otherwise in a directory (`--dir`, default the working directory, then its `products/`
 *      subdirectory, where the pipeline exports): when a pipeline_manifest.xml is there, the
 *      products are those its <image> entries name (each must exist); else every file whose
 *      name parses as a VLASS product of the layout's type and has a role's suffix.
 * A missing required file is InputMissingError (66) naming the file or pattern looked for and
 * where; two products where one was expected is a UsageError (64) asking to choose with a flag.
 */
import { statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { readPipelineManifest } from '../casa/manifest.js';
import { InputMissingError, UsageError } from '../errors.js';
import { parseProductName, type ProductName, type ProductType } from './naming.js';
import { isDirectory, isFile, listFiles } from '../io/fsutil.js';

/** The product type as VLASSPT and the QA results write it. */
export type VlassProductKind = 'QL' | 'SE' | 'CC';

export const MANIFEST_FILE = 'pipeline_manifest.xml';

export interface FileRole {
  /** Role name; also the command-line flag that gives it explicitly (`image` <-> `--image`). */
  role: string;
  /** The flag, when it is not the role name (`alphaError` <-> `--alpha-error`); for messages. */
  flag?: string;
  /** What follows `<stem>.` in the file name. */
  suffix: string;
  required: boolean;
}

export interface ProductLayout {
  /** The type token in VLASS names (ql, se, cc). */
  type: ProductType;
  /** The type as VLASSPT writes it. */
  qaType: VlassProductKind;
  /** The first role is the product's main image: it names the product. */
  roles: readonly FileRole[];
}

export interface DiscoveredProduct {
  /** Product stem (VLASS name up to the version), or the main file's name when not VLASS-named. */
  stem: string;
  /** Parsed VLASS name of the main image (undefined for a file not named by VLASS rules). */
  name: ProductName | undefined;
  /** Directory holding the main image. */
  directory: string;
  /** Absolute path of each role found. */
  files: Record<string, string>;
  /** The manifest that listed the product, if one was used. */
  manifest?: string;
}

export interface DiscoverOptions {
  /** Directory to search (default: current directory). */
  dir?: string;
  /** Files given by flag, by role; undefined entries are ignored. */
  explicit?: Record<string, string | undefined>;
}

export async function discoverProduct(layout: ProductLayout, options: DiscoverOptions = {}): Promise<DiscoveredProduct> {
  const main = layout.roles[0];
  const explicit = Object.fromEntries(Object.entries(options.explicit ?? {}).filter(([, v]) => v !== undefined && v !== '')) as Record<string, string>;
  for (const role of Object.keys(explicit))
    if (!layout.roles.some((r) => r.role === role)) throw new Error(`no file role "${role}" in the ${layout.type} layout`);
  const flagOf = (role: string) => layout.roles.find((r) => r.role === role)?.flag ?? role;
  for (const [role, path] of Object.entries(explicit)) explicit[role] = checkFile(resolve(path), `--${flagOf(role)} ${path}`);

  let product: DiscoveredProduct;
  if (explicit[main.role]) product = fromMainFile(layout, explicit[main.role]);
  else product = await fromDirectory(layout, resolve(options.dir ?? '.'));

  // Roles not given by flag are looked for beside the main image, by name.
  for (const role of layout.roles) {
    if (explicit[role.role]) product.files[role.role] = explicit[role.role];
    else if (!product.files[role.role] && product.name) {
      const candidate = join(product.directory, `${product.stem}.${role.suffix}`);
      if (isFile(candidate)) product.files[role.role] = candidate;
    }
    if (role.required && !product.files[role.role])
      throw new InputMissingError(
        `${product.stem}.${role.suffix}: not found in ${product.directory}; the ${layout.qaType} product ${product.stem} needs its ${role.role} file (or give it with --${role.flag ?? role.role})`,
      );
  }
  return product;
}

/** The product named by an explicitly given main image. */
function fromMainFile(layout: ProductLayout, path: string): DiscoveredProduct {
  const name = parseProductName(basename(path));
  if (name && name.type !== layout.type)
    throw new UsageError(`--${layout.roles[0].role} ${path}: a VLASS ${name.type} product, but this tool checks ${layout.type} products; use the ${name.type} tool`);
  const stem = name ? name.stem : basename(path).replace(/\.fits$/i, '');
  return { stem, name, directory: dirname(path), files: { [layout.roles[0].role]: path } };
}

/** The one product in `dir` (or `dir/products`), by manifest or by name. */
async function fromDirectory(layout: ProductLayout, dir: string): Promise<DiscoveredProduct> {
  const main = layout.roles[0];
  if (!isDirectory(dir)) throw new InputMissingError(`--dir ${dir}: not a directory or cannot be read; pass the directory holding the ${layout.qaType} products`);
  const places = [dir, join(dir, 'products')].filter(isDirectory);
  const looked: string[] = [];
  for (const place of places) {
    const manifestPath = join(place, MANIFEST_FILE);
    const found = isFile(manifestPath) ? await mainImagesFromManifest(layout, place, manifestPath) : mainImagesByName(layout, place);
    looked.push(isFile(manifestPath) ? `${manifestPath} (its <image> entries)` : place);
    if (found.length === 0) continue;
    const stems = [...new Set(found.map((f) => f.name.stem))].sort();
    if (stems.length > 1)
      throw new UsageError(`${place} holds ${stems.length} ${layout.qaType} products (${stems.join(', ')}); choose one with --${main.role}`);
    const { path, name } = found[0];
    return {
      stem: name.stem,
      name,
      directory: place,
      files: { [main.role]: path },
      ...(isFile(manifestPath) ? { manifest: manifestPath } : {}),
    };
  }
  throw new InputMissingError(`no ${layout.qaType} product found: looked for *.${main.suffix} in ${looked.join(' and ')}; pass --dir or --${main.role}`);
}

interface NamedFile {
  path: string;
  name: ProductName;
}

function mainImagesByName(layout: ProductLayout, dir: string): NamedFile[] {
  const suffix = layout.roles[0].suffix;
  return listFiles(dir)
    .map((file) => ({ path: join(dir, file), name: parseProductName(file) }))
    .filter((f): f is NamedFile => f.name !== undefined && f.name.type === layout.type && basename(f.path) === `${f.name.stem}.${suffix}`);
}

/** Main images the manifest names; each must exist beside the manifest. */
async function mainImagesFromManifest(layout: ProductLayout, dir: string, manifestPath: string): Promise<NamedFile[]> {
  const manifest = await readPipelineManifest(manifestPath);
  const out: NamedFile[] = [];
  for (const image of manifest.images) {
    const name = parseProductName(image.name);
    if (!name || name.type !== layout.type) continue;
    const path = join(dir, basename(image.name));
    if (!isFile(path)) throw new InputMissingError(`${path}: listed in ${manifestPath} but not found; the export is incomplete`);
    if (basename(image.name) === `${name.stem}.${layout.roles[0].suffix}`) out.push({ path, name });
  }
  return out;
}

/**
 * Every file of the product in its directory: regular, not hidden (temporaries start with a
 * dot), named `<stem>.*`, plus the product's files found elsewhere (given by flag). Sorted.
 * For a file not named by VLASS rules, only the files found.
 */
export function productFiles(product: DiscoveredProduct): string[] {
  const files = new Set(Object.values(product.files));
  if (product.name) {
    for (const name of listFiles(product.directory)) if (name.startsWith(`${product.stem}.`)) files.add(join(product.directory, name));
  }
  return [...files].sort();
}

function checkFile(path: string, what: string): string {
  let st;
  try {
    st = statSync(path);
  } catch {
    throw new InputMissingError(`${what}: not found or cannot be read; check the path`);
  }
  if (!st.isFile()) throw new InputMissingError(`${what}: not a regular file`);
  return path;
}

