import { inject, injectable, optional } from 'inversify';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { StepExecutor } from '../contracts/backend.js';
import { EngineError } from '../contracts/errors.js';
import { asRequestId, type RequestId } from '../contracts/ids.js';
import { Logger } from '../contracts/logger.js';
import type { StepPlan, StepResult } from '../contracts/stepPlan.js';
import { TextCodec } from '../contracts/textCodec.js';
import { EngineCore, type StepReport } from './engineCore.js';
import { buildGenerationRequest, copyRequestIds, numCopiesOf, promptTokenIds, stopStrings } from './generationRequest.js';
import type { BatchResult, FinalOutput, GenerateOptions, GenerateParams, GenerationOutput, PromptInput } from './generationTypes.js';
import { FanInSink, OutputChannel } from './outputChannel.js';
import { RequestStream } from './requestStream.js';
import type { SampledLogprobs } from './sampling/logprobs.js';
import { SamplingStateStore } from './sampling/samplingStateStore.js';
import { WorkSignal } from './workSignal.js';
import { StopStringMatcher } from './stopStringMatcher.js';


/** Called after every executed step (metrics, traces); must not throw. */
export type StepListener = (report: StepReport) => void;

/** A submitted request: its id, the outputs of all its copies (one channel) and the copies' engine ids. */
interface Submitted {
  readonly requestId: RequestId;
  readonly channel: OutputChannel<GenerationOutput>;
  readonly streams: readonly RequestStream[];
}

/**
 * The async engine: drives the synchronous EngineCore with the injected StepExecutor, one step at a time,
 * yielding to the event loop between steps, so the loop is never blocked longer than one device step.
 * Every accepted request ends with a final output or an error; a failing step ends only the requests it
 * held, and the engine keeps serving.
 */
@injectable()
export class LlmEngine {
  /** One stream per sequence: a request's, or each copy's of a request sampled `n > 1` times. */
  private readonly streams = new Map<RequestId, RequestStream>();
  /** A request sampled `n > 1` times → its copies' ids. */
  private readonly copiesOf = new Map<RequestId, readonly RequestId[]>();
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
   * Queues a request and streams its outputs: deltas, then one final output; with `n > 1` the copies'
   * outputs (labelled with their `index`), until every copy has ended. Throws at once (EngineError
   * 'invalid_request') for a request the engine refuses, e.g. a prompt over the limit. Leaving the
   * `for await` early aborts the request (every copy).
   */
  generate(prompt: PromptInput, params: GenerateParams = {}, options: GenerateOptions = {}): AsyncIterable<GenerationOutput> {
    const submitted = this.submit(prompt, params, options);
    // Also after one copy failed (the channel has ended): the others still run.
    const abortIfRunning = (): void => {
      for (const stream of submitted.streams) if (!stream.isEnded) this.abortSequence(asRequestId(stream.requestId));
    };
    const channel = submitted.channel;
    return {
      async *[Symbol.asyncIterator]() {
        try {
          for (let output = await channel.next(); output !== undefined; output = await channel.next()) yield output;
        } finally {
          abortIfRunning();
        }
      },
    };
  }

  /** Like vLLM's `LLM.generate`: runs all prompts together and returns their results in order. Throws if any prompt is refused. */
  async generateBatch(prompts: readonly PromptInput[], params: GenerateParams = {}): Promise<BatchResult[]> {
    if ((params.n ?? 1) !== 1) throw new EngineError('invalid_request', `'n': generateBatch returns one output per prompt; use generate() for n=${params.n} copies.`);
    const submitted: Submitted[] = [];
    try {
      for (const prompt of prompts) submitted.push(this.submit(prompt, params, {}));
    } catch (error) {
      // One refused prompt refuses the batch (as vLLM raises): the ones already queued are aborted.
      for (const each of submitted) this.abort(each.requestId);
      throw error;
    }
    return Promise.all(submitted.map((each) => finalOf(each)));
  }

  /**
   * Aborts a running request now (its blocks are freed at once, or when the step in flight ends); for a
   * request sampled `n > 1` times, every copy still running.
   */
  abort(requestId: string): boolean {
    const id = asRequestId(requestId);
    const copies = this.copiesOf.get(id);
    if (copies !== undefined) {
      this.copiesOf.delete(id);
      let aborted = false;
      for (const copyId of copies) aborted = this.abortSequence(copyId) || aborted;
      return aborted;
    }
    return this.abortSequence(id);
  }

  private abortSequence(id: RequestId): boolean {
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

  private submit(prompt: PromptInput, params: GenerateParams, options: GenerateOptions): Submitted {
    if (this.closed) throw new EngineError('invalid_request', 'the engine is closed.');
    const requestId = asRequestId(options.requestId ?? `req-${this.nextRequestNumber++}`);
    const n = numCopiesOf(params);
    const copyIds = copyRequestIds(requestId, n);
    if ([requestId, ...copyIds].some((id) => this.streams.has(id) || this.copiesOf.has(id))) {
      throw new EngineError('invalid_request', `request id '${requestId}' is already running.`);
    }
    const promptIds = promptTokenIds(prompt, this.codec);
    const stopList = stopStrings(params);
    const includeStop = params.includeStopStrInOutput ?? false;
    this.core.addRequest(buildGenerationRequest(copyIds[0]!, promptIds, params, this.codec, copyIds.slice(1)));
    const channel = new OutputChannel<GenerationOutput>();
    const sink = n === 1 ? channel : new FanInSink(channel, n);
    const streams = copyIds.map((copyId, index) => {
      const stream = new RequestStream(copyId, promptIds.length, this.codec.createDetokenizer(promptIds), new StopStringMatcher(stopList, includeStop), sink, n === 1 ? undefined : index);
      this.streams.set(copyId, stream);
      return stream;
    });
    if (n > 1) this.copiesOf.set(requestId, copyIds);
    const signal = options.signal;
    if (signal) {
      const onAbort = (): void => void this.abort(requestId);
      let open = n;
      for (const stream of streams) {
        stream.onEnded = () => {
          open -= 1;
          if (open === 0) signal.removeEventListener('abort', onAbort);
        };
      }
      if (signal.aborted) this.abort(requestId);
      else signal.addEventListener('abort', onAbort, { once: true });
    }
    this.ensureLoop();
    this.work.notify();
    return { requestId, channel, streams };
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
    if (this.copiesOf.size > 0) this.forgetCopiesOfEnded(requestId);
  }

  /** Once every copy of a request sampled `n > 1` times has ended, its entry goes too. */
  private forgetCopiesOfEnded(copyId: RequestId): void {
    for (const [requestId, copies] of this.copiesOf) {
      if (copies.includes(copyId) && copies.every((id) => !this.streams.has(id))) this.copiesOf.delete(requestId);
    }
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

async function finalOf(submitted: Submitted): Promise<BatchResult> {
  let final: FinalOutput | undefined;
  const channel = submitted.channel;
  try {
    for (let output = await channel.next(); output !== undefined; output = await channel.next()) {
      if (output.kind === 'final') final = output;
    }
  } catch (error) {
    return { kind: 'error', requestId: submitted.requestId, message: (error as Error).message };
  }
  return final ?? { kind: 'error', requestId: submitted.requestId, message: 'the request ended without an output' };
}
