// The sendnn backend under the async engine (text in, text out), against the eager composition root.
import 'reflect-metadata';
import { Container } from 'inversify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeLlmEngine } from '../../../../src/app/createLlmEngine.js';
import { TokenizerTextCodec } from '../../../../src/app/tokenizerTextCodec.js';
import type { EagerModel } from '../../../../src/backends/eager/eagerModel.js';
import { registerSendnnBackend } from '../../../../src/backends/sendnn/registerSendnnBackend.js';
import { SendnnSession, openSendnnSession } from '../../../../src/backends/sendnn/sendnnSession.js';
import { Clock } from '../../../../src/core/contracts/clock.js';
import { EngineConfig } from '../../../../src/core/contracts/config.js';
import { Logger, SILENT_LOGGER } from '../../../../src/core/contracts/logger.js';
import { TextCodec } from '../../../../src/core/contracts/textCodec.js';
import type { BatchResult } from '../../../../src/core/engine/generationTypes.js';
import { LlmEngine } from '../../../../src/core/engine/llmEngine.js';
import { registerCore } from '../../../../src/core/registerCore.js';
import { readModelDir } from '../../../../src/models/dir/index.js';
import { buildTinyModel, loadEagerModel, type TinyModelDir } from '../../../support/tinyModel.js';
import { sendnnConfig } from './sendnnRig.js';

let tiny: TinyModelDir;
let eagerModel: EagerModel;
const FLAGS = { maxModelLen: 256, maxNumSeqs: 2, maxNumBatchedTokens: 64 };
const PROMPTS = ['the engine serves tokens', 'paged blocks and chunked prefill on two cores', 'a'];
const PARAMS = { temperature: 0, maxTokens: 8, ignoreEos: true };

beforeAll(async () => {
  tiny = buildTinyModel(11);
  eagerModel = await loadEagerModel(tiny.dir);
});
afterAll(async () => {
  await eagerModel.session.release();
  tiny.remove();
});

function sendnnEngine(): { engine: LlmEngine; session: SendnnSession } {
  const config = sendnnConfig(tiny.dir, FLAGS);
  const session = openSendnnSession(config, SILENT_LOGGER, { deviceMemoryBytes: 1024 ** 3 });
  const container = new Container();
  container.bind(EngineConfig).toConstantValue(config);
  container.bind(Clock).toConstantValue({ nowS: () => performance.now() / 1000 });
  container.bind(Logger).toConstantValue(SILENT_LOGGER);
  container.bind(TextCodec).toConstantValue(TokenizerTextCodec.fromModelDir(readModelDir(tiny.dir), session.model.desc.vocabSize));
  container.bind(SendnnSession).toConstantValue(session);
  registerCore(container);
  registerSendnnBackend(container);
  container.bind(LlmEngine).toSelf().inSingletonScope();
  return { engine: container.get(LlmEngine), session };
}

const summary = (results: readonly BatchResult[]): unknown[] =>
  results.map((result) => (result.kind === 'final' ? { text: result.text, tokenIds: result.tokenIds, finishReason: result.finishReason } : result));

describe('LlmEngine over the sendnn backend', () => {
  describe('having text prompts', () => {
    it('should generate the same text and tokens as over the eager backend', async () => {
      const eager = composeLlmEngine(eagerModel, { flags: { model: tiny.dir, ...FLAGS }, env: {}, logger: SILENT_LOGGER });
      const expected = summary(await eager.engine.generateBatch(PROMPTS, PARAMS));
      await eager.engine.close();
      const { engine, session } = sendnnEngine();
      try {
        const actual = summary(await engine.generateBatch(PROMPTS, PARAMS));
        expect(actual).toEqual(expected);
        expect(actual.every((result) => (result as { tokenIds: number[] }).tokenIds.length === 8)).toBe(true);
      } finally {
        await engine.close();
        session.close();
      }
    });
  });
});
