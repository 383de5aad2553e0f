import { inject, injectable } from 'inversify';
import { EngineConfig } from '../contracts/config.js';
import { EngineError } from '../contracts/errors.js';
import { asRequestId, type RequestId } from '../contracts/ids.js';
import { Logger } from '../contracts/logger.js';
import {
  PoolingEngineOptions, PoolingExecutor, PoolingTextEncoder, type EncodedInput, type PoolingBatch, type PoolingModelDescription,
} from '../contracts/pooling.js';
import { l2Normalized, sigmoid, softmax } from '../scheduler/pooling/poolingActivations.js';
import type {
  ClassificationResult, EmbedOptions, EmbeddingResult, PoolingCallOptions, PoolingInput, PoolingPair, RawPoolingResult, RerankOptions, RerankResult, ScoreResult,
} from '../scheduler/pooling/poolingResults.js';
import { PoolingScheduler } from '../scheduler/pooling/poolingScheduler.js';
import { checkWarmupMemory, describeEstimate } from '../scheduler/pooling/shapeMemory.js';

interface Pending {
  resolve(output: Float32Array): void;
  reject(error: Error): void;
}

/** An input or pair the caller encoded (not text, not a bare id list). */
function isEncoded(input: PoolingInput | PoolingPair): input is EncodedInput {
  return typeof input === 'object' && !Array.isArray(input);
}

function abortError(): Error {
  return Object.assign(new Error('The request was aborted.'), { name: 'AbortError' });
}

/**
 * The pooling engine (SPEC §5): embed, score, rerank, classify and raw pooling over a backend that runs
 * exactly the warmup shapes. Inputs are checked and tokenized up front: a call with any input that no
 * shape can run is refused whole before anything is queued, so it never reaches the device and never
 * disturbs other calls. Requests made in the same tick join the same batch when the shapes allow.
 * Results do not depend on batching: left padding is masked and each row is pooled on its own.
 */
@injectable()
export class PoolingEngine {
  readonly description: PoolingModelDescription;
  private readonly scheduler: PoolingScheduler;
  private readonly pending = new Map<RequestId, Pending>();
  private requestCount = 0;
  private pumpQueued = false;
  private closed = false;
  private runningBatch: Promise<void> | undefined;

  constructor(
    @inject(PoolingExecutor) private readonly executor: PoolingExecutor,
    @inject(PoolingTextEncoder) private readonly textEncoder: PoolingTextEncoder,
    @inject(EngineConfig) readonly config: EngineConfig,
    @inject(Logger) private readonly logger: Logger,
    @inject(PoolingEngineOptions) private readonly options: PoolingEngineOptions,
  ) {
    this.description = executor.description;
    this.scheduler = new PoolingScheduler(config.warmupShapes, executor.description.padTokenId);
  }

  /** The up-front memory check, then warmup of every shape. Call once before serving. */
  async start(): Promise<void> {
    const estimates = this.config.warmupShapes.map((shape) => this.executor.estimateMemory(shape));
    const budget = this.options.deviceMemoryBytes ?? this.executor.deviceMemoryBytes;
    for (const estimate of estimates) this.logger.info(`Warmup shape memory estimate: ${describeEstimate(estimate)}`);
    if (budget === undefined) this.logger.info('The backend reports no device memory (eager runs on the host) and no budget was given (spyre embed --device-memory-bytes): the warmup-shape memory check is skipped.');
    else checkWarmupMemory(estimates, budget);
    await this.executor.warmup(this.config.warmupShapes, this.logger);
  }

  async embed(inputs: readonly PoolingInput[], options: EmbedOptions = {}): Promise<readonly EmbeddingResult[]> {
    this.require('embedding', 'embeddings');
    const encoded = inputs.map((input) => this.encodeSingle(input));
    const outputs = await this.submit(encoded, options);
    const normalize = options.normalize ?? this.description.normalize;
    return outputs.map((output, index) => ({ index, embedding: normalize ? l2Normalized(output) : output, promptTokens: encoded[index]!.tokenIds.length }));
  }

  /** Relevance of each document to the query, from a one-label cross-encoder. */
  async score(query: PoolingInput, documents: readonly PoolingInput[], options: PoolingCallOptions = {}): Promise<readonly ScoreResult[]> {
    return this.scorePairs(documents.map((document) => [query, document] as const), options);
  }

