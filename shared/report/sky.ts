/**
 * The sky figure of a report: the image as the archive preview shows it (area-averaged, asinh
 * stretch, north up; shared/preview), with an RA/Dec grid and labels from the image's WCS, the
 * restoring beam, components drawn as their fitted ellipses when there is a catalog, and a
 * colour bar in the image's units. The picture is a JPEG inlined as a data URL under Vega-Lite
 * layers; the colour bar maps data values through the same stretch as the picture.
 *
 * Chart coordinates are preview pixels with y up: FITS pixel (x, y) (0-based centres) is at
 * ((x + 0.5) s, (y + 0.5) s), s = preview width / image width, so north (FITS +y) is up as in
 * the preview, and east stays where the FITS columns put it (left for CDELT1 < 0).
 */
import { encodeJpeg, previewSize, renderValues, shrink } from '../preview/index.js';
import type { FloatArray } from '../stats/index.js';
import type { Wcs } from '../wcs/index.js';
import { type ChartSpec, COLOURS, renderSvg } from './vega.js';

export interface SkyBeam {
  majArcsec: number;
  minArcsec: number;
  paDeg: number;
}

/** A catalog component to draw: FWHM axes in arcsec, PA east of north. */
export interface SkyComponent {
  raDeg: number;
  decDeg: number;
  majArcsec: number;
  minArcsec: number;
  paDeg: number;
  /** Colour class (e.g. the Quality_flag, or S_Code). */
  label: string;
}

export interface SkyFigureInput {
  values: FloatArray;
  width: number;
  height: number;
  wcs: Wcs | null;
  cellArcsec: number | null;
  beam: SkyBeam | null;
  unit: string;
  components?: readonly SkyComponent[];
  /** Title of the components' colour legend. */
  componentLegend?: string;
  /** Longest side of the picture, pixels. */
  size?: number;
}

const DEFAULT_SIZE = 720;
/** Ellipses and the beam are drawn at least this large (pixels), magnified with a note when the true size is smaller. */
const MIN_SYMBOL_PX = 7;

