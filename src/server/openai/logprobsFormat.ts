import type { TextCodec } from '../../core/contracts/textCodec.js';
import type { SampledLogprobs } from '../../core/engine/sampling/logprobs.js';

/** The legacy completions logprobs object. */
export interface CompletionLogprobs {
  readonly tokens: string[];
  readonly token_logprobs: number[];
  readonly top_logprobs: Record<string, number>[];
  readonly text_offset: number[];
}

/** One entry of chat's `logprobs.content`. */
export interface ChatTokenLogprob {
  readonly token: string;
  readonly logprob: number;
  readonly bytes: number[];
  readonly top_logprobs: { readonly token: string; readonly logprob: number; readonly bytes: number[] }[];
}

/** The engine's logprobs count for a request that wants `topN` alternatives: the sampled token's own needs one. */
export function engineLogprobs(topN: number | undefined): number {
  return topN === undefined ? 0 : Math.max(1, topN);
}

/**
 * Turns the engine's per-token logprobs into OpenAI's two formats. A token's text is its own decoding,
 * which can be a partial character (U+FFFD) for byte-level vocabularies; `bytes` carries the token's own bytes.
 */
export class LogprobsFormatter {
  private textOffset = 0;

  constructor(private readonly codec: TextCodec) {}

  tokenText(tokenId: number): string {
    return this.codec.decode([tokenId]);
  }

  /** The token's own bytes: a token that ends mid-character has its real bytes, not those of U+FFFD. */
  tokenBytes(tokenId: number): number[] {
    return this.codec.tokenBytes ? [...this.codec.tokenBytes(tokenId)] : [...Buffer.from(this.tokenText(tokenId), 'utf8')];
  }

  completion(tokenIds: readonly number[], logprobs: readonly SampledLogprobs[], topN: number): CompletionLogprobs {
    const result: CompletionLogprobs = { tokens: [], token_logprobs: [], top_logprobs: [], text_offset: [] };
    tokenIds.forEach((tokenId, index) => {
      const entry = logprobs[index];
      const token = this.tokenText(tokenId);
      result.tokens.push(token);
      result.token_logprobs.push(entry?.logprob ?? Number.NaN);
      result.top_logprobs.push(Object.fromEntries((entry?.top ?? []).slice(0, topN).map((top) => [this.tokenText(top.tokenId), top.logprob])));
      result.text_offset.push(this.textOffset);
      this.textOffset += token.length;
    });
    return result;
  }

  chat(tokenIds: readonly number[], logprobs: readonly SampledLogprobs[], topN: number): ChatTokenLogprob[] {
    return tokenIds.map((tokenId, index) => {
      const entry = logprobs[index];
      const token = this.tokenText(tokenId);
      return {
        token,
        logprob: entry?.logprob ?? Number.NaN,
        bytes: this.tokenBytes(tokenId),
        top_logprobs: (entry?.top ?? []).slice(0, topN).map((top) => ({ token: this.tokenText(top.tokenId), logprob: top.logprob, bytes: this.tokenBytes(top.tokenId) })),
      };
    });
  }
}

/** Merges a stream's logprobs for a non-streaming answer. */
export function mergeCompletionLogprobs(parts: readonly CompletionLogprobs[]): CompletionLogprobs {
  return {
    tokens: parts.flatMap((part) => part.tokens),
    token_logprobs: parts.flatMap((part) => part.token_logprobs),
    top_logprobs: parts.flatMap((part) => part.top_logprobs),
    text_offset: parts.flatMap((part) => part.text_offset),
  };
}
