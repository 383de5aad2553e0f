import 'reflect-metadata';
import { Container } from 'inversify';
import { loadEncoderModel, type EncoderModel } from '../backends/eager/encoder/encoderModel.js';
import { servingBackend, type LoadedPoolingBackend } from './backendRegistry.js';
import { loadSendnnEncoderModel } from '../backends/sendnn/encoder/sendnnEncoderModel.js';
import { parseSpyreEnvironment } from '../core/config/envVars.js';
import { resolveEngineConfig, startupSummary } from '../core/config/resolveEngineConfig.js';
import { EngineConfig, type ModelTask } from '../core/contracts/config.js';
import { EngineError } from '../core/contracts/errors.js';
import { Logger } from '../core/contracts/logger.js';
import { PoolingEngineOptions, PoolingTextEncoder, type PoolingModelDescription } from '../core/contracts/pooling.js';
import { PoolingEngine } from '../core/engine/poolingEngine.js';
import { registerPoolingCore } from '../core/engine/registerPoolingCore.js';
import { TokenizerPoolingTextEncoder } from './poolingTextEncoder.js';
import { readModelDir, type ModelDirInfo } from '../models/dir/index.js';
import { startEngineOf, type CreateEngineOptions, type EngineKind, type StartedOf } from './engineKind.js';
import { stderrLogger } from './stderrLogger.js';

/** The options of a pooling engine; `flags.task` defaults to what the model does. */
export type CreatePoolingEngineOptions = CreateEngineOptions;

export interface CreatedPoolingEngine {
  readonly engine: PoolingEngine;
  readonly config: EngineConfig;
  /**
   * The model directory as the eager loader reads it (description, padding behaviour). With
   * `VLLM_SPYRE_DYNAMO_BACKEND=sendnn` its onnxruntime session only validated the directory and is already
   * released: the device's encoder programs serve the model.
   */
  readonly model: EncoderModel;
  readonly container: Container;
  /** Fails what waits, finishes the running batch and releases the onnxruntime session. */
  close(): Promise<void>;
}

/** What the model can do: an embedding model embeds; a one-label classifier scores; any classifier classifies. */
function tasksOf(description: PoolingModelDescription): readonly ModelTask[] {
  if (description.outputKind === 'embedding') return ['embed'];
  return description.labels.length === 1 ? ['score', 'classify'] : ['classify'];
}

function chooseTask(requested: ModelTask | undefined, description: PoolingModelDescription): ModelTask {
  const supported = tasksOf(description);
  const task = requested ?? supported[0] as ModelTask;
  if (!supported.includes(task)) {
    const what = description.outputKind === 'embedding' ? 'an embedding model (last_hidden_state)' : `a classifier with ${description.labels.length} labels (logits)`;
    throw new EngineError('invalid_config', `--task ${task} is not supported by ${description.modelDir}: it is ${what}; supported tasks: ${supported.join(', ')}.`);
  }
  return task;
}

export type { LoadedPoolingBackend } from './backendRegistry.js';

export type ComposedPoolingEngine = Omit<CreatedPoolingEngine, 'model'>;

function checkPositions(config: EngineConfig, info: ModelDirInfo): void {
  const maxPositions = info.dims.maxPositionEmbeddings;
  const tooLong = config.warmupShapes.filter((shape) => shape.promptLength > maxPositions);
  if (tooLong.length > 0) {
    throw new EngineError(
      'invalid_config',
      `VLLM_SPYRE_WARMUP_PROMPT_LENS has ${tooLong.map((shape) => shape.promptLength).join(', ')}, longer than the model's max_position_embeddings (${maxPositions}, ${info.dir}/config.json).`,
    );
  }
}

/** Flags (task defaulting to what the model does) + environment (warmup shapes) → the checked config. */
function resolvePoolingConfig(backend: Pick<LoadedPoolingBackend, 'info' | 'description'>, options: Omit<CreatePoolingEngineOptions, 'intraOpNumThreads'>, logger: Logger): EngineConfig {
  const { info, description } = backend;
  const task = chooseTask(options.flags.task, description);
  const config = resolveEngineConfig({ ...options.flags, task }, options.env ?? process.env, logger, { maxPositionEmbeddings: info.dims.maxPositionEmbeddings, modelType: info.modelType });
  checkPositions(config, info);
  return config;
}

