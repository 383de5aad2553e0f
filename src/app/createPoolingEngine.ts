import 'reflect-metadata';
import { Container } from 'inversify';
import { EncoderModel, loadEncoderModel } from '../backends/eager/encoder/encoderModel.js';
import { registerEncoderBackend } from '../backends/eager/encoder/registerEncoderBackend.js';
import type { EngineFlags } from '../core/config/engineFlags.js';
import type { EnvSource } from '../core/config/envVars.js';
import { resolveEngineConfig, startupSummary } from '../core/config/resolveEngineConfig.js';
import { EngineConfig, type ModelTask } from '../core/contracts/config.js';
import { EngineError } from '../core/contracts/errors.js';
import { Logger } from '../core/contracts/logger.js';
import { PoolingEngineOptions, PoolingTextEncoder, type PoolingModelDescription } from '../core/contracts/pooling.js';
import { PoolingEngine } from '../core/scheduler/pooling/poolingEngine.js';
import { registerPoolingCore } from '../core/scheduler/pooling/registerPoolingCore.js';
import { TokenizerPoolingTextEncoder } from './poolingTextEncoder.js';
import { stderrLogger } from './stderrLogger.js';

export interface CreatePoolingEngineOptions {
  /** Engine flags as `vllm serve` spells them; `model` is the model directory. `task` defaults to what the model does. */
  readonly flags: EngineFlags;
  /** Where VLLM_SPYRE_* variables (the warmup shapes) are read; default `process.env`. */
  readonly env?: EnvSource;
  readonly logger?: Logger;
  readonly intraOpNumThreads?: number;
  /** Device memory budget of the up-front check (`--device-memory-bytes`); default: what the backend reports (eager: none). */
  readonly deviceMemoryBytes?: number;
}

export interface CreatedPoolingEngine {
  readonly engine: PoolingEngine;
  readonly config: EngineConfig;
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

/**
 * The composition root of a pooling engine: model directory + flags + environment (warmup shapes) → the
 * encoder backend, the pooling core and the tokenizer in one container → a started PoolingEngine (memory
 * check passed, every warmup shape run once). The server's pooling routes and `spyre embed` start here.
 */
export async function createPoolingEngine(options: CreatePoolingEngineOptions): Promise<CreatedPoolingEngine> {
  const logger = options.logger ?? stderrLogger(options.flags.logLevel);
  if (options.deviceMemoryBytes !== undefined && (!Number.isInteger(options.deviceMemoryBytes) || options.deviceMemoryBytes <= 0)) {
    throw new EngineError('invalid_config', `--device-memory-bytes must be a positive integer, but it was set to ${options.deviceMemoryBytes}.`);
  }
  const model = await loadEncoderModel(options.flags.model, options.intraOpNumThreads !== undefined ? { intraOpNumThreads: options.intraOpNumThreads } : {});
  try {
    const task = chooseTask(options.flags.task, model.description);
    const config = resolveEngineConfig({ ...options.flags, task }, options.env ?? process.env, logger, { maxPositionEmbeddings: model.info.dims.maxPositionEmbeddings, modelType: model.info.modelType });
    const maxPositions = model.info.dims.maxPositionEmbeddings;
    const tooLong = config.warmupShapes.filter((shape) => shape.promptLength > maxPositions);
    if (tooLong.length > 0) {
      throw new EngineError(
        'invalid_config',
        `VLLM_SPYRE_WARMUP_PROMPT_LENS has ${tooLong.map((shape) => shape.promptLength).join(', ')}, longer than the model's max_position_embeddings (${maxPositions}, ${model.info.dir}/config.json).`,
      );
    }
    if (config.backend !== 'eager') {
      throw new EngineError('invalid_config', `VLLM_SPYRE_DYNAMO_BACKEND=${config.backend} does not serve pooling models yet; use eager.`);
    }
    const container = new Container();
    container.bind(EngineConfig).toConstantValue(config);
    container.bind(Logger).toConstantValue(logger);
    container.bind(EncoderModel).toConstantValue(model);
    container.bind(PoolingTextEncoder).toConstantValue(TokenizerPoolingTextEncoder.fromModelDir(model.info));
    container.bind(PoolingEngineOptions).toConstantValue({ deviceMemoryBytes: options.deviceMemoryBytes });
    registerEncoderBackend(container);
    registerPoolingCore(container);
    logger.info(`${startupSummary(config)} task=${task} warmup_shapes=${config.warmupShapes.map((s) => `(${s.promptLength},${s.batchSize})`).join(' ')}`);
    const engine = container.get(PoolingEngine);
    await engine.start();
    return { engine, config, model, container, close: () => engine.close() };
  } catch (error) {
    await model.session.release();
    throw error;
  }
}
