import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EngineError } from '../../src/core/contracts/errors.js';
import { asRequestId, type RequestId } from '../../src/core/contracts/ids.js';
import { createCoreHarness, sampleWith } from '../support/coreHarness.js';
import { poolInvariantViolation } from '../support/poolInvariants.js';

const EOS = 0;
const BASE_PROMPTS = [0, 1, 2].map((base) => Array.from({ length: 600 }, (_, index) => 1 + ((base * 7919 + index * 31) % 997)));

interface RequestSpec {
  readonly arrivalStep: number;
  readonly base: number;
  readonly sharedLength: number;
  readonly promptLength: number;
  readonly maxTokens: number;
  readonly ignoreEos: boolean;
  /** Parallel sampling: `n` copies of the request (one prefill, forked at its last chunk). */
  readonly copies: number;
}

interface WorkloadCase {
  readonly maxModelLen: number;
  readonly maxNumSeqs: number;
  readonly chunkSize: number;
  readonly interleave: boolean;
  readonly prefixCaching: boolean;
  /** Fraction of max_model_len * max_num_seqs used as VLLM_DT_MAX_BATCH_TKV_LIMIT (1 = default). */
  readonly volumeFraction: number;
  /** Extra blocks beyond what one request needs; small values force eviction and preemption. */
  readonly spareBlocks: number | undefined;
  readonly requests: readonly RequestSpec[];
  readonly abortSteps: readonly number[];
  readonly seed: number;
  /** false: requests reach the engine core directly, past SPEC §1.4's padded check. */
  readonly frontendValidation: boolean;
}

const requestSpec = fc.record({
  arrivalStep: fc.integer({ min: 0, max: 30 }),
  base: fc.integer({ min: 0, max: 2 }),
  sharedLength: fc.integer({ min: 0, max: 400 }),
  promptLength: fc.integer({ min: 1, max: 480 }),
  maxTokens: fc.integer({ min: 1, max: 200 }),
  ignoreEos: fc.boolean(),
  copies: fc.constantFrom(1, 1, 1, 2, 3),
});

const workloadCase: fc.Arbitrary<WorkloadCase> = fc.record({
  maxModelLen: fc.constantFrom(128, 256, 512),
  maxNumSeqs: fc.integer({ min: 1, max: 6 }),
  chunkSize: fc.constantFrom(64, 128, 256),
  interleave: fc.boolean(),
  prefixCaching: fc.boolean(),
  volumeFraction: fc.constantFrom(1, 1, 0.75, 0.5, 0.3),
  spareBlocks: fc.option(fc.integer({ min: 0, max: 12 }), { nil: undefined }),
  requests: fc.array(requestSpec, { minLength: 1, maxLength: 12 }),
  abortSteps: fc.array(fc.integer({ min: 1, max: 200 }), { maxLength: 3 }),
  seed: fc.integer({ min: 0, max: 1000 }),
  frontendValidation: fc.boolean(),
});

interface RunOutcome {
  readonly violations: string[];
  readonly outputs: Map<RequestId, number>;
  readonly finishReasons: Map<RequestId, string>;
  readonly expectedLengths: Map<RequestId, number>;
  readonly aborted: Set<RequestId>;
  /** Requests the engine core refused, with its message. */
  readonly refused: Map<RequestId, string>;
  readonly freeAtEnd: boolean;
}

function promptFor(spec: RequestSpec, index: number, maxModelLen: number): number[] {
  const length = Math.min(spec.promptLength, maxModelLen - 1);
  const shared = BASE_PROMPTS[spec.base]!.slice(0, Math.min(spec.sharedLength, length));
  const own = Array.from({ length: length - shared.length }, (_, offset) => 1 + ((index * 131 + offset * 17) % 997));
  return [...shared, ...own];
}

/** The ids of a request's `n` copies: the request itself first. */
function copyIdsOf(index: number, copies: number): RequestId[] {
  return Array.from({ length: copies }, (_, copy) => asRequestId(copy === 0 ? `r${index}` : `r${index}.${copy}`));
}

