// The pieces both validation reports (timed sendnn, eager band) draw with: one CDF panel as inline SVG, and
// the page around the workloads' sections.
import { escapeHtml } from '../report/html/renderReportHtml.js';
import { REPORT_STYLE } from '../report/html/reportStyle.js';

/** One curve of a CDF panel: points (ms, 0–1) and how it is drawn. */
export interface CdfCurve {
  readonly points: readonly (readonly [number, number])[];
  /** The path's class (`real`, `simulated`, `in-situ`). */
  readonly cls: string;
  readonly stroke: string;
  readonly width: number;
  readonly dash?: string;
}

export interface LegendEntry {
  readonly color: string;
  readonly text: string;
}

export const REAL_COLOR = '#9ca3af';
export const SIMULATED_COLOR = '#2563eb';
export const IN_SITU_COLOR = '#16a34a';

const W = 440;
const H = 260;
const M = { left: 56, right: 14, top: 30, bottom: 40 };
const num = (value: number): string => Number(value.toFixed(2)).toString();

/** The empirical CDF of `values` (seconds) in ms, at ≤ 200 points (every value when fewer). */
export function cdfPointsMs(values: readonly number[]): [number, number][] {
  const sorted = values.map((value) => value * 1000).sort((a, b) => a - b);
  if (sorted.length === 0) return [];
  const step = Math.max(1, Math.floor(sorted.length / 200));
  const points: [number, number][] = [];
  for (let index = 0; index < sorted.length; index += step) points.push([sorted[index]!, (index + 1) / sorted.length]);
  points.push([sorted[sorted.length - 1]!, 1]);
  return points;
}

/** One CDF panel (linear time axis in ms, 0–1), the curves drawn in order and the legend top left. */
export function cdfPanelSvg(title: string, curves: readonly CdfCurve[], legend: readonly LegendEntry[]): string {
  const xs = curves.flatMap((curve) => curve.points.map(([x]) => x));
  const maxX = Math.max(1, ...xs) * 1.02;
  const minX = Math.min(0, ...xs);
  const w = W - M.left - M.right;
  const h = H - M.top - M.bottom;
  const sx = (x: number): number => M.left + ((x - minX) / (maxX - minX)) * w;
  const sy = (y: number): number => M.top + h - y * h;
  const path = (points: CdfCurve['points']): string => points.map(([x, y], index) => `${index === 0 ? 'M' : 'L'}${num(sx(x))},${num(sy(y))}`).join(' ');
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="system-ui, sans-serif">`,
    `<text x="${M.left}" y="18" font-size="13" font-weight="600">${escapeHtml(title)}</text>`,
    `<rect x="${M.left}" y="${M.top}" width="${w}" height="${h}" fill="#fff" stroke="#d1d5db"/>`,
  ];
  for (let tick = 0; tick <= 4; tick++) {
    const y = tick / 4;
    parts.push(`<line x1="${M.left}" x2="${M.left + w}" y1="${num(sy(y))}" y2="${num(sy(y))}" stroke="#f0f1f3"/><text x="${M.left - 6}" y="${num(sy(y) + 4)}" font-size="10" text-anchor="end" fill="#4b5563">${y.toFixed(2)}</text>`);
    const x = minX + ((maxX - minX) * tick) / 4;
    parts.push(`<text x="${num(sx(x))}" y="${M.top + h + 14}" font-size="10" text-anchor="middle" fill="#4b5563">${num(x)}</text>`);
  }
  parts.push(`<text x="${M.left + w / 2}" y="${M.top + h + 32}" font-size="11" text-anchor="middle" fill="#374151">ms</text>`);
  for (const curve of curves) {
    if (curve.points.length === 0) continue;
    const dash = curve.dash === undefined ? '' : ` stroke-dasharray="${curve.dash}"`;
    parts.push(`<path class="${curve.cls}" d="${path(curve.points)}" fill="none" stroke="${curve.stroke}" stroke-width="${curve.width}"${dash}/>`);
  }
  legend.forEach((entry, index) =>
    parts.push(`<rect x="${M.left + 10}" y="${M.top + 10 + 14 * index}" width="12" height="3" fill="${entry.color}"/><text x="${M.left + 26}" y="${M.top + 14 + 14 * index}" font-size="10">${escapeHtml(entry.text)}</text>`),
  );
  parts.push('</svg>');
  return parts.join('\n');
}

/** validation.html around the workloads' sections: title, heading, subtitle lines (text), the sections, footer (text). */
export function validationPage(page: { readonly title: string; readonly heading: string; readonly subtitles: readonly string[]; readonly sections: readonly string[]; readonly footer: string }): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escapeHtml(page.title)}</title>
<style>${REPORT_STYLE}</style>
</head>
<body>
<header><h1>${escapeHtml(page.heading)}</h1>${page.subtitles.map((line) => `<p class="sub">${escapeHtml(line)}</p>`).join('\n')}</header>
${page.sections.join('\n')}
<footer>${escapeHtml(page.footer)}</footer>
</body>
</html>
`;
}
