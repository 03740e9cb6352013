/**
 * Charts for the QA report pages: Vega-Lite specifications rendered to SVG in Node, without a
 * browser, by Vega's headless renderer. The SVG is inlined in the page, so the page needs no
 * script and no network and looks the same in every browser (fonts aside: the specs name
 * generic families only).
 *
 * Why Vega-Lite: a well-kept grammar of graphics with a server-side SVG renderer; the specs are
 * small JSON objects that say what is plotted (scales, axes, legends) rather than how to draw
 * it. Vega and Vega-Lite are loaded on first use (plotting.ts), from their own bundle when
 * running as the executable, so tools run without --report do not even parse them.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { TopLevelSpec } from 'vega-lite';

declare const __VLASS_BUNDLED__: boolean | undefined;

/** The plotting bundle's file name: an asset of the single executable, a file beside the bundle otherwise (build/build.ts). */
export const PLOTTING_ASSET = 'vlass-plots.cjs';

type Plotting = typeof import('./plotting.js');
let plotting: Plotting | undefined;

export type ChartSpec = TopLevelSpec;

/** Colours shared by the report's charts (Vega's default category palette starts with these). */
export const COLOURS = { pass: '#2ca02c', warn: '#ff7f0e', fail: '#d62728', data: '#4c78a8', model: '#e45756', grid: '#9ecae9' };

/** Renders one Vega-Lite chart to an SVG string. */
export async function renderSvg(spec: ChartSpec): Promise<string> {
  const vega = (plotting ??= await loadPlotting());
  const config = { font: 'sans-serif', ...(spec.config ?? {}) };
  // Vega's warnings would go to the console, where the tools' own log and summary belong.
  const quiet = vega.logger(vega.None);
  const compiled = vega.compile({ ...spec, config } as TopLevelSpec, { logger: quiet }).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none', logger: quiet });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/**
 * The plotting module: in the executable, its bundle from the SEA assets (or the file beside
 * the plain bundle), evaluated as a CommonJS module; from the sources, a plain import.
 */
async function loadPlotting(): Promise<Plotting> {
  if (typeof __VLASS_BUNDLED__ === 'undefined' || !__VLASS_BUNDLED__) return import('./plotting.js');
  const sea = require('node:sea') as { isSea(): boolean; getAsset(key: string, encoding: string): string };
  const code = sea.isSea() ? sea.getAsset(PLOTTING_ASSET, 'utf8') : readFileSync(join(dirname(bundleFile()), PLOTTING_ASSET), 'utf8');
  const vm = require('node:vm') as typeof import('node:vm');
  const module = { exports: {} as Plotting };
  const factory = vm.runInThisContext(`(function (module, exports, require) {${code}\n})`, { filename: PLOTTING_ASSET }) as (m: typeof module, e: Plotting, r: NodeJS.Require) => void;
  factory(module, module.exports, require);
  return module.exports;
}

/** The plain bundle's path: this file on the main thread; on a tool's worker (evaluated from text), what the main thread passed (shared/cli/supervise.ts). */
function bundleFile(): string {
  const { isMainThread, workerData } = require('node:worker_threads') as typeof import('node:worker_threads');
  const passed = (workerData as { bundleFile?: string | null } | undefined)?.bundleFile;
  return isMainThread || !passed ? __filename : passed;
}
