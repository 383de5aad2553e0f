// The real exports (other tools' ONNX files, /work/shared/fixtures/real-models) on the sendnn backend: the weights
// traced out of the graph, the architecture from genai_config.json / config.json, and the same greedy tokens as
// the eager backend running the very same ONNX file through onnxruntime.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EagerModel } from '../../../../src/backends/eager/eagerModel.js';
import { loadEncoderModel } from '../../../../src/backends/eager/encoder/encoderModel.js';
import { EncoderRunner } from '../../../../src/backends/eager/encoder/encoderRunner.js';
import { openSendnnEncoder } from '../../../../src/backends/sendnn/encoder/sendnnEncoderRunner.js';
import { resolveEngineConfig } from '../../../../src/core/config/resolveEngineConfig.js';
import { asRequestId } from '../../../../src/core/contracts/ids.js';
import { SILENT_LOGGER } from '../../../../src/core/contracts/logger.js';
import { padPoolingBatch } from '../../../../src/core/scheduler/pooling/padPoolingBatch.js';
import { referenceLogits } from '../../../../src/models/reference/index.js';
import { importedReference } from '../../../support/importedReference.js';
import { openLegacyGpt2Oracle } from '../../../support/legacyGpt2Oracle.js';
import { perturbedCopy } from '../../../support/onnxRewrite.js';
import { eagerCoreRig, loadEagerModel, randomIds } from '../../../support/tinyModel.js';
import { maxDifference, runObserved, sendnnRig, type ObservedRun } from './sendnnRig.js';

const REAL_MODEL_FIXTURES = '/work/shared/fixtures/real-models';
const GREEDY = () => ({ temperature: 0 });
const FLAGS = { maxModelLen: 256, maxNumSeqs: 2, maxNumBatchedTokens: 64 };

/** Two float16 ulps of the largest logit: eager computes this export in float16, the cards in float32. */
function float16Tolerance(logits: Float32Array): number {
  const largest = Math.max(...logits.map(Math.abs));
  return 2 * 2 ** (Math.floor(Math.log2(largest)) - 10);
}

describe('having the ORT GenAI Llama export (float16, contrib operators, genai_config.json only)', () => {
  const dir = join(REAL_MODEL_FIXTURES, 'ortgenai-tiny-llama-fp16');
  let eagerModel: EagerModel;
  let expected: ObservedRun;
  const prompts = [7, 70, 130].map((length, i) => randomIds(300 + i, length, 3, 32000));
  beforeAll(async () => {
    eagerModel = await loadEagerModel(dir);
    const eager = eagerCoreRig(eagerModel, FLAGS);
    expected = await runObserved(eager.core, eager.runner, prompts, 10, GREEDY);
  });
  afterAll(async () => {
    await eagerModel.session.release();
  });

  it('should give eager\'s greedy tokens on one card, first-token logits within 1e-4 of the fp32 reference and within float16 precision of eager', async () => {
    expect(new Set([...expected.tokens.values()].map((t) => t.join(','))).size).toBe(prompts.length);
    const reference = importedReference(dir);
    const rig = sendnnRig(dir, { ...FLAGS, tensorParallelSize: 1 });
    try {
      const actual = await runObserved(rig.core, rig.runner, prompts, 10, GREEDY);
      expect(actual.tokens).toEqual(expected.tokens);
      prompts.forEach((prompt, i) => {
        const id = `r${i}`;
        const logits = actual.firstLogits.get(id) as Float32Array;
        const eager = expected.firstLogits.get(id) as Float32Array;
        expect(maxDifference(referenceLogits(reference, prompt).at(-1) as Float32Array, logits), `${id} against the reference`).toBeLessThan(1e-4);
        expect(maxDifference(eager, logits), `${id} against eager`).toBeLessThan(float16Tolerance(eager));
      });
    } finally {
      rig.session.close();
    }
  });

  it('should refuse 2 and 4 cards naming its 1 attention head and 1 KV head', () => {
    for (const cards of [2, 4]) {
      expect(() => sendnnRig(dir, { ...FLAGS, tensorParallelSize: cards })).toThrow(`it has 1 attention heads and 1 KV heads, and both must divide by --tensor-parallel-size ${cards}`);
    }
  });
});

