import 'reflect-metadata';
import { Container } from 'inversify';
import { EagerModel, loadEagerModel } from '../backends/eager/eagerModel.js';
import type { ModelShapeHints } from '../core/config/engineFlags.js';
import { resolveEngineConfig, startupSummary } from '../core/config/resolveEngineConfig.js';
import { Clock } from '../core/contracts/clock.js';
import { EngineConfig } from '../core/contracts/config.js';
import { Logger } from '../core/contracts/logger.js';
import { TextCodec } from '../core/contracts/textCodec.js';
import { LlmEngine } from '../core/engine/llmEngine.js';
import { registerCore } from '../core/registerCore.js';
import { readModelDir, type ModelDirInfo } from '../models/dir/index.js';
import { stderrLogger } from './stderrLogger.js';
import { TokenizerTextCodec } from './tokenizerTextCodec.js';
import { WALL_CLOCK } from './wallClock.js';
import { BACKEND_REGISTRY, servingBackend } from './backendRegistry.js';
import { startEngineOf, type CreateEngineOptions, type EngineKind, type StartedOf } from './engineKind.js';

/** The options of a generating engine (an encoder's device memory budget does not apply). */
export type CreateLlmEngineOptions = Omit<CreateEngineOptions, 'deviceMemoryBytes'>;

export interface CreatedLlmEngine {
  readonly engine: LlmEngine;
  readonly config: EngineConfig;
  /**
   * The model directory as the eager loader reads it (config, tokenizer, ONNX I/O). With
   * `VLLM_SPYRE_DYNAMO_BACKEND=sendnn` the device runs the model: createLlmEngine has already released this
   * onnxruntime session, which only read and checked the directory.
   */
  readonly model: EagerModel;
  readonly container: Container;
  /** Aborts what runs and releases the backend (the onnxruntime session, or the sendnn programs, KV and device). */
  close(): Promise<void>;
}

/** What {@link startLlmEngine} gives: a serving engine, or (sendnn_compile_only) the programs compiled into the cache. */
export type StartedLlmEngine = StartedOf<CreatedLlmEngine>;

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

/** Generation: the decoder column of the backend table, over the eager loader's reading of the directory. */
export const DECODER_ENGINE: EngineKind<CreatedLlmEngine> = {
  name: 'decoder',
  create: (options) => createLlmEngine(options),
  compileConfig: (options, env, logger) => resolveEngineConfig(options.flags, env, logger, shapeHints(readModelDir(options.flags.model))),
};

/**
 * The entry point of `spyre generate` (and of `spyre serve` for a decoder, through startEngine): by
 * `VLLM_SPYRE_DYNAMO_BACKEND`, a serving engine ({@link createLlmEngine}: eager or sendnn), or for
 * `sendnn_compile_only` every program the configuration needs compiled into the cache and its catalog
 * entry recorded, then nothing served.
 */
export function startLlmEngine(options: CreateLlmEngineOptions): Promise<StartedLlmEngine> {
  return startEngineOf(DECODER_ENGINE, options);
}

/**
 * The composition root of a generating engine: model directory + flags + environment → a container with
 * the config (the model's config as hints), the core, the backend `VLLM_SPYRE_DYNAMO_BACKEND` names (eager:
 * onnxruntime; sendnn: the device, warmed up from the compilation cache or compiled), the wall clock, the
 * logger and the tokenizer → an LlmEngine. The server and `spyre generate` both start here.
 */
export async function createLlmEngine(options: CreateLlmEngineOptions): Promise<CreatedLlmEngine> {
  const model = await loadEagerModel(options.flags.model, options.intraOpNumThreads !== undefined ? { intraOpNumThreads: options.intraOpNumThreads } : {});
  let releasing: Promise<void> | undefined;
  const releaseModel = (): Promise<void> => (releasing ??= model.session.release());
  try {
    const created = composeOver(model, options, releaseModel);
    // The device runs the model: the onnxruntime session only read and checked the directory.
    if (BACKEND_REGISTRY[created.config.backend].decoder?.releasesOnnxSession === true) await releaseModel();
    return created;
  } catch (error) {
    await releaseModel();
    throw error;
  }
}

/**
 * The synchronous half of {@link createLlmEngine}, over an already loaded model (tests share one); `close()`
 * releases its onnxruntime session. With sendnn, the sendnn session is closed on `close()` and on a failed
 * startup (warmup, precompiled-catalog checks).
 */
export function composeLlmEngine(model: EagerModel, options: Omit<CreateLlmEngineOptions, 'intraOpNumThreads'>): CreatedLlmEngine {
  return composeOver(model, options, () => model.session.release());
}

function composeOver(model: EagerModel, options: Omit<CreateLlmEngineOptions, 'intraOpNumThreads'>, releaseModel: () => Promise<void>): CreatedLlmEngine {
  const logger = options.logger ?? stderrLogger(options.flags.logLevel);
  const env = options.env ?? process.env;
  const config = resolveEngineConfig(options.flags, env, logger, shapeHints(model.info));
  const decoderBackend = servingBackend('decoder', config.backend, 'startLlmEngine (spyre serve, spyre generate)');
  const codec = TokenizerTextCodec.fromModelDir(model.info, model.io.vocabSize);
  const container = new Container();
  container.bind(EngineConfig).toConstantValue(config);
  container.bind(Clock).toConstantValue(WALL_CLOCK);
  container.bind(Logger).toConstantValue(logger);
  container.bind(TextCodec).toConstantValue(codec);
  container.bind(EagerModel).toConstantValue(model);
  registerCore(container);
  logger.info(startupSummary(config));
  const backend = decoderBackend.bind(container, config, logger, env);
  try {
    container.bind(LlmEngine).toSelf().inSingletonScope();
    const engine = container.get(LlmEngine);
    return {
      // the backend may have rebound the config (sendnn: the KV blocks the cards hold)
      engine, config: container.get(EngineConfig), model, container,
      close: async () => {
        try {
          await engine.close();
        } finally {
          backend.close();
          await releaseModel();
        }
      },
    };
  } catch (error) {
    backend.close();
    throw error;
  }
}
