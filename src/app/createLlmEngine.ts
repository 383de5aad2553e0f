import 'reflect-metadata';
import { Container } from 'inversify';
import { EagerModel, loadEagerModel } from '../backends/eager/eagerModel.js';
import { readDecoderDir } from '../backends/sendnn/import/importDecoder.js';
import { parseSpyreEnvironment } from '../core/config/envVars.js';
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

/** What the engine and the server need of the model directory, whichever backend runs it. */
export interface ServedDecoderModel {
  /** What the directory says (config, tokenizer, generation defaults). */
  readonly info: ModelDirInfo;
  /**
   * The vocabulary the logits cover: the ONNX logits' width (eager), or the config's `vocab_size` (sendnn,
   * whose importer checks the lm head against it).
   */
  readonly vocabSize: number;
}

export interface CreatedLlmEngine {
  readonly engine: LlmEngine;
  readonly config: EngineConfig;
  readonly model: ServedDecoderModel;
  /**
   * The eager loader's onnxruntime session and checked I/O, when eager runs the model. With
   * `VLLM_SPYRE_DYNAMO_BACKEND=sendnn` the directory is read without onnxruntime (the sendnn importer refuses
   * what it cannot map), so layouts only eager refuses (GPT-2's legacy stacked past) serve on sendnn.
   */
  readonly eagerModel?: EagerModel;
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

/** Generation: the decoder column of the backend table (eager over the eager loader's session, sendnn over its importer). */
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
  const backend = BACKEND_REGISTRY[parseSpyreEnvironment(options.env ?? process.env).dynamoBackend].decoder;
  if (backend?.runsOnnxSession === false) {
    // The device runs the model: no onnxruntime session reads the directory; the backend's importer checks it.
    const info = readDecoderDir(options.flags.model);
    return composeOver({ info, vocabSize: info.dims.vocabSize }, undefined, options, () => Promise.resolve());
  }
  const model = await loadEagerModel(options.flags.model, options.intraOpNumThreads !== undefined ? { intraOpNumThreads: options.intraOpNumThreads } : {});
  let releasing: Promise<void> | undefined;
  const releaseModel = (): Promise<void> => (releasing ??= model.session.release());
  try {
    return composeOver(servedOf(model), model, options, releaseModel);
  } catch (error) {
    await releaseModel();
    throw error;
  }
}

function servedOf(model: EagerModel): ServedDecoderModel {
  return { info: model.info, vocabSize: model.io.vocabSize };
}

/**
 * The synchronous half of {@link createLlmEngine}, over an already loaded model (tests share one); `close()`
 * releases its onnxruntime session. With sendnn, the sendnn session is closed on `close()` and on a failed
 * startup (warmup, precompiled-catalog checks).
 */
export function composeLlmEngine(model: EagerModel, options: Omit<CreateLlmEngineOptions, 'intraOpNumThreads'>): CreatedLlmEngine {
  return composeOver(servedOf(model), model, options, () => model.session.release());
}

function composeOver(
  model: ServedDecoderModel,
  eagerModel: EagerModel | undefined,
  options: Omit<CreateLlmEngineOptions, 'intraOpNumThreads'>,
  releaseModel: () => Promise<void>,
): CreatedLlmEngine {
  const logger = options.logger ?? stderrLogger(options.flags.logLevel);
  const env = options.env ?? process.env;
  const config = resolveEngineConfig(options.flags, env, logger, shapeHints(model.info));
  const decoderBackend = servingBackend('decoder', config.backend, 'startLlmEngine (spyre serve, spyre generate)');
  const codec = TokenizerTextCodec.fromModelDir(model.info, model.vocabSize);
  const container = new Container();
  container.bind(EngineConfig).toConstantValue(config);
  container.bind(Clock).toConstantValue(WALL_CLOCK);
  container.bind(Logger).toConstantValue(logger);
  container.bind(TextCodec).toConstantValue(codec);
  if (eagerModel !== undefined) container.bind(EagerModel).toConstantValue(eagerModel);
  registerCore(container);
  logger.info(startupSummary(config));
  const backend = decoderBackend.bind(container, config, logger, env);
  try {
    container.bind(LlmEngine).toSelf().inSingletonScope();
    const engine = container.get(LlmEngine);
    return {
      // the backend may have rebound the config (sendnn: the KV blocks the cards hold)
      engine, config: container.get(EngineConfig), model, ...(eagerModel !== undefined ? { eagerModel } : {}), container,
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