describe('having the Optimum DistilBERT classifier (no token types, numbered initializers, Gemm head with ReLU)', () => {
  const dir = join(REAL_MODEL_FIXTURES, 'optimum-tiny-distilbert-classifier');
  const shapes = [{ promptLength: 64, batchSize: 4 }];

  it('should give eager\'s logits (relative 1e-4) and labels on the sendnn encoder path, left-padded rows of several lengths', async () => {
    const config = resolveEngineConfig({ model: dir, task: 'classify' }, { VLLM_SPYRE_DYNAMO_BACKEND: 'sendnn', VLLM_SPYRE_WARMUP_PROMPT_LENS: '64', VLLM_SPYRE_WARMUP_BATCH_SIZES: '4' }, SILENT_LOGGER);
    const sendnn = openSendnnEncoder(config, SILENT_LOGGER, { deviceMemoryBytes: 1024 ** 3 });
    const eagerModel = await loadEncoderModel(dir);
    const eager = new EncoderRunner(eagerModel);
    try {
      expect(sendnn.description).toMatchObject({ outputKind: 'logits', outputWidth: 2, labels: ['NEGATIVE', 'POSITIVE'], usesTokenTypeIds: false });
      await sendnn.warmup(shapes, SILENT_LOGGER);
      await eager.warmup(shapes, SILENT_LOGGER);
      let labelsSeen = new Set<number>();
      for (let round = 0; round < 4; round++) {
        const rows = [3, 17, 40, 64].map((length, i) => randomIds(700 + 10 * round + i, length, 1000, 30522));
        const batch = padPoolingBatch(round, shapes[0]!, rows.map((tokenIds, i) => ({ requestId: asRequestId(`r${round}.${i}`), tokenIds })), 0);
        const expected = (await eager.execute(batch)).outputs;
        const actual = (await sendnn.execute(batch)).outputs;
        actual.forEach((logits, i) => {
          const reference = expected[i] as Float32Array;
          const scale = Math.max(...reference.map(Math.abs));
          expect(maxDifference(reference, logits), `round ${round} row ${i}`).toBeLessThan(1e-4 * scale);
          expect(logits[1]! > logits[0]!, `round ${round} row ${i}: label`).toBe(reference[1]! > reference[0]!);
          labelsSeen = labelsSeen.add(reference[1]! > reference[0]! ? 1 : 0);
        });
      }
      expect(labelsSeen.size).toBe(2);
    } finally {
      await sendnn.close();
      await eager.close();
    }
  });
});

describe('having the ORT GPT-2 export (fused c_attn, learned positions, LayerNorm with bias, FastGelu, deduplicated initializers)', () => {
  const fixture = join(REAL_MODEL_FIXTURES, 'ortgenai-tiny-gpt2-legacy-past');
  // The export's biases are zero and its activations tiny; the perturbed copy (non-zero biases, weights x 3) makes
  // every bias, the LayerNorm biases and the tanh GELU change the tokens.
  for (const [name, scale] of [['as exported', 0], ['with non-zero biases and weights x 3', 3]] as const) {
    it(`${name}: should give the greedy tokens onnxruntime gives on the very graph, on 1, 2 and 4 cards, first-token logits within 1e-4 (relative)`, async () => {
      const dir = scale === 0 ? fixture : perturbedCopy(fixture, 'onnx/model.onnx', scale);
      const oracle = await openLegacyGpt2Oracle(join(dir, 'onnx', 'model.onnx'), 5, 4, 8, 1000);
      try {
        const prompts = [4, 66, 130].map((length, i) => randomIds(800 + i, length, 3, 1000));
        const expected = await Promise.all(prompts.map((prompt) => oracle.greedy(prompt, 10)));
        expect(new Set(expected.map((e) => e.tokens.join(','))).size).toBeGreaterThanOrEqual(2);
        for (const cards of [1, 2, 4]) {
          const rig = sendnnRig(dir, { ...FLAGS, tensorParallelSize: cards });
          try {
            const actual = await runObserved(rig.core, rig.runner, prompts, 10, GREEDY);
            prompts.forEach((_, i) => {
              const reference = expected[i]?.firstLogits as Float32Array;
              expect(actual.tokens.get(`r${i}`), `r${i} on ${cards} cards`).toEqual(expected[i]?.tokens);
              expect(maxDifference(reference, actual.firstLogits.get(`r${i}`) as Float32Array), `r${i} on ${cards} cards`).toBeLessThan(1e-4 * Math.max(1, ...reference.map(Math.abs)));
            });
          } finally {
            rig.session.close();
          }
        }
      } finally {
        await oracle.release();
        if (dir !== fixture) rmSync(dir, { recursive: true, force: true });
      }
    });
  }

  it('should refuse a --max-model-len beyond its 512 learned positions, naming both', () => {
    expect(() => sendnnRig(fixture, { ...FLAGS, maxModelLen: 1024 })).toThrow('has learned positions for 512 tokens, fewer than --max-model-len 1024; lower --max-model-len to at most 512.');
  });
});
