/**
 * Writes the VLASS SE component catalog CSV (the `*.I.catalog.csv` of an SE product):
 * the comment header of header.ts, then one line per Component with the columns of
 * columns.ts. The output matches the real run_getalpha catalogs byte for byte apart from
 * the "# Executing" line, which names our tool (test/shared/catalog checks this on the real
 * files).
 */
import { writeFileAtomic } from '../io/atomic.js';
import type { CatalogContext, Component } from '../sources/types.js';
import { CATALOG_COLUMNS, type ColumnSpec, formatRow } from './columns.js';
import { defaultDetectionImage, formatHeaderLines } from './header.js';

export interface VlassCatalogOptions {
  /**
   * File name for the "# Gaussian list for" line: the image the components were found in.
   * Default: the SE convention, `<ImageFile stem>.image.pbcor.tt0.subim.fits`.
   */
  detectionImage?: string;
}

/**
 * The columns for these components: the Gaussian list and VLASS columns always (every
 * component must carry `vlass`), the quality columns when the components carry quality
 * measures (then all must).
 */
export function vlassCatalogColumns(components: readonly Component[]): ColumnSpec[] {
  const withQuality = components.some((c) => c.quality !== undefined);
  return CATALOG_COLUMNS.filter((c) => c.group !== 'quality' || withQuality);
}

/** The whole catalog as text. */
export function formatVlassCatalog(components: readonly Component[], context: CatalogContext, options: VlassCatalogOptions = {}): string {
  const columns = vlassCatalogColumns(components);
  const detectionImage = options.detectionImage ?? defaultDetectionImage(context.imageFile);
  const lines = formatHeaderLines(context, detectionImage, columns.map((c) => c.name));
  for (const component of components) lines.push(formatRow(component, columns));
  return lines.join('\n') + '\n';
}

/** Writes the catalog atomically (a reader never sees half a catalog). */
export function writeVlassCatalog(path: string, components: readonly Component[], context: CatalogContext, options: VlassCatalogOptions = {}): void {
  writeFileAtomic(path, formatVlassCatalog(components, context, options));
}
