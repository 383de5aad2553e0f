// The server's tokenizer: small inputs are tokenized inline (a worker round trip costs more than they do),
// large ones on the tokenizer worker pool, so a large prompt never holds the event loop that streams every
// other request's tokens and answers /health.
import { TokenizerTextCodec } from '../../app/tokenizerTextCodec.js';
import type { ChatTurn, TextCodec } from '../../core/contracts/textCodec.js';
import type { TokenBytesBound } from '../../tokenizer/index.js';
import { AbandonedTokenizerJob, TokenizerWorkerPool, type TokenizerWorkerPoolOptions } from '../../tokenizer/worker/tokenizerWorkerPool.js';
import { ApiError } from '../errors/apiError.js';

/**
 * Above these sizes the work goes to a worker. From bench/tokenizerOffload.bench.ts (docs/benchmarks-serve.md): a
 * worker round trip is never faster than doing the work inline (same work plus ~0.1–0.5 ms of posting), so
 * offloading buys only a free event loop; at these sizes inline work holds the loop for about a millisecond
 * (tiny preset: 1.6 ms to encode 2,048 characters, 0.6 ms to decode 4,096 ids, 1.2 ms for 64 messages), and the
 * worker's overhead is a quarter of the work or less above them.
 */
export const OFFLOAD_THRESHOLDS = {
  /** UTF-16 code units of a text to encode. */
  textLength: 2048,
  /** Token ids to decode. */
  numIds: 4096,
  /** Chat messages to render (the template's cost grows with their number, not their length). */
  numMessages: 64,
} as const;

export type OffloadThresholds = { readonly [Key in keyof typeof OFFLOAD_THRESHOLDS]: number };

/** `signal`: the request's client went away; offloaded work is dropped (queued) or stopped (running). */
export interface EncodeCall {
  readonly addSpecialTokens?: boolean;
  readonly signal?: AbortSignal;
}

export interface FrontendTokenizer {
  /** How many input bytes one token can stand for (a text that cannot fit is refused before tokenizing). */
  readonly bytesBound: TokenBytesBound;
  encode(text: string, options?: EncodeCall): Promise<number[]>;
  decode(ids: readonly number[], options?: { readonly signal?: AbortSignal }): Promise<string>;
  applyChatTemplate(turns: readonly ChatTurn[], options: { readonly addGenerationPrompt: boolean; readonly signal?: AbortSignal }): Promise<string>;
  /** Tokenizer worker threads alive now (they start with the first large input). */
  readonly numLiveWorkers: number;
  /** Inputs being tokenized on a worker now. */
  readonly numRunningJobs: number;
  /** Stops the worker threads (the server's onClose). */
  close(): Promise<void>;
  /** The worker pool large inputs go to (and large request bodies, when it runs the server's entry); none for an inline codec. */
  readonly workerPool: TokenizerWorkerPool | undefined;
}

export interface FrontendTokenizerOptions extends TokenizerWorkerPoolOptions {
  readonly thresholds?: OffloadThresholds;
}

/**
 * Everything inline: a codec that is not the model's tokenizer.json (a test's) has no files for a worker,
 * and a body worker tokenizes on its own thread.
 */
class InlineFrontendTokenizer implements FrontendTokenizer {
  readonly numLiveWorkers = 0;
  readonly numRunningJobs = 0;
  readonly workerPool = undefined;

  constructor(
    private readonly codec: TextCodec,
    readonly bytesBound: TokenBytesBound = { kind: 'unbounded', reason: 'the text codec is not a tokenizer.json tokenizer' },
  ) {}

  async encode(text: string, options: EncodeCall = {}): Promise<number[]> {
    return this.codec.encode(text, options);
  }

  async decode(ids: readonly number[]): Promise<string> {
    return this.codec.decode(ids);
  }

  async applyChatTemplate(turns: readonly ChatTurn[], options: { readonly addGenerationPrompt: boolean }): Promise<string> {
    return this.codec.applyChatTemplate(turns, options);
  }

  async close(): Promise<void> {}
}

/** The client left while its input was on the worker: nginx's 499, which nobody reads and the log does not count as a fault. */
export function clientClosed(error: unknown): never {
  if (error instanceof AbandonedTokenizerJob) throw new ApiError('client_closed', 'The client closed the connection while its input was being tokenized.');
  throw error;
}

class OffloadingFrontendTokenizer implements FrontendTokenizer {
  readonly bytesBound: TokenBytesBound;
  readonly workerPool: TokenizerWorkerPool;

  constructor(
    private readonly codec: TokenizerTextCodec,
    options: FrontendTokenizerOptions,
    private readonly thresholds: OffloadThresholds = options.thresholds ?? OFFLOAD_THRESHOLDS,
  ) {
    this.bytesBound = codec.bytesBound;
    this.workerPool = new TokenizerWorkerPool(codec.files, options);
  }

  async encode(text: string, options: EncodeCall = {}): Promise<number[]> {
    if (text.length <= this.thresholds.textLength) return this.codec.encode(text, options);
    return this.workerPool.encode(text, options.addSpecialTokens ?? true, { signal: options.signal }).catch(clientClosed);
  }

  async decode(ids: readonly number[], options: { readonly signal?: AbortSignal } = {}): Promise<string> {
    if (ids.length <= this.thresholds.numIds) return this.codec.decode(ids);
    return this.workerPool.decode(ids, true, options).catch(clientClosed);
  }

  async applyChatTemplate(turns: readonly ChatTurn[], options: { readonly addGenerationPrompt: boolean; readonly signal?: AbortSignal }): Promise<string> {
    // The codec refuses a model without a template with a 400; that check is cheap, so it stays inline.
    if (turns.length <= this.thresholds.numMessages || !this.codec.hasChatTemplate) return this.codec.applyChatTemplate(turns, options);
    return this.workerPool.applyChatTemplate(turns, options.addGenerationPrompt, { signal: options.signal }).catch(clientClosed);
  }

  get numLiveWorkers(): number {
    return this.workerPool.numLiveWorkers;
  }

  get numRunningJobs(): number {
    return this.workerPool.numRunningJobs;
  }

  close(): Promise<void> {
    return this.workerPool.close();
  }
}

/** A codec's tokenizer with everything inline (a body worker's own: it already runs off the event loop). */
export function inlineFrontendTokenizer(codec: TokenizerTextCodec): FrontendTokenizer {
  return new InlineFrontendTokenizer(codec, codec.bytesBound);
}

/** The model's tokenizer with a worker pool for large inputs, or (any other codec) everything inline. */
export function frontendTokenizerOf(codec: TextCodec, options: FrontendTokenizerOptions = {}): FrontendTokenizer {
  return codec instanceof TokenizerTextCodec ? new OffloadingFrontendTokenizer(codec, options) : new InlineFrontendTokenizer(codec);
}