  /** Relevance of each (query, document) pair (vLLM's N:N `text_1` / `text_2` lists). */
  async scorePairs(pairs: readonly PoolingPair[], options: PoolingCallOptions = {}): Promise<readonly ScoreResult[]> {
    this.requireScorer();
    const encoded = pairs.map((pair) => (isEncoded(pair) ? this.checkedEncoded(pair) : this.encodePair(pair[0], pair[1])));
    const outputs = await this.submit(encoded, options);
    const activate = this.description.scoreActivation === 'sigmoid' ? sigmoid : (x: number): number => x;
    return outputs.map((output, index) => ({ index, score: activate(output[0] as number), promptTokens: encoded[index]!.tokenIds.length }));
  }

  /** `score`, sorted best first, cut to `topN`. */
  async rerank(query: PoolingInput, documents: readonly PoolingInput[], options: RerankOptions = {}): Promise<readonly RerankResult[]> {
    return this.rerankPairs(documents.map((document) => [query, document] as const), options);
  }

  /** `scorePairs`, sorted best first, cut to `topN` (the pairs of one query, each maybe already encoded). */
  async rerankPairs(pairs: readonly PoolingPair[], options: RerankOptions = {}): Promise<readonly RerankResult[]> {
    if (options.topN !== undefined && (!Number.isInteger(options.topN) || options.topN < 0)) {
      throw new EngineError('invalid_request', `top_n must be a non-negative integer, but it was ${options.topN}.`);
    }
    const scores = await this.scorePairs(pairs, options);
    const ranked = [...scores].sort((a, b) => b.score - a.score || a.index - b.index);
    return ranked.slice(0, options.topN ?? ranked.length).map((s) => ({ index: s.index, relevanceScore: s.score, promptTokens: s.promptTokens }));
  }

  async classify(inputs: readonly PoolingInput[], options: PoolingCallOptions = {}): Promise<readonly ClassificationResult[]> {
    this.require('logits', 'classification');
    const encoded = inputs.map((input) => this.encodeSingle(input));
    const outputs = await this.submit(encoded, options);
    return outputs.map((output, index) => {
      const probs = softmax(output);
      const labelIndex = probs.indexOf(Math.max(...probs));
      const label = this.description.labels[labelIndex] ?? `LABEL_${labelIndex}`;
      return { index, label, labelIndex, probs, logits: Array.from(output), promptTokens: encoded[index]!.tokenIds.length };
    });
  }

  /** The model's raw output per input (`/pooling`). */
  async pool(inputs: readonly PoolingInput[], options: PoolingCallOptions = {}): Promise<readonly RawPoolingResult[]> {
    const encoded = inputs.map((input) => this.encodeSingle(input));
    const outputs = await this.submit(encoded, options);
    return outputs.map((data, index) => ({ index, data, promptTokens: encoded[index]!.tokenIds.length }));
  }

  /** Refuses new calls, fails the waiting ones, waits for the running batch and releases the backend. */
  async close(): Promise<void> {
    this.closed = true;
    for (const [requestId, pending] of this.pending) {
      if (this.scheduler.removeWaiting(requestId)) {
        this.pending.delete(requestId);
        pending.reject(new EngineError('backend_failed', 'The engine was shut down before the request ran.'));
      }
    }
    await this.runningBatch;
    await this.executor.close();
  }

  private require(kind: PoolingModelDescription['outputKind'], what: string): void {
    if (this.description.outputKind !== kind) {
      const has = this.description.outputKind === 'embedding' ? 'an embedding model (last_hidden_state)' : 'a classifier (logits)';
      throw new EngineError('invalid_request', `${what} are not available: ${this.description.modelDir} is ${has}.`);
    }
  }

  private requireScorer(): void {
    this.require('logits', 'scores');
    const labels = this.description.labels;
    if (labels.length !== 1) {
      throw new EngineError('invalid_request', `scores need a cross-encoder with one label; this model has ${labels.length} labels (${labels.join(', ')}): use classify.`);
    }
  }

  private checkIds(ids: readonly number[]): void {
    const vocab = this.description.vocabSize;
    ids.forEach((id, position) => {
      if (!Number.isInteger(id) || id < 0 || id >= vocab) {
        throw new EngineError('invalid_request', `token id ${id} at position ${position} is outside the model's vocabulary (${vocab} ids).`);
      }
    });
  }

