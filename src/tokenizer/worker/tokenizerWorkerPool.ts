// Tokenizer work off the event loop: a few worker threads, each with its own copy of the model's tokenizer
// (loaded from the same tokenizer.json), one job at a time each, the rest queued in arrival order. Workers
// start on the first job and are restarted after a crash; close() terminates them, so a closed server leaves
// no thread behind.
import { Worker, type ResourceLimits } from 'node:worker_threads';
import { EngineError, type EngineErrorKind } from '../../core/contracts/errors.js';
import type { TokenizerFiles } from '../../models/dir/modelDirInfo.js';
import { ChatTemplateError, type ChatMessage } from '../chatTemplate.js';
import { WORKER_NICE, packMessages, type TokenizerJob, type TokenizerJobAnswer, type TokenizerJobFailure, type TokenizerWorkerData } from './tokenizerJob.js';

const BOOT_URL = new URL('./tokenizerWorkerBoot.js', import.meta.url);

export interface TokenizerWorkerPoolOptions {
  /** Worker threads (default 1, as vLLM's front end tokenizes on one thread). */
  readonly numWorkers?: number;
  /** V8 heap limits of each worker (node:worker_threads' resourceLimits). */
  readonly resourceLimits?: ResourceLimits;
  /** The worker's body (default: the plain tokenizer worker); the server's also prepares request bodies. */
  readonly entry?: URL;
  /** Rebuilds an error class the pool does not know (the server's ApiError) from a failed job's description. */
  readonly reviveFailure?: (failure: TokenizerJobFailure) => Error | undefined;
}

interface PendingJob {
  readonly jobId: number;
  readonly job: TokenizerJob;
  readonly transfer: readonly ArrayBuffer[];
  resolve(answer: TokenizerJobAnswer): void;
  reject(error: Error): void;
}

/** Per job: `signal` aborts it (its client went away): dropped from the queue, or its worker stopped mid-job. */
export interface TokenizerJobOptions {
  readonly signal?: AbortSignal;
}

/** A job whose signal aborted before its answer. */
export class AbandonedTokenizerJob extends Error {
  override readonly name = 'AbandonedTokenizerJob';
}

const abandoned = (): Error => new AbandonedTokenizerJob('The tokenizer job was abandoned: its client went away.');

/** A worker and the job it runs, if any. */
interface Slot {
  worker: Worker | undefined;
  running: PendingJob | undefined;
}

function knownFailureError(failure: TokenizerJobFailure): Error {
  if (failure.engineErrorKind !== undefined) return new EngineError(failure.engineErrorKind as EngineErrorKind, failure.message);
  if (failure.name === 'ChatTemplateError') return new ChatTemplateError(failure.message);
  return new Error(`The tokenizer failed on this input: ${failure.message}`);
}

export class TokenizerWorkerPool {
  private readonly slots: Slot[];
  private readonly queue: PendingJob[] = [];
  private nextJobId = 0;
  private closed = false;

  constructor(
    private readonly files: TokenizerFiles,
    private readonly options: TokenizerWorkerPoolOptions = {},
  ) {
    this.slots = Array.from({ length: Math.max(1, options.numWorkers ?? 1) }, () => ({ worker: undefined, running: undefined }));
  }

  /** Worker threads alive now (they start with the first job). */
  get numLiveWorkers(): number {
    return this.slots.filter((slot) => slot.worker !== undefined).length;
  }

  /** Jobs running on a worker now. */
  get numRunningJobs(): number {
    return this.slots.filter((slot) => slot.running !== undefined).length;
  }

  async encode(text: string, addSpecialTokens: boolean, options: TokenizerJobOptions = {}): Promise<number[]> {
    const answer = await this.submit({ op: 'encode', text, addSpecialTokens }, options);
    if (!('ids' in answer)) throw new Error('The tokenizer worker answered an encode without ids.');
    return answer.ids;
  }

  async decode(ids: readonly number[], skipSpecialTokens: boolean, options: TokenizerJobOptions = {}): Promise<string> {
    return this.textOf(await this.submit({ op: 'decode', ids, skipSpecialTokens }, options));
  }

  async applyChatTemplate(messages: readonly ChatMessage[], addGenerationPrompt: boolean, options: TokenizerJobOptions = {}): Promise<string> {
    return this.textOf(await this.submit({ op: 'applyChatTemplate', messages: packMessages(messages), addGenerationPrompt }, options));
  }

