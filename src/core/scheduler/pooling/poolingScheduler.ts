import type { WarmupShape } from '../../contracts/config.js';
import { EngineError } from '../../contracts/errors.js';
import type { RequestId } from '../../contracts/ids.js';
import type { PoolingBatch } from '../../contracts/pooling.js';
import { formPoolingBatch } from './formPoolingBatch.js';
import { padPoolingBatch, type QueuedPoolingRequest } from './padPoolingBatch.js';
import { checkPromptFits } from './promptFit.js';

/**
 * Static batching on warmup shapes (SPEC §5): a FIFO of accepted requests and at most one running batch.
 * Pure and synchronous; the pooling engine drives it. A request too long for every shape is refused by
 * `add` and never queued, so it cannot disturb the others.
 */
export class PoolingScheduler {
  private readonly waiting: QueuedPoolingRequest[] = [];
  private running: PoolingBatch | undefined;
  private batchCount = 0;

  constructor(
    private readonly shapes: readonly WarmupShape[],
    private readonly padTokenId: number,
  ) {}

  /** Checks the request against the shapes (throws EngineError('invalid_request')) without queueing it. */
  check(request: QueuedPoolingRequest): void {
    checkPromptFits(request.tokenIds.length, this.shapes);
    if (request.tokenTypeIds !== undefined && request.tokenTypeIds.length !== request.tokenIds.length) {
      throw new EngineError('invalid_request', `token_type_ids has ${request.tokenTypeIds.length} entries for ${request.tokenIds.length} tokens.`);
    }
  }

  add(request: QueuedPoolingRequest): void {
    this.check(request);
    this.waiting.push(request);
  }

  /** Removes a waiting request (aborted by its client); false when it is not waiting (running or done). */
  removeWaiting(requestId: RequestId): boolean {
    const index = this.waiting.findIndex((request) => request.requestId === requestId);
    if (index < 0) return false;
    this.waiting.splice(index, 1);
    return true;
  }

  /** Waiting request ids in queue order. */
  get waitingRequestIds(): readonly RequestId[] {
    return this.waiting.map((request) => request.requestId);
  }

  get isRunning(): boolean {
    return this.running !== undefined;
  }

  /** The next batch, taken off the queue; undefined while a batch runs or when nothing waits. */
  schedule(): PoolingBatch | undefined {
    if (this.running !== undefined) return undefined;
    const choice = formPoolingBatch(this.waiting.map((request) => request.tokenIds.length), this.shapes);
    if (choice === undefined) return undefined;
    const chosen = new Set(choice.indices);
    const requests = choice.indices.map((index) => this.waiting[index] as QueuedPoolingRequest);
    const kept = this.waiting.filter((_, index) => !chosen.has(index));
    this.waiting.splice(0, this.waiting.length, ...kept);
    this.running = padPoolingBatch(this.batchCount++, choice.shape, requests, this.padTokenId);
    return this.running;
  }

  /** Marks the running batch done, so that the next one may start. */
  finish(batch: PoolingBatch): void {
    if (this.running !== batch) throw new EngineError('invariant_violated', `pooling batch ${batch.batchIndex} finished but it is not the running batch.`);
    this.running = undefined;
  }
}
