/**
 * Metrics of a product's component catalog (the SE `<stem>.I.catalog.csv`, a PyBDSF Gaussian
 * list with the VLASS columns; shared/catalog reads it):
 *
 *   components              rows (Gaussian components)
 *   areaSqDeg               the imaged sky: tt0 pixels that are finite and non-zero, times the
 *                           pixel area from the WCS (null without a celestial WCS)
 *   perSquareDegree         components / areaSqDeg
 *   qualityFlaggedFraction  fraction of components whose CIRADA Quality_flag is non-zero (any
 *                           bit set; a blank cell is not counted either way); null when the
 *                           catalog has no Quality_flag column (run_getalpha catalogs do not
 *                           carry it: hasQualityFlag says so) or no component
 */
import { componentsFromCatalog, readCatalog, type Catalog } from '../../catalog/index.js';
import { countPixels, type FloatArray } from '../../stats/index.js';

export const QUALITY_FLAG_COLUMN = 'Quality_flag';

export interface CatalogMetrics {
  /** The catalog read. */
  file: string;
  /** The image the catalog's header says the components were found in ("# Gaussian list for ..."), or null. */
  detectionImage: string | null;
  components: number;
  areaSqDeg: number | null;
  perSquareDegree: number | null;
  /** Whether the catalog has a Quality_flag column. */
  hasQualityFlag: boolean;
  /** Components with a non-zero Quality_flag (null: no such column). */
  qualityFlagged: number | null;
  qualityFlaggedFraction: number | null;
}

/**
 * Reads a component catalog and checks it is a PyBDSF Gaussian list (shared/catalog): a
 * corrupt file is a DataError (65) naming the file and line, an unreadable one 66.
 */
export function readComponentCatalog(path: string): Catalog {
  const catalog = readCatalog(path);
  componentsFromCatalog(catalog);
  return catalog;
}

/** Sky area of the image's usable (finite, non-zero) pixels, square degrees; null without a pixel scale. */
export function imagedAreaSqDeg(plane: FloatArray, pixelScaleArcsec: { x: number; y: number } | null): number | null {
  if (!pixelScaleArcsec) return null;
  const counts = countPixels(plane);
  const usable = counts.finite - counts.zero;
  const area = usable * ((pixelScaleArcsec.x * pixelScaleArcsec.y) / (3600 * 3600));
  return Number.isFinite(area) ? area : null;
}

export function measureCatalog(catalog: Catalog, areaSqDeg: number | null): CatalogMetrics {
  const components = catalog.rows.length;
  const hasQualityFlag = catalog.columns.some((c) => c.name === QUALITY_FLAG_COLUMN);
  let qualityFlagged: number | null = null;
  let qualityFlaggedFraction: number | null = null;
  if (hasQualityFlag) {
    let flagged = 0;
    let known = 0;
    for (const row of catalog.rows) {
      const flag = row[QUALITY_FLAG_COLUMN];
      if (typeof flag !== 'number' || Number.isNaN(flag)) continue;
      known++;
      if (flag !== 0) flagged++;
    }
    qualityFlagged = flagged;
    qualityFlaggedFraction = known === 0 ? null : flagged / known;
  }
  const detection = catalog.comments.map((line) => /^# Gaussian list for (.*)$/.exec(line)).find((m) => m !== null);
  return {
    file: catalog.path,
    detectionImage: detection ? detection[1].trim() : null,
    components,
    areaSqDeg: areaSqDeg !== null && areaSqDeg > 0 ? areaSqDeg : null,
    perSquareDegree: areaSqDeg !== null && areaSqDeg > 0 ? components / areaSqDeg : null,
    hasQualityFlag,
    qualityFlagged,
    qualityFlaggedFraction,
  };
}
