/**
 * Component catalogs: the VLASS SE catalog CSV (writer and reader), Components rebuilt from
 * a catalog, DS9 and CRTF region files, and the CASA componentlist script.
 */
export { CATALOG_COLUMNS, type ColumnSpec, formatRow } from './columns.js';
export { componentsFromCatalog, readVlassHeader } from './components.js';
export { formatComponentListScript, writeCasaComponentListScript, type ComponentListScriptOptions } from './casaScript.js';
export { parseVlassHeader, type VlassHeader } from './header.js';
export { parseCatalog, readCatalog, readCatalogInSlices, type Catalog, type CatalogColumn, type CatalogRow, type CatalogValue } from './reader.js';
export { ds9Angle, formatCrtfRegions, formatDs9Regions, writeCrtfRegions, writeDs9Regions } from './regions.js';
export { formatGaussianList, formatVlassCatalog, vlassCatalogColumns, writeGaussianList, writeVlassCatalog, type GaussianListContext, type VlassCatalogOptions } from './writer.js';
export { type SourceRow, formatSourceList, sourcesFromGaussians, writeSourceList } from './sourceList.js';