export async function skyFigure(input: SkyFigureInput): Promise<string> {
  const { values, width, height } = input;
  const size = previewSize(width, height, input.size ?? DEFAULT_SIZE);
  const shrunk = shrink(values, width, height, size, true).values;
  const picture = renderValues(shrunk, size.width, size.height, { excludeZeros: true });
  const jpeg = Buffer.from(encodeJpeg(picture)).toString('base64');
  const s = size.width / width;
  const W = size.width;
  const H = size.height;
  const axis = (domain: number) => ({ type: 'quantitative' as const, scale: { domain: [0, domain], nice: false, zero: false }, axis: null });
  const layers: object[] = [
    {
      data: { values: [{ x: W / 2, y: H / 2, url: `data:image/jpeg;base64,${jpeg}` }] },
      mark: { type: 'image', width: W, height: H, aria: false },
      encoding: { x: { field: 'x', ...axis(W) }, y: { field: 'y', ...axis(H) }, url: { field: 'url', type: 'nominal' } },
    },
  ];
  if (input.wcs) {
    const grid = graticule(input.wcs, width, height, s);
    layers.push(
      {
        data: { values: grid.lines },
        mark: { type: 'line', clip: true, strokeWidth: 0.8, opacity: 0.8, color: COLOURS.grid, aria: false },
        encoding: { x: { field: 'x', ...axis(W) }, y: { field: 'y', ...axis(H) }, detail: { field: 'line', type: 'nominal' }, order: { field: 'i', type: 'quantitative' } },
      },
      {
        data: { values: grid.labels },
        mark: { type: 'text', fontSize: 10, color: '#e0f0ff', align: { expr: 'datum.align' }, baseline: { expr: 'datum.baseline' }, dx: { expr: 'datum.dx' }, dy: { expr: 'datum.dy' }, aria: false },
        encoding: { x: { field: 'x', ...axis(W) }, y: { field: 'y', ...axis(H) }, text: { field: 'text', type: 'nominal' } },
      },
    );
  }
  if (input.beam && input.cellArcsec) {
    const beamPx = (input.beam.majArcsec / input.cellArcsec) * s;
    const magnify = beamPx >= MIN_SYMBOL_PX * 2 ? 1 : Math.ceil((MIN_SYMBOL_PX * 2) / beamPx);
    const text = `beam ${input.beam.majArcsec.toFixed(2)}" x ${input.beam.minArcsec.toFixed(2)}"${magnify > 1 ? ` (drawn x${magnify})` : ''}`;
    layers.push(
      {
        name: 'beam',
        data: { values: [{ x: 0.06 * W + (beamPx * magnify) / 2, y: 0.06 * H + (beamPx * magnify) / 2, path: ellipsePath(input.beam.minArcsec / input.beam.majArcsec), angle: beamAngle(input.wcs, width, height, input.beam.paDeg) }] },
        mark: { type: 'point', filled: true, color: '#ffd700', opacity: 0.9, aria: false },
        encoding: { x: { field: 'x', ...axis(W) }, y: { field: 'y', ...axis(H) }, shape: { field: 'path', type: 'nominal', scale: null }, angle: { field: 'angle', type: 'quantitative', scale: null }, size: { value: (beamPx * magnify) ** 2 } },
      },
      {
        data: { values: [{ x: 0.06 * W, y: 0.06 * H + beamPx * magnify + 4, text }] },
        mark: { type: 'text', fontSize: 10, color: '#ffd700', align: 'left', baseline: 'bottom', aria: false },
        encoding: { x: { field: 'x', ...axis(W) }, y: { field: 'y', ...axis(H) }, text: { field: 'text', type: 'nominal' } },
      },
    );
  }
  if (input.components?.length && input.wcs && input.cellArcsec) {
    const symbols = componentSymbols(input.components, input.wcs, input.cellArcsec, s, width, height);
    layers.push({
      name: 'components',
      data: { values: symbols },
      mark: { type: 'point', filled: false, strokeWidth: 1.2, opacity: 0.9, aria: false },
      encoding: {
        x: { field: 'x', ...axis(W) },
        y: { field: 'y', ...axis(H) },
        shape: { field: 'path', type: 'nominal', scale: null },
        angle: { field: 'angle', type: 'quantitative', scale: null },
        size: { field: 'area', type: 'quantitative', scale: null },
        color: { field: 'label', type: 'nominal', title: input.componentLegend ?? 'component', scale: { scheme: 'set1' }, legend: { orient: 'right' } },
      },
    });
  }
  const colourBar = colourBarSpec(picture.limits.vmin, picture.limits.vmax, picture.grey, H, input.unit);
  const spec = { hconcat: [{ width: W, height: H, layer: layers, view: { stroke: '#888' } }, colourBar], spacing: 12 } as ChartSpec;
  return renderSvg(spec);
}

/**
 * An ellipse of axis ratio `ratio` (minor / major) with its major axis vertical, in Vega's unit
 * symbol square, as an SVG path: a symbol's `size` is the square of its extent, its `angle` a
 * clockwise rotation, so PA east of north turns it counter-clockwise from north when east is left.
 */
function ellipsePath(ratio: number): string {
  const rx = Math.max(0.05, Math.min(1, ratio)).toFixed(3);
  return `M0,-1A${rx},1,0,1,1,0,1A${rx},1,0,1,1,0,-1Z`;
}

function componentSymbols(components: readonly SkyComponent[], wcs: Wcs, cellArcsec: number, s: number, width: number, height: number) {
  const out: object[] = [];
  for (const c of components) {
    const [x, y] = wcs.skyToPixel(c.raDeg, c.decDeg);
    if (!(x >= -0.5 && y >= -0.5 && x <= width - 0.5 && y <= height - 0.5)) continue;
    const angle = screenAngle(wcs, c.raDeg, c.decDeg, c.paDeg);
    const majPx = Math.max((c.majArcsec / cellArcsec) * s, MIN_SYMBOL_PX);
    out.push({ x: (x + 0.5) * s, y: (y + 0.5) * s, path: ellipsePath(c.minArcsec / c.majArcsec || 1), angle, area: majPx * majPx, label: c.label });
  }
  return out;
}

