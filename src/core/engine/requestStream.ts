import { EngineError } from '../contracts/errors.js';
import type { FinishReason } from '../contracts/requests.js';
import type { IncrementalTextDecoder } from '../contracts/textCodec.js';
import type { GenerationOutput } from './generationTypes.js';
import type { OutputSink } from './outputChannel.js';
import type { SampledLogprobs } from './sampling/logprobs.js';
import type { StopStringMatcher } from './stopStringMatcher.js';

/**
 * One request's output side in the async engine: turns the tokens the core produces into deltas (text
 * detokenized incrementally, held back while a stop string may be forming) and one final output, into
 * `sink`. A copy of a request sampled `n > 1` times labels its outputs with its `index`.
 */
export class RequestStream {
  private readonly tokenIds: number[] = [];
  private text = '';
  private emittedLength = 0;
  private checkedLength = 0;
  private ended = false;
  /** Called once when the stream ends, however it ends (e.g. to drop an abort listener). */
  onEnded: (() => void) | undefined;

  constructor(
    readonly requestId: string,
    readonly numPromptTokens: number,
    private readonly detokenizer: IncrementalTextDecoder,
    private readonly stops: StopStringMatcher,
    private readonly sink: OutputSink<GenerationOutput>,
    private readonly index?: number,
  ) {}

  get isEnded(): boolean {
    return this.ended;
  }

  /** Adds one generated token. Returns true when it completed a stop string (the request must stop). */
  addToken(tokenId: number, logprobs: SampledLogprobs | undefined): boolean {
    if (this.ended) return false;
    this.tokenIds.push(tokenId);
    this.text += this.detokenizer.push(tokenId);
    const found = this.stops.findStop(this.text, this.checkedLength);
    this.checkedLength = this.text.length;
    if (found !== undefined) {
      this.text = this.text.slice(0, found.cut);
      this.emitDelta([tokenId], this.text.length, logprobs);
      this.end('stop', false, found.stop);
      return true;
    }
    this.emitDelta([tokenId], this.stops.safeLength(this.text), logprobs);
    return false;
  }

  /**
   * Ends with `reason`: the held-back text first (cut at a stop string if one shows up), then the final
   * output; `stopTokenId` is the stop token the core ended it on.
   */
  finish(reason: FinishReason, stopTokenId?: number): void {
    if (!this.ended) this.end(reason, true, stopTokenId);
  }

  /** Ends with an error: the consumer's iterator throws it. */
  fail(message: string): void {
    if (this.ended) return;
    this.ended = true;
    this.sink.fail(new EngineError('backend_failed', message));
    this.onEnded?.();
  }

  private end(reason: FinishReason, flush: boolean, stopReason: string | number | undefined): void {
    let finishReason = reason;
    let matched = stopReason;
    if (flush) {
      this.text += this.detokenizer.flush();
      const found = this.stops.findStop(this.text, this.checkedLength);
      if (found !== undefined) {
        this.text = this.text.slice(0, found.cut);
        finishReason = 'stop';
        matched = found.stop;
      }
      if (this.text.length > this.emittedLength) this.emitDelta([], this.text.length, undefined);
    }
    this.ended = true;
    const completionTokens = this.tokenIds.length;
    this.sink.push({
      kind: 'final',
      requestId: this.requestId,
      ...this.indexField(),
      text: this.text,
      tokenIds: this.tokenIds.slice(),
      finishReason,
      ...(matched !== undefined && finishReason === 'stop' ? { stopReason: matched } : {}),
      usage: { promptTokens: this.numPromptTokens, completionTokens, totalTokens: this.numPromptTokens + completionTokens },
    });
    this.sink.close();
    this.onEnded?.();
  }

  private emitDelta(tokenIds: readonly number[], showLength: number, logprobs: SampledLogprobs | undefined): void {
    const end = Math.max(this.emittedLength, showLength);
    const text = this.text.slice(this.emittedLength, end);
    this.emittedLength = end;
    this.sink.push({ kind: 'delta', requestId: this.requestId, ...this.indexField(), text, tokenIds, ...(logprobs ? { logprobs: [logprobs] } : {}) });
  }

  private indexField(): { index?: number } {
    return this.index === undefined ? {} : { index: this.index };
  }
}