/** Runs a random workload through the real core, checking the invariants after every step. */
function runWorkload(workload: WorkloadCase): RunOutcome {
  const maxBatchTkvLimit = Math.max(workload.maxModelLen, Math.floor(workload.maxModelLen * workload.maxNumSeqs * workload.volumeFraction));
  const blocksPerSequence = Math.ceil(workload.maxModelLen / 64);
  const harness = createCoreHarness(
    {
      maxModelLen: workload.maxModelLen,
      maxNumSeqs: workload.maxNumSeqs,
      maxNumBatchedTokens: workload.chunkSize,
      enablePrefixCaching: workload.prefixCaching,
      numBlocks: workload.spareBlocks === undefined ? undefined : 1 + blocksPerSequence + workload.spareBlocks,
    },
    { VLLM_SPYRE_CP_INTERLEAVE_STEPS: workload.interleave ? '1' : '0', VLLM_DT_MAX_BATCH_TKV_LIMIT: String(maxBatchTkvLimit) },
  );
  const { core, pool, scheduler } = harness;
  const violations: string[] = [];
  const outputs = new Map<RequestId, number>();
  const finishReasons = new Map<RequestId, string>();
  const expectedLengths = new Map<RequestId, number>();
  const aborted = new Set<RequestId>();
  const refused = new Map<RequestId, string>();
  /** A request → its further copies (parallel sampling). */
  const groups = new Map<RequestId, readonly RequestId[]>();
  const pending = workload.requests.map((spec, index) => ({ spec, index })).sort((a, b) => a.spec.arrivalStep - b.spec.arrivalStep);
  let random = workload.seed + 1;
  const nextRandom = (): number => {
    random = (Math.imul(random, 1103515245) + 12345) >>> 0;
    return random / 4294967296;
  };
  let previousKind: string | undefined;
  let previousIdle = false;
  for (let step = 0; step < 20_000 && (pending.length > 0 || core.hasUnfinishedRequests()); step++) {
    let arrived = false;
    while (pending.length > 0 && pending[0]!.spec.arrivalStep <= step) {
      const { spec, index } = pending.shift()!;
      const id = asRequestId(`r${index}`);
      const copyIds = copyIdsOf(index, spec.copies);
      const forks = copyIds.slice(1).map((requestId) => ({ requestId }));
      try {
        core.addRequest(
          { requestId: id, promptTokenIds: promptFor(spec, index, workload.maxModelLen), maxTokens: spec.maxTokens, ignoreEos: spec.ignoreEos, eosTokenIds: [EOS], forks },
          { frontendValidation: workload.frontendValidation },
        );
        for (const copyId of copyIds) {
          expectedLengths.set(copyId, spec.ignoreEos ? spec.maxTokens : -1);
          outputs.set(copyId, 0);
        }
        groups.set(id, copyIds.slice(1));
        arrived = true;
      } catch (error) {
        if (!(error instanceof EngineError) || error.kind !== 'invalid_request') throw error;
        for (const copyId of copyIds) refused.set(copyId, error.message);
      }
    }
    if (workload.abortSteps.includes(step) && outputs.size > 0) {
      const ids = [...outputs.keys()].filter((id) => !finishReasons.has(id));
      const victim = ids[Math.floor(nextRandom() * ids.length)];
      if (victim !== undefined && core.abortRequest(victim)) {
        aborted.add(victim);
        finishReasons.set(victim, 'abort');
        // A request aborted before its prefill forked its copies ends them too.
        for (const copyId of groups.get(victim) ?? []) {
          if (scheduler.get(copyId) === undefined && !finishReasons.has(copyId)) {
            aborted.add(copyId);
            finishReasons.set(copyId, 'abort');
          }
        }
      }
    }
    const decodingBefore = scheduler.runningRequests().some((request) => request.isDecoding);
    const preemptionsBefore = core.stats().numPreemptions;
    const plan = core.beginStep();
    const kind = plan?.kind ?? 'idle';
    if (workload.interleave && previousKind === 'prefill' && kind === 'prefill' && decodingBefore) violations.push(`step ${step + 1}: two prefill steps in a row while a request decodes`);
    // A decoding request that preempts itself for want of a block leaves nothing to decode: that idle step
    // is the only one allowed while something was decoding.
    if (kind === 'idle' && decodingBefore && core.stats().numPreemptions === preemptionsBefore) violations.push(`step ${step + 1}: idle although a request could decode`);
    if (kind === 'idle' && previousIdle && !arrived && core.hasUnfinishedRequests() && pending.length === 0) violations.push(`step ${step + 1}: two idle steps in a row with work waiting`);
    const report = core.finishStep(sampleWith(plan, () => (nextRandom() < 0.03 ? EOS : 1 + Math.floor(nextRandom() * 900))));
    for (const token of report.produced) outputs.set(token.requestId, (outputs.get(token.requestId) ?? 0) + 1);
    for (const ended of report.ended) {
      finishReasons.set(ended.requestId, ended.reason);
      if (ended.outputTokenIds.length !== outputs.get(ended.requestId)) violations.push(`${ended.requestId}: reported ${ended.outputTokenIds.length} tokens, streamed ${outputs.get(ended.requestId)}`);
    }
    const poolViolation = poolInvariantViolation(pool);
    if (poolViolation !== undefined) violations.push(`step ${step + 1}: ${poolViolation}`);
    const held = new Set(scheduler.runningRequests().flatMap((request) => harness.kv.blocksOf(request.id)));
    // The request's handle on its blocks (what planning reads) is the KV manager's list, waiting or running.
    for (const request of [...scheduler.runningRequests(), ...scheduler.waitingRequests()]) {
      if (request.blockIds.join() !== harness.kv.blocksOf(request.id).join()) violations.push(`step ${step + 1}: ${request.id} holds [${request.blockIds.join()}], the KV manager [${harness.kv.blocksOf(request.id).join()}]`);
    }
    const usedBlocks = pool.numUsableBlocks - pool.numFreeBlocks;
    if (usedBlocks !== held.size) violations.push(`step ${step + 1}: ${usedBlocks} blocks used, but running requests hold ${held.size} distinct blocks`);
    previousKind = kind;
    previousIdle = kind === 'idle';
  }
  if (core.hasUnfinishedRequests()) violations.push('requests left unfinished after 20000 steps');
  return { violations, outputs, finishReasons, expectedLengths, aborted, refused, freeAtEnd: pool.numFreeBlocks === pool.numBlocks - 1 };
}

