// Everything the sendnn backend holds on the device: library, device, KV cache and warmed-up programs.
import { mkdirSync } from 'node:fs';
import { decoderProgramShapes } from '../../core/catalog/requiredPrograms.js';
import type { CatalogConfiguration } from '../../core/catalog/precompiledCatalog.js';
import type { EngineConfig } from '../../core/contracts/config.js';
import { EngineError } from '../../core/contracts/errors.js';
import type { Logger } from '../../core/contracts/logger.js';
import type { ObtainedProgram } from './cache/programCache.js';
import { applyPrecompiledFlow } from './cache/precompiledFlow.js';
import { SendnnLibrary, type NativeHandle } from './ffi/sendnnLibrary.js';
import { resolveSendnnLibraryPath } from './nativeLibraryPath.js';
import { packageVersion } from './packageVersion.js';
import { loadSendnnModel, type SendnnModel } from './sendnnModel.js';
import type { SendnnBackendOptions } from './sendnnOptions.js';
import { checkDeviceFits, warmupPrograms } from './sendnnWarmup.js';
import { checkShardable } from './tensorParallel.js';

export class SendnnSession {
  private closed = false;

  constructor(
    readonly library: SendnnLibrary,
    readonly device: NativeHandle,
    readonly model: SendnnModel,
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
  const shapes = decoderProgramShapes({ maxModelLen: config.maxModelLen, maxNumSeqs: config.maxNumSeqs, chunkSize: config.maxNumBatchedTokens });
  const device = library.openDevice(options.deviceMemoryBytes);
  let kv: NativeHandle | undefined;
  try {
    checkDeviceFits(library, device, model, shapes, library.kvBytes(model.desc, config.numBlocks));
    kv = library.allocKv(device, model.desc, config.numBlocks);
    const programs = warmupPrograms(library, device, model, shapes, { cacheDir, compilationDisabled: decision.compilationDisabled }, logger);
    const memory = library.deviceMemory(device);
    logger.info(`[sendnn] device memory: ${memory.usedBytes} of ${memory.totalBytes} bytes in use`);
    return new SendnnSession(library, device, model, kv, programs[0] as ObtainedProgram, programs.slice(1));
  } catch (error) {
    if (kv !== undefined) library.freeBuffer(kv);
    library.closeDevice(device);
    throw error;
  }
}
