import type { HostOverhead } from '../cost/hostOverhead.js';
import { escapeHtml } from '../report/html/renderReportHtml.js';
import { cdfPanelSvg, cdfPointsMs, IN_SITU_COLOR, REAL_COLOR, SIMULATED_COLOR, validationPage, type CdfCurve, type LegendEntry } from './cdfPanelSvg.js';
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

/** One CDF panel: the real runs in grey, the simulation in blue and, when there is one, the in-situ one dashed green. */
function cdfPanel(title: string, realRuns: readonly (readonly number[])[], simulated: readonly number[], inSitu: readonly number[] | undefined): string {
  const curves: CdfCurve[] = realRuns.map((run) => ({ points: cdfPointsMs(run), cls: 'real', stroke: REAL_COLOR, width: 1.5 }));
  const legend: LegendEntry[] = [{ color: REAL_COLOR, text: `real (${realRuns.length} run${realRuns.length > 1 ? 's' : ''})` }, { color: SIMULATED_COLOR, text: 'simulated' }];
  if (inSitu !== undefined && inSitu.length > 0) {
    curves.push({ points: cdfPointsMs(inSitu), cls: 'in-situ', stroke: IN_SITU_COLOR, width: 1.5, dash: '5 3' });
    legend.push({ color: IN_SITU_COLOR, text: 'simulated, host fitted in situ' });
  }
  curves.push({ points: cdfPointsMs(simulated), cls: 'simulated', stroke: SIMULATED_COLOR, width: 2.5 });
  return cdfPanelSvg(title, curves, legend);
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
  return validationPage({
    title: 'spyre sim validate — timed sendnn',
    heading: 'spyre sim validate: simulator vs the real engine on timed cards',
    subtitles: [subtitle],
    sections,
    footer: "spyre-engine · real: spyre serve's engine and HTTP server on the sendnn emulator with SPYRE_DEVICE_TIMING=profile, loaded by spyre bench serve; simulated: the same requests in spyre sim with the same device profile and the fitted host overhead. Verdicts: meets (within the target), inside the real spread (outside the target but within the real runs' min–max), misses.",
  });
}
