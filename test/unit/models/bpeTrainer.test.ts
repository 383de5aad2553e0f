import { describe, expect, it } from 'vitest';
import { BYTE_TO_CHAR } from '../../../src/models/build/tokenizer/byteLevel.js';
import { trainByteLevelBpe } from '../../../src/models/build/tokenizer/bpeTrainer.js';

const SPECIALS = ['<s>'];

describe('having the byte-level BPE trainer', () => {
  it('should start the vocabulary with the special tokens, then all 256 byte characters', () => {
    const { tokens } = trainByteLevelBpe([['ab', 1]], SPECIALS, 0);
    expect(tokens).toEqual(['<s>', ...BYTE_TO_CHAR]);
    expect(new Set(BYTE_TO_CHAR).size).toBe(256);
  });

  it('should merge the most frequent pair first, counting each text by its weight', () => {
    const { merges } = trainByteLevelBpe([['ab ab', 1], ['cd', 5]], SPECIALS, 1);
    expect(merges).toEqual([['c', 'd']]);
  });

  it('should merge within words and build on earlier merges', () => {
    const { merges, tokens } = trainByteLevelBpe([['abc', 10]], SPECIALS, 5);
    // Pairs ab and bc tie; the lower ids win (a < b), then the new token merges with c; then nothing is left.
    expect(merges).toEqual([['a', 'b'], ['ab', 'c']]);
    expect(tokens.slice(-2)).toEqual(['ab', 'abc']);
  });

  it('should mark a leading space with the byte character of 0x20 (Ġ), as GPT-2 does', () => {
    const { merges } = trainByteLevelBpe([[' x', 3]], SPECIALS, 1);
    expect(merges).toEqual([['Ġ', 'x']]);
  });
});
