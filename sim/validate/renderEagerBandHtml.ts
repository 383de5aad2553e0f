import { escapeHtml } from '../report/html/renderReportHtml.js';
import { REPORT_STYLE } from '../report/html/reportStyle.js';
import type { SimulationReport } from '../report/simulationReport.js';
import { countInside, insideText, type BandRow } from './eagerBand.js';

/** One workload of the eager band protocol as the report shows it. */
export interface EagerBandWorkloadResult {
  readonly label: string;
  readonly description: string;
  readonly real: readonly SimulationReport[];
  /** Simulated with the calibration run's fit. */
  readonly simulated: SimulationReport;
  /** Simulated with the fit of this workload's own real runs. */
  readonly inSituSimulated: SimulationReport;
  readonly rows: readonly BandRow[];
  readonly inSituRows: readonly BandRow[];
}

const W = 440;
const H = 260;
const M = { left: 56, right: 14, top: 30, bottom: 40 };
const num = (value: number): string => Number(value.toFixed(2)).toString();
type Quantiles = { readonly q: readonly number[]; readonly seconds: readonly number[] };

/** One CDF panel from the reports' quantiles (ms, 0–1): the real runs grey, the simulations blue and green, overlaid. */
function cdfPanel(title: string, real: readonly Quantiles[], simulated: Quantiles, inSitu: Quantiles): string {
  const curve = (quantiles: Quantiles): [number, number][] => quantiles.q.map((q, index) => [1000 * quantiles.seconds[index]!, q]);
  const curves = [...real.map((run) => ({ points: curve(run), cls: 'real', stroke: '#9ca3af', width: 1.5 })), { points: curve(inSitu), cls: 'in-situ', stroke: '#16a34a', width: 1.5 }, { points: curve(simulated), cls: 'simulated', stroke: '#2563eb', width: 2.5 }];
  const xs = curves.flatMap((entry) => entry.points.map(([x]) => x));
  const maxX = Math.max(1, ...xs) * 1.02;
  const minX = Math.min(0, ...xs);
  const w = W - M.left - M.right;
  const h = H - M.top - M.bottom;
  const sx = (x: number): number => M.left + ((x - minX) / (maxX - minX)) * w;
  const sy = (y: number): number => M.top + h - y * h;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="system-ui, sans-serif">`,
    `<text x="${M.left}" y="18" font-size="13" font-weight="600">${escapeHtml(title)}</text>`,
    `<rect x="${M.left}" y="${M.top}" width="${w}" height="${h}" fill="#fff" stroke="#d1d5db"/>`,
  ];
  for (let tick = 0; tick <= 4; tick++) {
    const x = minX + ((maxX - minX) * tick) / 4;
    parts.push(`<text x="${M.left - 6}" y="${num(sy(tick / 4) + 4)}" font-size="10" text-anchor="end" fill="#4b5563">${(tick / 4).toFixed(2)}</text><text x="${num(sx(x))}" y="${M.top + h + 14}" font-size="10" text-anchor="middle" fill="#4b5563">${num(x)}</text>`);
  }
  parts.push(`<text x="${M.left + w / 2}" y="${M.top + h + 32}" font-size="11" text-anchor="middle" fill="#374151">ms</text>`);
  for (const entry of curves) parts.push(`<path class="${entry.cls}" d="${entry.points.map(([x, y], index) => `${index === 0 ? 'M' : 'L'}${num(sx(x))},${num(sy(y))}`).join(' ')}" fill="none" stroke="${entry.stroke}" stroke-width="${entry.width}"/>`);
  const legend = [['#9ca3af', `real (${real.length} runs)`], ['#2563eb', 'simulated, calibration fit'], ['#16a34a', 'simulated, in-situ fit']];
  legend.forEach(([color, text], index) => parts.push(`<rect x="${M.left + 10}" y="${M.top + 10 + 14 * index}" width="12" height="3" fill="${color}"/><text x="${M.left + 26}" y="${M.top + 14 + 14 * index}" font-size="10">${escapeHtml(text!)}</text>`));
  parts.push('</svg>');
  return parts.join('\n');
}

const pct = (value: number): string => `${value >= 0 ? '+' : ''}${(100 * value).toFixed(1)}%`;

function bandTable(rows: readonly BandRow[]): string {
  const body = rows.map((row) => {
    const digits = row.unit === 'ms' ? 2 : 1;
    const cells = [`${row.figure} (${row.unit})`, row.realMedian.toFixed(digits), `${row.realMin.toFixed(digits)} – ${row.realMax.toFixed(digits)}`, row.simulated.toFixed(digits), pct(row.error), row.inside ? 'inside the band' : 'outside the band'];
    return `<tr class="${row.inside ? 'recommended' : 'misses'}">${cells.map((cell) => `<td>${escapeHtml(cell)}</td>`).join('')}</tr>`;
  });
  return `<table><thead><tr><th>figure</th><th>real (median)</th><th>real min – max</th><th>simulated</th><th>vs median</th><th>verdict</th></tr></thead><tbody>\n${body.join('\n')}\n</tbody></table>`;
}

/** validation.html of the eager band protocol: per workload, CDFs overlaid and the band tables; the k-of-n counts on top. */
export function renderEagerBandHtml(results: readonly EagerBandWorkloadResult[], subtitle: string): string {
  const calibrated = insideText(countInside(results.map((result) => result.rows)));
  const inSitu = insideText(countInside(results.map((result) => result.inSituRows)));
  const sections = results.map(
    (result) => `<section class="card"><h2>${escapeHtml(result.label)}</h2><p class="hint">${escapeHtml(result.description)}</p>
<div class="plots">
${cdfPanel('TTFT, CDF', result.real.map((run) => run.ttft_distribution), result.simulated.ttft_distribution, result.inSituSimulated.ttft_distribution)}
${cdfPanel('ITL, CDF', result.real.map((run) => run.itl_distribution), result.simulated.itl_distribution, result.inSituSimulated.itl_distribution)}
</div>
<h3>Simulated with the calibration run's fit — ${escapeHtml(insideText(countInside([result.rows])))}</h3>
${bandTable(result.rows)}
<h3>Simulated with the fit of this workload's own runs (in situ) — ${escapeHtml(insideText(countInside([result.inSituRows])))}</h3>
${bandTable(result.inSituRows)}
</section>`,
  );
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>spyre sim validate — eager band</title>
<style>${REPORT_STYLE}</style>
</head>
<body>
<header><h1>spyre sim validate: simulator vs the min–max band of real eager runs</h1><p class="sub">${escapeHtml(subtitle)}</p>
<p class="sub">Across the workloads — calibration fit: ${escapeHtml(calibrated)}; in-situ fit: ${escapeHtml(inSitu)}</p></header>
${sections.join('\n')}
<footer>spyre-engine · real: the eager engine on the wall clock (a fresh engine per run), measured as the simulator measures; simulated: the same requests in spyre sim with the linear cost model fitted on a separate calibration run, and on the workload's own runs. A figure is inside the band when it lies within the real runs' min–max (edges included).</footer>
</body>
</html>
`;
}
