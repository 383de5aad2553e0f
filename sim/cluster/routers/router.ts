/** What a router knows of a request when it picks a replica: its place in the workload and its prompt. */
export interface RoutedRequest {
  readonly index: number;
  readonly promptTokenIds: readonly number[];
  readonly cacheSalt?: string;
}

/**
 * The replicas' Prometheus metrics as the router last scraped them (vllm:num_requests_waiting,
 * vllm:num_requests_running, vllm:kv_cache_usage_perc) and their vllm:cache_config_info labels
 * (block_size, num_gpu_blocks), one entry per replica. Nothing else of a replica is visible to a router.
 */
export class ScrapedMetrics {
  readonly numWaiting: Float64Array;
  readonly numRunning: Float64Array;
  readonly kvCacheUsage: Float64Array;

  constructor(
    readonly blockSize: readonly number[],
    readonly numGpuBlocks: readonly number[],
  ) {
    this.numWaiting = new Float64Array(blockSize.length);
    this.numRunning = new Float64Array(blockSize.length);
    this.kvCacheUsage = new Float64Array(blockSize.length);
  }

  get numReplicas(): number {
    return this.blockSize.length;
  }
}

/** A routing policy. */
export interface Router {
  /** Whether it reads scraped metrics (the loop scrapes only for such a router). */
  readonly scrapes: boolean;
  /** The replica (0-based) the request goes to. */
  pick(request: RoutedRequest): number;
  /** The replica answered a request this router sent it: the request ended, or was refused. */
  released(replica: number): void;
}
