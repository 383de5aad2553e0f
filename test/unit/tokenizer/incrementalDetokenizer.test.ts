import { REAL_MODEL_FIXTURES } from '../../support/sharedPaths.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IncrementalDetokenizer } from '../../../src/tokenizer/index.js';
import { MULTIBYTE_SAMPLES, tinyTokenizer } from './tinyTokenizer.js';

const tokenizer = tinyTokenizer();

function stream(ids: readonly number[], contextIds: readonly number[] = []): { deltas: string[]; flushed: string; detokenizer: IncrementalDetokenizer } {
  const detokenizer = new IncrementalDetokenizer(tokenizer, {}, contextIds);
  const deltas = ids.map((id) => detokenizer.push(id));
  return { deltas, flushed: detokenizer.flush(), detokenizer };
}

describe('having the incremental detokenizer over the byte-level tokenizer', () => {
  it.each(MULTIBYTE_SAMPLES)('should stream %j to exactly the original text', (text) => {
    const { deltas, flushed, detokenizer } = stream(tokenizer.encode(text));
    expect(deltas.join('') + flushed).toBe(text);
    expect(detokenizer.text).toBe(text);
    expect(flushed).toBe('');
  });

  it('should never emit a broken character, and every emitted prefix should be a prefix of the text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 30 }).filter((s) => !s.includes('\uFFFD')), (text) => {
        const { deltas, flushed } = stream(tokenizer.encode(text, { addSpecialTokens: false }));
        let shown = '';
        for (const delta of deltas) {
          expect(delta).not.toContain('\uFFFD');
          shown += delta;
          expect(text.startsWith(shown)).toBe(true);
        }
        expect(shown + flushed).toBe(text);
      }),
      { numRuns: 300, seed: 7 },
    );
  });

  it('when an emoji spans several tokens, should hold it back until its last byte arrives', () => {
    const ids = tokenizer.encode('🙂');
    expect(ids.length).toBeGreaterThan(1);
    const { deltas } = stream(ids);
    expect(deltas.slice(0, -1).every((delta) => delta === '')).toBe(true);
    expect(deltas.at(-1)).toBe('🙂');
  });

  it('when generation stops inside a character, should release the held-back bytes on flush', () => {
    const [first] = tokenizer.encode('🙂');
    const detokenizer = new IncrementalDetokenizer(tokenizer);
    expect(detokenizer.push(first as number)).toBe('');
    expect(detokenizer.flush()).toContain('\uFFFD');
  });

  it('when given prompt context, should emit only the generated text, leading space included', () => {
    const prompt = tokenizer.encode('Hello');
    const generated = tokenizer.encode(' world');
    const { deltas, flushed } = stream(generated, prompt);
    expect(deltas.join('') + flushed).toBe(' world');
  });

  it('when the model emits a special token, should skip it by default', () => {
    const { deltas } = stream([...tokenizer.encode('ok'), 2]);
    expect(deltas.join('')).toBe('ok');
  });
});

describe('having a SentencePiece-style tokenizer (the real Llama fixture), whose tokens carry their leading space', () => {
  it('should stream the same text as decoding all ids at once, spaces included', async () => {
    const { TextTokenizer } = await import('../../../src/tokenizer/index.js');
    const llama = TextTokenizer.fromModelDir(`${REAL_MODEL_FIXTURES}/ortgenai-tiny-llama-fp16`);
    for (const text of ['Hello, my dog is cute', 'naïve café 東京 🙂 done']) {
      const [bos, ...ids] = llama.encode(text);
      const detokenizer = new IncrementalDetokenizer(llama, {}, [bos as number]);
      const streamed = ids.map((id) => detokenizer.push(id)).join('') + detokenizer.flush();
      expect(streamed).toBe(llama.decode(ids));
      expect(streamed).toBe(text);
    }
  });
});
