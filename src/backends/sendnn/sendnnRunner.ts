import { inject, injectable, optional } from 'inversify';
import type { StepExecutor } from '../../core/contracts/backend.js';
import { EngineError } from '../../core/contracts/errors.js';
import type { RequestId } from '../../core/contracts/ids.js';
import type { SamplingParams } from '../../core/contracts/requests.js';
import type { DecodeBatchPlan, PrefillChunkPlan, SampledToken, StepPlan, StepResult } from '../../core/contracts/stepPlan.js';
import { TokenSampling } from '../../core/contracts/sampling.js';
import type { ObtainedProgram } from './cache/programCache.js';
import { RunBuffers } from './runBuffers.js';
import { DeviceTimer } from './timing/deviceTimer.js';
import { stepShapeOf } from './timing/stepShapeOf.js';
import { SendnnSession } from './sendnnSession.js';

/**
 * The sendnn backend: each step plan becomes one run of a compiled program on the device (the prefill
 * program for a chunk, the smallest decode program that holds the batch), then the same sampler as the
 * eager backend. A native failure fails the step's requests through `StepResult.failed`; the engine goes on.
 * Sampling is the core's TokenSampling: a request prefilled again after a preemption keeps its generator
 * and penalty counts, and the engine releases the state when the request ends.
 */
@injectable()
export class SendnnRunner implements StepExecutor {
  private readonly prefillBuffers: RunBuffers;
  private readonly decodeBuffers: ReadonlyMap<ObtainedProgram, RunBuffers>;
  /** Sees each sampled row's logits before sampling (the view is reused). For tests and tools. */
  logitsObserver: ((requestId: RequestId, logits: Float32Array) => void) | undefined;

  constructor(
    @inject(SendnnSession) private readonly session: SendnnSession,
    @inject(TokenSampling) private readonly sampling: TokenSampling,
    @inject(DeviceTimer) @optional() private readonly timer?: DeviceTimer,
  ) {
    const vocabSize = session.model.desc.vocabSize;
    this.prefillBuffers = new RunBuffers(session.prefill.shape, vocabSize);
    this.decodeBuffers = new Map(session.decode.map((program) => [program, new RunBuffers(program.shape, vocabSize)]));
  }

  /** With device timing, resolves once the step has taken the time the profile gives it (the event loop stays free). */
  async execute(plan: StepPlan): Promise<StepResult> {
    if (this.timer === undefined) return this.executeSync(plan);
    const start = process.hrtime.bigint();
    const result = this.executeSync(plan);
    const batch = plan.kind === 'decode' ? this.session.decodeProgramFor(plan.rows.length)?.shape.batchSize ?? plan.rows.length : 1;
    await this.timer.waitOut(stepShapeOf(plan, batch), start);
    return result;
  }

  /** Runs on the caller's stack: the native call is synchronous (no device timing: the simulator's path). */
  executeSync(plan: StepPlan): StepResult {
    try {
      return plan.kind === 'prefill' ? this.prefill(plan) : this.decode(plan);
    } catch (error) {
      if (!(error instanceof EngineError)) throw error;
      const ids = plan.kind === 'prefill' ? [plan.requestId] : plan.rows.map((row) => row.requestId);
      return { sampled: [], failed: ids.map((requestId) => ({ requestId, message: `sendnn backend: ${error.message}` })) };
    }
  }

  private prefill(plan: PrefillChunkPlan): StepResult {
    if (plan.chunkSize !== this.prefillBuffers.shape.numSlots) {
      throw new EngineError('backend_failed', `no compiled prefill program for chunk size ${plan.chunkSize} (compiled: ${this.prefillBuffers.shape.numSlots})`);
    }
    const inputs = this.prefillBuffers.fillPrefill(plan);
    this.session.library.runProgram(this.session.prefill.handle, this.session.kv, inputs);
    const copies = plan.blockCopies ?? [];
    if (copies.length > 0) {
      const sources = Int32Array.from(copies, (copy) => copy.source);
      this.session.library.copyKvBlocks(this.session.kv, sources, Int32Array.from(copies, (copy) => copy.target));
    }
    if (!plan.isLastChunk) return { sampled: [] };
    // A request prefilled again after a preemption keeps its state (generator, counts). The copies it forks
    // (parallel sampling) sample their first tokens from the same logits, each with its own state.
    return { sampled: [plan, ...(plan.forks ?? [])].map((sequence) => this.sample(sequence.requestId, sequence.sampling, inputs.logits, 0)) };
  }

  private decode(plan: DecodeBatchPlan): StepResult {
    const program = this.session.decodeProgramFor(plan.rows.length);
    const buffers = program === undefined ? undefined : this.decodeBuffers.get(program);
    if (program === undefined || buffers === undefined) {
      throw new EngineError('backend_failed', `no compiled decode program for a batch of ${plan.rows.length} rows (largest: ${this.session.decode.at(-1)?.shape.batchSize ?? 0})`);
    }
    const inputs = buffers.fillDecode(plan);
    this.session.library.runProgram(program.handle, this.session.kv, inputs);
    return { sampled: plan.rows.map((row, r) => this.sample(row.requestId, row.sampling, inputs.logits, r)) };
  }

  private sample(requestId: RequestId, sampling: SamplingParams, logits: Float32Array, row: number): SampledToken {
    const vocab = this.session.model.desc.vocabSize;
    const rowLogits = logits.subarray(row * vocab, (row + 1) * vocab);
    this.logitsObserver?.(requestId, rowLogits);
    return this.sampling.sample(requestId, sampling, rowLogits);
  }
}
