import type { HostOverhead } from '../cost/hostOverhead.js';
import { escapeHtml } from '../report/html/renderReportHtml.js';
import { REPORT_STYLE } from '../report/html/reportStyle.js';
import type { LatencySamples, TimedLoad, TimedRow } from './timedProtocol.js';

/** One workload of the protocol as the report shows it. */
export interface TimedWorkloadResult {
  readonly label: string;
  /** e.g. "TP 4, 300 requests at 12.3/s, 64 + 16 tokens". */
  readonly description: string;
  /** The load the bench client sent (its requests are those the simulation ran). */
  readonly load: TimedLoad;
  readonly real: readonly LatencySamples[];
  readonly simulated: LatencySamples;
  readonly rows: readonly TimedRow[];
  /** The same simulation with the host's terms fitted on this workload's own real runs. */
  readonly inSitu?: { readonly host: HostOverhead; readonly simulated: LatencySamples; readonly rows: readonly TimedRow[] };
}

const REAL = '#9ca3af';
const SIMULATED = '#2563eb';
const IN_SITU = '#16a34a';
const W = 440;
const H = 260;
const M = { left: 56, right: 14, top: 30, bottom: 40 };
const num = (value: number): string => Number(value.toFixed(2)).toString();

/** The empirical CDF of `values` at ≤ 200 points (every value when fewer). */
function cdfPoints(values: readonly number[]): [number, number][] {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return [];
  const step = Math.max(1, Math.floor(sorted.length / 200));
  const points: [number, number][] = [];
  for (let index = 0; index < sorted.length; index += step) points.push([sorted[index]!, (index + 1) / sorted.length]);
  points.push([sorted[sorted.length - 1]!, 1]);
  return points;
}

/** One CDF panel (linear time axis in ms, 0–1): the real runs in grey, the simulation in blue, overlaid. */
function cdfPanel(title: string, realRuns: readonly (readonly number[])[], simulated: readonly number[], inSitu: readonly number[] | undefined): string {
  const ms = (values: readonly number[]): number[] => values.map((value) => value * 1000);
  const realCurves = realRuns.map((run) => cdfPoints(ms(run)));
  const simCurve = cdfPoints(ms(simulated));
  const inSituCurve = inSitu === undefined ? [] : cdfPoints(ms(inSitu));
  const all = [...realCurves.flat(), ...simCurve, ...inSituCurve].map(([x]) => x);
  const maxX = Math.max(1, ...all) * 1.02;
  const minX = Math.min(0, ...all);
  const w = W - M.left - M.right;
  const h = H - M.top - M.bottom;
  const sx = (x: number): number => M.left + ((x - minX) / (maxX - minX)) * w;
  const sy = (y: number): number => M.top + h - y * h;
  const path = (points: readonly [number, number][]): string => points.map(([x, y], index) => `${index === 0 ? 'M' : 'L'}${num(sx(x))},${num(sy(y))}`).join(' ');
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
  for (const curve of realCurves) parts.push(`<path class="real" d="${path(curve)}" fill="none" stroke="${REAL}" stroke-width="1.5"/>`);
  if (inSituCurve.length > 0) {
    parts.push(`<path class="in-situ" d="${path(inSituCurve)}" fill="none" stroke="${IN_SITU}" stroke-width="1.5" stroke-dasharray="5 3"/>`);
    parts.push(`<rect x="${M.left + 10}" y="${M.top + 38}" width="12" height="3" fill="${IN_SITU}"/><text x="${M.left + 26}" y="${M.top + 42}" font-size="10">simulated, host fitted in situ</text>`);
  }
  parts.push(`<path class="simulated" d="${path(simCurve)}" fill="none" stroke="${SIMULATED}" stroke-width="2.5"/>`);
  parts.push(`<rect x="${M.left + 10}" y="${M.top + 10}" width="12" height="3" fill="${REAL}"/><text x="${M.left + 26}" y="${M.top + 14}" font-size="10">real (${realRuns.length} run${realRuns.length > 1 ? 's' : ''})</text>`);
  parts.push(`<rect x="${M.left + 10}" y="${M.top + 24}" width="12" height="3" fill="${SIMULATED}"/><text x="${M.left + 26}" y="${M.top + 28}" font-size="10">simulated</text>`);
  parts.push('</svg>');
  return parts.join('\n');
}

const hostText = (host: HostOverhead): string => `${(1e3 * host.per_step_s).toFixed(2)} ms/step + ${(1e3 * host.per_request_s).toFixed(3)} ms/request, front end ${(1e3 * host.frontend_s).toFixed(2)} ms`;

const pct = (value: number): string => `${value >= 0 ? '+' : ''}${(100 * value).toFixed(1)}%`;

function errorTable(rows: readonly TimedRow[]): string {
  const body = rows.map((row) => {
    const digits = row.unit === 'ms' ? 2 : 1;
    const cls = row.verdict === 'meets' ? 'recommended' : row.verdict === 'misses' ? 'misses' : '';
    const cells = [`${row.figure} (${row.unit})`, row.real.toFixed(digits), `${row.realMin.toFixed(digits)} – ${row.realMax.toFixed(digits)}`, row.simulated.toFixed(digits), pct(row.error), `±${(100 * row.target).toFixed(0)}%`, row.verdict];
    return `<tr class="${cls}">${cells.map((cell) => `<td>${escapeHtml(cell)}</td>`).join('')}</tr>`;
  });
  return `<table><thead><tr><th>figure</th><th>real (median)</th><th>real min – max</th><th>simulated</th><th>error</th><th>target</th><th>verdict</th></tr></thead><tbody>\n${body.join('\n')}\n</tbody></table>`;
}

/** validation.html: per workload, simulated vs real CDFs of TTFT and ITL overlaid (inline SVG), and the error table. */
export function renderTimedReportHtml(results: readonly TimedWorkloadResult[], subtitle: string): string {
  const sections = results.map(
    (result) => `<section class="card"><h2>${escapeHtml(result.label)}</h2><p class="hint">${escapeHtml(result.description)}</p>
<div class="plots">
${cdfPanel('TTFT, CDF', result.real.map((run) => run.ttftS), result.simulated.ttftS, result.inSitu?.simulated.ttftS)}
${cdfPanel('ITL, CDF', result.real.map((run) => run.itlS), result.simulated.itlS, result.inSitu?.simulated.itlS)}
</div>
<h3>Simulated with the host overhead of the calibration</h3>
${errorTable(result.rows)}
${result.inSitu === undefined ? '' : `<h3>Simulated with the host overhead fitted in situ (this workload's real runs: ${escapeHtml(hostText(result.inSitu.host))})</h3>\n${errorTable(result.inSitu.rows)}`}
</section>`,
  );
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>spyre sim validate — timed sendnn</title>
<style>${REPORT_STYLE}</style>
</head>
<body>
<header><h1>spyre sim validate: simulator vs the real engine on timed cards</h1><p class="sub">${escapeHtml(subtitle)}</p></header>
${sections.join('\n')}
<footer>spyre-engine · real: spyre serve's engine and HTTP server on the sendnn emulator with SPYRE_DEVICE_TIMING=profile, loaded by spyre bench serve; simulated: the same requests in spyre sim with the same device profile and the fitted host overhead. Verdicts: meets (within the target), inside the real spread (outside the target but within the real runs' min–max), misses.</footer>
</body>
</html>
`;
}
