/** The product fields of a QA result, from a discovered product. */
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

