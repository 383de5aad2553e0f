// VLLM_SPYRE_DYNAMO_BACKEND=sendnn_compile_only: compile every program a configuration needs into the
// cache, record the configuration's catalog entry, and return (the caller exits without serving).
import { mkdirSync } from 'node:fs';
import { catalogEntryFor, upsertEntry, type CatalogEntry } from '../../core/catalog/precompiledCatalog.js';
import { describeProgramShape } from '../../core/catalog/programShape.js';
import { decoderProgramShapes } from '../../core/catalog/requiredPrograms.js';
import type { EngineConfig } from '../../core/contracts/config.js';
import { EngineError } from '../../core/contracts/errors.js';
import type { Logger } from '../../core/contracts/logger.js';
import { catalogPathOf, describeArtifact, readCatalogFile, writeCatalogFile } from './cache/catalogFile.js';
import type { ObtainedProgram, ProgramSource } from './cache/programCache.js';
import { openSendnnEncoder } from './encoder/sendnnEncoderRunner.js';
import { SendnnLibrary } from './ffi/sendnnLibrary.js';
import { resolveSendnnLibraryPath } from './nativeLibraryPath.js';
import { loadSendnnModel } from './sendnnModel.js';
import type { SendnnBackendOptions } from './sendnnOptions.js';
import { catalogConfigurationOf, cacheDirOf } from './sendnnSession.js';
import { warmupPrograms } from './sendnnWarmup.js';
import { checkShardable } from './tensorParallel.js';

export interface CompileOnlyReport {
  readonly cacheDir: string;
  readonly catalogPath: string;
  readonly entry: CatalogEntry;
  readonly sources: readonly ProgramSource[];
  readonly elapsedS: number;
}

interface CompiledSet {
  readonly library: SendnnLibrary;
  readonly fingerprint: string;
  readonly programs: readonly ObtainedProgram[];
}

function compileDecoder(config: EngineConfig, cacheDir: string, logger: Logger, options: SendnnBackendOptions): CompiledSet {
  const library = SendnnLibrary.open(resolveSendnnLibraryPath(config.sendnnLibrary));
  const model = loadSendnnModel(config.model);
  const shapes = decoderProgramShapes({ maxModelLen: config.maxModelLen, maxNumSeqs: config.maxNumSeqs, chunkSize: config.maxNumBatchedTokens });
  const cards = config.tensorParallelSize;
  checkShardable(model.desc, cards);
  const device = library.openDevice(cards, options.deviceMemoryBytes);
  try {
    const programs = warmupPrograms(library, device, cards, model, shapes, { cacheDir, compilationDisabled: false }, logger);
    for (const program of programs) library.freeProgram(program.handle);
    return { library, fingerprint: model.fingerprint, programs };
  } finally {
    library.closeDevice(device);
  }
}

/** Pooling models: one encoder program per warmup shape (VLLM_SPYRE_WARMUP_PROMPT_LENS × _BATCH_SIZES). */
async function compileEncoder(config: EngineConfig, logger: Logger, options: SendnnBackendOptions): Promise<CompiledSet> {
  const runner = openSendnnEncoder(config, logger, options);
  try {
    await runner.warmup(config.warmupShapes, logger);
    return { library: runner.library, fingerprint: runner.model.fingerprint, programs: runner.residentPrograms() };
  } finally {
    await runner.close();
  }
}

/** Compiles every program `config` needs into its cache and records the catalog entry (decoders and pooling models). */
export async function runSendnnCompileOnly(config: EngineConfig, logger: Logger, options: SendnnBackendOptions): Promise<CompileOnlyReport> {
  const startMs = performance.now();
  const cacheDir = cacheDirOf(config);
  if (cacheDir === undefined) {
    throw new EngineError('invalid_config', 'VLLM_SPYRE_DYNAMO_BACKEND=sendnn_compile_only needs TORCH_SENDNN_CACHE_ENABLE=1 and TORCH_SENDNN_CACHE_DIR set: it compiles into that cache.');
  }
  mkdirSync(cacheDir, { recursive: true });
  const { library, fingerprint, programs } = config.task === 'generate' ? compileDecoder(config, cacheDir, logger, options) : await compileEncoder(config, logger, options);
  const catalogConfig = catalogConfigurationOf(config, library);
  const entry = catalogEntryFor(catalogConfig, {
    abi_version: library.abiVersion,
    model_fingerprint: fingerprint,
    programs: programs.map((program) => describeArtifact(describeProgramShape(program.shape), program.artifactPath as string)),
  });
  writeCatalogFile(cacheDir, upsertEntry(readCatalogFile(cacheDir), entry, catalogConfig));
  const elapsedS = (performance.now() - startMs) / 1000;
  logger.info(`[sendnn] sendnn_compile_only: ${programs.length} programs in ${cacheDir}, catalog entry recorded in ${catalogPathOf(cacheDir)} (${elapsedS.toFixed(2)} s)`);
  return { cacheDir, catalogPath: catalogPathOf(cacheDir), entry, sources: programs.map((program) => program.source), elapsedS };
}
