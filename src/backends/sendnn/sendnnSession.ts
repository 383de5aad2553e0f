// Everything the sendnn backend holds on the device: library, device, KV cache and warmed-up programs.
import { existsSync, mkdirSync } from 'node:fs';
import type { ProgramShape } from '../../core/catalog/programShape.js';
import { decoderProgramShapes } from '../../core/catalog/requiredPrograms.js';
import type { CatalogConfiguration } from '../../core/catalog/precompiledCatalog.js';
import type { EngineConfig } from '../../core/contracts/config.js';
import { EngineError } from '../../core/contracts/errors.js';
import type { Logger } from '../../core/contracts/logger.js';
import { artifactPathFor, type CachePolicy, type ObtainedProgram } from './cache/programCache.js';
import { applyPrecompiledFlow } from './cache/precompiledFlow.js';
import { SendnnLibrary, type NativeHandle } from './ffi/sendnnLibrary.js';
import { resolveSendnnLibraryPath } from './nativeLibraryPath.js';
import { packageVersion } from './packageVersion.js';
import { loadSendnnModel, type SendnnModel } from './sendnnModel.js';
import type { SendnnBackendOptions } from './sendnnOptions.js';
import { warmupPrograms } from './sendnnWarmup.js';
import { planCardMemory, type CardMemoryPlan } from './cardMemory.js';
import { checkShardable } from './tensorParallel.js';

export class SendnnSession {
  private closed = false;

  constructor(
    readonly library: SendnnLibrary,
    readonly device: NativeHandle,
    readonly model: SendnnModel,
    /** The cards the device emulates (--tensor-parallel-size) and what each holds. */
    readonly cards: number,
    readonly memory: CardMemoryPlan,
    readonly kv: NativeHandle,
    readonly prefill: ObtainedProgram,
    /** Decode programs by ascending batch size. */
    readonly decode: readonly ObtainedProgram[],
  ) {}

  /** The smallest decode program that holds `numRows` rows, or undefined if none does. */
  decodeProgramFor(numRows: number): ObtainedProgram | undefined {
    return this.decode.find((program) => program.shape.batchSize >= numRows);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const program of [this.prefill, ...this.decode]) this.library.freeProgram(program.handle);
    this.library.freeBuffer(this.kv);
    this.library.closeDevice(this.device);
  }
}

export function catalogConfigurationOf(config: EngineConfig, library: SendnnLibrary): CatalogConfiguration {
  const pooling = config.task !== 'generate';
  return {
    modelName: config.model,
    tensorParallelSize: config.tensorParallelSize,
    maxModelLen: config.maxModelLen,
    maxNumSeqs: config.maxNumSeqs,
    chunkSize: config.maxNumBatchedTokens,
    ...(pooling ? { warmupPromptLens: config.warmupShapes.map((s) => s.promptLength), warmupBatchSizes: config.warmupShapes.map((s) => s.batchSize) } : {}),
    packageVersion: packageVersion(),
    libraryName: library.name,
    libraryVersion: library.version,
  };
}

export function cacheDirOf(config: EngineConfig): string | undefined {
  return config.sendnnCacheEnable && config.sendnnCacheDir !== undefined ? config.sendnnCacheDir : undefined;
}

/** True unless every program's artifact is already in the cache (or compilation is disabled): the raw weights will be staged. */
function mayCompile(library: SendnnLibrary, model: SendnnModel, shapes: readonly ProgramShape[], cards: number, policy: CachePolicy): boolean {
  if (policy.compilationDisabled) return false;
  const cacheDir = policy.cacheDir;
  if (cacheDir === undefined) return true;
  return shapes.some((shape) => !existsSync(artifactPathFor(library, model.fingerprint, shape, cacheDir, cards).path));
}

/** Opens the library and the device, and warms up every program the (decoder) configuration needs. */
export function openSendnnSession(config: EngineConfig, logger: Logger, options: SendnnBackendOptions): SendnnSession {
  if (config.task !== 'generate') throw new EngineError('invalid_config', 'openSendnnSession serves decoder (generate) models; pooling models (embed, score, classify) use openSendnnEncoder.');
  const library = SendnnLibrary.open(resolveSendnnLibraryPath(config.sendnnLibrary));
  logger.info(`[sendnn] library ${library.path}: ${library.name} ${library.version}, ABI ${library.abiVersion}`);
  const decision = applyPrecompiledFlow(config, catalogConfigurationOf(config, library), logger);
  const cacheDir = cacheDirOf(config);
  if (cacheDir !== undefined && !decision.compilationDisabled) mkdirSync(cacheDir, { recursive: true });
  const model = loadSendnnModel(config.model);
  checkShardable(model.desc, config.tensorParallelSize);
  const positions = model.desc.maxPositions ?? 0;
  if (model.desc.family === 'gpt2' && config.maxModelLen > positions) {
    throw new EngineError('invalid_config', `sendnn backend: ${config.model} has learned positions for ${positions} tokens, fewer than --max-model-len ${config.maxModelLen}; lower --max-model-len to at most ${positions}.`);
  }
  const shapes = decoderProgramShapes({ maxModelLen: config.maxModelLen, maxNumSeqs: config.maxNumSeqs, chunkSize: config.maxNumBatchedTokens });
  const cards = config.tensorParallelSize;
  const device = library.openDevice(cards, options.deviceMemoryBytes);
  let programs: ObtainedProgram[] = [];
  try {
    const policy = { cacheDir, compilationDisabled: decision.compilationDisabled };
    const plan = planCardMemory(library, device, model.desc, {
      cards, shapes, numBlocks: config.numBlocks, numBlocksFixed: config.numBlocksFixed === true, maxNumSeqs: config.maxNumSeqs,
      minimumBlocks: config.minNumBlocks ?? config.numBlocks, stagingBytes: mayCompile(library, model, shapes, cards, policy) ? library.weightsBytes(model.desc, cards) : 0,
      capacitySource: options.deviceMemorySource ?? 'SPYRE_SENDNN_DEVICE_MEMORY_BYTES',
    });
    if (plan.numBlocks < config.numBlocks) {
      logger.info(`[sendnn] KV cache sized from card memory: ${plan.numBlocks} blocks (${plan.numBlocks * config.blockSize} tokens) fit beside the weights and programs on each card, fewer than the ${config.numBlocks} the configuration could use.`);
    }
    programs = warmupPrograms(library, device, cards, model, shapes, policy, logger);
    const kv = library.allocKv(device, model.desc, plan.numBlocks);
    const memory = library.deviceMemory(device, 0);
    logger.info(`[sendnn] device memory, each of ${cards} card(s): ${memory.usedBytes} of ${memory.totalBytes} bytes in use (weight shard ${plan.shardBytesPerCard}, programs ${plan.programBytesPerCard}, KV cache of ${plan.numBlocks} blocks ${plan.kvBytesPerCard})`);
    return new SendnnSession(library, device, model, cards, plan, kv, programs[0] as ObtainedProgram, programs.slice(1));
  } catch (error) {
    for (const program of programs) library.freeProgram(program.handle);
    library.closeDevice(device);
    throw error;
  }
}
