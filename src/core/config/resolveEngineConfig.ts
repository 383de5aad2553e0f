import type { EngineConfig, ModelTask, WarmupShape } from '../contracts/config.js';
import { BLOCK_SIZE } from '../contracts/ids.js';
import { EngineError } from '../contracts/errors.js';
import type { Logger } from '../contracts/logger.js';
import { DEFAULTS, type EngineFlags, type ModelShapeHints } from './engineFlags.js';
import { parseSpyreEnvironment, type EnvSource, type SpyreEnvironment } from './envVars.js';
import { isGranite33_8b } from './granite.js';
import { computeNumKvBlocks, minimumKvBlocks } from './kvBlockCount.js';
import { warmupShapesFrom } from './warmupShapes.js';

function requirePositiveInteger(flag: string, value: number): number {
  if (!Number.isInteger(value) || value <= 0) {
    throw new EngineError('invalid_config', `${flag} must be a positive integer, but it was set to ${value}.`);
  }
  return value;
}

function isPoolingTask(task: ModelTask): boolean {
  return task !== 'generate';
}

interface BatchShape {
  readonly maxModelLen: number;
  readonly maxNumSeqs: number;
  readonly warmupShapes: readonly WarmupShape[];
}

/** Pooling models batch statically on their warmup shapes; the flags for continuous batching do not apply. */
function poolingBatchShape(flags: EngineFlags, env: SpyreEnvironment, logger: Logger): BatchShape {
  const warmupShapes = warmupShapesFrom(env.warmupPromptLens, env.warmupBatchSizes);
  if (flags.maxModelLen !== undefined) logger.warn('--max-model-len is ignored for pooling models: it is the largest VLLM_SPYRE_WARMUP_PROMPT_LENS value.');
  if (flags.maxNumSeqs !== undefined) logger.warn('--max-num-seqs is ignored for pooling models: it is the largest VLLM_SPYRE_WARMUP_BATCH_SIZES value.');
  if (flags.enablePrefixCaching === true) {
    throw new EngineError('invalid_config', 'Prefix caching is not supported for pooling models (embed, score, classify): remove --enable-prefix-caching.');
  }
  return {
    maxModelLen: Math.max(...warmupShapes.map((shape) => shape.promptLength)),
    maxNumSeqs: Math.max(...warmupShapes.map((shape) => shape.batchSize)),
    warmupShapes,
  };
}

function chunkSizeFor(flags: EngineFlags, tensorParallelSize: number, hints: ModelShapeHints | undefined, logger: Logger): number {
  if (flags.maxNumBatchedTokens !== undefined) {
    const chunkSize = requirePositiveInteger('--max-num-batched-tokens', flags.maxNumBatchedTokens);
    if (chunkSize % BLOCK_SIZE !== 0) {
      throw new EngineError(
        'invalid_config',
        `\`max_num_batched_tokens\` must be divisible by the block size (${BLOCK_SIZE}) to enable chunked prefill. It was set to \`${chunkSize}\`. Please set \`--max-num-batched-tokens\` to a number that satisfies this constraint.`,
      );
    }
    return chunkSize;
  }
  const names = [flags.model, flags.servedModelName ?? ''];
  if (tensorParallelSize === 4 && isGranite33_8b(names, hints)) {
    logger.info(`Setting max_num_batched_tokens to ${DEFAULTS.graniteTp4ChunkSize} for granite-3.3-8b-instruct with tensor parallel size 4.`);
    return DEFAULTS.graniteTp4ChunkSize;
  }
  return DEFAULTS.chunkSize;
}

/**
 * Flags + environment → one frozen, validated EngineConfig (SPEC §1). Throws EngineError('invalid_config')
 * with the spec's texts. `hints` comes from the model's config when the caller has read it.
 */
export function resolveEngineConfig(flags: EngineFlags, envSource: EnvSource, logger: Logger, hints?: ModelShapeHints): EngineConfig {
  const env = parseSpyreEnvironment(envSource);
  const task = flags.task ?? 'generate';
  const tensorParallelSize = requirePositiveInteger('--tensor-parallel-size', flags.tensorParallelSize ?? DEFAULTS.tensorParallelSize);
  const batch: BatchShape = isPoolingTask(task)
    ? poolingBatchShape(flags, env, logger)
    : {
        maxModelLen: requirePositiveInteger('--max-model-len', flags.maxModelLen ?? hints?.maxPositionEmbeddings ?? DEFAULTS.maxModelLen),
        maxNumSeqs: requirePositiveInteger('--max-num-seqs', flags.maxNumSeqs ?? DEFAULTS.maxNumSeqs),
        warmupShapes: [],
      };
  const maxNumBatchedTokens = chunkSizeFor(flags, tensorParallelSize, hints, logger);
  const maxBatchTkvLimit = env.maxBatchTkvLimit ?? batch.maxModelLen * batch.maxNumSeqs;
  const port = flags.port ?? DEFAULTS.port;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new EngineError('invalid_config', `--port must be an integer from 0 to 65535, but it was set to ${port}.`);
  }
  // Pooling models run whole sequences on static shapes: they keep no KV cache.
  const kvBlockInput = { maxModelLen: batch.maxModelLen, maxNumSeqs: batch.maxNumSeqs, blockSize: BLOCK_SIZE, maxBatchTkvLimit, numBlocksOverride: flags.numGpuBlocksOverride };
  const numBlocks = isPoolingTask(task) ? 0 : (flags.numBlocks ?? computeNumKvBlocks(kvBlockInput, logger));
  return Object.freeze({
    model: flags.model,
    servedModelName: flags.servedModelName ?? flags.model,
    task,
    host: flags.host ?? DEFAULTS.host,
    port,
    maxModelLen: batch.maxModelLen,
    maxNumSeqs: batch.maxNumSeqs,
    maxNumBatchedTokens,
    enablePrefixCaching: flags.enablePrefixCaching ?? false,
    tensorParallelSize,
    seed: flags.seed ?? DEFAULTS.seed,
    apiKey: flags.apiKey ?? env.apiKey,
    serverDevMode: env.serverDevMode,
    disableLogRequests: flags.disableLogRequests ?? false,
    logLevel: flags.logLevel ?? DEFAULTS.logLevel,
    blockSize: BLOCK_SIZE,
    numBlocks,
    numBlocksFixed: flags.numGpuBlocksOverride !== undefined || flags.numBlocks !== undefined,
    minNumBlocks: isPoolingTask(task) ? 0 : minimumKvBlocks(kvBlockInput),
    backend: env.dynamoBackend,
    interleaveSteps: env.interleaveSteps,
    maxBatchTkvLimit,
    warmupShapes: Object.freeze(batch.warmupShapes.slice()),
    requirePrecompiledDecoders: env.requirePrecompiledDecoders,
    sendnnCacheEnable: env.sendnnCacheEnable,
    sendnnCacheDir: env.sendnnCacheDir,
    sendnnLibrary: env.sendnnLibrary,
    perfMetricLoggingEnabled: env.perfMetricLoggingEnabled,
    perfMetricLoggingDir: env.perfMetricLoggingDir,
    prefixHashSeed: DEFAULTS.prefixHashSeed,
  });
}

/** The one startup summary line of SPEC §1.3. */
export function startupSummary(config: EngineConfig): string {
  return (
    `max_model_len=${config.maxModelLen} max_num_seqs=${config.maxNumSeqs} block_size=${config.blockSize} ` +
    `max_num_batched_tokens=${config.maxNumBatchedTokens} enable_prefix_caching=${config.enablePrefixCaching} backend=${config.backend}`
  );
}
