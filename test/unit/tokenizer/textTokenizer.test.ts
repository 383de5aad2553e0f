import { REAL_MODEL_FIXTURES } from '../../support/sharedPaths.js';
import fc from 'fast-check';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ModelDirError } from '../../../src/models/dir/index.js';
import { buildModel } from '../../../src/models/build/index.js';
import { TextTokenizer } from '../../../src/tokenizer/index.js';
import { MULTIBYTE_SAMPLES, tinyTokenizer } from './tinyTokenizer.js';

const FIXTURES = REAL_MODEL_FIXTURES;

describe('having the byte-level BPE tokenizer of the tiny preset', () => {
  let tokenizer: TextTokenizer;
  beforeAll(() => {
    tokenizer = tinyTokenizer();
  });

  it.each(MULTIBYTE_SAMPLES)('should round-trip %j', (text) => {
    const ids = tokenizer.encode(text);
    expect(tokenizer.decode(ids)).toBe(text);
  });

  it('should round-trip arbitrary Unicode text (any code point, including emoji and CJK)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }), (text) => {
        expect(tokenizer.decode(tokenizer.encode(text, { addSpecialTokens: false }), { skipSpecialTokens: false })).toBe(text);
      }),
      { numRuns: 300, seed: 42 },
    );
  });

  it('should compress common text below one token per byte (merges are applied)', () => {
    const text = 'the quick brown fox jumps over the lazy dog';
    expect(tokenizer.encode(text).length).toBeLessThan(new TextEncoder().encode(text).length * 0.8);
  });

  it('should expose the ChatML special tokens and encode each as one id', () => {
    expect([tokenizer.padTokenId, tokenizer.bosTokenId, tokenizer.eosTokenId]).toEqual([0, 1, 2]);
    expect(tokenizer.encode('<|im_start|>user<|im_end|>').at(0)).toBe(1);
    expect(tokenizer.encode('<|im_start|>user<|im_end|>').at(-1)).toBe(2);
    expect(tokenizer.vocabSize).toBe(512);
  });

  it('when decoding, should drop special tokens by default and keep them on request', () => {
    const ids = [1, ...tokenizer.encode('hi'), 2];
    expect(tokenizer.decode(ids)).toBe('hi');
    expect(tokenizer.decode(ids, { skipSpecialTokens: false })).toBe('<|im_start|>hi<|im_end|>');
  });
});

describe('having tokenizer files on disk', () => {
  it('should load a built model directory and encode as the in-memory tokenizer does', () => {
    const root = mkdtempSync(join(tmpdir(), 'spyre-tok-'));
    try {
      buildModel({ preset: 'tiny', outDir: join(root, 'm') });
      const fromDir = TextTokenizer.fromModelDir(join(root, 'm'));
      expect(fromDir.encode(MULTIBYTE_SAMPLES[3] as string)).toEqual(tinyTokenizer().encode(MULTIBYTE_SAMPLES[3] as string));
      expect(fromDir.chatTemplate).toBeDefined();
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('when tokenizer.json is not JSON, should throw naming it', () => {
    const root = mkdtempSync(join(tmpdir(), 'spyre-tok-'));
    try {
      const path = join(root, 'tokenizer.json');
      writeFileSync(path, '{"model": ');
      expect(() => TextTokenizer.fromFiles({ tokenizerJsonPath: path, tokenizerConfigPath: undefined })).toThrow(ModelDirError);
      expect(() => TextTokenizer.fromFiles({ tokenizerJsonPath: path, tokenizerConfigPath: undefined })).toThrow(`${path}: not valid JSON`);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it("should load the real Llama fixture's SentencePiece-style BPE and add its bos as transformers does", () => {
    const llama = TextTokenizer.fromModelDir(join(FIXTURES, 'ortgenai-tiny-llama-fp16'));
    expect(llama.encode('Hello, my dog is cute')).toEqual([1, 15043, 29892, 590, 11203, 338, 274, 1082]);
    expect(llama.decode(llama.encode('Hello, my dog is cute'))).toBe('Hello, my dog is cute');
    expect([llama.bosTokenId, llama.eosTokenId]).toEqual([1, 2]);
  });
});
