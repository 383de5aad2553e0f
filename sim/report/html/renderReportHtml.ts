import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { SimulationReport } from '../simulationReport.js';
import { REPORT_SCRIPT } from './reportScript.js';
import { REPORT_STYLE } from './reportStyle.js';
import { chunkColours, tradeoffChart } from './tradeoffPoints.js';

/** One simulated setting as the page shows it. `group` gathers points into one line of the trade-off charts. */
export interface ReportRun {
  readonly label: string;
  readonly group: string;
  readonly report: SimulationReport;
  readonly meetsTargets?: boolean;
}

export interface ReportPage {
  readonly title: string;
  /** One line under the title: scenario, workload, cost model. */
  readonly subtitle: string;
  readonly runs: readonly ReportRun[];
  /** Index in `runs` of the recommended setting (tune). */
  readonly recommended?: number;
  readonly targets?: { readonly itl_p99_ms?: number; readonly ttft_p99_ms?: number };
  /** A sentence shown above the table (the recommendation, or why there is none). */
  readonly verdict?: string;
  /** Lines under the verdict (tune over tensor parallel sizes: the best setting per card count). */
  readonly notes?: readonly string[];
}

const require = createRequire(import.meta.url);

const TRADEOFF_CARDS = `<section class="card"><h2>Throughput vs ITL p99</h2><p class="hint">Each point is one setting, coloured as in the table and named by its chunk size; one line per group of settings; the ringed point is the recommended one.</p><div id="tradeoff-itl"></div></section>
<section class="card"><h2>Throughput vs TTFT p99</h2><p class="hint">Queueing shows up here first: TTFT grows without bound past saturation (a logarithmic axis when the values span more than 20×).</p><div id="tradeoff-ttft"></div></section>`;

/** With one setting there is no trade-off to draw: its TTFT and end-to-end latency distributions instead. */
const SINGLE_RUN_CARDS = `<section class="card"><h2>TTFT distribution</h2><p class="hint">Time to first token at each percentile: queueing for admission plus the prompt's prefill chunks.</p><div id="tradeoff-itl"></div></section>
<section class="card"><h2>End-to-end latency distribution</h2><p class="hint">Arrival to last token, at each percentile.</p><div id="tradeoff-ttft"></div></section>`;

/** uPlot's minified build and stylesheet, read from node_modules and inlined: the page needs no network. */
export function uplotAssets(): { script: string; style: string } {
  const dist = require.resolve('uplot/dist/uPlot.iife.min.js');
  return { script: readFileSync(dist, 'utf8'), style: readFileSync(dist.replace(/uPlot\.iife\.min\.js$/, 'uPlot.min.css'), 'utf8') };
}

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Embeds JSON in a <script> element: `<` is escaped so no string can close the element. */
export function embeddedJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c');
}

/** One self-contained HTML page (uPlot inlined): summary table, ITL distribution, throughput vs latency, KV usage over time. */
export function renderReportHtml(page: ReportPage): string {
  const uplot = uplotAssets();
  const tradeoff = page.runs.length > 1
    ? { itl: tradeoffChart(page.runs, 'itl_s', page.recommended, page.targets?.itl_p99_ms), ttft: tradeoffChart(page.runs, 'ttft_s', page.recommended, page.targets?.ttft_p99_ms) }
    : null;
  const data = { runs: page.runs, recommended: page.recommended ?? null, targets: page.targets ?? null, colours: chunkColours(page.runs), tradeoff };
  const columns = ['setting', 'chunk', 'seqs', 'interleave', 'cards', 'req/s', 'out tok/s', 'TTFT p50 ms', 'TTFT p99 ms', 'ITL p50 ms', 'ITL p99 ms', 'TPOT p50 ms', 'E2E p50 s', 'interrupt ms', 'prefix hit', 'done'];
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escapeHtml(page.title)}</title>
<style>${uplot.style}</style>
<style>${REPORT_STYLE}</style>
</head>
<body>
<header><h1>${escapeHtml(page.title)}</h1><p class="sub">${escapeHtml(page.subtitle)}</p></header>
${page.verdict === undefined ? '' : `<p class="verdict">${escapeHtml(page.verdict)}</p>`}
${page.notes === undefined || page.notes.length === 0 ? '' : `<ul class="notes">${page.notes.map((note) => `<li>${escapeHtml(note)}</li>`).join('')}</ul>`}
<section class="card"><h2>Summary</h2>
<table id="summary"><thead><tr>${columns.map((column) => `<th>${column}</th>`).join('')}</tr></thead><tbody></tbody></table>
</section>
<div class="grid">
<section class="card"><h2>ITL distribution per setting</h2><p class="hint">Inter-token latency at each percentile. The jump in the tail is decode waiting behind another request's prefill chunk: it grows with the chunk size.</p><div id="itl"></div></section>
<section class="card"><h2>KV cache usage and queues over time</h2><p class="hint">Setting: <select id="timeline-run"></select></p><div id="timeline"></div></section>
${page.runs.length > 1 ? TRADEOFF_CARDS : SINGLE_RUN_CARDS}
</div>
<footer>spyre-engine discrete-event simulator · times are simulated, from the cost model named above.</footer>
<script id="report-data" type="application/json">${embeddedJson(data)}</script>
<script>${uplot.script}</script>
<script>${REPORT_SCRIPT}</script>
</body>
</html>
`;
}
