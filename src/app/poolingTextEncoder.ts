import { Tokenizer } from '@huggingface/tokenizers';
import { EngineError } from '../core/contracts/errors.js';
import type { EncodedInput, PoolingTextEncoder } from '../core/contracts/pooling.js';
import { readJsonObject } from '../models/dir/jsonFile.js';
import type { ModelDirInfo } from '../models/dir/index.js';
import type { TokenizerFiles } from '../models/dir/modelDirInfo.js';
import { tokenBytesBound, type TokenBytesBound } from '../tokenizer/tokenBytesBound.js';

/** Texts and text pairs to ids with the model's tokenizer.json: its post-processor adds [CLS]/[SEP] and token types. */
export class TokenizerPoolingTextEncoder implements PoolingTextEncoder {
  /**
   * `files`: what `tokenizer` was read from (the server's body worker loads the same); `bytesBound`: how many
   * input bytes one of its tokens can stand for (tokenBytesBound), so a text's length bounds its token count.
   */
  constructor(
    private readonly tokenizer: Tokenizer,
    readonly files?: TokenizerFiles,
    readonly bytesBound: TokenBytesBound = { kind: 'unbounded', reason: 'the tokenizer was given without its tokenizer.json' },
  ) {}

  static fromModelDir(info: ModelDirInfo): PoolingTextEncoder {
    if (!info.tokenizer) return new NoTokenizerTextEncoder(info.dir);
    return TokenizerPoolingTextEncoder.fromFiles(info.tokenizer);
  }

  static fromFiles(files: TokenizerFiles): TokenizerPoolingTextEncoder {
    const json = readJsonObject(files.tokenizerJsonPath);
    const config = files.tokenizerConfigPath ? readJsonObject(files.tokenizerConfigPath) : {};
    let tokenizer: Tokenizer;
    try {
      tokenizer = new Tokenizer(json, config);
    } catch (error) {
      throw new EngineError('invalid_config', `${files.tokenizerJsonPath}: tokenizer does not load: ${(error as Error).message}`);
    }
    return new TokenizerPoolingTextEncoder(tokenizer, files, tokenBytesBound(json, config));
  }

  encode(text: string): EncodedInput {
    const encoded = this.tokenizer.encode(text, { return_token_type_ids: true });
    return { tokenIds: encoded.ids, ...(encoded.token_type_ids ? { tokenTypeIds: encoded.token_type_ids } : {}) };
  }

  encodePair(query: string, document: string): EncodedInput {
    const encoded = this.tokenizer.encode(query, { text_pair: document, return_token_type_ids: true });
    return { tokenIds: encoded.ids, ...(encoded.token_type_ids ? { tokenTypeIds: encoded.token_type_ids } : {}) };
  }
}

/** For a model that ships no tokenizer (e.g. a bare ONNX export): text is refused, token ids still work. */
export class NoTokenizerTextEncoder implements PoolingTextEncoder {
  constructor(private readonly modelDir: string) {}

  encode(): EncodedInput {
    throw this.error();
  }

  encodePair(): EncodedInput {
    throw this.error();
  }

  private error(): EngineError {
    return new EngineError(
      'invalid_request',
      `The model at ${this.modelDir} ships no tokenizer (no tokenizer.json), so it cannot take text: send token ids instead.`,
    );
  }
}
