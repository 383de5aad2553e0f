import type { ChatTurn, IncrementalTextDecoder, TextCodec } from '../core/contracts/textCodec.js';
import { EngineError } from '../core/contracts/errors.js';
import type { ModelDirInfo } from '../models/dir/index.js';
import type { TokenizerFiles } from '../models/dir/modelDirInfo.js';
import { IncrementalDetokenizer, TextTokenizer, type TokenBytesBound } from '../tokenizer/index.js';

/** The engine's TextCodec over the model directory's tokenizer (tokenizer.json + tokenizer_config.json). */
export class TokenizerTextCodec implements TextCodec {
  readonly eosTokenIds: readonly number[];

  /** `files`: what `tokenizer` was read from (a tokenizer worker loads the same). */
  constructor(
    private readonly tokenizer: TextTokenizer,
    eosTokenIds: readonly number[],
    readonly files: TokenizerFiles,
  ) {
    this.eosTokenIds = eosTokenIds;
  }

  /**
   * Loads the tokenizer of `info` and checks it against the model: every id it can produce must be a
   * row of the logits. EOS ids come from generation_config.json / the model config, else the tokenizer.
   */
  static fromModelDir(info: ModelDirInfo, logitsVocabSize: number): TokenizerTextCodec {
    if (!info.tokenizer) throw new EngineError('invalid_config', `${info.dir}/tokenizer.json: file not found; a text model needs its tokenizer`);
    const tokenizer = TextTokenizer.fromFiles(info.tokenizer);
    if (tokenizer.vocabSize > logitsVocabSize) {
      throw new EngineError(
        'invalid_config',
        `${info.tokenizer.tokenizerJsonPath}: the tokenizer has ${tokenizer.vocabSize} tokens but the model's logits cover ${logitsVocabSize}; the tokenizer does not match the model`,
      );
    }
    const eos = info.specialTokens.eosTokenIds.length > 0 ? info.specialTokens.eosTokenIds : tokenizer.eosTokenId !== undefined ? [tokenizer.eosTokenId] : [];
    return new TokenizerTextCodec(tokenizer, eos, info.tokenizer);
  }

  /** How many input bytes one of its tokens can stand for (tokenBytesBound). */
  get bytesBound(): TokenBytesBound {
    return this.tokenizer.bytesBound;
  }

  get hasChatTemplate(): boolean {
    return this.tokenizer.chatTemplate !== undefined;
  }

  encode(text: string, options: { readonly addSpecialTokens?: boolean } = {}): number[] {
    return this.tokenizer.encode(text, options);
  }

  decode(ids: readonly number[]): string {
    return this.tokenizer.decode(ids);
  }

  tokenBytes(tokenId: number): Uint8Array {
    return this.tokenizer.tokenBytes(tokenId);
  }

  applyChatTemplate(turns: readonly ChatTurn[], options: { readonly addGenerationPrompt: boolean }): string {
    if (!this.tokenizer.chatTemplate) throw new EngineError('invalid_request', 'this model has no chat template (tokenizer_config.json chat_template); send a plain prompt instead.');
    return this.tokenizer.applyChatTemplate(turns, options);
  }

  createDetokenizer(contextIds: readonly number[]): IncrementalTextDecoder {
    return new IncrementalDetokenizer(this.tokenizer, {}, contextIds);
  }
}
