import type { PlanReport } from './planDocument.js';
import { chosenProbe, type CandidateResult } from './planResult.js';

/** One row per candidate: its fleet (or why none qualified), cheapest marked `*`, runners-up `+`. */
export function formatPlanTable(plan: PlanReport | { readonly results: readonly CandidateResult[]; readonly cheapest?: null; readonly runners_up?: readonly number[] }): string {
  const header = ['configuration', 'replicas', 'cards', 'TTFT p99', 'ITL p99', 'out tok/s', 'simulations'];
  const rows = plan.results.map((result) => {
    const mark = result.candidate.index === plan.cheapest ? '*' : plan.runners_up?.includes(result.candidate.index) === true ? '+' : result.replicas === null ? 'x' : ' ';
    const probe = chosenProbe(result) ?? result.probes[result.probes.length - 1];
    return [
      `${mark} ${result.candidate.label}`,
      result.replicas === null ? `>${probe?.replicas ?? 0}` : String(result.replicas),
      result.cards === null ? '–' : String(result.cards),
      probe === undefined ? '–' : probe.ttft_p99_ms.toFixed(1),
      probe === undefined ? '–' : probe.itl_p99_ms.toFixed(1),
      probe === undefined ? '–' : probe.output_tokens_per_s.toFixed(1),
      String(result.probes.length + Math.max(0, result.curve.length - 1)),
    ];
  });
  const table = [[`  ${header[0]}`, ...header.slice(1)], ...rows];
  const widths = header.map((_, column) => Math.max(...table.map((line) => line[column]!.length)));
  return (
    table.map((line) => line.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join('  ')).join('\n') +
    '\n(* cheapest, + runner-up, x no fleet up to the limit qualifies; latencies in ms at the planned QPS)'
  );
}
