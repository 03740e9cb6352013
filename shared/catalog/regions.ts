/**
 * Region files marking each component's FWHM ellipse, for DS9 and for CASA (CRTF).
 *
 * Both formats take semi-axes, so the ellipses are drawn with semi-axes FWHM/2: the
 * half-maximum contour of the fitted Gaussian. (PyBDSF's own .reg files pass the FWHM as
 * the radius and so draw ellipses twice that size.)
 *
 * Frames: positions are written as fk5 / J2000 although VLASS SE images are ICRS; the two
 * differ by less than 0.03", far below VLASS astrometric accuracy, and fk5/J2000 is what
 * PyBDSF and most region readers use.
 *
 * DS9 (`ellipse(ra,dec,r1",r2",angle)`): r1 lies along the x axis before rotation and the
 * angle turns it counter-clockwise from +x. On a north-up, east-left image +x is west, so a
 * major axis at position angle PA (east of north) needs angle = PA + 90. DS9 maps a sky
 * angle to the screen with one rotation for the whole image, so the angle that comes out
 * right at the component is its image-plane PA (PA_img_plane, from the +y axis), not the
 * sky PA: that is what we write, as PyBDSF does (the two differ by up to ~2° at the edge of
 * a high-declination VLASS image, where meridians converge).
 *
 * CRTF (`ellipse [[x, y], [b1, b2], pa]`): per the CASA region file format, b1 lies along the
 * vertical axis before rotation and pa is the position angle of that axis, measured from
 * north through east; so b1 = semi-major axis and pa = the sky PA, unchanged.
 */
import { writeFileAtomic } from '../io/atomic.js';
import type { Component } from '../sources/types.js';
import { pyFixed } from './pyformat.js';

const DS9_HEADER = [
  '# Region file format: DS9 version 4.1',
  'global color=green dashlist=8 3 width=1 font="helvetica 10 normal roman" select=1 highlite=1 dash=0 fixed=0 edit=1 move=1 delete=1 include=1 source=1',
  'fk5',
];

const CRTF_HEADER = ['#CRTFv0 CASA Region Text Format version 0', 'global coord=J2000'];

/** DS9 angle of an ellipse whose major axis has image-plane position angle `paDeg` (from +y, through east). */
export function ds9Angle(paDeg: number): number {
  return paDeg + 90;
}

/** One DS9 region line per component. */
export function formatDs9Regions(components: readonly Component[]): string {
  const lines = components.map((c) => {
    const { maj, min, pa } = c.shapeImagePlane;
    if (!hasPosition(c)) return noPositionComment(c);
    const centre = `${decimal(c.ra.value, 8)},${decimal(c.dec.value, 8)}`;
    const label = ` # text={${c.gausId}}`;
    // A Gaussian without a usable size (a failed fit kept as a flagged row) is still marked.
    if (!hasSize(maj.value, min.value)) return `point(${centre}) # point=x text={${c.gausId}}`;
    return `ellipse(${centre},${semiAxisArcsec(maj.value)}",${semiAxisArcsec(min.value)}",${decimal(ds9Angle(pa.value), 4)})${label}`;
  });
  return [...DS9_HEADER, ...lines].join('\n') + '\n';
}

/** One CRTF region line per component. */
export function formatCrtfRegions(components: readonly Component[]): string {
  const lines = components.map((c) => {
    const { maj, min, pa } = c.shape;
    if (!hasPosition(c)) return noPositionComment(c);
    const centre = `[${decimal(c.ra.value, 8)}deg, ${decimal(c.dec.value, 8)}deg]`;
    const label = ` label="${c.gausId}"`;
    // CRTF has no point region; a symbol annotation marks the position.
    if (!hasSize(maj.value, min.value)) return `ann symbol [${centre}, x]${label}`;
    return `ellipse [${centre}, [${semiAxisArcsec(maj.value)}arcsec, ${semiAxisArcsec(min.value)}arcsec], ${decimal(pa.value, 4)}deg]${label}`;
  });
  return [...CRTF_HEADER, ...lines].join('\n') + '\n';
}

export function writeDs9Regions(path: string, components: readonly Component[]): void {
  writeFileAtomic(path, formatDs9Regions(components));
}

export function writeCrtfRegions(path: string, components: readonly Component[]): void {
  writeFileAtomic(path, formatCrtfRegions(components));
}

function hasPosition(c: Component): boolean {
  return Number.isFinite(c.ra.value) && Number.isFinite(c.dec.value);
}

/** Both formats take '#' comments: a failed fit without a position is noted, not drawn. */
function noPositionComment(c: Component): string {
  return `# component ${c.gausId}: no position (fit flags: ${c.fitFlags.join(' ') || 'none'})`;
}

function hasSize(majDeg: number, minDeg: number): boolean {
  return majDeg > 0 && minDeg > 0 && Number.isFinite(majDeg) && Number.isFinite(minDeg);
}

/** FWHM in degrees → semi-axis in arcsec, 4 decimals (0.1 mas). */
function semiAxisArcsec(fwhmDeg: number): string {
  return decimal((fwhmDeg * 3600) / 2, 4);
}

/** Fixed-point without trailing zeros ('120', '1.5'); never exponent notation, which region parsers may reject. */
function decimal(x: number, decimals: number): string {
  const s = pyFixed(x, decimals).replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, '');
  return s === '-0' ? '0' : s;
}
