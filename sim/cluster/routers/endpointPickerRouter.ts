import { mulberry32 } from '../../../src/core/util/mulberry32.js';
import type { ScorerSpec } from '../clusterSchema.js';
import { PrefixCacheScorer } from './prefixCacheScorer.js';
import type { RoutedRequest, Router, ScrapedMetrics } from './router.js';
import { KvCacheUtilizationScorer, QueueScorer, type Scorer } from './scorer.js';

function scorerOf(spec: ScorerSpec, numReplicas: number): Scorer {
  if (spec.type === 'queue-scorer') return new QueueScorer();
  if (spec.type === 'kv-cache-utilization-scorer') return new KvCacheUtilizationScorer();
  return new PrefixCacheScorer(spec.parameters, numReplicas);
}

/**
 * The endpoint picker's scheduling profile: every scorer scores every replica from the scraped metrics (and
 * its own state), the scores are summed with the profile's weights, and `max-score-picker` takes the highest
 * (ties broken at random, seeded). Then the scorers' PreRequest hooks see the choice.
 */
export class EndpointPickerRouter implements Router {
  readonly scrapes = true;
  private readonly scorers: readonly { readonly scorer: Scorer; readonly weight: number }[];
  private readonly total: Float64Array;
  private readonly part: Float64Array;
  private readonly random: () => number;

  constructor(
    specs: readonly ScorerSpec[],
    private readonly metrics: ScrapedMetrics,
    seed: number,
  ) {
    this.scorers = specs.map((spec) => ({ scorer: scorerOf(spec, metrics.numReplicas), weight: spec.weight }));
    this.total = new Float64Array(metrics.numReplicas);
    this.part = new Float64Array(metrics.numReplicas);
    this.random = mulberry32(seed);
  }

  pick(request: RoutedRequest): number {
    this.total.fill(0);
    for (const { scorer, weight } of this.scorers) {
      scorer.score(request, this.metrics, this.part);
      for (let replica = 0; replica < this.total.length; replica++) this.total[replica]! += weight * this.part[replica]!;
    }
    const chosen = this.maxScore();
    for (const { scorer } of this.scorers) scorer.picked?.(request, chosen, this.metrics);
    return chosen;
  }

  released(): void {}

  /** max-score-picker: the highest total; among equal ones, one drawn uniformly (it shuffles first). */
  private maxScore(): number {
    let best = Number.NEGATIVE_INFINITY;
    let ties = 0;
    let chosen = 0;
    for (let replica = 0; replica < this.total.length; replica++) {
      const score = this.total[replica]!;
      if (score > best + 1e-12) {
        best = score;
        ties = 1;
        chosen = replica;
      } else if (Math.abs(score - best) <= 1e-12 && this.random() * ++ties < 1) chosen = replica;
    }
    return chosen;
  }
}
