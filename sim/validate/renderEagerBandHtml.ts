import { escapeHtml } from '../report/html/renderReportHtml.js';
import type { SimulationReport } from '../report/simulationReport.js';
import { cdfPanelSvg, IN_SITU_COLOR, REAL_COLOR, SIMULATED_COLOR, validationPage, type CdfCurve, type LegendEntry } from './cdfPanelSvg.js';
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

type Quantiles = { readonly q: readonly number[]; readonly seconds: readonly number[] };

const curveOf = (quantiles: Quantiles): [number, number][] => quantiles.q.map((q, index) => [1000 * quantiles.seconds[index]!, q]);

/** One CDF panel from the reports' quantiles: the real runs grey, the simulations blue and green, overlaid. */
function cdfPanel(title: string, real: readonly Quantiles[], simulated: Quantiles, inSitu: Quantiles): string {
  const curves: CdfCurve[] = [
    ...real.map((run) => ({ points: curveOf(run), cls: 'real', stroke: REAL_COLOR, width: 1.5 })),
    { points: curveOf(inSitu), cls: 'in-situ', stroke: IN_SITU_COLOR, width: 1.5 },
    { points: curveOf(simulated), cls: 'simulated', stroke: SIMULATED_COLOR, width: 2.5 },
  ];
  const legend: LegendEntry[] = [{ color: REAL_COLOR, text: `real (${real.length} runs)` }, { color: SIMULATED_COLOR, text: 'simulated, calibration fit' }, { color: IN_SITU_COLOR, text: 'simulated, in-situ fit' }];
  return cdfPanelSvg(title, curves, legend);
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
  return validationPage({
    title: 'spyre sim validate — eager band',
    heading: 'spyre sim validate: simulator vs the min–max band of real eager runs',
    subtitles: [subtitle, `Across the workloads — calibration fit: ${calibrated}; in-situ fit: ${inSitu}`],
    sections,
    footer: "spyre-engine · real: the eager engine on the wall clock (a fresh engine per run), measured as the simulator measures; simulated: the same requests in spyre sim with the linear cost model fitted on a separate calibration run, and on the workload's own runs. A figure is inside the band when it lies within the real runs' min–max (edges included).",
  });
}