/**
 * The clockwise angle from screen-up (north up, the preview's orientation) of a direction at
 * position angle `paDeg` (east of north) at (ra, dec): a small step along PA on the sky, taken
 * to the pixel grid through the WCS, so east left or right and any grid rotation come out right.
 */
function screenAngle(wcs: Wcs, raDeg: number, decDeg: number, paDeg: number): number {
  const step = 1 / 3600;
  const pa = (paDeg * Math.PI) / 180;
  const cosDec = Math.max(Math.cos((decDeg * Math.PI) / 180), 1e-6);
  const [x, y] = wcs.skyToPixel(raDeg, decDeg);
  const [x2, y2] = wcs.skyToPixel(raDeg + (Math.sin(pa) * step) / cosDec, decDeg + Math.cos(pa) * step);
  return (Math.atan2(x2 - x, y2 - y) * 180) / Math.PI;
}

/** The beam's angle on screen at the image centre; without a WCS, as for east to the left (CDELT1 < 0). */
function beamAngle(wcs: Wcs | null, width: number, height: number, paDeg: number): number {
  if (!wcs) return -paDeg;
  const [ra, dec] = wcs.pixelToSky((width - 1) / 2, (height - 1) / 2);
  const angle = screenAngle(wcs, ra, dec, paDeg);
  return Number.isFinite(angle) ? angle : -paDeg;
}

/** A vertical colour bar: bands of the stretch's grey levels against a linear axis in data units. */
function colourBarSpec(vmin: number, vmax: number, grey: (v: number) => number, height: number, unit: string): object {
  const bands = 96;
  const span = vmax - vmin || 1;
  const values = Array.from({ length: bands }, (_, i) => {
    const lo = vmin + (span * i) / bands;
    const hi = vmin + (span * (i + 1)) / bands;
    const g = grey((lo + hi) / 2).toString(16).padStart(2, '0');
    return { lo, hi, colour: `#${g}${g}${g}` };
  });
  return {
    width: 18,
    height,
    data: { values },
    mark: { type: 'rect', aria: false },
    encoding: {
      y: { field: 'lo', type: 'quantitative', scale: { domain: [vmin, vmax], nice: false, zero: false }, axis: { title: unit || 'value', orient: 'right', format: '.2~e' } },
      y2: { field: 'hi' },
      color: { field: 'colour', type: 'nominal', scale: null, legend: null },
    },
  };
}

interface Graticule {
  lines: { line: string; i: number; x: number; y: number }[];
  labels: { x: number; y: number; text: string; align: string; baseline: string; dx: number; dy: number }[];
}

/** Steps for grid lines, arcsec of Dec, or seconds of time of RA (x15 for arcsec). */
const NICE_STEPS = [1, 2, 5, 10, 15, 20, 30, 60, 120, 300, 600, 900, 1200, 1800, 3600, 7200, 18000, 36000];

