import type { PlanReport } from './planDocument.js';
import type { CandidateResult, PlanProbe } from './planResult.js';

/** The ranked fleets drawn in colour (cheapest first), others grey. Same palette as the HTML reports. */
const PALETTE = ['#2563eb', '#dc2626', '#16a34a', '#9333ea', '#ea580c', '#0891b2'];
const GREY = '#cbd5e1';
const PANEL_W = 440;
const PANEL_H = 300;
const MARGIN = { left: 62, right: 16, top: 34, bottom: 44 };

const escapeXml = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const num = (value: number): string => Number(value.toFixed(2)).toString();

/** Log-scale ticks at 1, 2, 5 × 10^k covering [min, max]. */
function logTicks(min: number, max: number): number[] {
  const ticks: number[] = [];
  for (let exponent = Math.floor(Math.log10(min)); exponent <= Math.ceil(Math.log10(max)); exponent++) {
    for (const mantissa of [1, 2, 5]) {
      const tick = mantissa * 10 ** exponent;
      if (tick >= min * 0.999 && tick <= max * 1.001) ticks.push(tick);
    }
  }
  return ticks;
}

function tickLabel(ms: number): string {
  return ms >= 1000 ? `${num(ms / 1000)} s` : `${num(ms)} ms`;
}

interface Line {
  readonly label: string;
  readonly colour: string;
  readonly width: number;
  readonly points: readonly PlanProbe[];
}

function panel(x0: number, title: string, lines: readonly Line[], value: (probe: PlanProbe) => number, target: number | null, qps: number): string {
  const values = lines.flatMap((line) => line.points.map(value)).filter((v) => v > 0);
  if (target !== null) values.push(target);
  const minY = Math.max(0.1, Math.min(...values) / 1.3);
  const maxY = Math.max(...values) * 1.3;
  const qpsValues = lines.flatMap((line) => line.points.map((probe) => probe.qps));
  const minX = Math.min(...qpsValues, qps);
  const maxX = Math.max(...qpsValues, qps);
  const w = PANEL_W - MARGIN.left - MARGIN.right;
  const h = PANEL_H - MARGIN.top - MARGIN.bottom;
  const sx = (x: number): number => x0 + MARGIN.left + (maxX === minX ? w / 2 : ((x - minX) / (maxX - minX)) * w);
  const sy = (y: number): number => MARGIN.top + h - ((Math.log10(Math.max(y, minY)) - Math.log10(minY)) / (Math.log10(maxY) - Math.log10(minY))) * h;
  const parts: string[] = [];
  parts.push(`<text x="${x0 + MARGIN.left}" y="20" font-size="14" font-weight="600">${escapeXml(title)}</text>`);
  parts.push(`<rect x="${x0 + MARGIN.left}" y="${MARGIN.top}" width="${w}" height="${h}" fill="#fff" stroke="#d1d5db"/>`);
  for (const tick of logTicks(minY, maxY)) {
    parts.push(`<line x1="${x0 + MARGIN.left}" x2="${x0 + MARGIN.left + w}" y1="${num(sy(tick))}" y2="${num(sy(tick))}" stroke="#f0f1f3"/>`);
    parts.push(`<text x="${x0 + MARGIN.left - 6}" y="${num(sy(tick) + 4)}" font-size="11" text-anchor="end" fill="#4b5563">${tickLabel(tick)}</text>`);
  }
  const xTicks = [...new Set(lines.flatMap((line) => line.points.map((probe) => probe.qps)))].sort((a, b) => a - b);
  for (const tick of xTicks) parts.push(`<text x="${num(sx(tick))}" y="${MARGIN.top + h + 16}" font-size="11" text-anchor="middle" fill="#4b5563">${num(tick)}</text>`);
  parts.push(`<text x="${x0 + MARGIN.left + w / 2}" y="${MARGIN.top + h + 34}" font-size="12" text-anchor="middle" fill="#374151">offered load (requests/s)</text>`);
  parts.push(`<line x1="${num(sx(qps))}" x2="${num(sx(qps))}" y1="${MARGIN.top}" y2="${MARGIN.top + h}" stroke="#6b7280" stroke-dasharray="2 3"/>`);
  parts.push(`<text x="${num(sx(qps) + 4)}" y="${MARGIN.top + 12}" font-size="11" fill="#6b7280">planned ${num(qps)}/s</text>`);
  if (target !== null) {
    parts.push(`<line x1="${x0 + MARGIN.left}" x2="${x0 + MARGIN.left + w}" y1="${num(sy(target))}" y2="${num(sy(target))}" stroke="#111827" stroke-dasharray="6 4"/>`);
    parts.push(`<text x="${x0 + MARGIN.left + w - 4}" y="${num(sy(target) - 5)}" font-size="11" text-anchor="end" fill="#111827">target ${tickLabel(target)}</text>`);
  }
  for (const line of [...lines].reverse()) {
    const path = line.points.map((probe, index) => `${index === 0 ? 'M' : 'L'}${num(sx(probe.qps))},${num(sy(value(probe)))}`).join(' ');
    parts.push(`<path d="${path}" fill="none" stroke="${line.colour}" stroke-width="${line.width}"/>`);
    for (const probe of line.points) parts.push(`<circle cx="${num(sx(probe.qps))}" cy="${num(sy(value(probe)))}" r="${line.width + 1}" fill="${probe.meets_targets ? line.colour : '#fff'}" stroke="${line.colour}"/>`);
  }
  return parts.join('\n');
}

