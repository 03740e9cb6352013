/** VLASS products: names, the files of each product, and finding them (docs/ for each tool). */
export * from './naming.js';
export * from './products.js';
export { type FileRole, type ProductLayout, type DiscoveredProduct, type DiscoverOptions, type VlassProductKind, MANIFEST_FILE, discoverProduct, productFiles } from './discover.js';