/**
 * The backend-independent half of {@link createPoolingEngine}: flags + environment (warmup shapes) + a
 * loaded backend → the pooling core and the tokenizer in one container → a started PoolingEngine (memory
 * check passed, every warmup shape run once). Releases the backend if anything fails on the way.
 */
export async function composePoolingEngine(backend: LoadedPoolingBackend, options: Omit<CreatePoolingEngineOptions, 'intraOpNumThreads'>): Promise<ComposedPoolingEngine> {
  const logger = options.logger ?? stderrLogger(options.flags.logLevel);
  try {
    if (options.deviceMemoryBytes !== undefined && (!Number.isInteger(options.deviceMemoryBytes) || options.deviceMemoryBytes <= 0)) {
      throw new EngineError('invalid_config', `--device-memory-bytes must be a positive integer, but it was set to ${options.deviceMemoryBytes}.`);
    }
    const config = resolvePoolingConfig(backend, options, logger);
    if (!backend.servesBackends.includes(config.backend)) {
      throw new EngineError('invalid_config', `VLLM_SPYRE_DYNAMO_BACKEND=${config.backend} is not served by this pooling backend (it serves ${backend.servesBackends.join(', ')}).`);
    }
    const container = new Container();
    container.bind(EngineConfig).toConstantValue(config);
    container.bind(Logger).toConstantValue(logger);
    container.bind(PoolingTextEncoder).toConstantValue(TokenizerPoolingTextEncoder.fromModelDir(backend.info));
    container.bind(PoolingEngineOptions).toConstantValue({ deviceMemoryBytes: options.deviceMemoryBytes });
    backend.register(container);
    registerPoolingCore(container);
    logger.info(`${startupSummary(config)} task=${config.task} warmup_shapes=${config.warmupShapes.map((s) => `(${s.promptLength},${s.batchSize})`).join(' ')}`);
    const engine = container.get(PoolingEngine);
    await engine.start();
    return { engine, config, container, close: () => engine.close() };
  } catch (error) {
    await backend.release();
    throw error;
  }
}

/** What {@link startPoolingEngine} gives: a serving engine, or (sendnn_compile_only) the programs compiled into the cache. */
export type StartedPoolingEngine = StartedOf<CreatedPoolingEngine>;

/**
 * The composition root of a pooling engine: model directory + flags + environment → the backend
 * `VLLM_SPYRE_DYNAMO_BACKEND` names (eager: the onnxruntime encoder runner; sendnn: the device's encoder
 * programs, from the compilation cache or compiled at warmup) → {@link composePoolingEngine}. The server's
 * pooling routes and `spyre embed` start here.
 */
export async function createPoolingEngine(options: CreatePoolingEngineOptions): Promise<CreatedPoolingEngine> {
  const env = options.env ?? process.env;
  const encoderBackend = servingBackend('encoder', parseSpyreEnvironment(env).dynamoBackend, 'startPoolingEngine (spyre serve)');
  const model = await loadEncoderModel(options.flags.model, options.intraOpNumThreads !== undefined ? { intraOpNumThreads: options.intraOpNumThreads } : {});
  if (encoderBackend.releasesOnnxSession) await model.session.release();
  const composed = await composePoolingEngine(encoderBackend.load(model, env), options);
  return { ...composed, model };
}

/** Embed, score and classify: the encoder column of the backend table, over the eager encoder loader's reading of the directory. */
export const ENCODER_ENGINE: EngineKind<CreatedPoolingEngine> = {
  name: 'encoder',
  create: (options) => createPoolingEngine(options),
  compileConfig: (options, env, logger) =>
    resolvePoolingConfig({ info: readModelDir(options.flags.model), description: loadSendnnEncoderModel(options.flags.model).description }, { ...options, env }, logger),
};

/**
 * The entry point of `spyre embed` (and of `spyre serve` for an encoder, through startEngine): a serving
 * engine ({@link createPoolingEngine}), or for `sendnn_compile_only` one encoder program per warmup shape
 * compiled into the cache and the catalog entry recorded, then nothing served.
 */
export function startPoolingEngine(options: CreatePoolingEngineOptions): Promise<StartedPoolingEngine> {
  return startEngineOf(ENCODER_ENGINE, options);
}
