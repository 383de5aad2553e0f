/** The engine's counters and gauges, read after a step by the metrics layer and the simulator. */
export interface EngineCoreStats {
  readonly numWaiting: number;
  readonly numRunning: number;
  /** `1 - free_blocks / (total_blocks - 1)` (SPEC §3). */
  readonly kvCacheUsage: number;
  /** Prompt tokens looked up in the prefix cache, cumulative since start. */
  readonly prefixCacheQueriedTokens: number;
  /** Of those, tokens reused (whole chunks only), cumulative since start. */
  readonly prefixCacheHitTokens: number;
  readonly numPreemptions: number;
}
