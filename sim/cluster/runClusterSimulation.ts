import { BLOCK_SIZE } from '../../src/core/contracts/ids.js';
import { EngineError } from '../../src/core/contracts/errors.js';
import type { StepReport } from '../../src/core/engine/engineCore.js';
import { EventQueue } from '../kernel/eventQueue.js';
import { VirtualClock } from '../kernel/virtualClock.js';
import { RequestMetrics } from '../report/requestMetrics.js';
import { PromptBuilder } from '../workload/promptTokens.js';
import type { SimWorkload } from '../workload/simRequest.js';
import type { RouterSpec } from './clusterSchema.js';
import type { ReplicaSpec } from './fleet.js';
import { mergeReplicaOutcomes, type ClusterOutcome } from './mergeReplicaOutcomes.js';
import { createRouter } from './routers/createRouter.js';
import { ScrapedMetrics, type Router } from './routers/router.js';
import { SimReplica } from './simReplica.js';

/**
 * Event kinds, as queue priorities. A scrape at time t reads the replicas before anything else happens at t;
 * then, as in the single-engine loop, arrivals, step ends and step starts.
 */
const SCRAPE = 0;
const ARRIVAL = 1;
const STEP_END = 2;
const STEP_START = 3;

export interface ClusterInput {
  readonly fleet: readonly ReplicaSpec[];
  readonly router: RouterSpec | undefined;
  readonly workload: SimWorkload;
  /** Keep each request's timings (fleet and replicas' `metrics.perRequest`); a report needs none. */
  readonly keepPerRequest?: boolean;
}

/**
 * A workload through a fleet of replicas behind a router, on one virtual clock and one event queue. Each
 * replica is the real engine core (SimReplica); the router picks a replica for each request the moment it
 * arrives, from what a real router sees: its own open connections (least_requests) or the replicas' metrics
 * as last scraped, every `scrape_interval_s` (endpoint_picker). A request stays on the replica it was sent to.
 */
export function runClusterSimulation(input: ClusterInput): ClusterOutcome {
  return new ClusterSimulation(input).run();
}

class ClusterSimulation {
  private readonly queue = new EventQueue(256);
  private readonly clock = new VirtualClock();
  private readonly replicas: SimReplica[];
  private readonly router: Router;
  private readonly scraped: ScrapedMetrics;
  private readonly prompts: PromptBuilder;
  private readonly owner: Int32Array;
  private readonly merged: RequestMetrics;
  private nextArrival = 0;
  private numScrapes = 0;
  private lastEventS = 0;

  constructor(private readonly input: ClusterInput) {
    const requests = input.workload.requests;
    const keepPerRequest = input.keepPerRequest ?? false;
    this.replicas = input.fleet.map((spec) => new SimReplica(spec, this.clock, requests.length, keepPerRequest));
    this.scraped = new ScrapedMetrics(
      input.fleet.map(() => BLOCK_SIZE),
      input.fleet.map((spec) => spec.config.numBlocks),
    );
    this.router = createRouter(input.router, this.scraped);
    this.prompts = new PromptBuilder(input.workload);
    this.owner = new Int32Array(requests.length).fill(-1);
    this.merged = new RequestMetrics(requests.length, { keepPerRequest });
  }

  run(): ClusterOutcome {
    const concurrency = this.input.workload.closedLoopConcurrency;
    if (concurrency === undefined) this.scheduleNextArrival(0);
    else for (let slot = 0; slot < concurrency; slot++) this.scheduleNextArrival(0);
    if (this.router.scrapes) this.queue.push(0, SCRAPE, -1);
    while (this.queue.size > 0) {
      const payload = this.queue.pop();
      const priority = this.queue.poppedPriority;
      this.clock.advanceTo(this.queue.poppedTimeS);
      if (priority === SCRAPE) {
        this.scrape();
        continue;
      }
      this.lastEventS = this.clock.nowS();
      const replica = priority === ARRIVAL ? this.arrive(payload) : priority === STEP_END ? this.endStep(payload) : this.startStep(payload);
      if (replica >= 0 && this.replicas[replica]!.takeStartDue()) this.queue.push(this.clock.nowS(), STEP_START, replica);
    }
    const stalled = this.replicas.findIndex((replica) => replica.core.hasUnfinishedRequests());
    if (stalled >= 0) throw new EngineError('invariant_violated', `The cluster simulation stalled at ${this.clock.nowS()}s: replica ${stalled} has requests left but plans no step.`);
    return mergeReplicaOutcomes(this.replicas, this.owner, this.merged, this.lastEventS);
  }

  private scrape(): void {
    for (let index = 0; index < this.replicas.length; index++) {
      const stats = this.replicas[index]!.core.stats();
      this.scraped.numWaiting[index] = stats.numWaiting;
      this.scraped.numRunning[index] = stats.numRunning;
      this.scraped.kvCacheUsage[index] = stats.kvCacheUsage;
    }
    // Keep scraping while anything is left to happen; counted from 0 so the ticks do not drift.
    if (this.queue.size > 0) this.queue.push(++this.numScrapes * this.input.router!.scrape_interval_s, SCRAPE, -1);
  }

  private scheduleNextArrival(atS: number): void {
    const index = this.nextArrival;
    if (index >= this.input.workload.requests.length) return;
    this.nextArrival++;
    const timeS = this.input.workload.closedLoopConcurrency === undefined ? this.input.workload.requests.at(index)!.arrivalTimeS : atS;
    this.queue.push(timeS, ARRIVAL, index);
  }

  /** Routes the request; returns the replica it went to. */
  private arrive(index: number): number {
    const spec = this.input.workload.requests.at(index)!;
    const openLoop = this.input.workload.closedLoopConcurrency === undefined;
    if (openLoop) this.scheduleNextArrival(this.clock.nowS());
    const promptTokenIds = this.prompts.promptTokensOf(spec);
    const replica = this.router.pick({ index, promptTokenIds, ...(spec.cacheSalt !== undefined ? { cacheSalt: spec.cacheSalt } : {}) });
    this.owner[index] = replica;
    if (!this.replicas[replica]!.admit(index, spec, promptTokenIds)) {
      this.router.released(replica);
      if (!openLoop) this.scheduleNextArrival(this.clock.nowS());
    }
    return replica;
  }

  private startStep(replica: number): number {
    const started = this.replicas[replica]!.startStep();
    if ('endS' in started) this.queue.push(started.endS, STEP_END, replica);
    else this.stepDone(replica, started.idleReport);
    return replica;
  }

  private endStep(replica: number): number {
    this.stepDone(replica, this.replicas[replica]!.endStep());
    return replica;
  }

  private stepDone(replica: number, report: StepReport): void {
    const nowS = this.clock.nowS();
    let kv = 0;
    let waiting = 0;
    let running = 0;
    for (const each of this.replicas) {
      kv += each.statsAfterLastStep.kvCacheUsage;
      waiting += each.statsAfterLastStep.numWaiting;
      running += each.statsAfterLastStep.numRunning;
    }
    // The fleet's timeline: mean KV usage, total waiting and running, after every step of any replica.
    this.merged.occupancy.add(nowS, kv / this.replicas.length, waiting, running);
    for (let i = 0; i < report.ended.length; i++) {
      this.router.released(replica);
      if (this.input.workload.closedLoopConcurrency !== undefined) this.scheduleNextArrival(nowS);
    }
  }
}
