// The sendnn backend for pooling models: one encoder program per warmup shape (compiled or loaded from the
// compilation cache at warmup), run with exactly that shape; pooling or the classifier head runs in the program.
import { mkdirSync } from 'node:fs';
import { describeProgramShape, type ProgramShape } from '../../../core/catalog/programShape.js';
import type { EngineConfig, WarmupShape } from '../../../core/contracts/config.js';
import { EngineError } from '../../../core/contracts/errors.js';
import type { Logger } from '../../../core/contracts/logger.js';
import type { PoolingBatch, PoolingBatchResult, PoolingExecutor, PoolingModelDescription, ShapeMemoryEstimate } from '../../../core/contracts/pooling.js';
import { obtainProgram, type ObtainedProgram } from '../cache/programCache.js';
import { SendnnLibrary, type NativeHandle } from '../ffi/sendnnLibrary.js';
import { resolveSendnnLibraryPath } from '../nativeLibraryPath.js';
import type { SendnnBackendOptions } from '../sendnnOptions.js';
import { cacheDirOf } from '../sendnnSession.js';
import type { SendnnEncoderInputs } from '../sendnnTypes.js';
import { loadSendnnEncoderModel, type SendnnEncoderModel } from './sendnnEncoderModel.js';

const shapeKey = (shape: WarmupShape): string => `${shape.promptLength}x${shape.batchSize}`;
const programShape = (shape: WarmupShape): ProgramShape => ({ kind: 'encoder', batchSize: shape.batchSize, numSlots: shape.promptLength, maxContext: shape.promptLength });

interface WarmProgram {
  readonly program: ObtainedProgram;
  readonly inputs: SendnnEncoderInputs;
}

export class SendnnEncoderRunner implements PoolingExecutor {
  readonly description: PoolingModelDescription;
  readonly deviceMemoryBytes: number;
  private readonly programs = new Map<string, WarmProgram>();
  private closed = false;

  constructor(
    readonly library: SendnnLibrary,
    private readonly device: NativeHandle,
    readonly model: SendnnEncoderModel,
    private readonly cacheDir: string | undefined,
  ) {
    this.description = model.description;
    this.deviceMemoryBytes = library.deviceMemory(device).totalBytes;
  }

  /** The programs warmup made resident, in warmup order. */
  residentPrograms(): ObtainedProgram[] {
    return [...this.programs.values()].map((warm) => warm.program);
  }

  estimateMemory(shape: WarmupShape): ShapeMemoryEstimate {
    const weightBytes = this.library.encoderWeightsBytes(this.model.desc);
    const programBytes = this.library.encoderProgramBytes(this.model.desc, programShape(shape));
    return { shape, programBytes: weightBytes, activationBytes: programBytes - weightBytes };
  }

  async warmup(shapes: readonly WarmupShape[], logger: Logger): Promise<void> {
    await Promise.resolve();
    const startMs = performance.now();
    logger.info(`[sendnn] warmup: ${shapes.length} encoder programs, compilation cache ${this.cacheDir === undefined ? 'disabled' : `enabled (${this.cacheDir})`}`);
    let weights: NativeHandle | undefined;
    const weightsBuffer = (): NativeHandle => {
      if (weights === undefined) {
        const handle = this.library.allocEncoderWeights(this.device, this.model.desc);
        weights = handle;
        this.library.writeBuffer(handle, 0, this.model.weights);
      }
      return weights;
    };
    try {
      shapes.forEach((shape, index) => {
        if (this.programs.has(shapeKey(shape))) return;
        const target = programShape(shape);
        const ops = {
          modelFingerprint: this.model.fingerprint,
          load: (path: string, key: string): NativeHandle => this.library.loadEncoder(this.device, this.model.desc, target, path, key),
          compile: (): NativeHandle => this.library.compileEncoder(this.device, this.model.desc, weightsBuffer(), target),
        };
        const program = obtainProgram(this.library, target, ops, { cacheDir: this.cacheDir, compilationDisabled: false }, logger);
        const slots = shape.batchSize * shape.promptLength;
        const inputs: SendnnEncoderInputs = {
          numRows: shape.batchSize, inputIds: new Int32Array(slots), tokenTypeIds: new Int32Array(slots), attentionMask: new Uint8Array(slots),
          out: new Float32Array(shape.batchSize * this.description.outputWidth),
        };
        this.programs.set(shapeKey(shape), { program, inputs });
        logger.info(`[sendnn] warmup ${index + 1}/${shapes.length}: ${describeProgramShape(target)} ${program.source === 'cache' ? 'loaded from the cache' : program.source} in ${program.elapsedMs.toFixed(1)} ms`);
      });
    } finally {
      if (weights !== undefined) this.library.freeBuffer(weights);
    }
    logger.info(`[sendnn] warmup of ${shapes.length} encoder shapes done in ${((performance.now() - startMs) / 1000).toFixed(3)} s`);
  }

  async execute(batch: PoolingBatch): Promise<PoolingBatchResult> {
    await Promise.resolve();
    const warm = this.programs.get(shapeKey(batch.shape));
    if (warm === undefined) {
      throw new EngineError('invariant_violated', `pooling batch on shape (prompt length ${batch.shape.promptLength}, batch size ${batch.shape.batchSize}), which was not warmed up.`);
    }
    const x = warm.inputs;
    for (let i = 0; i < x.inputIds.length; i++) {
      x.inputIds[i] = Number(batch.inputIds[i] ?? 0n);
      x.tokenTypeIds[i] = Number(batch.tokenTypeIds[i] ?? 0n);
      x.attentionMask[i] = batch.attentionMask[i] === 1n ? 1 : 0;
    }
    this.library.runEncoder(warm.program.handle, x);
    const width = this.description.outputWidth;
    return { outputs: batch.rows.map((_, row) => x.out.slice(row * width, (row + 1) * width)) };
  }

  close(): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      for (const warm of this.programs.values()) this.library.freeProgram(warm.program.handle);
      this.library.closeDevice(this.device);
    }
    return Promise.resolve();
  }
}

/** Opens the library and the device for a pooling model; `warmup` then makes its programs resident. */
export function openSendnnEncoder(config: EngineConfig, logger: Logger, options: SendnnBackendOptions): SendnnEncoderRunner {
  if (config.task === 'generate') throw new EngineError('invalid_config', 'openSendnnEncoder serves pooling models (embed, score, classify); decoders use openSendnnSession.');
  const library = SendnnLibrary.open(resolveSendnnLibraryPath(config.sendnnLibrary));
  logger.info(`[sendnn] library ${library.path}: ${library.name} ${library.version}, ABI ${library.abiVersion}`);
  const model = loadSendnnEncoderModel(config.model);
  const cacheDir = cacheDirOf(config);
  if (cacheDir !== undefined) mkdirSync(cacheDir, { recursive: true });
  return new SendnnEncoderRunner(library, library.openDevice(1, options.deviceMemoryBytes), model, cacheDir);
}
