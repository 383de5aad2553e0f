import fc from 'fast-check';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readJsonObject } from '../../../src/models/dir/jsonFile.js';
import { LOWERCASE_SHRINK, MAX_CANONICAL_DECOMPOSITION } from '../../../src/tokenizer/tokenBytesBound.js';
import { minTokensOf, TextTokenizer, tokenBytesBound, type TokenBytesBound } from '../../../src/tokenizer/index.js';
import { REAL_MODEL_FIXTURES } from '../../support/sharedPaths.js';
import { MULTIBYTE_SAMPLES, tinyTokenizer } from './tinyTokenizer.js';

const utf8Bytes = (text: string): number => Buffer.byteLength(text, 'utf8');

/** Texts made to pack many bytes into few tokens: runs of the longest tokens, whitespace runs, multi-byte runs. */
function packedTexts(longest: string): fc.Arbitrary<string> {
  const piece = fc.oneof(
    fc.string({ unit: 'binary', maxLength: 30 }),
    fc.constantFrom(longest, ' ', '    ', '\n\n', '東京', '🙂', 'é', 'e\u0301', '<|im_end|>', '<s>', '▁'),
  );
  return fc.array(fc.tuple(piece, fc.integer({ min: 1, max: 40 })), { maxLength: 12 }).map((parts) => parts.map(([text, times]) => text.repeat(times)).join(''));
}

function longestVocabToken(tokenizer: TextTokenizer, decode: (id: number) => string): string {
  let longest = '';
  for (let id = 0; id < tokenizer.vocabSize; id++) {
    const text = decode(id);
    if (utf8Bytes(text) > utf8Bytes(longest) && !text.includes('\uFFFD')) longest = text;
  }
  return longest;
}

function expectSound(tokenizer: TextTokenizer, bound: TokenBytesBound, texts: fc.Arbitrary<string>): void {
  fc.assert(
    fc.property(texts, (text) => {
      expect(tokenizer.encode(text, { addSpecialTokens: false }).length).toBeGreaterThanOrEqual(minTokensOf(text, bound));
    }),
    { numRuns: 300, seed: 18 },
  );
}

describe('having the byte-level BPE tokenizer of the tiny preset', () => {
  let tokenizer: TextTokenizer;
  let longest: string;
  beforeAll(() => {
    tokenizer = tinyTokenizer();
    longest = longestVocabToken(tokenizer, (id) => tokenizer.decode([id], { skipSpecialTokens: false }));
  });

  it('should be bounded by its longest token (no normalizer, every byte spelled)', () => {
    expect(tokenizer.bytesBound).toEqual({ kind: 'bounded', maxInputBytesPerToken: utf8Bytes(longest) });
  });

  it.each(MULTIBYTE_SAMPLES)('should never count more tokens than %j encodes to', (text) => {
    expect(tokenizer.encode(text, { addSpecialTokens: false }).length).toBeGreaterThanOrEqual(minTokensOf(text, tokenizer.bytesBound));
  });

  it('should hold for random and packed texts (any code point, runs of the longest token)', () => {
    expectSound(tokenizer, tokenizer.bytesBound, packedTexts(longest));
  });

  it('should be tight: the longest token repeated encodes to exactly the bound', () => {
    const text = longest.repeat(500);
    expect(tokenizer.encode(text, { addSpecialTokens: false }).length).toBe(minTokensOf(text, tokenizer.bytesBound));
  });
});

describe('having the Llama tokenizer exported by other tools (Prepend + Replace, byte fallback)', () => {
  let tokenizer: TextTokenizer;
  beforeAll(() => {
    tokenizer = TextTokenizer.fromModelDir(join(REAL_MODEL_FIXTURES, 'ortgenai-tiny-llama-fp16'));
  });

  it('should be bounded (the fused unknown token is never reached: every byte has its fallback token)', () => {
    expect(tokenizer.bytesBound.kind).toBe('bounded');
  });

  it('should hold for random and packed texts', () => {
    expectSound(tokenizer, tokenizer.bytesBound, packedTexts('▁▁▁▁▁▁▁▁'));
  });
});