  private encodeSingle(input: PoolingInput): EncodedInput {
    if (typeof input === 'string') return this.textEncoder.encode(input);
    if (isEncoded(input)) return this.checkedEncoded(input);
    this.checkIds(input);
    return { tokenIds: input };
  }

  /** Already encoded by the caller: its ids are still checked against the vocabulary. */
  private checkedEncoded(input: EncodedInput): EncodedInput {
    this.checkIds(input.tokenIds);
    return input;
  }

  /** A text pair goes through the tokenizer's pair template; id pairs are concatenated, the document as type 1. */
  private encodePair(query: PoolingInput, document: PoolingInput): EncodedInput {
    if (typeof query === 'string' && typeof document === 'string') return this.textEncoder.encodePair(query, document);
    if (typeof query === 'string' || typeof document === 'string' || isEncoded(query) || isEncoded(document)) {
      throw new EngineError('invalid_request', 'query and documents must both be text or both be token ids.');
    }
    this.checkIds(query);
    this.checkIds(document);
    return { tokenIds: [...query, ...document], tokenTypeIds: [...query.map(() => 0), ...document.map(() => 1)] };
  }

  private submit(inputs: readonly EncodedInput[], options: PoolingCallOptions): Promise<Float32Array[]> {
    if (this.closed) return Promise.reject(new EngineError('backend_failed', 'The pooling engine is closed.'));
    if (options.signal?.aborted) return Promise.reject(abortError());
    const requests = inputs.map((input) => ({
      requestId: asRequestId(`pool-${this.requestCount++}`),
      tokenIds: input.tokenIds,
      ...(this.description.usesTokenTypeIds && input.tokenTypeIds !== undefined ? { tokenTypeIds: input.tokenTypeIds } : {}),
    }));
    for (const request of requests) this.scheduler.check(request); // all or nothing: nothing queued yet
    const outputs = requests.map((request) => new Promise<Float32Array>((resolve, reject) => {
      this.pending.set(request.requestId, { resolve, reject });
      this.scheduler.add(request);
    }));
    const onAbort = (): void => {
      for (const request of requests) {
        if (this.scheduler.removeWaiting(request.requestId)) {
          this.pending.get(request.requestId)?.reject(abortError());
          this.pending.delete(request.requestId);
        }
      }
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });
    this.queuePump();
    // Wait for every request before reporting (the first failure wins), so none is left unhandled.
    return Promise.allSettled(outputs).then((settled) => {
      options.signal?.removeEventListener('abort', onAbort);
      const failed = settled.find((outcome) => outcome.status === 'rejected');
      if (failed) throw failed.reason;
      return settled.map((outcome) => (outcome as PromiseFulfilledResult<Float32Array>).value);
    });
  }

  /** Batches form after the current tick, so inputs of one call (and calls of one tick) share a batch. */
  private queuePump(): void {
    if (this.pumpQueued) return;
    this.pumpQueued = true;
    queueMicrotask(() => {
      this.pumpQueued = false;
      this.pump();
    });
  }

  private pump(): void {
    const batch = this.scheduler.schedule();
    if (batch === undefined) return;
    this.logger.debug(`pooling batch ${batch.batchIndex}: shape (prompt length ${batch.shape.promptLength}, batch size ${batch.shape.batchSize}), ${batch.rows.length} requests`);
    this.runningBatch = this.run(batch).finally(() => {
      this.scheduler.finish(batch);
      this.runningBatch = undefined;
      this.pump();
    });
  }

  private async run(batch: PoolingBatch): Promise<void> {
    try {
      const result = await this.executor.execute(batch);
      batch.rows.forEach((row, index) => this.settle(row.requestId, (pending) => pending.resolve(result.outputs[index] as Float32Array)));
    } catch (error) {
      const failure = new EngineError('backend_failed', `pooling batch ${batch.batchIndex} failed: ${(error as Error).message}`);
      for (const row of batch.rows) this.settle(row.requestId, (pending) => pending.reject(failure));
    }
  }

  private settle(requestId: RequestId, action: (pending: Pending) => void): void {
    const pending = this.pending.get(requestId);
    this.pending.delete(requestId);
    if (pending) action(pending);
  }
}
