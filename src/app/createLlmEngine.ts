import 'reflect-metadata';
import { Container } from 'inversify';
import { EagerModel, loadEagerModel } from '../backends/eager/eagerModel.js';
import { registerEagerBackend } from '../backends/eager/registerEagerBackend.js';
import type { EngineFlags, ModelShapeHints } from '../core/config/engineFlags.js';
import type { EnvSource } from '../core/config/envVars.js';
import { resolveEngineConfig, startupSummary } from '../core/config/resolveEngineConfig.js';
import { Clock } from '../core/contracts/clock.js';
import { EngineConfig } from '../core/contracts/config.js';
import { EngineError } from '../core/contracts/errors.js';
import { Logger } from '../core/contracts/logger.js';
import { TextCodec } from '../core/contracts/textCodec.js';
import { LlmEngine } from '../core/engine/llmEngine.js';
import { registerCore } from '../core/registerCore.js';
import type { ModelDirInfo } from '../models/dir/index.js';
import { stderrLogger } from './stderrLogger.js';
import { TokenizerTextCodec } from './tokenizerTextCodec.js';
import { WALL_CLOCK } from './wallClock.js';

export interface CreateLlmEngineOptions {
  /** Engine flags as `vllm serve` spells them; `model` is the model directory. */
  readonly flags: EngineFlags;
  /** Where VLLM_SPYRE_* variables are read; default `process.env`. */
  readonly env?: EnvSource;
  readonly logger?: Logger;
  readonly intraOpNumThreads?: number;
}

export interface CreatedLlmEngine {
  readonly engine: LlmEngine;
  readonly config: EngineConfig;
  readonly model: EagerModel;
  readonly container: Container;
  /** Aborts what runs and releases the onnxruntime session. */
  close(): Promise<void>;
}

function shapeHints(info: ModelDirInfo): ModelShapeHints {
  const d = info.dims;
  return {
    maxPositionEmbeddings: d.maxPositionEmbeddings,
    modelType: info.modelType,
    numHiddenLayers: d.numHiddenLayers,
    hiddenSize: d.hiddenSize,
    vocabSize: d.vocabSize,
    numAttentionHeads: d.numAttentionHeads,
    numKeyValueHeads: d.numKeyValueHeads,
  };
}

/**
 * The composition root of a generating engine: model directory + flags + environment → a container with
 * the config (the model's config as hints), the core, the eager backend, the wall clock, the logger and the
 * tokenizer → an LlmEngine. The server and `spyre generate` both start here.
 */
export async function createLlmEngine(options: CreateLlmEngineOptions): Promise<CreatedLlmEngine> {
  const model = await loadEagerModel(options.flags.model, options.intraOpNumThreads !== undefined ? { intraOpNumThreads: options.intraOpNumThreads } : {});
  try {
    return composeLlmEngine(model, options);
  } catch (error) {
    await model.session.release();
    throw error;
  }
}

/** The synchronous half of {@link createLlmEngine}, over an already loaded model (tests share one). */
export function composeLlmEngine(model: EagerModel, options: Omit<CreateLlmEngineOptions, 'intraOpNumThreads'>): CreatedLlmEngine {
  const logger = options.logger ?? stderrLogger(options.flags.logLevel);
  const env = options.env ?? process.env;
  const config = resolveEngineConfig(options.flags, env, logger, shapeHints(model.info));
  if (config.backend !== 'eager') {
    throw new EngineError('invalid_config', `VLLM_SPYRE_DYNAMO_BACKEND=${config.backend} is not served by this entry point yet; use eager.`);
  }
  const codec = TokenizerTextCodec.fromModelDir(model.info, model.io.vocabSize);
  const container = new Container();
  container.bind(EngineConfig).toConstantValue(config);
  container.bind(Clock).toConstantValue(WALL_CLOCK);
  container.bind(Logger).toConstantValue(logger);
  container.bind(TextCodec).toConstantValue(codec);
  container.bind(EagerModel).toConstantValue(model);
  registerCore(container);
  registerEagerBackend(container);
  container.bind(LlmEngine).toSelf().inSingletonScope();
  logger.info(startupSummary(config));
  const engine = container.get(LlmEngine);
  return {
    engine, config, model, container,
    close: async () => {
      await engine.close();
      await model.session.release();
    },
  };
}
