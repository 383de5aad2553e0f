// The tokenizer the tiny preset ships, built in memory (no model files needed).
import { buildTokenizer } from '../../../src/models/build/tokenizer/buildTokenizer.js';
import { tokenizerConfigJson, tokenizerJson } from '../../../src/models/build/tokenizer/tokenizerFiles.js';
import { getPreset } from '../../../src/models/build/index.js';
import { TextTokenizer } from '../../../src/tokenizer/index.js';

export function tinyTokenizer(): TextTokenizer {
  const preset = getPreset('tiny');
  const bpe = buildTokenizer(0, preset.tokenizerMerges);
  // Through JSON, as the files on disk would be read.
  return TextTokenizer.fromObjects(JSON.parse(JSON.stringify(tokenizerJson(bpe))), tokenizerConfigJson(preset.maxPositionEmbeddings));
}

export const MULTIBYTE_SAMPLES: readonly string[] = [
  'Hello, world! The quick brown fox.',
  '東京は日本の首都です。',
  '北京是中国的首都 and 서울',
  'emoji 🙂🚀 family 👨‍👩‍👧 flag 🇫🇷 skin 👍🏽',
  'combining é (e\u0301), tab\tand\nnew lines\r\n  spaces  ',
  '',
];
