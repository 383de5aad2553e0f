import { createHash } from 'node:crypto';
import { EngineError } from '../../../src/core/contracts/errors.js';
import type { Scenario } from '../../scenario/scenarioSchema.js';
import { chosenProbe, PLAN_FORMAT, rankResults, type CandidateResult } from './planResult.js';
import type { Shard } from './planSpace.js';

/** What a plan was asked: the same in every shard of one plan (merge checks it). */
export interface PlanSettingsRecord {
  readonly scenario: string;
  /** SHA-256 of the parsed scenario: shards of different scenarios do not merge. */
  readonly scenario_sha256: string;
  readonly qps: number;
  readonly ttft_p99_ms: number | null;
  readonly itl_p99_ms: number | null;
  readonly max_replicas: number;
  readonly cards_per_replica: readonly number[];
  readonly chunk_sizes: readonly number[];
  readonly max_num_seqs: readonly number[];
  readonly router: string;
  /** Candidates in the whole search (all shards). */
  readonly num_candidates: number;
}

/** One shard's output (`--shard i/n`): its candidates' results. */
export interface PlanShardFile {
  readonly format: typeof PLAN_FORMAT;
  readonly kind: 'shard';
  readonly settings: PlanSettingsRecord;
  readonly shard: Shard;
  readonly results: readonly CandidateResult[];
}

/** The plan (plan.json): every candidate's result, and the cheapest fleet with its runners-up. */
export interface PlanReport {
  readonly format: typeof PLAN_FORMAT;
  readonly kind: 'plan';
  readonly settings: PlanSettingsRecord;
  readonly results: readonly CandidateResult[];
  /** Candidate index of the cheapest qualifying fleet; null when none qualifies. */
  readonly cheapest: number | null;
  /** The next cheapest, up to five, by candidate index. */
  readonly runners_up: readonly number[];
  readonly verdict: string;
}

const RUNNERS_UP = 5;

export function scenarioDigest(scenario: Scenario): string {
  return createHash('sha256').update(JSON.stringify(scenario)).digest('hex');
}

function fleetText(result: CandidateResult): string {
  const probe = chosenProbe(result)!;
  return `${result.replicas} × ${result.candidate.label} (${result.cards} cards): TTFT p99 ${probe.ttft_p99_ms.toFixed(1)} ms, ITL p99 ${probe.itl_p99_ms.toFixed(1)} ms, ${probe.output_tokens_per_s.toFixed(1)} output tok/s`;
}

/** The plan from every candidate's result (in any order): ranked, with a one-sentence verdict. */
export function buildPlanReport(settings: PlanSettingsRecord, results: readonly CandidateResult[]): PlanReport {
  const ordered = [...results].sort((a, b) => a.candidate.index - b.candidate.index);
  const ranked = rankResults(ordered);
  const cheapest = ranked[0];
  const verdict =
    cheapest === undefined && ordered.every((result) => result.infeasible !== undefined)
      ? `None of the searched configurations can run on the cards (each is infeasible; the reasons are listed). Search larger --cards-per-replica, or give the replicas larger cards.`
      : cheapest === undefined
      ? `No fleet of up to ${settings.max_replicas} replicas of any searched configuration meets the targets at ${settings.qps} requests/s. Raise --max-replicas, loosen the targets, or widen the search.`
      : `Cheapest fleet at ${settings.qps} requests/s: ${fleetText(cheapest)}.`;
  return {
    format: PLAN_FORMAT,
    kind: 'plan',
    settings,
    results: ordered,
    cheapest: cheapest?.candidate.index ?? null,
    runners_up: ranked.slice(1, 1 + RUNNERS_UP).map((result) => result.candidate.index),
    verdict,
  };
}

/** A shard file, checked: format, kind, and a shard number within its count. */
export function parsePlanShard(json: unknown, source: string): PlanShardFile {
  const file = json as Partial<PlanShardFile> | null;
  if (file === null || typeof file !== 'object' || file.format !== PLAN_FORMAT || file.kind !== 'shard' || file.settings === undefined || file.shard === undefined || !Array.isArray(file.results)) {
    throw new EngineError('invalid_config', `${source} is not a spyre sim plan shard (${PLAN_FORMAT}, kind "shard"): write shards with spyre sim plan … --shard i/n --out DIR.`);
  }
  return file as PlanShardFile;
}

/**
 * Joins the shards of one plan into the plan an unsharded run gives: they must share settings (scenario,
 * targets, axes) and a shard count, and hold each shard exactly once.
 */
export function mergePlanShards(shards: readonly { readonly file: PlanShardFile; readonly source: string }[]): PlanReport {
  if (shards.length === 0) throw new EngineError('invalid_config', 'spyre sim merge needs at least one shard file.');
  const first = shards[0]!;
  const expected = JSON.stringify(first.file.settings);
  const count = first.file.shard.count;
  const seen = new Map<number, string>();
  for (const { file, source } of shards) {
    if (JSON.stringify(file.settings) !== expected) {
      throw new EngineError('invalid_config', `${source} belongs to another plan than ${first.source} (different scenario, targets, QPS or search axes): merge the shards of one plan only.`);
    }
    if (file.shard.count !== count) throw new EngineError('invalid_config', `${source} is shard ${file.shard.index}/${file.shard.count}, but ${first.source} is one of ${count}.`);
    const twin = seen.get(file.shard.index);
    if (twin !== undefined) throw new EngineError('invalid_config', `shard ${file.shard.index}/${count} is given twice: ${twin} and ${source}.`);
    seen.set(file.shard.index, source);
  }
  const missing = Array.from({ length: count }, (_, index) => index + 1).filter((index) => !seen.has(index));
  if (missing.length > 0) throw new EngineError('invalid_config', `shard${missing.length > 1 ? 's' : ''} ${missing.map((index) => `${index}/${count}`).join(', ')} missing: run spyre sim plan … --shard i/${count} for ${missing.length > 1 ? 'them' : 'it'} and merge again.`);
  const results = shards.flatMap(({ file }) => file.results);
  if (results.length !== first.file.settings.num_candidates) {
    throw new EngineError('invalid_config', `the shards hold ${results.length} results for a plan of ${first.file.settings.num_candidates} candidates.`);
  }
  return buildPlanReport(first.file.settings, results);
}
