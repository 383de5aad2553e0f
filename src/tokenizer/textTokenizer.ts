// The text side of a model: encode, decode, special ids and the chat template, over
// @huggingface/tokenizers (tokenizer.json) and @huggingface/jinja (the template).
import { Tokenizer } from '@huggingface/tokenizers';
import { readFileSync } from 'node:fs';
import { readJsonObject, type JsonObject } from '../models/dir/jsonFile.js';
import { ModelDirError } from '../models/dir/modelDirError.js';
import { readModelDir, requireTokenizer } from '../models/dir/readModelDir.js';
import type { TokenizerFiles } from '../models/dir/modelDirInfo.js';
import { ChatTemplate, type ChatMessage, type ChatTemplateOptions } from './chatTemplate.js';
import { tokenBytesOf, type TokenBytesOf } from './tokenBytes.js';
import { tokenBytesBound, type TokenBytesBound } from './tokenBytesBound.js';

export interface EncodeOptions {
  /** Add what the tokenizer's post-processor adds (e.g. Llama's bos). Default true, as in transformers. */
  readonly addSpecialTokens?: boolean;
}

export interface DecodeOptions {
  /** Default true: generated text should not show <|im_end|> and friends. */
  readonly skipSpecialTokens?: boolean;
}

/** What the incremental detokenizer needs; TextTokenizer is one, a test fake can be another. */
export interface TokenDecoder {
  decode(ids: readonly number[], options?: DecodeOptions): string;
}

// tokenizer_config.json writes special tokens as strings or as AddedToken objects ({ content }).
function specialTokenText(config: JsonObject, key: string): string | undefined {
  const value = config[key];
  if (typeof value === 'string') return value;
  if (typeof value === 'object' && value !== null && typeof (value as { content?: unknown }).content === 'string') return (value as { content: string }).content;
  return undefined;
}

export class TextTokenizer implements TokenDecoder {
  readonly bosTokenId: number | undefined;
  readonly eosTokenId: number | undefined;
  readonly padTokenId: number | undefined;
  readonly chatTemplate: ChatTemplate | undefined;
  /** How many input bytes one token can stand for (tokenBytesBound), so a text's byte length bounds its token count. */
  readonly bytesBound: TokenBytesBound;
  private vocabSizeCache: number | undefined;

  private constructor(
    private readonly tokenizer: Tokenizer,
    config: JsonObject,
    bytesBound: TokenBytesBound,
    private readonly bytesOfToken: TokenBytesOf = () => undefined,
    private readonly addedTokenIds: ReadonlySet<number> = new Set(),
  ) {
    this.bytesBound = bytesBound;
    const idOf = (key: string): number | undefined => {
      const text = specialTokenText(config, key);
      return text === undefined ? undefined : tokenizer.token_to_id(text);
    };
    this.bosTokenId = idOf('bos_token');
    this.eosTokenId = idOf('eos_token');
    this.padTokenId = idOf('pad_token');
    const template = config['chat_template'];
    this.chatTemplate = typeof template === 'string'
      ? new ChatTemplate(template, { bosToken: specialTokenText(config, 'bos_token'), eosToken: specialTokenText(config, 'eos_token') })
      : undefined;
  }

  /** Builds from parsed tokenizer.json and tokenizer_config.json objects. */
  static fromObjects(tokenizerJson: JsonObject, tokenizerConfig: JsonObject = {}, sourceFile = 'tokenizer.json'): TextTokenizer {
    let tokenizer: Tokenizer;
    try {
      tokenizer = new Tokenizer(tokenizerJson, tokenizerConfig);
    } catch (error) {
      throw new ModelDirError('invalid-config', sourceFile, `tokenizer does not load: ${(error as Error).message}`);
    }
    const added = Array.isArray(tokenizerJson['added_tokens']) ? (tokenizerJson['added_tokens'] as JsonObject[]).map((token) => token['id']).filter((id): id is number => typeof id === 'number') : [];
    return new TextTokenizer(tokenizer, tokenizerConfig, tokenBytesBound(tokenizerJson, tokenizerConfig), tokenBytesOf(tokenizerJson), new Set(added));
  }

  static fromFiles(files: TokenizerFiles): TextTokenizer {
    let tokenizerJson: unknown;
    try {
      tokenizerJson = JSON.parse(readFileSync(files.tokenizerJsonPath, 'utf8'));
    } catch (error) {
      throw new ModelDirError('invalid-json', files.tokenizerJsonPath, `not valid JSON (${(error as Error).message})`);
    }
    const config = files.tokenizerConfigPath ? readJsonObject(files.tokenizerConfigPath) : {};
    return TextTokenizer.fromObjects(tokenizerJson as JsonObject, config, files.tokenizerJsonPath);
  }

  static fromModelDir(modelDir: string): TextTokenizer {
    return TextTokenizer.fromFiles(requireTokenizer(readModelDir(modelDir)));
  }

  /** Number of ids, added tokens included (the library builds a new map per call, so ask once). */
  get vocabSize(): number {
    return (this.vocabSizeCache ??= this.tokenizer.get_vocab(true).size);
  }

  encode(text: string, options: EncodeOptions = {}): number[] {
    return this.tokenizer.encode(text, { add_special_tokens: options.addSpecialTokens ?? true }).ids;
  }

  decode(ids: readonly number[], options: DecodeOptions = {}): string {
    if (ids.length === 0) return ''; // the library rejects an empty list
    return this.tokenizer.decode([...ids], { skip_special_tokens: options.skipSpecialTokens ?? true, clean_up_tokenization_spaces: false });
  }

  /**
   * The token's own UTF-8 bytes (OpenAI's logprobs `bytes`), also when it ends in the middle of a character;
   * an added or special token, or a decoder whose pieces are not bytes: the bytes of its decoded text.
   */
  tokenBytes(id: number): Uint8Array {
    const token = this.addedTokenIds.has(id) ? undefined : this.tokenizer.id_to_token(id);
    const own = token === undefined ? undefined : this.bytesOfToken(token);
    return own ?? new TextEncoder().encode(this.decode([id]));
  }

  tokenToId(token: string): number | undefined {
    return this.tokenizer.token_to_id(token);
  }

  /** Renders the model's chat template; throws when the model ships none. */
  applyChatTemplate(messages: readonly ChatMessage[], options: ChatTemplateOptions): string {
    if (!this.chatTemplate) throw new Error('this tokenizer has no chat_template in tokenizer_config.json');
    return this.chatTemplate.render(messages, options);
  }
}
