import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TextTokenizer } from '../../../src/tokenizer/index.js';
import { REAL_MODEL_FIXTURES } from '../../support/sharedPaths.js';

const lossyUtf8 = (bytes: readonly number[]): string => new TextDecoder().decode(Uint8Array.from(bytes));
const bytesOf = (tokenizer: TextTokenizer, ids: readonly number[]): number[] => ids.flatMap((id) => [...tokenizer.tokenBytes(id)]);

describe.each([
  // GPT-2 byte-level BPE (tokenizers' ByteLevel decoder); characters of two and three bytes, split across tokens
  { name: 'ortgenai-tiny-gpt2-legacy-past', text: 'naïve café ✓ 日本語 — done', leadingSpace: '' },
  // Llama's SentencePiece BPE with byte fallback (<0xF0> pieces, ▁ for a space, the first space stripped on
  // decode); the emoji is not in its vocabulary, so it is four byte tokens
  { name: 'ortgenai-tiny-llama-fp16', text: 'naïve café ✓ 日本語 🙂 done', leadingSpace: ' ' },
])('having the real tokenizer of $name', ({ name, text: TEXT, leadingSpace }) => {
  const tokenizer = TextTokenizer.fromModelDir(join(REAL_MODEL_FIXTURES, name));
  const ids = tokenizer.encode(TEXT, { addSpecialTokens: false });

  it("should give tokens whose own bytes, together, are the text's UTF-8 bytes", () => {
    expect(Buffer.from(bytesOf(tokenizer, ids))).toEqual(Buffer.from(leadingSpace + TEXT, 'utf8'));
  });

  it('should give a token that ends mid-character its own bytes, not those of U+FFFD', () => {
    const splits = ids.filter((id) => tokenizer.decode([id]).includes('\uFFFD'));
    expect(splits.length).toBeGreaterThan(0);
    for (const id of splits) {
      expect(() => new TextDecoder('utf-8', { fatal: true }).decode(tokenizer.tokenBytes(id))).toThrow();
    }
  });

  it('should decode every prefix of the ids as the lossy UTF-8 of their bytes', () => {
    for (let end = 1; end <= ids.length; end++) {
      const decoded = tokenizer.decode(ids.slice(0, end));
      expect(lossyUtf8(bytesOf(tokenizer, ids.slice(0, end)))).toBe(leadingSpace + decoded);
    }
  });
});
