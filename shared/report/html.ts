/**
 * The report page: one self-contained HTML file (styles inline, figures as inline SVG, pictures
 * as data URLs; no script, no external file, no network), readable offline and in the archive.
 */
import type { Verdict } from '../qa/types.js';

export interface ReportSection {
  title: string;
  /** HTML (already escaped where it holds text). */
  body: string;
}

export interface ReportPage {
  title: string;
  /** One line under the title: product, tool, time. */
  subtitle: string;
  verdict: Verdict | null;
  sections: readonly ReportSection[];
}

const STYLE = `
body { font-family: sans-serif; margin: 1.5em auto; max-width: 1100px; color: #222; line-height: 1.35; padding: 0 1em; }
h1 { font-size: 1.35em; margin-bottom: 0.2em; word-break: break-all; }
h2 { font-size: 1.1em; margin-top: 1.6em; border-bottom: 1px solid #ddd; padding-bottom: 0.2em; }
.subtitle { color: #555; font-size: 0.9em; }
.verdict { display: inline-block; padding: 0.15em 0.7em; border-radius: 0.3em; color: #fff; font-weight: bold; margin-top: 0.5em; }
.PASS { background: #2ca02c; } .WARN { background: #e6850e; } .FAIL { background: #d62728; }
table { border-collapse: collapse; font-size: 0.85em; margin: 0.5em 0; }
th, td { border: 1px solid #ddd; padding: 0.25em 0.5em; text-align: left; vertical-align: top; }
th { background: #f4f4f4; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr.fail td { background: #fde0e0; } tr.warn td { background: #fff1dc; } tr.rejected td { background: #fde0e0; }
figure { margin: 0.8em 0; } figcaption { font-size: 0.85em; color: #555; max-width: 900px; }
svg { max-width: 100%; height: auto; }
`;

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

export function reportPage(page: ReportPage): string {
  const verdict = page.verdict ? `<div class="verdict ${page.verdict}">${page.verdict}</div>` : '';
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(page.title)}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    `<h1>${escapeHtml(page.title)}</h1>`,
    `<div class="subtitle">${escapeHtml(page.subtitle)}</div>`,
    verdict,
    ...page.sections.map((s) => `<section>\n<h2>${escapeHtml(s.title)}</h2>\n${s.body}\n</section>`),
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

export type Cell = string | number | null;

/** A table; numbers are right-aligned and shown with `digits` significant digits; null is an em dash. */
export function htmlTable(headers: readonly string[], rows: readonly Cell[][], rowClass?: (index: number) => string): string {
  const cell = (v: Cell) => (typeof v === 'number' ? `<td class="num">${formatNumber(v)}</td>` : `<td>${v === null ? '&mdash;' : escapeHtml(v)}</td>`);
  const head = `<tr>${headers.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr>`;
  const body = rows.map((r, i) => `<tr${rowClass ? ` class="${rowClass(i)}"` : ''}>${r.map(cell).join('')}</tr>`);
  return `<table>\n${head}\n${body.join('\n')}\n</table>`;
}

/** Four significant digits, exponent form outside 1e-3..1e5. */
export function formatNumber(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (Number.isInteger(v) && Math.abs(v) < 1e7) return String(v);
  const a = Math.abs(v);
  return a !== 0 && (a < 1e-3 || a >= 1e5) ? v.toExponential(3) : String(Number(v.toPrecision(4)));
}

export function figure(svg: string, caption: string): string {
  return `<figure>\n${svg}\n<figcaption>${escapeHtml(caption)}</figcaption>\n</figure>`;
}

export function paragraph(text: string): string {
  return `<p>${escapeHtml(text)}</p>`;
}