function fleetLabel(result: CandidateResult): string {
  return `${result.replicas} × ${result.candidate.label} — ${result.cards} cards`;
}

/**
 * The plan's plot as a standalone SVG (no script, no fonts to fetch): p99 TTFT and p99 ITL against offered
 * load, one line per qualifying fleet (its replica count fixed at what the planned QPS needs), log scale.
 * Filled points meet the targets. The cheapest fleet and its runners-up are in colour, the rest grey.
 */
export function renderPlanSvg(plan: PlanReport, subtitle: string): string {
  const ranked = [plan.cheapest, ...plan.runners_up].filter((index): index is number => index !== null);
  const byIndex = new Map(plan.results.map((result) => [result.candidate.index, result]));
  const others = plan.results.filter((result) => result.replicas !== null && !ranked.includes(result.candidate.index));
  const lines: Line[] = [
    ...others.map((result) => ({ label: fleetLabel(result), colour: GREY, width: 1, points: result.curve })),
    ...ranked.map((index, rank) => ({ label: fleetLabel(byIndex.get(index)!), colour: PALETTE[rank % PALETTE.length]!, width: rank === 0 ? 3 : 1.6, points: byIndex.get(index)!.curve })),
  ].reverse();
  const legendRows = ranked.length + (others.length > 0 ? 1 : 0);
  const height = PANEL_H + 56 + 18 * legendRows;
  const width = 2 * PANEL_W;
  const body =
    lines.length === 0
      ? `<text x="20" y="80" font-size="14">${escapeXml(plan.verdict)}</text>`
      : [
          panel(0, 'TTFT p99 vs offered load', lines, (probe) => probe.ttft_p99_ms, plan.settings.ttft_p99_ms, plan.settings.qps),
          panel(PANEL_W, 'ITL p99 vs offered load', lines, (probe) => probe.itl_p99_ms, plan.settings.itl_p99_ms, plan.settings.qps),
        ].join('\n');
  const legend = ranked.map((index, rank) => {
    const y = PANEL_H + 40 + 18 * rank;
    const tag = rank === 0 ? 'cheapest' : `runner-up ${rank}`;
    return `<rect x="${MARGIN.left}" y="${y - 9}" width="14" height="4" fill="${PALETTE[rank % PALETTE.length]}"/><text x="${MARGIN.left + 20}" y="${y - 4}" font-size="12">${escapeXml(`${tag}: ${fleetLabel(byIndex.get(index)!)}`)}</text>`;
  });
  if (others.length > 0) {
    const y = PANEL_H + 40 + 18 * ranked.length;
    legend.push(`<rect x="${MARGIN.left}" y="${y - 9}" width="14" height="4" fill="${GREY}"/><text x="${MARGIN.left + 20}" y="${y - 4}" font-size="12">${others.length} other qualifying fleet${others.length > 1 ? 's' : ''} (more cards)</text>`);
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif">
<rect width="${width}" height="${height}" fill="#f9fafb"/>
<text x="${width - 10}" y="${height - 8}" font-size="10" text-anchor="end" fill="#9ca3af">${escapeXml(subtitle)}</text>
${body}
${legend.join('\n')}
</svg>
`;
}
