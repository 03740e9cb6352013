/**
 * The QA report pages (--report) of all five tools, made by the built executable on the
 * committed fixtures as one chain (QL QA; SE catalog, then SE QA with it; cube QA; cube
 * catalog with the SE catalog and the cube QA result), then:
 * - read as text: self-contained (no script, nothing fetched: every src/href is a data: URL or
 *   a fragment), the verdict and every rule of the qa.json on the page;
 * - loaded in a real headless Chromium (Debian's `chromium`, driven by puppeteer-core): no
 *   console error, no page error, no request but the page itself and its data: URLs; a
 *   full-page screenshot saved under build/.work/report-screenshots/ for a human to open, and
 *   checked loosely (the viewport's width, a page's height, not blank).
 * Without chromium the browser half skips, saying so; CI sets VLASS_REQUIRE_CHROMIUM=1 and
 * installs it, so there it fails instead.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WORK_DIR } from '../../build/paths.js';
import { readFitsHeader } from '../../shared/fits/index.js';
import { SMALL_DIR } from '../../fixtures/vlass/generate.js';
import { productBase } from '../../fixtures/vlass/names.js';
import { copyBuild } from '../build/built.js';

const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find(existsSync);
const REQUIRE = process.env.VLASS_REQUIRE_CHROMIUM === '1';
const SCREENSHOTS = join(WORK_DIR, 'report-screenshots');
const VIEWPORT = { width: 1200, height: 900 };

const QL = productBase('ql');
const SE = productBase('se');
const CC = productBase('cc');
/** Each report, with the qa.json that carries its verdict and rules (none for the catalogs). */
const REPORTS = [
  { tool: 'annotateQa', page: `${QL}.qa.html`, qa: `${QL}.qa.json` },
  { tool: 'create-component-list', page: `${SE}.catalog.html`, qa: null },
  { tool: 'annotateQaSE', page: `${SE}.qa.html`, qa: `${SE}.qa.json` },
  { tool: 'annotateQaSECube', page: `${CC}.qa.html`, qa: `${CC}.qa.json` },
  { tool: 'create-cube-component-list', page: `${CC}.cube_catalog.html`, qa: null },
] as const;

let tmp: string;
let out: string;

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'vlass-reports-'));
  const bin = join(tmp, 'bin');
  await copyBuild(bin);
  out = join(tmp, 'out');
  mkdirSync(out);
  // The SE product is copied: its catalog is written beside it, where annotateQaSE finds it.
  const se = join(tmp, 'se');
  cpSync(join(SMALL_DIR, 'se'), se, { recursive: true });
  const run = (tool: string, args: string[]) => {
    const r = spawnSync(join(bin, tool), [...args, '--report', '--log-level', 'warn'], { encoding: 'utf8', timeout: 120_000 });
    expect(r.status, `${tool}: ${r.stderr}`).toBe(0);
  };
  run('annotateQa', [join(SMALL_DIR, 'ql'), '--out', out]);
  run('create-component-list', [se, '--out', se]);
  cpSync(join(se, `${SE}.catalog.html`), join(out, `${SE}.catalog.html`));
  run('annotateQaSE', [se, '--out', out]);
  run('annotateQaSECube', [join(SMALL_DIR, 'cc'), '--out', out]);
  run('create-cube-component-list', [join(SMALL_DIR, 'cc'), '--catalog', join(se, `${SE}.I.catalog.csv`), '--qa', join(out, `${CC}.qa.json`), '--out', out]);
});

afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('report pages as written', () => {
  for (const r of REPORTS) {
    it(`${r.tool}: ${r.page} is self-contained: no script, every src and href a data: URL or a fragment`, () => {
      const html = readFileSync(join(out, r.page), 'utf8');
      expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
      expect(html).not.toMatch(/<script/i);
      expect(html).not.toMatch(/<link\b/i);
      const references = [...html.matchAll(/\s(?:xlink:)?(?:href|src)="([^"]*)"/g)].map((m) => m[1]);
      expect(references.filter((u) => !u.startsWith('data:') && !u.startsWith('#'))).toEqual([]);
      expect(html).toContain('<svg');
    });

    if (r.qa) {
      it(`${r.tool}: the page shows the qa.json's verdict and every rule with its status`, () => {
        const html = readFileSync(join(out, r.page), 'utf8');
        const qa = JSON.parse(readFileSync(join(out, r.qa!), 'utf8')) as { verdict: string; rules: { name: string; status: string }[] };
        expect(html).toContain(`<div class="verdict ${qa.verdict}">${qa.verdict}</div>`);
        expect(qa.rules.length).toBeGreaterThan(0);
        for (const rule of qa.rules) expect(html).toMatch(new RegExp(`<td>${rule.name}</td><td>${rule.status}</td>`));
      });
    }
  }

  it('the sky figures carry the picture, an RA/Dec grid, the beam and a colour bar in the image unit', () => {
    const html = readFileSync(join(out, `${QL}.qa.html`), 'utf8');
    expect(html).toContain('data:image/jpeg;base64,');
    // The QL fixture is centred on J000200-003000: grid labels through that RA and Dec.
    expect(html).toContain('00h02m00s');
    expect(html).toContain(`-00°30'00"`);
    expect(html).toMatch(/beam 2\.50" x 2\.00"/);
    expect(html).toContain('Jy/beam');
    // North up and east left: a beam at BPA (east of north) turns counter-clockwise, so its symbol is rotated by -BPA.
    const bpa = readFitsHeader(join(SMALL_DIR, 'ql', readdirSync(join(SMALL_DIR, 'ql')).find((f) => f.endsWith('.tt0.subim.fits'))!)).requireNumber('BPA');
    const rotation = Number(/<g class="mark-symbol role-mark [^"]*beam_marks"[^>]*><path transform="translate\([^)]*\) rotate\(([-\d.e]+)\)/.exec(html)?.[1]);
    expect(rotation).toBeCloseTo(-bpa, 1);
  });

  it('the catalog pages draw one ellipse per component, and the cube catalog one spectrum per bright component', () => {
    const catalog = readFileSync(join(out, `${SE}.catalog.html`), 'utf8');
    const rows = readFileSync(join(tmp, 'se', `${SE}.I.catalog.csv`), 'utf8').split('\n').filter((l) => l && !l.startsWith('#'));
    expect(rows.length).toBeGreaterThan(5);
    // The components' layer (named in sky.ts) holds one symbol path per component.
    const layer = /<g class="mark-symbol role-mark [^"]*components_marks"[^>]*>(.*?)<\/g>/s.exec(catalog);
    expect(layer).not.toBeNull();
    expect(layer![1].match(/<path /g)).toHaveLength(rows.length);
    const cube = readFileSync(join(out, `${CC}.cube_catalog.html`), 'utf8');
    expect(cube).toContain('Spectra of the brightest components');
  });
});

describe.skipIf(!CHROMIUM && !REQUIRE)('report pages in headless Chromium', () => {
  it('chromium is installed (VLASS_REQUIRE_CHROMIUM=1)', () => {
    expect(CHROMIUM, 'apt-get install chromium').toBeDefined();
  });

  for (const r of REPORTS) {
    it(`${r.tool}: ${r.page} loads with no console error and no request beyond itself; its screenshot is a page, not blank`, async () => {
      const puppeteer = await import('puppeteer-core');
      const browser = await puppeteer.launch({ executablePath: CHROMIUM!, headless: true, args: ['--no-sandbox', '--disable-gpu'] });
      try {
        const page = await browser.newPage();
        await page.setViewport(VIEWPORT);
        const problems: string[] = [];
        const pageUrl = pathToFileURL(join(out, r.page)).href;
        page.on('console', (m) => {
          if (m.type() === 'error' || m.type() === 'warn') problems.push(`console ${m.type()}: ${m.text()}`);
        });
        page.on('pageerror', (e) => problems.push(`page error: ${String(e)}`));
        page.on('requestfailed', (q) => problems.push(`failed request: ${q.url().slice(0, 80)}`));
        page.on('request', (q) => {
          if (q.url() !== pageUrl && !q.url().startsWith('data:')) problems.push(`request: ${q.url().slice(0, 80)}`);
        });
        await page.goto(pageUrl, { waitUntil: 'load' });
        mkdirSync(SCREENSHOTS, { recursive: true });
        const file = join(SCREENSHOTS, r.page.replace(/\.html$/, '.png'));
        await page.screenshot({ path: file as `${string}.png`, fullPage: true });
        expect(problems).toEqual([]);

        const png = PNG.sync.read(readFileSync(file));
        expect(png.width).toBe(VIEWPORT.width);
        expect(png.height).toBeGreaterThanOrEqual(VIEWPORT.height / 2);
        // Not blank: many distinct colours, and a fair share of pixels that are not background white.
        const colours = new Set<number>();
        let inked = 0;
        for (let i = 0; i < png.data.length; i += 4) {
          const [red, green, blue] = [png.data[i], png.data[i + 1], png.data[i + 2]];
          colours.add((red << 16) | (green << 8) | blue);
          if (red + green + blue < 720) inked++;
        }
        expect(colours.size).toBeGreaterThan(50);
        expect(inked / (png.width * png.height)).toBeGreaterThan(0.02);
      } finally {
        await browser.close();
      }
    });
  }
});