describe('having random workloads and configurations', () => {
  it('should end or refuse with a reason every request, none lost, with frontend_validation on or off', () => {
    fc.assert(
      fc.property(workloadCase, (workload) => {
        const outcome = runWorkload(workload);
        for (const message of outcome.refused.values()) expect(message).toMatch(/^Could not add request: /);
        for (let index = 0; index < workload.requests.length; index++) {
          for (const requestId of copyIdsOf(index, workload.requests[index]!.copies)) {
            expect(outcome.finishReasons.has(requestId) || outcome.refused.has(requestId), `request ${requestId} was lost`).toBe(true);
          }
        }
      }),
      { numRuns: Number(process.env.FC_RUNS ?? 150), seed: Number(process.env.FC_SEED ?? Date.now()) },
    );
  });

  it('should keep every invariant at every step (conservation, reference counts, free queue, interleaving, liveness)', () => {
    fc.assert(
      fc.property(workloadCase, (workload) => {
        const outcome = runWorkload(workload);
        expect(outcome.violations).toEqual([]);
      }),
      { numRuns: Number(process.env.FC_RUNS ?? 150), seed: Number(process.env.FC_SEED ?? Date.now()) },
    );
  });

  it('should end every accepted request, and with ignore_eos produce exactly max_tokens tokens', () => {
    fc.assert(
      fc.property(workloadCase, (workload) => {
        const outcome = runWorkload(workload);
        for (const [requestId, expected] of outcome.expectedLengths) {
          expect(outcome.finishReasons.has(requestId), `request ${requestId} never ended`).toBe(true);
          if (expected >= 0 && !outcome.aborted.has(requestId)) expect(outcome.outputs.get(requestId)).toBe(expected);
        }
      }),
      { numRuns: Number(process.env.FC_RUNS ?? 150), seed: Number(process.env.FC_SEED ?? Date.now()) },
    );
  });

  it('should free every block after everything has finished or been aborted', () => {
    fc.assert(
      fc.property(workloadCase, (workload) => {
        expect(runWorkload(workload).freeAtEnd).toBe(true);
      }),
      { numRuns: Number(process.env.FC_RUNS ?? 150), seed: Number(process.env.FC_SEED ?? Date.now()) },
    );
  });
});
