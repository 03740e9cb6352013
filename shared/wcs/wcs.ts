/**
 * World coordinate system of an image, from its FITS header, for the celestial projections
 * SIN (every VLASS image), TAN and ARC plus linear spectral, Stokes and generic axes —
 * the subset of FITS WCS Papers I–III that radio images use, computed as WCSLIB (and so
 * astropy.wcs) computes it.
 *
 * PIXEL CONVENTION: every public method takes and returns 0-BASED pixel coordinates, the
 * centre of the first pixel being 0 (astropy's `all_pix2world(..., 0)`, numpy indexing). The
 * header's CRPIXi are FITS 1-based; the conversion (p_fits = p + 1) happens only inside.
 *
 * World coordinates: celestial longitude and latitude in degrees, longitude in [0, 360);
 * spectral axes in SI (Hz, m/s, m) whatever CUNITi says; Stokes as the FITS code (1 = I …,
 * see stokes.ts); other axes in their header units. Points that have no image under the
 * projection (beyond the SIN horizon, say) give NaN.
 *
 * Celestial frame: RA/Dec, GLON/GLAT, ELON/ELAT… are all treated as a generic lon/lat pair;
 * RADESYS/EQUINOX are reported but no frame conversion is done. The reference point of the
 * zenithal projections is the native pole, so (αp, δp) = (CRVAL_lon, CRVAL_lat) and LATPOLE
 * never matters; LONPOLE defaults (Paper II §2.4) to 0° when CRVAL_lat = +90° and 180°
 * otherwise.
 */
import { DataError } from '../errors.js';
import { normalizeLongitude } from './angles.js';
import { type AxisKind, classifyAxis, unitScale } from './axes.js';
import { HeaderReader, type HeaderSource } from './header.js';
import { type CelestialPair, type Matrix, apply, invert, linearTransform } from './linear.js';
import { type Projection, type ProjectionCode, makeProjection } from './projections.js';
import { type NativePole, celestialToNative, nativeToCelestial } from './spherical.js';

/** Highest axis number probed for WCS keywords when NAXIS is smaller (FIRST cutouts). */
const MAX_PROBED_AXES = 9;

export interface WcsAxis {
  /** 0-based axis index: FITS axis number − 1. */
  index: number;
  ctype: string;
  kind: AxisKind;
  /** Unit of this axis's world coordinate (after WCSLIB's conversion, see axes.ts). */
  unit: string;
  /** Reference pixel as in the header (FITS 1-based). */
  crpix: number;
  /** Reference world value in `unit`. */
  crval: number;
  /** NAXISi, when the axis is within NAXIS. */
  length?: number;
}

export interface CelestialFrame {
  /** 0-based indices of the longitude and latitude axes. */
  lon: number;
  lat: number;
  projection: ProjectionCode;
  pole: NativePole;
  /** RADESYS (or undefined), e.g. 'FK5', 'ICRS'. */
  radesys?: string;
  equinox?: number;
}

export class Wcs {
  readonly naxis: number;
  readonly axes: readonly WcsAxis[];
  readonly celestial?: CelestialFrame;
  /** Maps FITS pixel offsets (p + 1 − CRPIX, p 0-based) to intermediate world coordinates (degrees / SI). */
  readonly matrix: Matrix;
  private readonly inverse: Matrix;
  private readonly projection?: Projection;

  private constructor(header: HeaderReader) {
    this.naxis = countAxes(header);
    const naxisInData = header.numberOr('NAXIS', 0);
    const types = range(this.naxis).map((i) => {
      const key = `CTYPE${i + 1}`;
      const ctype = header.string(key) ?? '';
      return { ctype, ...classifyAxis(ctype, key) };
    });
    const scales = types.map((t, i) => unitScale(t.kind, t.ctype, header.string(`CUNIT${i + 1}`), `CUNIT${i + 1}`));
    this.axes = types.map((t, i) => ({
      index: i,
      ctype: t.ctype,
      kind: t.kind,
      unit: scales[i].unit,
      crpix: header.numberOr(`CRPIX${i + 1}`, 0),
      crval: header.numberOr(`CRVAL${i + 1}`, 0) * scales[i].factor,
      length: i < naxisInData ? header.number(`NAXIS${i + 1}`) : undefined,
    }));

    const pair = celestialPair(types);
    this.matrix = linearTransform(header, this.naxis, pair).map((row, i) => row.map((m) => m * scales[i].factor));
    this.inverse = invert(this.matrix);
    if (pair) {
      const code = types[pair.lon].projection!;
      const xi = header.numberOr(`PV${pair.lat + 1}_1`, 0);
      const eta = header.numberOr(`PV${pair.lat + 1}_2`, 0);
      this.projection = makeProjection(code, { xi, eta });
      const deltaP = this.axes[pair.lat].crval;
      const pole: NativePole = {
        alphaP: this.axes[pair.lon].crval,
        deltaP,
        phiP: header.number('LONPOLE') ?? (deltaP >= 90 ? 0 : 180),
      };
      checkLongitudeAxisPv(header, pair.lon, pole.phiP);
      this.celestial = { ...pair, projection: code, pole, radesys: header.string('RADESYS'), equinox: header.number('EQUINOX') };
    }
  }

  /** Parses the WCS of a header given as a record of cards or a getter (keys upper case). */
  static fromHeader(source: HeaderSource): Wcs {
    return new Wcs(new HeaderReader(source));
  }

