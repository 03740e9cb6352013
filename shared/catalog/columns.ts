/**
 * The one table that maps Component fields to catalog columns: header name, how to get the
 * value from a Component, how to put a read value back, and how to print it. The writer, the
 * reader's column types and componentsFromCatalog all use it, so a column is defined once.
 *
 * Column order is the file's column order:
 *  1. PyBDSF's Gaussian list (`write_catalog(format='csv', catalog_type='gaul')`), 47 columns;
 *  2. the VLASS SE additions of run_getalpha: ObsDate, Tile, Pointing, Alpha, AlphaErr,
 *     OffsetRA, OffsetDec (offsets from the image centre, degrees);
 *  3. ours, only when the components carry CIRADA quality measures: Peak_to_ring, NN_dist
 *     (arcsec, as CIRADA), Quality_flag. They go after the VLASS columns so that readers
 *     which index the VLASS SE columns by position still find them where they were.
 *
 * Formats, as found byte for byte in the real VLASS catalogs: integers '%4d', floats '%.14f',
 * S_Code left-aligned in 4 characters ('S   ', PyBDSF >= 1.9; PyBDSM 1.8 right-aligned it),
 * Alpha and AlphaErr '%.3f', OffsetRA and OffsetDec '%.6f', text as is.
 */
import type { Component, Measured, Shape } from '../sources/types.js';
import { pyFixed, pyInteger } from './pyformat.js';

export type ColumnGroup = 'gaussian' | 'vlass' | 'quality';
export type ColumnKind = 'integer' | 'float' | 'text';
export type CellValue = number | string;

export interface ColumnSpec {
  name: string;
  group: ColumnGroup;
  kind: ColumnKind;
  get(c: Component): CellValue;
  /** Stores a value read from a catalog into a Component under construction. */
  put(c: Component, value: CellValue): void;
  format(value: CellValue): string;
}

const integer = (value: CellValue) => pyInteger(value as number, 4);
const float14 = (value: CellValue) => pyFixed(value as number, 14);
const fixed = (decimals: number) => (value: CellValue) => pyFixed(value as number, decimals);

function text(value: CellValue): string {
  const s = String(value);
  // The format has no quoting: a separator or newline inside a value would shift every
  // following column for every reader.
  if (/[,\r\n]/.test(s)) throw new Error(`catalog text value ${JSON.stringify(s)} contains a comma or newline`);
  return s;
}

function column(
  name: string,
  group: ColumnGroup,
  kind: ColumnKind,
  get: (c: Component) => CellValue,
  put: (c: Component, v: CellValue) => void,
  format: (v: CellValue) => string,
): ColumnSpec {
  return { name, group, kind, get, put, format };
}

function integerColumn(name: string, get: (c: Component) => number, put: (c: Component, v: number) => void): ColumnSpec {
  return column(name, 'gaussian', 'integer', get, (c, v) => put(c, v as number), integer);
}

function scalarColumn(name: string, get: (c: Component) => number, put: (c: Component, v: number) => void): ColumnSpec {
  return column(name, 'gaussian', 'float', get, (c, v) => put(c, v as number), float14);
}

/** `name` and `E_name` from a Measured reached by `at` (mutable, so one accessor serves both ways). */
function measuredColumns(name: string, at: (c: Component) => Measured): ColumnSpec[] {
  return [
    column(name, 'gaussian', 'float', (c) => at(c).value, (c, v) => (at(c).value = v as number), float14),
    column(`E_${name}`, 'gaussian', 'float', (c) => at(c).error, (c, v) => (at(c).error = v as number), float14),
  ];
}

/** Maj, E_Maj, Min, E_Min, PA, E_PA with PyBDSF's prefix (DC_) and suffix (_img_plane). */
function shapeColumns(prefix: string, suffix: string, at: (c: Component) => Shape): ColumnSpec[] {
  return [
    ...measuredColumns(`${prefix}Maj${suffix}`, (c) => at(c).maj),
    ...measuredColumns(`${prefix}Min${suffix}`, (c) => at(c).min),
    ...measuredColumns(`${prefix}PA${suffix}`, (c) => at(c).pa),
  ];
}

type VlassFields = NonNullable<Component['vlass']>;
type QualityFields = NonNullable<Component['quality']>;

function vlassOf(c: Component): VlassFields {
  if (!c.vlass) throw new Error(`component ${c.gausId} has no VLASS fields (ObsDate, Tile, ...); fill them before writing a VLASS catalog`);
  return c.vlass;
}

