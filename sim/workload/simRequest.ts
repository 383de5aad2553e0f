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

/**
 * The requests of a run by place in arrival order. An array is one; a generated workload builds each
 * request when it is asked for (in order), so a run of a million requests does not hold a million specs.
 */
export interface RequestSequence {
  readonly length: number;
  at(index: number): SimRequestSpec | undefined;
}

/** Every request of a sequence, as an array (for the small workloads calibration and validation run). */
export function requestList(requests: RequestSequence): readonly SimRequestSpec[] {
  if (Array.isArray(requests)) return requests as readonly SimRequestSpec[];
  return Array.from({ length: requests.length }, (_, index) => requests.at(index)!);
}

/** The requests of a run, in arrival order, and the closed-loop concurrency when there is one. */
export interface SimWorkload {
  readonly requests: RequestSequence;
  readonly closedLoopConcurrency: number | undefined;
  /** Seed of the shared-prefix groups' tokens. */
  readonly prefixSeed: number;
}

/** A workload whose requests are all in memory (lists, traces, recordings). */
export type ListedWorkload = SimWorkload & { readonly requests: readonly SimRequestSpec[] };
