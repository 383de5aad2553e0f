// The two tokenizer files of the Hugging Face layout, as plain JSON-ready objects.
import { CHATML_TEMPLATE, SPECIAL_TOKENS, SPECIAL_TOKEN_CONTENTS } from './specialTokens.js';
import type { TrainedBpe } from './bpeTrainer.js';

const BYTE_LEVEL = { add_prefix_space: false, trim_offsets: true, use_regex: true } as const;

/** `tokenizer.json` for a byte-level BPE; merges use the newer pair-array form (no space ambiguity). */
export function tokenizerJson(bpe: TrainedBpe): Record<string, unknown> {
  const vocab: Record<string, number> = {};
  bpe.tokens.forEach((token, id) => {
    vocab[token] = id;
  });
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: SPECIAL_TOKEN_CONTENTS.map((content, id) => ({
      id,
      content,
      single_word: false,
      lstrip: false,
      rstrip: false,
      normalized: false,
      special: true,
    })),
    normalizer: null,
    pre_tokenizer: { type: 'ByteLevel', ...BYTE_LEVEL },
    post_processor: { type: 'ByteLevel', ...BYTE_LEVEL, trim_offsets: false },
    decoder: { type: 'ByteLevel', ...BYTE_LEVEL },
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: null,
      continuing_subword_prefix: '',
      end_of_word_suffix: '',
      fuse_unk: false,
      byte_fallback: false,
      ignore_merges: false,
      vocab,
      merges: bpe.merges.map(([left, right]) => [left, right]),
    },
  };
}

/** `tokenizer_config.json`: special tokens and the chat template; no bos is added by encoding. */
export function tokenizerConfigJson(maxPositionEmbeddings: number): Record<string, unknown> {
  const addedTokensDecoder: Record<string, unknown> = {};
  SPECIAL_TOKEN_CONTENTS.forEach((content, id) => {
    addedTokensDecoder[String(id)] = { content, lstrip: false, normalized: false, rstrip: false, single_word: false, special: true };
  });
  return {
    add_bos_token: false,
    add_eos_token: false,
    add_prefix_space: false,
    added_tokens_decoder: addedTokensDecoder,
    bos_token: SPECIAL_TOKENS.bos.content,
    eos_token: SPECIAL_TOKENS.eos.content,
    pad_token: SPECIAL_TOKENS.pad.content,
    unk_token: SPECIAL_TOKENS.pad.content,
    chat_template: CHATML_TEMPLATE,
    clean_up_tokenization_spaces: false,
    model_max_length: maxPositionEmbeddings,
    tokenizer_class: 'GPT2Tokenizer',
  };
}