function qualityOf(c: Component): QualityFields {
  if (!c.quality) throw new Error(`component ${c.gausId} has no quality measures while others do`);
  return c.quality;
}

function vlassColumn<K extends keyof VlassFields>(name: string, key: K, kind: ColumnKind, format: (v: CellValue) => string): ColumnSpec {
  return column(name, 'vlass', kind, (c) => vlassOf(c)[key], (c, v) => ((c.vlass ??= emptyVlass())[key] = v as VlassFields[K]), format);
}

function qualityColumn<K extends keyof QualityFields>(name: string, key: K, kind: ColumnKind, format: (v: CellValue) => string): ColumnSpec {
  return column(name, 'quality', kind, (c) => qualityOf(c)[key], (c, v) => ((c.quality ??= emptyQuality())[key] = v as QualityFields[K]), format);
}

function emptyVlass(): VlassFields {
  return { obsDate: '', tile: '', pointing: '', alpha: NaN, alphaErr: NaN, offsetRa: NaN, offsetDec: NaN };
}

function emptyQuality(): QualityFields {
  return { peakToRing: NaN, nnDistArcsec: NaN, qualityFlag: 0 };
}

export const CATALOG_COLUMNS: readonly ColumnSpec[] = [
  integerColumn('Gaus_id', (c) => c.gausId, (c, v) => (c.gausId = v)),
  integerColumn('Isl_id', (c) => c.islId, (c, v) => (c.islId = v)),
  integerColumn('Source_id', (c) => c.sourceId, (c, v) => (c.sourceId = v)),
  integerColumn('Wave_id', (c) => c.waveId, (c, v) => (c.waveId = v)),
  ...measuredColumns('RA', (c) => c.ra),
  ...measuredColumns('DEC', (c) => c.dec),
  ...measuredColumns('Total_flux', (c) => c.totalFlux),
  ...measuredColumns('Peak_flux', (c) => c.peakFlux),
  ...measuredColumns('Xposn', (c) => c.xPosn),
  ...measuredColumns('Yposn', (c) => c.yPosn),
  ...shapeColumns('', '', (c) => c.shape),
  ...shapeColumns('', '_img_plane', (c) => c.shapeImagePlane),
  ...shapeColumns('DC_', '', (c) => c.deconvolved),
  ...shapeColumns('DC_', '_img_plane', (c) => c.deconvolvedImagePlane),
  ...measuredColumns('Isl_Total_flux', (c) => c.islTotalFlux),
  scalarColumn('Isl_rms', (c) => c.islRms, (c, v) => (c.islRms = v)),
  scalarColumn('Isl_mean', (c) => c.islMean, (c, v) => (c.islMean = v)),
  scalarColumn('Resid_Isl_rms', (c) => c.residIslRms, (c, v) => (c.residIslRms = v)),
  scalarColumn('Resid_Isl_mean', (c) => c.residIslMean, (c, v) => (c.residIslMean = v)),
  column('S_Code', 'gaussian', 'text', (c) => c.sCode, (c, v) => (c.sCode = v as Component['sCode']), (v) => text(v).padEnd(4, ' ')),
  vlassColumn('ObsDate', 'obsDate', 'text', text),
  vlassColumn('Tile', 'tile', 'text', text),
  vlassColumn('Pointing', 'pointing', 'text', text),
  vlassColumn('Alpha', 'alpha', 'float', fixed(3)),
  vlassColumn('AlphaErr', 'alphaErr', 'float', fixed(3)),
  vlassColumn('OffsetRA', 'offsetRa', 'float', fixed(6)),
  vlassColumn('OffsetDec', 'offsetDec', 'float', fixed(6)),
  qualityColumn('Peak_to_ring', 'peakToRing', 'float', float14),
  qualityColumn('NN_dist', 'nnDistArcsec', 'float', float14),
  qualityColumn('Quality_flag', 'qualityFlag', 'integer', integer),
];

export const COLUMNS_BY_NAME: ReadonlyMap<string, ColumnSpec> = new Map(CATALOG_COLUMNS.map((c) => [c.name, c]));

export function columnsOf(group: ColumnGroup): ColumnSpec[] {
  return CATALOG_COLUMNS.filter((c) => c.group === group);
}

/** One data line (without newline): the values of `columns` joined by ', ' as PyBDSF does. */
export function formatRow(component: Component, columns: readonly ColumnSpec[]): string {
  return columns.map((col) => col.format(col.get(component))).join(', ');
}
