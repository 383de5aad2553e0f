import { describe, expect, it } from 'vitest';
import { EngineError } from '../../../../src/core/contracts/errors.js';
import type { GenerationOutput } from '../../../../src/core/engine/generationTypes.js';
import { EOS, idsOf, llmEngineRig } from './llmEngineRig.js';

async function collect(outputs: AsyncIterable<GenerationOutput>): Promise<GenerationOutput[]> {
  const all: GenerationOutput[] = [];
  for await (const output of outputs) all.push(output);
  return all;
}

function deltaText(outputs: GenerationOutput[]): string {
  return outputs.map((output) => (output.kind === 'delta' ? output.text : '')).join('');
}

describe('LlmEngine', () => {
  describe('when a request runs to max_tokens', () => {
    it('should stream one delta per token, then a final output with the whole text, reason and usage', async () => {
      const { engine, executor } = llmEngineRig();
      executor.scripts.set('r', idsOf('hello'));
      const outputs = await collect(engine.generate('abc', { maxTokens: 5 }, { requestId: 'r' }));
      expect(outputs.filter((o) => o.kind === 'delta').map((o) => o.tokenIds)).toEqual(idsOf('hello').map((id) => [id]));
      expect(deltaText(outputs)).toBe('hello');
      expect(outputs.at(-1)).toEqual({
        kind: 'final', requestId: 'r', text: 'hello', tokenIds: idsOf('hello'), finishReason: 'length',
        usage: { promptTokens: 3, completionTokens: 5, totalTokens: 8 },
      });
    });
  });

  describe('having a stop string that spans two tokens', () => {
    it('should cut the text exactly before it and never stream part of it', async () => {
      const { engine, executor } = llmEngineRig();
      executor.scripts.set('r', idsOf('hello world'));
      const outputs = await collect(engine.generate('x', { maxTokens: 20, stop: ['lo w', 'zzz'] }, { requestId: 'r' }));
      const final = outputs.at(-1);
      expect(final).toMatchObject({ kind: 'final', text: 'hel', finishReason: 'stop', tokenIds: idsOf('hello w') });
      expect(deltaText(outputs)).toBe('hel');
      expect(engine.core.stats().numRunning).toBe(0);
    });

    it('should keep the stop string with include_stop_str_in_output', async () => {
      const { engine, executor } = llmEngineRig();
      executor.scripts.set('r', idsOf('hello world'));
      const outputs = await collect(engine.generate('x', { maxTokens: 20, stop: 'lo w', includeStopStrInOutput: true }, { requestId: 'r' }));
      expect(outputs.at(-1)).toMatchObject({ text: 'hello w', finishReason: 'stop' });
      expect(deltaText(outputs)).toBe('hello w');
    });
  });

  describe('having the model emit EOS', () => {
    it('should end with stop, EOS not in the text; with ignore_eos it should go on', async () => {
      const { engine, executor } = llmEngineRig();
      executor.scripts.set('a', [...idsOf('ab'), EOS, ...idsOf('cd')]);
      executor.scripts.set('b', [...idsOf('ab'), EOS, ...idsOf('cd')]);
      const stopped = collect(engine.generate('x', { maxTokens: 5 }, { requestId: 'a' }));
      const ignored = collect(engine.generate('y', { maxTokens: 5, ignoreEos: true }, { requestId: 'b' }));
      expect((await stopped).at(-1)).toMatchObject({ text: 'ab', finishReason: 'stop', tokenIds: [...idsOf('ab'), EOS] });
      expect((await ignored).at(-1)).toMatchObject({ text: 'abcd', finishReason: 'length' });
    });
  });

  describe('having stop token ids and min_tokens', () => {
    it('should end at a stop id only once min_tokens are produced, the id included in the output', async () => {
      const { engine, executor } = llmEngineRig();
      executor.scripts.set('r', idsOf('axbxc'));
      const outputs = await collect(engine.generate('q', { maxTokens: 10, stopTokenIds: idsOf('x'), minTokens: 3 }, { requestId: 'r' }));
      expect(outputs.at(-1)).toMatchObject({ finishReason: 'stop', tokenIds: idsOf('axbx') });
    });
  });

  describe('when the signal aborts a running request', () => {
    it('should end its stream with abort and free its blocks at once', async () => {
      const { engine } = llmEngineRig();
      const controller = new AbortController();
      const seen: GenerationOutput[] = [];
      for await (const output of engine.generate('abcdef', { maxTokens: 100 }, { signal: controller.signal })) {
        seen.push(output);
        if (seen.length === 3) {
          controller.abort();
          expect(engine.core.stats()).toMatchObject({ numRunning: 0, numWaiting: 0, kvCacheUsage: 0 });
        }
      }
      expect(seen.at(-1)).toMatchObject({ kind: 'final', finishReason: 'abort', usage: { completionTokens: 3 } });
    });
  });

  describe('when the consumer leaves the loop early', () => {
    it('should abort the request', async () => {
      const { engine } = llmEngineRig();
      for await (const output of engine.generate('abc', { maxTokens: 100 })) if (output.kind === 'delta') break;
      expect(engine.numUnfinishedRequests).toBe(0);
      expect(engine.core.stats()).toMatchObject({ numRunning: 0, kvCacheUsage: 0 });
    });
  });

  describe('when the backend fails one request', () => {
    it('should end that request with an error, finish the others and keep serving', async () => {
      const { engine, executor } = llmEngineRig();
      executor.failing.add('bad');
      const good = collect(engine.generate('abc', { maxTokens: 4 }, { requestId: 'good' }));
      const bad = collect(engine.generate('abc', { maxTokens: 4 }, { requestId: 'bad' }));
      await expect(bad).rejects.toThrow(EngineError);
      await expect(bad).rejects.toThrow(/scripted failure of bad/);
      expect((await good).at(-1)).toMatchObject({ finishReason: 'length', usage: { completionTokens: 4 } });
      expect((await collect(engine.generate('abc', { maxTokens: 2 }))).at(-1)).toMatchObject({ finishReason: 'length' });
    });
  });

  describe('having a prompt over the context limit', () => {
    it("should refuse it at once with SPEC §1.4's text", () => {
      const { engine } = llmEngineRig(256);
      expect(() => engine.generate('a'.repeat(200), { maxTokens: 100 })).toThrow(
        'Could not add request: prompt length is 200 tokens, which gets padded to 256 tokens, maximum number of output tokens is 100 tokens, but max model context length is 256.',
      );
      expect(engine.numUnfinishedRequests).toBe(0);
    });
  });

  describe('when a batch is generated offline', () => {
    it('should return one result per prompt, in order', async () => {
      const { engine, executor } = llmEngineRig();
      executor.scripts.set('req-0', idsOf('one'));
      executor.scripts.set('req-1', idsOf('two'));
      executor.scripts.set('req-2', idsOf('six'));
      const results = await engine.generateBatch(['a', [{ role: 'user', content: 'b' }], { promptTokenIds: [1, 2] }], { maxTokens: 3 });
      expect(results.map((r) => (r.kind === 'final' ? r.text : r.message))).toEqual(['one', 'two', 'six']);
    });
  });

  describe('having one refused prompt in an offline batch', () => {
    it('should refuse the batch and leave nothing running', async () => {
      const { engine } = llmEngineRig(256);
      await expect(engine.generateBatch(['abc', 'a'.repeat(250)], { maxTokens: 10 })).rejects.toThrow(/Could not add request/);
      expect(engine.numUnfinishedRequests).toBe(0);
      expect(engine.core.stats()).toMatchObject({ numRunning: 0, numWaiting: 0 });
    });
  });

  describe('while it generates', () => {
    it('should let other callbacks of the event loop run between steps', async () => {
      const { engine } = llmEngineRig();
      let deltasWhenTimerRan = -1;
      let deltas = 0;
      setImmediate(() => (deltasWhenTimerRan = deltas));
      for await (const output of engine.generate('abc', { maxTokens: 40 })) if (output.kind === 'delta') deltas += 1;
      expect(deltasWhenTimerRan).toBeGreaterThanOrEqual(0);
      expect(deltasWhenTimerRan).toBeLessThan(40);
    });
  });
});
