/**
 * Charts for the QA report pages: Vega-Lite specifications rendered to SVG in Node, without a
 * browser, by Vega's headless renderer. The SVG is inlined in the page, so the page needs no
 * script and no network and looks the same in every browser (fonts aside: the specs name
 * generic families only).
 *
 * Why Vega-Lite: a well-kept grammar of graphics with a server-side SVG renderer; the specs are
 * small JSON objects that say what is plotted (scales, axes, legends) rather than how to draw
 * it. Vega and Vega-Lite are loaded on first use, so tools run without --report do not pay to
 * initialise them.
 */
import type { TopLevelSpec } from 'vega-lite';

export type ChartSpec = TopLevelSpec;

/** Colours shared by the report's charts (Vega's default category palette starts with these). */
export const COLOURS = { pass: '#2ca02c', warn: '#ff7f0e', fail: '#d62728', data: '#4c78a8', model: '#e45756', grid: '#9ecae9' };

/** Renders one Vega-Lite chart to an SVG string. */
export async function renderSvg(spec: ChartSpec): Promise<string> {
  const [vega, vegaLite] = await Promise.all([import('vega'), import('vega-lite')]);
  const config = { font: 'sans-serif', ...(spec.config ?? {}) };
  // Vega's warnings would go to the console, where the tools' own log and summary belong.
  const quiet = vega.logger(vega.None);
  const compiled = vegaLite.compile({ ...spec, config } as TopLevelSpec, { logger: quiet }).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none', logger: quiet });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
