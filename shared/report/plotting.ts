/**
 * Everything the report pages need from Vega and Vega-Lite, in one module: the build bundles
 * it on its own (build/bundle.ts `bundlePlotting`) and ships it as an asset of the single
 * executable, loaded only when a page is made (vega.ts), so the ~2.6 MB of plotting code is
 * not parsed at every tool's start.
 */
export { compile } from 'vega-lite';
export { None, View, logger, parse } from 'vega';
