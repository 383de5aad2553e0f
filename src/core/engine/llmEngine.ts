import { inject, injectable, optional } from 'inversify';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { StepExecutor } from '../contracts/backend.js';
import { EngineError } from '../contracts/errors.js';
import { asRequestId, type RequestId } from '../contracts/ids.js';
import { Logger } from '../contracts/logger.js';
import type { StepPlan, StepResult } from '../contracts/stepPlan.js';
import { TextCodec } from '../contracts/textCodec.js';
import { EngineCore, type StepReport } from './engineCore.js';
import { buildGenerationRequest, promptTokenIds, stopStrings } from './generationRequest.js';
import type { BatchResult, FinalOutput, GenerateOptions, GenerateParams, GenerationOutput, PromptInput } from './generationTypes.js';
import { RequestStream } from './requestStream.js';
import type { SampledLogprobs } from './sampling/logprobs.js';
import { SamplingStateStore } from './sampling/samplingStateStore.js';
import { WorkSignal } from './workSignal.js';
import { StopStringMatcher } from './stopStringMatcher.js';


/** Called after every executed step (metrics, traces); must not throw. */
export type StepListener = (report: StepReport) => void;

/**
 * The async engine: drives the synchronous EngineCore with the injected StepExecutor, one step at a time,
 * yielding to the event loop between steps, so the loop is never blocked longer than one device step.
 * Every accepted request ends with a final output or an error; a failing step ends only the requests it
 * held, and the engine keeps serving.
 */
@injectable()
export class LlmEngine {
  private readonly streams = new Map<RequestId, RequestStream>();
  private nextRequestNumber = 0;
  private loop: Promise<void> | undefined;
  private readonly stepListeners: StepListener[] = [];
  private closed = false;
  /** Wakes the loop from an idle wait when a request is added or aborted. */
  private readonly work = new WorkSignal();

  constructor(
    @inject(EngineCore) readonly core: EngineCore,
    @inject(StepExecutor) private readonly executor: StepExecutor,
    @inject(TextCodec) readonly codec: TextCodec,
    @inject(Logger) private readonly logger: Logger,
    /** The backend's sampling states, released here when requests end (absent for backends that keep none). */
    @inject(SamplingStateStore) @optional() private readonly samplingStates?: SamplingStateStore,
  ) {}

  /**
   * Queues a request and streams its outputs: deltas, then one final output. Throws at once
   * (EngineError 'invalid_request') for a request the engine refuses, e.g. a prompt over the limit.
   * Leaving the `for await` early aborts the request.
   */
  generate(prompt: PromptInput, params: GenerateParams = {}, options: GenerateOptions = {}): AsyncIterable<GenerationOutput> {
    const stream = this.submit(prompt, params, options);
    const abortIfRunning = (): void => {
      if (!stream.isEnded) this.abort(stream.requestId);
    };
    return {
      async *[Symbol.asyncIterator]() {
        try {
          for (let output = await stream.channel.next(); output !== undefined; output = await stream.channel.next()) yield output;
        } finally {
          abortIfRunning();
        }
      },
    };
  }

  /** Like vLLM's `LLM.generate`: runs all prompts together and returns their results in order. Throws if any prompt is refused. */
  async generateBatch(prompts: readonly PromptInput[], params: GenerateParams = {}): Promise<BatchResult[]> {
    const streams: RequestStream[] = [];
    try {
      for (const prompt of prompts) streams.push(this.submit(prompt, params, {}));
    } catch (error) {
      // One refused prompt refuses the batch (as vLLM raises): the ones already queued are aborted.
      for (const stream of streams) this.abort(stream.requestId);
      throw error;
    }
    return Promise.all(streams.map((stream) => finalOf(stream)));
  }

  /** Aborts a running request now (its blocks are freed at once, or when the step in flight ends). */
  abort(requestId: string): boolean {
    const id = asRequestId(requestId);
    const stream = this.streams.get(id);
    if (stream === undefined) return false;
    this.core.abortRequest(id);
    stream.finish('abort');
    this.forget(id);
    this.work.notify();
    return true;
  }

  onStep(listener: StepListener): void {
    this.stepListeners.push(listener);
  }

  get numUnfinishedRequests(): number {
    return this.streams.size;
  }

  /** Aborts everything and waits for the loop to stop. */
  async close(): Promise<void> {
    this.closed = true;
    for (const requestId of [...this.streams.keys()]) this.abort(requestId);
    await this.loop;
  }

