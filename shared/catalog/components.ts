/**
 * Rebuilds Component records from a catalog read by readCatalog: for the cube tool (which
 * measures the catalog's components in each spectral window) and the QA tool. Columns are
 * matched by name through the catalog table of columns.ts, so any PyBDSF Gaussian list
 * works, with or without the VLASS and quality columns.
 *
 * Not in the format, so not restored: `fitFlags` (always []).
 */
import { DataError } from '../errors.js';
import type { Component, Measured, Shape } from '../sources/types.js';
import { CATALOG_COLUMNS, type ColumnGroup, columnsOf } from './columns.js';
import { parseVlassHeader, type VlassHeader } from './header.js';
import type { Catalog } from './reader.js';

const S_CODES: ReadonlySet<string> = new Set(['S', 'C', 'M']);

/** One Component per row; DataError naming the file (and line) when the catalog is not a Gaussian list. */
export function componentsFromCatalog(catalog: Catalog): Component[] {
  const present = new Set(catalog.columns.map((c) => c.name));
  const missing = columnsOf('gaussian').filter((c) => !present.has(c.name)).map((c) => c.name);
  if (missing.length > 0)
    throw new DataError(`${catalog.path}: not a PyBDSF Gaussian list: no column${missing.length > 1 ? 's' : ''} ${abbreviate(missing)}`);
  const groups = new Set<ColumnGroup>(['gaussian']);
  for (const group of ['vlass', 'quality'] as const) if (groupPresent(catalog, group, present)) groups.add(group);
  const columns = CATALOG_COLUMNS.filter((c) => groups.has(c.group));

  return catalog.rows.map((row, i) => {
    const component = blankComponent();
    for (const col of columns) col.put(component, row[col.name]);
    if (!S_CODES.has(component.sCode))
      throw new DataError(`${catalog.path}:${catalog.rowLines[i]}: S_Code ${JSON.stringify(component.sCode)} is not S, C or M`);
    return component;
  });
}

/** The VLASS header of a catalog (image, reference direction, beam, frequency, generator). */
export function readVlassHeader(catalog: Catalog): VlassHeader {
  return parseVlassHeader(catalog.comments, catalog.path);
}

/** All columns of the group present: true; none: false; some: a damaged catalog. */
function groupPresent(catalog: Catalog, group: ColumnGroup, present: Set<string>): boolean {
  const names = columnsOf(group).map((c) => c.name);
  const found = names.filter((n) => present.has(n));
  if (found.length === 0) return false;
  if (found.length < names.length)
    throw new DataError(`${catalog.path}: has ${found.join(', ')} but not ${names.filter((n) => !present.has(n)).join(', ')}`);
  return true;
}

function abbreviate(names: string[]): string {
  return names.length > 4 ? `${names.slice(0, 4).join(', ')} and ${names.length - 4} more` : names.join(', ');
}

function blankComponent(): Component {
  const measured = (): Measured => ({ value: NaN, error: NaN });
  const shape = (): Shape => ({ maj: measured(), min: measured(), pa: measured() });
  return {
    gausId: 0,
    islId: 0,
    sourceId: 0,
    waveId: 0,
    ra: measured(),
    dec: measured(),
    totalFlux: measured(),
    peakFlux: measured(),
    xPosn: measured(),
    yPosn: measured(),
    shape: shape(),
    shapeImagePlane: shape(),
    deconvolved: shape(),
    deconvolvedImagePlane: shape(),
    islTotalFlux: measured(),
    islRms: NaN,
    islMean: NaN,
    residIslRms: NaN,
    residIslMean: NaN,
    sCode: 'S',
    fitFlags: [],
  };
}
