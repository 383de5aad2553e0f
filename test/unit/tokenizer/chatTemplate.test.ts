import { REAL_MODEL_FIXTURES } from '../../support/sharedPaths.js';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ChatTemplate, ChatTemplateError, TextTokenizer } from '../../../src/tokenizer/index.js';
import { tinyTokenizer } from './tinyTokenizer.js';

const FIXTURES = REAL_MODEL_FIXTURES;
const MESSAGES = [
  { role: 'system', content: 'You are terse.' },
  { role: 'user', content: 'Hi 🙂' },
] as const;

describe('having the ChatML template of the built tokenizer', () => {
  const tokenizer = tinyTokenizer();

  it('should render each message as a ChatML turn', () => {
    expect(tokenizer.applyChatTemplate(MESSAGES, { addGenerationPrompt: false })).toBe(
      '<|im_start|>system\nYou are terse.<|im_end|>\n<|im_start|>user\nHi 🙂<|im_end|>\n',
    );
  });

  it('when asked for a generation prompt, should open the assistant turn', () => {
    expect(tokenizer.applyChatTemplate(MESSAGES, { addGenerationPrompt: true })).toMatch(/<\|im_end\|>\n<\|im_start\|>assistant\n$/);
  });

  it('should encode the rendered prompt with the special tokens as single ids', () => {
    const ids = tokenizer.encode(tokenizer.applyChatTemplate(MESSAGES, { addGenerationPrompt: true }));
    expect(ids.filter((id) => id === tokenizer.bosTokenId)).toHaveLength(3);
    expect(ids.filter((id) => id === tokenizer.eosTokenId)).toHaveLength(2);
  });
});

describe("having a model's own template", () => {
  let llama: TextTokenizer;
  beforeAll(() => {
    llama = TextTokenizer.fromModelDir(join(FIXTURES, 'ortgenai-tiny-llama-fp16'));
  });

  it("should render the Llama fixture's [INST] template with its bos token", () => {
    const text = llama.applyChatTemplate([{ role: 'user', content: 'Hello' }], { addGenerationPrompt: true });
    expect(text).toContain('<s>[INST] Hello [/INST]');
  });

  it('when the template calls raise_exception, should throw a ChatTemplateError with its message', () => {
    const wrongOrder = [{ role: 'user', content: 'a' }, { role: 'user', content: 'b' }];
    expect(() => llama.applyChatTemplate(wrongOrder, { addGenerationPrompt: true })).toThrow(ChatTemplateError);
  });

  it('when the template does not parse, should throw a ChatTemplateError', () => {
    expect(() => new ChatTemplate('{% for m in messages %}', { bosToken: undefined, eosToken: undefined })).toThrow(ChatTemplateError);
  });

  it('when the tokenizer has no template, should say so', () => {
    const gpt2 = TextTokenizer.fromModelDir(join(FIXTURES, 'ortgenai-tiny-gpt2-legacy-past'));
    expect(() => gpt2.applyChatTemplate(MESSAGES, { addGenerationPrompt: true })).toThrow(/no chat_template/);
  });
});