  private submit(prompt: PromptInput, params: GenerateParams, options: GenerateOptions): RequestStream {
    if (this.closed) throw new EngineError('invalid_request', 'the engine is closed.');
    const requestId = asRequestId(options.requestId ?? `req-${this.nextRequestNumber++}`);
    if (this.streams.has(requestId)) throw new EngineError('invalid_request', `request id '${requestId}' is already running.`);
    const promptIds = promptTokenIds(prompt, this.codec);
    const stops = new StopStringMatcher(stopStrings(params), params.includeStopStrInOutput ?? false);
    this.core.addRequest(buildGenerationRequest(requestId, promptIds, params, this.codec));
    const stream = new RequestStream(requestId, promptIds.length, this.codec.createDetokenizer(promptIds), stops);
    this.streams.set(requestId, stream);
    const signal = options.signal;
    if (signal) {
      const onAbort = (): void => void this.abort(requestId);
      stream.onEnded = () => signal.removeEventListener('abort', onAbort);
      if (signal.aborted) this.abort(requestId);
      else signal.addEventListener('abort', onAbort, { once: true });
    }
    this.ensureLoop();
    this.work.notify();
    return stream;
  }

  private ensureLoop(): void {
    if (this.loop !== undefined) return;
    this.loop = this.runLoop().catch((error: unknown) => this.failAll(error)).finally(() => {
      this.loop = undefined;
      if (this.streams.size > 0 && !this.closed) this.ensureLoop();
    });
  }

  private async runLoop(): Promise<void> {
    let preemptionsAtLastIdle: number | undefined;
    while (this.core.hasUnfinishedRequests()) {
      const plan = this.core.beginStep();
      const result = plan === undefined ? { sampled: [] } : await this.execute(plan);
      this.apply(this.core.finishStep(result));
      if (plan !== undefined) {
        preemptionsAtLastIdle = undefined;
        await yieldToEventLoop();
        continue;
      }
      // An idle step resets the batch (tkv) and may preempt, so the next step is planned afresh. An idle step
      // right after another that preempted nothing left the scheduler as that one did: nothing can run until
      // a request is added or aborted, so the loop sleeps until then instead of polling.
      const preemptions = this.core.stats().numPreemptions;
      const unchanged = preemptions === preemptionsAtLastIdle;
      preemptionsAtLastIdle = preemptions;
      if (unchanged) await this.work.next();
      else await yieldToEventLoop();
    }
  }

  /** A broken invariant in the core stops the loop: every running request ends with the error. */
  private failAll(error: unknown): void {
    const message = `engine loop stopped: ${(error as Error).message}`;
    this.logger.error(message);
    for (const [requestId, stream] of [...this.streams]) {
      stream.fail(message);
      this.core.abortRequest(requestId);
      this.forget(requestId);
    }
  }

  private forget(requestId: RequestId): void {
    this.streams.delete(requestId);
    this.samplingStates?.release(requestId);
  }

  private async execute(plan: StepPlan): Promise<StepResult> {
    try {
      return await this.executor.execute(plan);
    } catch (error) {
      const message = `backend step failed: ${(error as Error).message}`;
      this.logger.error(message);
      const ids = plan.kind === 'prefill' ? [plan.requestId] : plan.rows.map((row) => row.requestId);
      return { sampled: [], failed: ids.map((requestId) => ({ requestId, message })) };
    }
  }

  private apply(report: StepReport): void {
    for (const token of report.produced) {
      const stream = this.streams.get(token.requestId);
      if (stream === undefined) continue;
      const logprobs = token.extras?.['logprobs'] as SampledLogprobs | undefined;
      if (stream.addToken(token.tokenId, logprobs)) {
        this.core.stopRequest(token.requestId);
        this.forget(token.requestId);
      }
    }
    for (const ended of report.ended) {
      // Also for a request aborted during this step: the backend may have sampled it once more.
      this.samplingStates?.release(ended.requestId);
      const stream = this.streams.get(ended.requestId);
      if (stream === undefined) continue;
      if (ended.error !== undefined) stream.fail(ended.error);
      else stream.finish(ended.reason, ended.stopTokenId);
      this.forget(ended.requestId);
    }
    for (const listener of this.stepListeners) listener(report);
  }
}

async function finalOf(stream: RequestStream): Promise<BatchResult> {
  let final: FinalOutput | undefined;
  try {
    for (let output = await stream.channel.next(); output !== undefined; output = await stream.channel.next()) {
      if (output.kind === 'final') final = output;
    }
  } catch (error) {
    return { kind: 'error', requestId: stream.requestId, message: (error as Error).message };
  }
  return final ?? { kind: 'error', requestId: stream.requestId, message: 'the request ended without an output' };
}
