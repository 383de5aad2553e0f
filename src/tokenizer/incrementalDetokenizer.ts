// Streams text while tokens arrive. A byte-level token can end in the middle of a UTF-8 character
// (an emoji spans up to four tokens), and decoding such a prefix yields U+FFFD at the tail; some
// tokenizers also change a token's text depending on what precedes it. So, as TGI and vLLM do, we
// decode a short window twice (with and without the newest tokens) and emit only the difference,
// and only once the tail is a complete character.
import type { DecodeOptions, TokenDecoder } from './textTokenizer.js';

const REPLACEMENT_CHARACTER = '\uFFFD';
// Tokens of left context decoded with the new ones, so that a leading space or a merge with the
// previous token renders as it does in the full text.
const CONTEXT_TOKENS = 5;

export class IncrementalDetokenizer {
  private readonly ids: number[];
  private prefixOffset: number;
  private readOffset: number;
  private emitted = '';

  /** `contextIds`: tokens already shown (e.g. the prompt's tail); they are never emitted. */
  constructor(
    private readonly decoder: TokenDecoder,
    private readonly options: DecodeOptions = {},
    contextIds: readonly number[] = [],
  ) {
    this.ids = contextIds.slice(-CONTEXT_TOKENS);
    this.prefixOffset = 0;
    this.readOffset = this.ids.length;
  }

  /** All text emitted so far. */
  get text(): string {
    return this.emitted;
  }

  /** Adds one generated token; returns the newly completed text (often '', never a broken character). */
  push(tokenId: number): string {
    this.ids.push(tokenId);
    const shown = this.decoder.decode(this.ids.slice(this.prefixOffset, this.readOffset), this.options);
    const withNew = this.decoder.decode(this.ids.slice(this.prefixOffset), this.options);
    if (withNew.length <= shown.length || withNew.endsWith(REPLACEMENT_CHARACTER)) return '';
    return this.emit(withNew.slice(shown.length));
  }

  /** At the end of generation: whatever was held back, even an incomplete character (as U+FFFD). */
  flush(): string {
    const shown = this.decoder.decode(this.ids.slice(this.prefixOffset, this.readOffset), this.options);
    const all = this.decoder.decode(this.ids.slice(this.prefixOffset), this.options);
    return all.length > shown.length ? this.emit(all.slice(shown.length)) : '';
  }

  private emit(delta: string): string {
    this.prefixOffset = this.readOffset;
    this.readOffset = this.ids.length;
    this.emitted += delta;
    return delta;
  }
}
