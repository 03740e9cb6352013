/** The product fields of a QA result, from a discovered continuum product or coarse cube. */
import { basename } from 'node:path';
import type { CubeProduct } from '../cube/discover.js';
import type { DiscoveredProduct, ProductLayout } from '../vlass/discover.js';
import type { QaProductInfo } from './types.js';

export function productInfo(layout: ProductLayout, product: DiscoveredProduct): QaProductInfo {
  return {
    name: product.stem,
    epoch: product.name?.epoch ?? null,
    type: layout.qaType,
    tile: product.name?.tile ?? null,
    phaseCenter: product.name?.phaseCenter ?? null,
    files: { ...product.files },
  };
}

/** A cube's product fields; files are keyed `spwN` (or by file name when no spw is known). */
export function cubeProductInfo(product: CubeProduct): QaProductInfo {
  return {
    name: product.stem,
    epoch: product.name?.epoch ?? null,
    type: 'CC',
    tile: product.name?.tile ?? null,
    phaseCenter: product.name?.phaseCenter ?? null,
    files: Object.fromEntries(product.files.map((f) => [f.spw !== undefined ? `spw${f.spw}` : basename(f.path), f.path])),
  };
}