describe('having tokenizers where one token can stand for any length of text', () => {
  const gpt2 = readJsonObject(join(REAL_MODEL_FIXTURES, 'ortgenai-tiny-gpt2-legacy-past', 'tokenizer.json'));
  const bpe = (model: Record<string, unknown>, rest: Record<string, unknown> = {}): Record<string, unknown> => ({
    normalizer: null, pre_tokenizer: null, added_tokens: [], ...rest, model: { type: 'BPE', vocab: { a: 0, b: 1 }, merges: [], ...model },
  });
  const cases: readonly [string, Record<string, unknown>, RegExp][] = [
    ['a WordPiece model (an unknown word is one [UNK])', { model: { type: 'WordPiece', vocab: { '[UNK]': 0 } }, added_tokens: [] }, /WordPiece model gives one token to an unknown word/],
    ['a BPE that fuses unknown runs', bpe({ unk_token: 'a', fuse_unk: true }), /fuse_unk/],
    ['a BPE that drops what it cannot spell', bpe({}), /no unk_token/],
    ['a byte-level vocabulary missing bytes (the 1,000-token GPT-2 export)', gpt2, /cannot spell every character/],
    ['a Strip normalizer', bpe({ unk_token: 'a' }, { normalizer: { type: 'Strip', strip_left: true, strip_right: true } }), /Strip normalizer/],
    ['a regex Replace', bpe({ unk_token: 'a' }, { normalizer: { type: 'Replace', pattern: { Regex: '\\s+' }, content: ' ' } }), /regex/],
    ['a Whitespace pre-tokenizer', bpe({ unk_token: 'a' }, { pre_tokenizer: { type: 'Whitespace' } }), /Whitespace pre-tokenizer drops/],
    ['an added token with lstrip', bpe({ unk_token: 'a' }, { added_tokens: [{ content: '<mask>', lstrip: true }] }), /"<mask>" strips the whitespace/],
  ];

  it.each(cases)('should refuse to bound %s, with the reason', (_name, json, reason) => {
    const bound = tokenBytesBound(json);
    expect(bound.kind).toBe('unbounded');
    if (bound.kind === 'unbounded') expect(bound.reason).toMatch(reason);
    expect(minTokensOf('a'.repeat(1000), bound)).toBe(0);
  });

  it('should divide by what a literal Replace can shrink (two spaces to one)', () => {
    const json = bpe({ unk_token: 'a' }, { normalizer: { type: 'Replace', pattern: { String: '  ' }, content: ' ' } });
    expect(tokenBytesBound(json)).toEqual({ kind: 'bounded', maxInputBytesPerToken: 2 * 4 });
  });
});

describe('having the Unicode facts the normalizer factors rest on', () => {
  const everyCodePoint = function* (): Generator<string> {
    for (let codePoint = 0; codePoint <= 0x10ffff; codePoint++) if (codePoint < 0xd800 || codePoint > 0xdfff) yield String.fromCodePoint(codePoint);
  };

  it(`should lowercase no code point to less than 1/${LOWERCASE_SHRINK} of its bytes`, () => {
    let worst = 0;
    for (const char of everyCodePoint()) worst = Math.max(worst, utf8Bytes(char) / utf8Bytes(char.toLowerCase()));
    expect(worst).toBeLessThanOrEqual(LOWERCASE_SHRINK);
  });

  it(`should decompose no code point canonically into more than ${MAX_CANONICAL_DECOMPOSITION} code points, nor into none`, () => {
    let longest = 0;
    let shortest = Infinity;
    for (const char of everyCodePoint()) {
      const length = [...char.normalize('NFD')].length;
      longest = Math.max(longest, length);
      shortest = Math.min(shortest, [...char.normalize('NFKD')].length);
    }
    expect(longest).toBeLessThanOrEqual(MAX_CANONICAL_DECOMPOSITION);
    expect(shortest).toBeGreaterThanOrEqual(1);
  });
});
