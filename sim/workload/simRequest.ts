/**
 * One request of a timed simulation, small enough to hold 100,000 of: its prompt tokens are built only
 * when it arrives (see promptTokensOf).
 */
export interface SimRequestSpec {
  readonly id: string;
  /** Seconds from the start; ignored under a closed loop, where a request arrives when a slot frees. */
  readonly arrivalTimeS: number;
  /** Total prompt length in tokens, shared prefix included. */
  readonly promptLength: number;
  /** Seed of the request's own (non-shared) prompt tokens. */
  readonly promptSeed: number;
  /** Shared-prefix group, or -1. */
  readonly prefixGroup: number;
  /** Leading tokens taken from the group's shared prefix. */
  readonly prefixLength: number;
  /** Explicit prompt tokens (scenario lists, traces with token ids); they override the generated ones. */
  readonly promptTokenIds?: readonly number[];
  readonly maxTokens: number;
  readonly minTokens?: number;
  readonly ignoreEos: boolean;
  readonly cacheSalt?: string;
  /** Tokens the simulated backend emits for this request first (SPEC §8 `output_tokens`). */
  readonly goldenOutputTokens?: readonly number[];
}

/** The requests of a run, in arrival order, and the closed-loop concurrency when there is one. */
export interface SimWorkload {
  readonly requests: readonly SimRequestSpec[];
  readonly closedLoopConcurrency: number | undefined;
  /** Seed of the shared-prefix groups' tokens. */
  readonly prefixSeed: number;
}
