// The decoders' byte-level BPE, dressed as a BERT tokenizer: <|im_start|> plays [CLS] and <|im_end|>
// plays [SEP], added by a TemplateProcessing post-processor, with token type 1 on a pair's second text.
import type { TrainedBpe } from '../tokenizer/bpeTrainer.js';
import { SPECIAL_TOKENS } from '../tokenizer/specialTokens.js';
import { tokenizerConfigJson, tokenizerJson } from '../tokenizer/tokenizerFiles.js';

export const CLS_TOKEN = SPECIAL_TOKENS.bos;
export const SEP_TOKEN = SPECIAL_TOKENS.eos;

function special(token: { readonly id: number; readonly content: string }, typeId: number): unknown {
  return { SpecialToken: { id: token.content, type_id: typeId } };
}

const sequence = (id: 'A' | 'B', typeId: number): unknown => ({ Sequence: { id, type_id: typeId } });

export function encoderTokenizerJson(bpe: TrainedBpe): Record<string, unknown> {
  const specialTokens = Object.fromEntries(
    [CLS_TOKEN, SEP_TOKEN].map((token) => [token.content, { id: token.content, ids: [token.id], tokens: [token.content] }]),
  );
  return {
    ...tokenizerJson(bpe),
    post_processor: {
      type: 'TemplateProcessing',
      single: [special(CLS_TOKEN, 0), sequence('A', 0), special(SEP_TOKEN, 0)],
      pair: [special(CLS_TOKEN, 0), sequence('A', 0), special(SEP_TOKEN, 0), sequence('B', 1), special(SEP_TOKEN, 1)],
      special_tokens: specialTokens,
    },
  };
}

export function encoderTokenizerConfigJson(maxPositionEmbeddings: number): Record<string, unknown> {
  const { chat_template: _template, ...config } = tokenizerConfigJson(maxPositionEmbeddings);
  return {
    ...config,
    cls_token: CLS_TOKEN.content,
    sep_token: SEP_TOKEN.content,
    tokenizer_class: 'PreTrainedTokenizerFast',
  };
}
