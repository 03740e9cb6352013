/**
 * esbuild: tools/main.ts and every dependency into one CommonJS file, the only form a Node
 * single executable can run (its `require` loads built-in modules only).
 */
import { build, type Metafile } from 'esbuild';

export interface BundleOptions {
  entry: string;
  outfile: string;
  version: string;
  commit: string;
  /** capo/*.properties, file name -> text, baked in so nodes need no CAPO files. */
  capoFiles: Record<string, string>;
  /** dags/<workflow>/* files, workflow -> file name -> text, baked in for vlass-dag render. */
  dagTemplates?: Record<string, Record<string, string>>;
}

/**
 * Left out of the tools' bundle: the plotting libraries, which `bundlePlotting` bundles on
 * their own and the report pages load on first use (shared/report/vega.ts).
 */
const PLOTTING_PACKAGES = ['vega', 'vega-lite'];

/**
 * yargs 18 is ESM-only and calls createRequire(import.meta.url); in CJS output esbuild leaves
 * import.meta empty, so it is defined as the file URL of the running file. Inside the SEA
 * __filename is process.execPath, which is what a file URL of "this module" should be.
 */
const IMPORT_META_URL_SHIM = "const __import_meta_url = require('node:url').pathToFileURL(__filename).href;";

/** What every bundle shares: one CommonJS file for Node 20, with the metafile for MANIFEST.json. */
const COMMON = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  // Not minified: it saves well under 1 MB of a ~90 MB binary and nothing measurable at
  // start-up, while readable stack traces in a node's .err file are worth keeping.
  minify: false,
  sourcemap: false,
  legalComments: 'none',
  metafile: true,
  logLevel: 'warning',
  banner: { js: IMPORT_META_URL_SHIM },
} as const;

export async function bundle(options: BundleOptions): Promise<Metafile> {
  const result = await build({
    ...COMMON,
    entryPoints: [options.entry],
    outfile: options.outfile,
    external: PLOTTING_PACKAGES,
    // string-width's load-time Unicode set-up cost every tool ~20 ms of start-up (shared/cli/stringWidth.ts).
    alias: { 'string-width': './shared/cli/stringWidth.ts' },
    define: {
      'import.meta.url': '__import_meta_url',
      __VLASS_BUNDLED__: 'true',
      __VLASS_VERSION__: JSON.stringify(options.version),
      __VLASS_COMMIT__: JSON.stringify(options.commit),
      __EMBEDDED_CAPO__: JSON.stringify(options.capoFiles),
      __EMBEDDED_DAGS__: JSON.stringify(options.dagTemplates ?? {}),
    },
  });
  return result.metafile;
}

/** shared/report/plotting.ts and Vega/Vega-Lite as one CommonJS file (module.exports), for the SEA's assets. */
export async function bundlePlotting(outfile: string): Promise<Metafile> {
  const result = await build({
    ...COMMON,
    entryPoints: ['shared/report/plotting.ts'],
    outfile,
    // vega-canvas tries the optional native 'canvas' package; headless SVG needs none.
    external: ['canvas'],
    define: { 'import.meta.url': '__import_meta_url' },
  });
  return result.metafile;
}
