import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TextTokenizer } from '../../src/tokenizer/index.js';
import { referenceGreedy } from '../../src/models/reference/index.js';
import { buildTinyModel, type TinyModelDir } from '../support/tinyModel.js';

const run = promisify(execFile);
let tiny: TinyModelDir;

beforeAll(() => {
  tiny = buildTinyModel();
});
afterAll(() => tiny.remove());

const spyre = (...args: string[]): Promise<{ stdout: string; stderr: string }> => run(process.execPath, ['bin/spyre.js', ...args], { cwd: process.cwd() });

describe('spyre generate', () => {
  describe('when run greedily with --json', () => {
    it('should print the reference greedy tokens, their text and the finish reason', async () => {
      const prompt = 'Once upon a time';
      const { stdout } = await spyre('generate', '--model', tiny.dir, '--max-model-len', '256', '--max-tokens', '10', '--temperature', '0', '--json', prompt);
      const result = JSON.parse(stdout) as { text: string; token_ids: number[]; finish_reason: string };
      const tokenizer = TextTokenizer.fromModelDir(tiny.dir);
      const expected = referenceGreedy(tiny.dir, tokenizer.encode(prompt), 10);
      const eos = expected.findIndex((id) => id === tokenizer.eosTokenId);
      const tokens = eos >= 0 ? expected.slice(0, eos + 1) : expected;
      expect(result.token_ids).toEqual(tokens);
      expect(result.text).toBe(tokenizer.decode(tokens));
      expect(result.finish_reason).toBe(eos >= 0 ? 'stop' : 'length');
    });
  });

  describe('having a prompt over the context limit', () => {
    it("should exit with code 2 and SPEC §1.4's text", async () => {
      const failure = spyre('generate', '--model', tiny.dir, '--max-model-len', '128', '--max-tokens', '100', 'Hello there');
      await expect(failure).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('which gets padded to 64 tokens, maximum number of output tokens is 100 tokens, but max model context length is 128.') });
    });
  });
});
