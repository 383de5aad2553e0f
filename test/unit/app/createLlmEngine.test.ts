import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeLlmEngine, createLlmEngine, type CreatedLlmEngine } from '../../../src/app/createLlmEngine.js';
import { SILENT_LOGGER } from '../../../src/core/contracts/logger.js';
import type { FinalOutput, GenerateParams, GenerationOutput, PromptInput } from '../../../src/core/engine/generationTypes.js';
import { referenceGreedy } from '../../../src/models/reference/index.js';
import { buildTinyModel, type TinyModelDir } from '../../support/tinyModel.js';

let tiny: TinyModelDir;
let created: CreatedLlmEngine;

beforeAll(async () => {
  tiny = buildTinyModel();
  created = await createLlmEngine({ flags: { model: tiny.dir, maxModelLen: 512, maxNumSeqs: 4, maxNumBatchedTokens: 128 }, env: {}, logger: SILENT_LOGGER, intraOpNumThreads: 1 });
});
afterAll(async () => {
  await created.close();
  tiny.remove();
});

async function finalOf(outputs: AsyncIterable<GenerationOutput>): Promise<FinalOutput> {
  let final: FinalOutput | undefined;
  for await (const output of outputs) if (output.kind === 'final') final = output;
  if (!final) throw new Error('no final output');
  return final;
}

const run = (prompt: PromptInput, params: GenerateParams): Promise<FinalOutput> => finalOf(created.engine.generate(prompt, params));

describe('createLlmEngine over a generated model', () => {
  describe('when a text prompt is generated greedily', () => {
    it('should produce the reference forward greedy tokens of the encoded prompt', async () => {
      const prompt = 'The quick brown fox jumps over the lazy dog, again and again.';
      const final = await run(prompt, { temperature: 0, maxTokens: 12, ignoreEos: true });
      expect(final.tokenIds).toEqual(referenceGreedy(tiny.dir, created.engine.codec.encode(prompt), 12));
      expect(final.text).toBe(created.engine.codec.decode(final.tokenIds));
    });
  });

  describe('having a seeded sampling request', () => {
    const params: GenerateParams = { temperature: 1, topP: 0.95, seed: 1234, maxTokens: 16, ignoreEos: true };

    it('should give the same tokens alone and in a batch with other requests', async () => {
      const alone = await run('seeded prompt', params);
      const [batch] = await Promise.all([
        created.engine.generateBatch(['another prompt', 'seeded prompt', 'and a third one'], params),
        run('x y z', { temperature: 1, maxTokens: 5 }),
      ]);
      expect(batch[1]).toMatchObject({ kind: 'final', tokenIds: alone.tokenIds });
    });

    it('should give other tokens for another seed', async () => {
      const one = await run('seeded prompt', params);
      const other = await run('seeded prompt', { ...params, seed: 4321 });
      expect(other.tokenIds).not.toEqual(one.tokenIds);
    });
  });

  describe('when logprobs are asked for', () => {
    it('should attach the top-n log-probabilities to every delta, the greedy choice being the top one', async () => {
      const deltas: GenerationOutput[] = [];
      for await (const output of created.engine.generate('log probs', { temperature: 0, maxTokens: 5, ignoreEos: true, logprobs: 3 })) if (output.kind === 'delta' && output.tokenIds.length > 0) deltas.push(output);
      expect(deltas).toHaveLength(5);
      for (const delta of deltas) {
        if (delta.kind !== 'delta') continue;
        const [entry] = delta.logprobs ?? [];
        expect(entry?.top).toHaveLength(3);
        expect(entry?.top[0]?.tokenId).toBe(delta.tokenIds[0]);
        expect(entry?.logprob).toBeCloseTo(entry?.top[0]?.logprob ?? NaN, 6);
        expect(entry?.logprob).toBeLessThan(0);
      }
    });
  });

  describe('when a running request is aborted', () => {
    it('should free its KV blocks and keep serving', async () => {
      const controller = new AbortController();
      const outputs = created.engine.generate('abort me please', { maxTokens: 200, ignoreEos: true }, { signal: controller.signal });
      let count = 0;
      let last: GenerationOutput | undefined;
      for await (const output of outputs) {
        last = output;
        if (++count === 4) controller.abort();
      }
      expect(last).toMatchObject({ kind: 'final', finishReason: 'abort' });
      await new Promise((resolve) => setImmediate(resolve));
      expect(created.engine.core.stats()).toMatchObject({ numRunning: 0, kvCacheUsage: 0 });
      expect((await run('still here', { maxTokens: 3, temperature: 0, ignoreEos: true })).finishReason).toBe('length');
    });
  });

  describe('when chat turns are given', () => {
    it('should render the model chat template and generate', async () => {
      const final = await run([{ role: 'user', content: 'Hello!' }], { maxTokens: 4, temperature: 0, ignoreEos: true });
      expect(final.usage.completionTokens).toBe(4);
      expect(final.usage.promptTokens).toBeGreaterThan(created.engine.codec.encode('Hello!').length);
    });
  });

  describe('when the environment names an unknown backend', () => {
    it('should fail at startup listing the accepted values', () => {
      const eagerModel = created.eagerModel;
      if (eagerModel === undefined) throw new Error('eager runs the model through its onnxruntime session');
      expect(() => composeLlmEngine(eagerModel, { flags: { model: tiny.dir }, env: { VLLM_SPYRE_DYNAMO_BACKEND: 'cuda' }, logger: SILENT_LOGGER })).toThrow(/eager/);
    });
  });
});