  /**
   * 0-based pixel coordinates (one per axis; missing trailing ones are 0, the first plane)
   * → world coordinates, one per axis.
   */
  pixelToWorld(pixel: readonly number[]): number[] {
    if (pixel.length > this.naxis) throw new RangeError(`${pixel.length} pixel coordinates for a ${this.naxis}-axis WCS`);
    const offsets = this.axes.map((a, i) => (pixel[i] ?? 0) + 1 - a.crpix);
    const intermediate = apply(this.matrix, offsets);
    const world = intermediate.map((x, i) => this.axes[i].crval + x);
    if (this.celestial && this.projection) {
      const { lon, lat, pole } = this.celestial;
      const [phi, theta] = this.projection.toNative(intermediate[lon], intermediate[lat]);
      const [alpha, delta] = nativeToCelestial(phi, theta, pole);
      world[lon] = normalizeLongitude(alpha);
      world[lat] = delta;
    }
    return world;
  }

  /** World coordinates (one per axis) → 0-based pixel coordinates. */
  worldToPixel(world: readonly number[]): number[] {
    if (world.length !== this.naxis) throw new RangeError(`${world.length} world coordinates for a ${this.naxis}-axis WCS`);
    const intermediate = world.map((w, i) => w - this.axes[i].crval);
    if (this.celestial && this.projection) {
      const { lon, lat, pole } = this.celestial;
      const [phi, theta] = celestialToNative(world[lon], world[lat], pole);
      const [x, y] = this.projection.toPlane(phi, theta);
      intermediate[lon] = x;
      intermediate[lat] = y;
    }
    return apply(this.inverse, intermediate).map((d, i) => d + this.axes[i].crpix - 1);
  }

  /** 0-based (x, y) on the celestial axes (other axes at pixel 0) → [lon, lat] in degrees. */
  pixelToSky(x: number, y: number): [number, number] {
    const { lon, lat } = this.requireCelestial();
    const pixel = new Array<number>(this.naxis).fill(0);
    pixel[lon] = x;
    pixel[lat] = y;
    const world = this.pixelToWorld(pixel);
    return [world[lon], world[lat]];
  }

  /**
   * [lon, lat] in degrees → 0-based (x, y) on the celestial axes, for the plane whose other
   * world coordinates are those of pixel 0 (exact whenever, as in every real image, PC/CD
   * does not mix the celestial axes with the others).
   */
  skyToPixel(lonDeg: number, latDeg: number): [number, number] {
    const { lon, lat } = this.requireCelestial();
    const world = this.pixelToWorld([]);
    world[lon] = lonDeg;
    world[lat] = latDeg;
    const pixel = this.worldToPixel(world);
    return [pixel[lon], pixel[lat]];
  }

  /** Index of the first axis of a kind, or −1. */
  axisOf(kind: AxisKind): number {
    return this.axes.findIndex((a) => a.kind === kind);
  }

  private requireCelestial(): CelestialFrame {
    if (!this.celestial) throw new DataError('image has no celestial (longitude/latitude) axes');
    return this.celestial;
  }
}

/** WCSAXES if given, else the larger of NAXIS and the highest axis number of any WCS keyword. */
function countAxes(header: HeaderReader): number {
  const declared = header.number('WCSAXES');
  if (declared !== undefined) return declared;
  let n = header.numberOr('NAXIS', 0);
  for (let i = n + 1; i <= MAX_PROBED_AXES; i++) {
    const perAxis = ['CTYPE', 'CRPIX', 'CRVAL', 'CDELT', 'CUNIT', 'CROTA'].some((k) => header.has(`${k}${i}`));
    const inMatrix = range(MAX_PROBED_AXES).some((j) =>
      ['PC', 'CD'].some((k) => header.has(`${k}${i}_${j + 1}`) || header.has(`${k}${j + 1}_${i}`)),
    );
    if (perAxis || inMatrix) n = i;
  }
  if (n < 1) throw new DataError('header has no WCS axes (NAXIS is 0 and no CTYPEi/CRPIXi/CRVALi/CDELTi)');
  return n;
}

function celestialPair(types: readonly { ctype: string; kind: AxisKind; projection?: ProjectionCode }[]): CelestialPair | undefined {
  const lons = types.flatMap((t, i) => (t.kind === 'longitude' ? [i] : []));
  const lats = types.flatMap((t, i) => (t.kind === 'latitude' ? [i] : []));
  if (lons.length === 0 && lats.length === 0) return undefined;
  if (lons.length !== 1 || lats.length !== 1) {
    throw new DataError(`expected one longitude and one latitude axis, found CTYPE ${types.map((t) => `'${t.ctype}'`).join(', ')}`);
  }
  const [lon, lat] = [lons[0], lats[0]];
  if (types[lon].projection !== types[lat].projection) {
    throw new DataError(`CTYPE${lon + 1} '${types[lon].ctype}' and CTYPE${lat + 1} '${types[lat].ctype}' use different projections`);
  }
  return { lon, lat };
}

/**
 * PVi_m on the longitude axis can move the projection's reference point off the native pole
 * (m = 0..2) or restate LONPOLE (m = 3) and LATPOLE (m = 4). Values that agree with what is
 * used here are accepted; others are refused rather than silently ignored. LATPOLE (m = 4)
 * has no effect when the reference point is the native pole, so any value is accepted.
 */
function checkLongitudeAxisPv(header: HeaderReader, lon: number, phiP: number): void {
  const expected = [0, 0, 90, phiP];
  expected.forEach((value, m) => {
    const key = `PV${lon + 1}_${m}`;
    const given = header.number(key);
    if (given !== undefined && given !== value) {
      throw new DataError(`${key} = ${given} is not supported (reference point and LONPOLE must be the defaults; expected ${value})`);
    }
  });
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}
