import type { PlanReport } from './planDocument.js';
import { chosenProbe, type CandidateResult } from './planResult.js';

/** The infeasible configurations' reasons, one line per distinct reason with the configurations it covers. */
function infeasibleLines(results: readonly CandidateResult[]): string[] {
  const byReason = new Map<string, string[]>();
  for (const result of results) if (result.infeasible !== undefined) byReason.set(result.infeasible, [...(byReason.get(result.infeasible) ?? []), result.candidate.label]);
  return [...byReason].map(([reason, labels]) => `! ${labels.join(', ')}: infeasible — ${reason}`);
}

/** One row per candidate: its fleet (or why none qualified), cheapest marked `*`, runners-up `+`, infeasible `!` with the reasons below. */
export function formatPlanTable(plan: PlanReport | { readonly results: readonly CandidateResult[]; readonly cheapest?: null; readonly runners_up?: readonly number[] }): string {
  const header = ['configuration', 'replicas', 'cards', 'TTFT p99', 'ITL p99', 'out tok/s', 'simulations'];
  const rows = plan.results.map((result) => {
    const mark = result.candidate.index === plan.cheapest ? '*' : plan.runners_up?.includes(result.candidate.index) === true ? '+' : result.infeasible !== undefined ? '!' : result.replicas === null ? 'x' : ' ';
    const probe = chosenProbe(result) ?? result.probes[result.probes.length - 1];
    return [
      `${mark} ${result.candidate.label}`,
      result.infeasible !== undefined ? 'infeasible' : result.replicas === null ? `>${probe?.replicas ?? 0}` : String(result.replicas),
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
    '\n(* cheapest, + runner-up, x no fleet up to the limit qualifies, ! infeasible: the cards cannot run it; latencies in ms at the planned QPS)' +
    infeasibleLines(plan.results).map((line) => `\n${line}`).join('')
  );
}