  /**
   * A request body for `route`, parsed, checked and tokenized on the worker (its entry must know the
   * route): the bytes move to the worker (transferred when they own their memory, so the caller keeps
   * nothing), and only the route's compact result comes back.
   */
  async prepare(route: string, body: Uint8Array, env: unknown, options: TokenizerJobOptions = {}): Promise<unknown> {
    const ownsItsMemory = body.byteOffset === 0 && body.byteLength === body.buffer.byteLength && body.buffer instanceof ArrayBuffer;
    const answer = await this.submit({ op: 'prepare', route, body, env }, options, ownsItsMemory ? [body.buffer as ArrayBuffer] : []);
    if (!('value' in answer)) throw new Error('The tokenizer worker answered a prepare without a value.');
    return answer.value;
  }

  /** Terminates every worker; queued and running jobs are refused. */
  async close(): Promise<void> {
    this.closed = true;
    const stopping = new Error('The tokenizer pool is closed (the server is stopping).');
    for (const pending of this.queue.splice(0)) pending.reject(stopping);
    await Promise.all(this.slots.map(async (slot) => {
      const { worker, running } = slot;
      slot.worker = undefined;
      slot.running = undefined;
      running?.reject(stopping);
      if (worker !== undefined) await worker.terminate();
    }));
  }

  private textOf(answer: TokenizerJobAnswer): string {
    if (!('text' in answer)) throw new Error('The tokenizer worker answered without a text.');
    return answer.text;
  }

  private submit(job: TokenizerJob, { signal }: TokenizerJobOptions, transfer: readonly ArrayBuffer[] = []): Promise<TokenizerJobAnswer> {
    if (this.closed) return Promise.reject(new Error('The tokenizer pool is closed (the server is stopping).'));
    if (signal?.aborted) return Promise.reject(abandoned());
    return new Promise((resolve, reject) => {
      const onAbort = (): void => this.abandon(pending);
      const pending: PendingJob = {
        jobId: this.nextJobId++,
        job,
        transfer,
        resolve: (answer) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(answer);
        },
        reject: (error) => {
          signal?.removeEventListener('abort', onAbort);
          reject(error);
        },
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.queue.push(pending);
      this.dispatch();
    });
  }

  /** A queued job leaves the queue; a running one stops its worker (the next job starts a new one). */
  private abandon(pending: PendingJob): void {
    const queued = this.queue.indexOf(pending);
    if (queued >= 0) {
      this.queue.splice(queued, 1);
      pending.reject(abandoned());
      return;
    }
    const slot = this.slots.find((candidate) => candidate.running === pending);
    if (slot === undefined || slot.worker === undefined) return;
    const worker = slot.worker;
    slot.worker = undefined;
    slot.running = undefined;
    pending.reject(abandoned());
    void worker.terminate();
    this.dispatch();
  }

  private dispatch(): void {
    for (const slot of this.slots) {
      if (this.queue.length === 0) return;
      if (slot.running !== undefined) continue;
      const pending = this.queue.shift() as PendingJob;
      slot.running = pending;
      (slot.worker ??= this.startWorker(slot)).postMessage({ jobId: pending.jobId, job: pending.job }, [...pending.transfer]);
    }
  }

  private startWorker(slot: Slot): Worker {
    const workerData: TokenizerWorkerData = { files: this.files, nice: WORKER_NICE, ...(this.options.entry ? { entry: this.options.entry.href } : {}) };
    const worker = new Worker(BOOT_URL, { workerData, ...(this.options.resourceLimits ? { resourceLimits: this.options.resourceLimits } : {}) });
    // The server's sockets keep the process alive; an idle tokenizer thread must not.
    worker.unref();
    worker.on('message', (answer: TokenizerJobAnswer) => {
      const running = slot.running;
      if (running === undefined || running.jobId !== answer.jobId) return;
      slot.running = undefined;
      if ('failure' in answer) running.reject(this.options.reviveFailure?.(answer.failure) ?? knownFailureError(answer.failure));
      else running.resolve(answer);
      this.dispatch();
    });
    const lost = (reason: string): void => {
      if (slot.worker !== worker) return;
      slot.worker = undefined;
      const running = slot.running;
      slot.running = undefined;
      running?.reject(new Error(`The tokenizer worker stopped (${reason}); the next request starts a new one.`));
      if (!this.closed) this.dispatch();
    };
    worker.on('error', (error) => lost(error.message));
    worker.on('exit', (code) => lost(`exit code ${code}`));
    return worker;
  }
}
