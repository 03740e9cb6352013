/**
 * Our own FITS module (the npm package fitsjs only works in browsers): primary-HDU images,
 * headers, plane-at-a-time reading and atomic writing. Import from here.
 */
export { BLOCK_LENGTH, CARD_LENGTH, formatReal, type CardType, type FitsCard, type FitsComplex, type FitsValue } from './card.js';
export { FitsHeader, parseCards, parseHeaderBlocks, parseHeaderText } from './header.js';
export { bytesPerPixel, imageLayout, planeNumber, shapeText, type Bitpix, type ImageLayout, type Scaling } from './layout.js';
export { decodePixels, toNativeRaw, type Pixels, type RawPixels } from './pixels.js';
export { type BeamTableRow, hasBeamTable, readBeamTable } from './beams.js';
export { FitsReader, openFits, readFitsHeader, readFitsImage, withFits } from './reader.js';
export { FitsImageWriter, buildImageHeader, updateHeaderKeywords, writeFitsImage, type FloatBitpix, type HeaderUpdateResult } from './write.js';
