import { escapeHtml } from '../../report/html/renderReportHtml.js';
import { REPORT_STYLE } from '../../report/html/reportStyle.js';
import type { PlanReport } from './planDocument.js';
import { chosenProbe } from './planResult.js';
import { renderPlanSvg } from './renderPlanSvg.js';

/** plan.html: the verdict, the plot (inline SVG) and one table row per searched configuration. */
export function renderPlanHtml(plan: PlanReport, subtitle: string): string {
  const columns = ['configuration', 'TP', 'chunk', 'seqs', 'replicas', 'cards', 'TTFT p50 ms', 'TTFT p99 ms', 'ITL mean ms', 'ITL p99 ms', 'out tok/s', 'fleets tried', 'misses at the largest fleet tried, or why the cards cannot run it'];
  const rows = plan.results.map((result) => {
    const probe = chosenProbe(result) ?? result.probes[result.probes.length - 1];
    const cls = result.candidate.index === plan.cheapest ? 'recommended' : result.replicas === null ? 'misses' : '';
    const cells = probe === undefined ? [
      result.candidate.label,
      result.candidate.tensorParallelSize,
      result.candidate.maxNumBatchedTokens,
      result.candidate.maxNumSeqs,
      'infeasible', '–', '–', '–', '–', '–', '–', '–',
      result.infeasible ?? '',
    ] : [
      result.candidate.label,
      result.candidate.tensorParallelSize,
      result.candidate.maxNumBatchedTokens,
      result.candidate.maxNumSeqs,
      result.replicas ?? `>${probe.replicas}`,
      result.cards ?? '–',
      probe.ttft_p50_ms.toFixed(1),
      probe.ttft_p99_ms.toFixed(1),
      probe.itl_mean_ms.toFixed(1),
      probe.itl_p99_ms.toFixed(1),
      probe.output_tokens_per_s.toFixed(1),
      result.probes.map((each) => each.replicas).join(', '),
      result.replicas === null ? probe.misses.join('; ') : '',
    ];
    return `<tr class="${cls}">${cells.map((cell) => `<td>${escapeHtml(String(cell))}</td>`).join('')}</tr>`;
  });
  const s = plan.settings;
  const targets = [s.ttft_p99_ms !== null ? `TTFT p99 ≤ ${s.ttft_p99_ms} ms` : '', s.itl_p99_ms !== null ? `ITL p99 ≤ ${s.itl_p99_ms} ms` : ''].filter((part) => part !== '').join(', ');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>spyre sim plan</title>
<style>${REPORT_STYLE}</style>
</head>
<body>
<header><h1>spyre sim plan</h1><p class="sub">${escapeHtml(subtitle)} · ${escapeHtml(`${s.qps} requests/s, ${targets}, router ${s.router}`)}</p></header>
<p class="verdict">${escapeHtml(plan.verdict)}</p>
<section class="card"><h2>p99 latency against offered load</h2><p class="hint">Each line is one configuration at the replica count the planned load needs; filled points meet the targets.</p>
${renderPlanSvg(plan, subtitle)}
</section>
<section class="card"><h2>Every configuration searched</h2><p class="hint">Figures of the chosen fleet at the planned load (or of the largest fleet tried, when none qualified).</p>
<table><thead><tr>${columns.map((column) => `<th>${column}</th>`).join('')}</tr></thead><tbody>
${rows.join('\n')}
</tbody></table>
</section>
<footer>spyre-engine discrete-event simulator · times are simulated, from the scenario's cost model.</footer>
</body>
</html>
`;
}