/** RA and Dec lines over the image, about four to six of each, labelled where they leave the picture. */
function graticule(wcs: Wcs, width: number, height: number, s: number): Graticule {
  // The sky range from points along the image's edges (and its centre, for RA wrap-around).
  const [ra0] = wcs.pixelToSky((width - 1) / 2, (height - 1) / 2);
  let raMin = Infinity;
  let raMax = -Infinity;
  let decMin = Infinity;
  let decMax = -Infinity;
  for (let k = 0; k <= 20; k++) {
    for (const [px, py] of [
      [(k / 20) * (width - 1), 0],
      [(k / 20) * (width - 1), height - 1],
      [0, (k / 20) * (height - 1)],
      [width - 1, (k / 20) * (height - 1)],
    ]) {
      const [ra, dec] = wcs.pixelToSky(px, py);
      if (!Number.isFinite(ra) || !Number.isFinite(dec)) continue;
      const dRa = ((ra - ra0 + 540) % 360) - 180;
      raMin = Math.min(raMin, dRa);
      raMax = Math.max(raMax, dRa);
      decMin = Math.min(decMin, dec);
      decMax = Math.max(decMax, dec);
    }
  }
  const lines: Graticule['lines'] = [];
  const labels: Graticule['labels'] = [];
  if (!Number.isFinite(raMin) || !Number.isFinite(decMin)) return { lines, labels };
  const decStep = niceStep(((decMax - decMin) * 3600) / 5) / 3600;
  const raStep = (niceStep(((raMax - raMin) * 3600) / 15 / 5) * 15) / 3600;
  const inside = (x: number, y: number) => x >= 0 && y >= 0 && x <= width - 1 && y <= height - 1;
  const samples = 80;
  /** One grid line through `samples` + 1 sky points, labelled where it first enters the picture. */
  const trace = (id: string, skyAt: (i: number) => [number, number], label: Omit<Graticule['labels'][number], 'x' | 'y'>) => {
    let labelled = false;
    for (let i = 0; i <= samples; i++) {
      const [x, y] = wcs.skyToPixel(...skyAt(i));
      if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
      lines.push({ line: id, i, x: (x + 0.5) * s, y: (y + 0.5) * s });
      if (!labelled && inside(x, y)) {
        labels.push({ x: (x + 0.5) * s, y: (y + 0.5) * s, ...label });
        labelled = true;
      }
    }
  };
  for (let ra = Math.ceil((ra0 + raMin) / raStep) * raStep; ra <= ra0 + raMax; ra += raStep)
    trace(`ra${ra.toFixed(8)}`, (i) => [ra, decMin - decStep + ((decMax - decMin + 2 * decStep) * i) / samples], { text: formatRa(ra), align: 'center', baseline: 'bottom', dx: 0, dy: -3 });
  // Dec lines from east (larger RA) to west, so the first point inside is on the left edge when east is left.
  for (let dec = Math.ceil(decMin / decStep) * decStep; dec <= decMax; dec += decStep)
    trace(`dec${dec.toFixed(8)}`, (i) => [ra0 + raMax + raStep - ((raMax - raMin + 2 * raStep) * i) / samples, dec], { text: formatDec(dec), align: 'left', baseline: 'bottom', dx: 3, dy: -2 });
  return { lines, labels };
}

function niceStep(target: number): number {
  return NICE_STEPS.find((step) => step >= target) ?? NICE_STEPS[NICE_STEPS.length - 1];
}

/** RA in degrees as 00h02m00s (whole seconds; fractions when the grid is finer). */
export function formatRa(raDeg: number): string {
  const totalSeconds = Math.round(((((raDeg % 360) + 360) % 360) / 15) * 3600 * 10) / 10;
  const h = Math.floor(totalSeconds / 3600);
  const m = Math.floor((totalSeconds - h * 3600) / 60);
  const sec = totalSeconds - h * 3600 - m * 60;
  const secText = Number.isInteger(sec) ? String(sec).padStart(2, '0') : sec.toFixed(1).padStart(4, '0');
  return `${String(h % 24).padStart(2, '0')}h${String(m).padStart(2, '0')}m${secText}s`;
}

/** Dec in degrees as -00°30'00". */
export function formatDec(decDeg: number): string {
  const sign = decDeg < 0 ? '-' : '+';
  const totalArcsec = Math.round(Math.abs(decDeg) * 3600);
  const d = Math.floor(totalArcsec / 3600);
  const m = Math.floor((totalArcsec - d * 3600) / 60);
  const sec = totalArcsec - d * 3600 - m * 60;
  return `${sign}${String(d).padStart(2, '0')}°${String(m).padStart(2, '0')}'${String(sec).padStart(2, '0')}"`;
}
