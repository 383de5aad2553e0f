// A thin typed wrapper over the bindings: native status codes become EngineError('backend_failed')
// messages that name the library, the call and the library's own explanation.
import { existsSync } from 'node:fs';
import { EngineError } from '../../../core/contracts/errors.js';
import {
  SENDNN_ABI_VERSION, type DeviceMemory, type SendnnEncoderDesc, type SendnnEncoderInputs, type SendnnModelDesc, type SendnnProgramShape, type SendnnRunInputs,
} from '../sendnnTypes.js';
import {
  loadSendnnBindings, readAbiVersion, type NativeEncoderDesc, type NativeHandle, type NativeModelDesc, type NativeProgramShape, type OutSlot, type SendnnBindings,
} from './sendnnBindings.js';

export type { NativeHandle } from './sendnnBindings.js';

/** Native status of a failed call, so callers can tell a cache miss from a corrupt artifact. */
export type SendnnStatusName =
  | 'SENDNN_E_INVALID_ARGUMENT' | 'SENDNN_E_DEVICE_MEMORY' | 'SENDNN_E_NOT_COMPILED' | 'SENDNN_E_CACHE_MISS'
  | 'SENDNN_E_ARTIFACT_MISMATCH' | 'SENDNN_E_ARTIFACT_CORRUPT' | 'SENDNN_E_IO' | 'SENDNN_E_UNSUPPORTED'
  | 'SENDNN_E_DEVICE_FAULT' | 'SENDNN_E_HOST_MEMORY' | 'SENDNN_E_UNKNOWN';

/** An EngineError('backend_failed') that also carries the native status. */
export class SendnnCallError extends EngineError {
  constructor(
    readonly status: SendnnStatusName,
    message: string,
  ) {
    super('backend_failed', message);
  }
}

export const HOW_TO_GET_A_LIBRARY =
  'Build the bundled emulator with `npm run build:native` (needs gcc or cc and make), or set SPYRE_SENDNN_LIBRARY to the path of a library that implements the sendnn ABI';

const KIND_CODES = { prefill: 1, decode: 2, encoder: 3 } as const;

function nativeModel(model: SendnnModelDesc): NativeModelDesc {
  return {
    vocab_size: model.vocabSize, hidden_size: model.hiddenSize, intermediate_size: model.intermediateSize, num_layers: model.numLayers,
    num_heads: model.numHeads, num_kv_heads: model.numKvHeads, head_dim: model.headDim, tie_word_embeddings: model.tieWordEmbeddings ? 1 : 0,
    rms_norm_eps: model.rmsNormEps, rope_theta: model.ropeTheta, family: model.family === 'gpt2' ? 1 : 0, max_positions: model.maxPositions ?? 0,
    embedding_multiplier: model.granite?.embeddingMultiplier ?? 0, residual_multiplier: model.granite?.residualMultiplier ?? 0,
    attention_multiplier: model.granite?.attentionMultiplier ?? 0, logits_scaling: model.granite?.logitsScaling ?? 0,
  };
}

function nativeEncoder(model: SendnnEncoderDesc): NativeEncoderDesc {
  return {
    vocab_size: model.vocabSize, hidden_size: model.hiddenSize, intermediate_size: model.intermediateSize, num_layers: model.numLayers,
    num_heads: model.numHeads, max_positions: model.maxPositions ?? 0, type_vocab_size: model.typeVocabSize, num_labels: model.numLabels,
    pooling: model.pooling === 'cls' ? 1 : 0, classifier_activation: model.classifierActivation === 'relu' ? 1 : 0, layer_norm_eps: model.layerNormEps,
  };
}

function nativeShape(shape: SendnnProgramShape): NativeProgramShape {
  return { kind: KIND_CODES[shape.kind], batch_size: shape.batchSize, num_slots: shape.numSlots, max_context: shape.maxContext };
}

/** What a program reads from each run input, so that a short array is refused before C reads past it. */
interface ProgramExtent {
  readonly shape: SendnnProgramShape;
  /** Width of each row's output: the vocabulary (decoders), the hidden size or the labels (encoders). */
  readonly vocabSize: number;
}

/**
 * One loaded sendnn library. Every method is one native call. koffi passes typed arrays as bare pointers, so
 * runProgram checks every array against the program's shape first: C would otherwise read past a short one.
 */
export class SendnnLibrary {
  private readonly programs = new Map<NativeHandle, ProgramExtent>();
  readonly name: string;
  readonly version: string;
  readonly abiVersion: number;

  private constructor(
    readonly path: string,
    private readonly native: SendnnBindings,
  ) {
    this.name = native.sendnn_library_name();
    this.version = native.sendnn_library_version();
    this.abiVersion = native.sendnn_abi_version();
  }

  /** Loads `path`; a missing file, a file that is not a library, or another ABI version is a clear error. */
  static open(path: string): SendnnLibrary {
    if (!existsSync(path)) {
      throw new EngineError('backend_failed', `sendnn library not found: tried ${path}. ${HOW_TO_GET_A_LIBRARY} ${SENDNN_ABI_VERSION}.`);
    }
    let abiVersion: number;
    try {
      abiVersion = readAbiVersion(path);
    } catch (error) {
      throw new EngineError('backend_failed', `sendnn library ${path} could not be loaded (${(error as Error).message}). ${HOW_TO_GET_A_LIBRARY} ${SENDNN_ABI_VERSION}.`);
    }
    if (abiVersion !== SENDNN_ABI_VERSION) {
      throw new EngineError('backend_failed', `sendnn library ${path} implements ABI version ${abiVersion}, but this engine needs ABI version ${SENDNN_ABI_VERSION}.`);
    }
    return new SendnnLibrary(path, loadSendnnBindings(path));
  }

  private check(call: string, status: number): void {
    if (status === 0) return;
    const statusName = this.native.sendnn_status_name(status) as SendnnStatusName;
    throw new SendnnCallError(statusName, `sendnn library ${this.path}: ${call} failed with ${statusName}: ${this.native.sendnn_last_error()}`);
  }

  private handle(call: string, status: number, out: OutSlot<NativeHandle>): NativeHandle {
    this.check(call, status);
    if (out[0] === null) throw new SendnnCallError('SENDNN_E_UNKNOWN', `sendnn library ${this.path}: ${call} returned no handle`);
    return out[0];
  }

  /** A device of `cards` cards of `capacityBytesPerCard` each (ABI 3): one thread per card when cards > 1. */
  openDevice(cards: number, capacityBytesPerCard: number): NativeHandle {
    const out: OutSlot<NativeHandle> = [null];
    return this.handle('sendnn_device_open', this.native.sendnn_device_open(cards, capacityBytesPerCard, out), out);
  }

  closeDevice(device: NativeHandle): void {
    this.check('sendnn_device_close', this.native.sendnn_device_close(device));
  }

  /** One card's capacity and use (card 0 by default). */
  deviceMemory(device: NativeHandle, card = 0): DeviceMemory {
    const total: [number] = [0];
    const used: [number] = [0];
    this.check('sendnn_device_memory', this.native.sendnn_device_memory(device, card, total, used));
    return { totalBytes: Number(total[0]), usedBytes: Number(used[0]) };
  }

  /** Bytes of the raw weights buffer on each of `cards` cards (staged 1/N per card). */
  weightsBytes(model: SendnnModelDesc, cards: number): number {
    return Number(this.native.sendnn_weights_bytes(nativeModel(model), cards));
  }

  /** Bytes of the resident packed weight shard on each of `cards` cards (once, whatever the programs). */
  packedWeightsBytes(model: SendnnModelDesc, cards: number): number {
    return Number(this.native.sendnn_packed_weights_bytes(nativeModel(model), cards));
  }

  /** Bytes of `numBlocks` KV blocks on each of `cards` cards (its KV heads). */
  kvBytes(model: SendnnModelDesc, cards: number, numBlocks: number): number {
    return Number(this.native.sendnn_kv_bytes(nativeModel(model), cards, numBlocks));
  }

  /** Bytes of one decoder program on each of `cards` cards: its scratch (the weight shard is resident, shared). */
  programBytes(model: SendnnModelDesc, cards: number, shape: SendnnProgramShape): number {
    return Number(this.native.sendnn_program_bytes(nativeModel(model), cards, nativeShape(shape)));
  }

  allocWeights(device: NativeHandle, model: SendnnModelDesc): NativeHandle {
    const out: OutSlot<NativeHandle> = [null];
    return this.handle('sendnn_buffer_alloc_weights', this.native.sendnn_buffer_alloc_weights(device, nativeModel(model), out), out);
  }

  allocKv(device: NativeHandle, model: SendnnModelDesc, numBlocks: number): NativeHandle {
    const out: OutSlot<NativeHandle> = [null];
    return this.handle('sendnn_buffer_alloc_kv', this.native.sendnn_buffer_alloc_kv(device, nativeModel(model), numBlocks, out), out);
  }

  writeBuffer(buffer: NativeHandle, offsetBytes: number, data: Float32Array): void {
    this.check('sendnn_buffer_write', this.native.sendnn_buffer_write(buffer, offsetBytes, data, data.byteLength));
  }

  /** Copies KV block `sources[i]` into `targets[i]` on every card, in order (a fork's copy on write). */
  copyKvBlocks(kv: NativeHandle, sources: Int32Array, targets: Int32Array): void {
    if (sources.length !== targets.length) {
      throw new SendnnCallError('SENDNN_E_INVALID_ARGUMENT', `sendnn library ${this.path}: sendnn_kv_copy_blocks: ${sources.length} sources for ${targets.length} targets`);
    }
    this.check('sendnn_kv_copy_blocks', this.native.sendnn_kv_copy_blocks(kv, sources.length, sources, targets));
  }

  freeBuffer(buffer: NativeHandle): void {
    this.check('sendnn_buffer_free', this.native.sendnn_buffer_free(buffer));
  }

  compileProgram(device: NativeHandle, model: SendnnModelDesc, weights: NativeHandle, shape: SendnnProgramShape): NativeHandle {
    const out: OutSlot<NativeHandle> = [null];
    const program = this.handle('sendnn_program_compile', this.native.sendnn_program_compile(device, nativeModel(model), weights, nativeShape(shape), out), out);
    this.programs.set(program, { shape, vocabSize: model.vocabSize });
    return program;
  }

  saveProgram(program: NativeHandle, artifactPath: string, key: string): void {
    this.check('sendnn_program_save', this.native.sendnn_program_save(program, artifactPath, key));
  }

  loadProgram(device: NativeHandle, model: SendnnModelDesc, shape: SendnnProgramShape, artifactPath: string, key: string): NativeHandle {
    const out: OutSlot<NativeHandle> = [null];
    const program = this.handle('sendnn_program_load', this.native.sendnn_program_load(device, nativeModel(model), nativeShape(shape), artifactPath, key, out), out);
    this.programs.set(program, { shape, vocabSize: model.vocabSize });
    return program;
  }

  freeProgram(program: NativeHandle): void {
    this.check('sendnn_program_free', this.native.sendnn_program_free(program));
    this.programs.delete(program);
  }

  runProgram(program: NativeHandle, kv: NativeHandle, inputs: SendnnRunInputs): void {
    this.checkRunInputs(program, inputs);
    this.check('sendnn_program_run', this.native.sendnn_program_run(
      program, kv, inputs.numRows, inputs.numContextBlocks, inputs.tokenIds, inputs.positions, inputs.slotMask,
      inputs.blockTables, inputs.slotBlocks, inputs.rowInfo, inputs.logits,
    ));
  }

  private checkRunInputs(program: NativeHandle, inputs: SendnnRunInputs): void {
    const extent = this.programs.get(program);
    if (extent === undefined) throw new SendnnCallError('SENDNN_E_INVALID_ARGUMENT', `sendnn library ${this.path}: sendnn_program_run: unknown or freed program`);
    const rows = extent.shape.batchSize;
    const slots = rows * extent.shape.numSlots;
    const needed: readonly [string, ArrayLike<number>, number][] = [
      ['token_ids', inputs.tokenIds, slots], ['positions', inputs.positions, slots], ['slot_mask', inputs.slotMask, slots],
      ['block_tables', inputs.blockTables, rows * Math.max(0, inputs.numContextBlocks)], ['slot_blocks', inputs.slotBlocks, rows * Math.ceil(extent.shape.numSlots / 64)],
      ['row_info', inputs.rowInfo, rows * 3], ['logits_out', inputs.logits, rows * extent.vocabSize],
    ];
    for (const [name, array, length] of needed) {
      if (array.length < length) {
        throw new SendnnCallError('SENDNN_E_INVALID_ARGUMENT', `sendnn library ${this.path}: sendnn_program_run: ${name} holds ${array.length} values, the program reads ${length}`);
      }
    }
  }

  encoderWeightsBytes(model: SendnnEncoderDesc): number {
    return Number(this.native.sendnn_encoder_weights_bytes(nativeEncoder(model)));
  }

  encoderProgramBytes(model: SendnnEncoderDesc, shape: SendnnProgramShape): number {
    return Number(this.native.sendnn_encoder_program_bytes(nativeEncoder(model), nativeShape(shape)));
  }

  allocEncoderWeights(device: NativeHandle, model: SendnnEncoderDesc): NativeHandle {
    const out: OutSlot<NativeHandle> = [null];
    return this.handle('sendnn_buffer_alloc_encoder_weights', this.native.sendnn_buffer_alloc_encoder_weights(device, nativeEncoder(model), out), out);
  }

  compileEncoder(device: NativeHandle, model: SendnnEncoderDesc, weights: NativeHandle, shape: SendnnProgramShape): NativeHandle {
    const out: OutSlot<NativeHandle> = [null];
    const program = this.handle('sendnn_encoder_compile', this.native.sendnn_encoder_compile(device, nativeEncoder(model), weights, nativeShape(shape), out), out);
    this.programs.set(program, { shape, vocabSize: model.numLabels > 0 ? model.numLabels : model.hiddenSize });
    return program;
  }

  loadEncoder(device: NativeHandle, model: SendnnEncoderDesc, shape: SendnnProgramShape, artifactPath: string, key: string): NativeHandle {
    const out: OutSlot<NativeHandle> = [null];
    const program = this.handle('sendnn_encoder_load', this.native.sendnn_encoder_load(device, nativeEncoder(model), nativeShape(shape), artifactPath, key, out), out);
    this.programs.set(program, { shape, vocabSize: model.numLabels > 0 ? model.numLabels : model.hiddenSize });
    return program;
  }

  /** Runs an encoder program; `out` receives one vector per row (pooled hidden state or logits). */
  runEncoder(program: NativeHandle, inputs: SendnnEncoderInputs): void {
    const extent = this.programs.get(program);
    if (extent === undefined) throw new SendnnCallError('SENDNN_E_INVALID_ARGUMENT', `sendnn library ${this.path}: sendnn_encoder_run: unknown or freed program`);
    const slots = extent.shape.batchSize * extent.shape.numSlots;
    const needed: readonly [string, ArrayLike<number>, number][] = [
      ['input_ids', inputs.inputIds, slots], ['token_type_ids', inputs.tokenTypeIds, slots], ['attention_mask', inputs.attentionMask, slots],
      ['out', inputs.out, extent.shape.batchSize * extent.vocabSize],
    ];
    for (const [name, array, length] of needed) {
      if (array.length < length) throw new SendnnCallError('SENDNN_E_INVALID_ARGUMENT', `sendnn library ${this.path}: sendnn_encoder_run: ${name} holds ${array.length} values, the program reads ${length}`);
    }
    this.check('sendnn_encoder_run', this.native.sendnn_encoder_run(program, inputs.numRows, inputs.inputIds, inputs.tokenTypeIds, inputs.attentionMask, inputs.out));
  }

  /** The cheapest call across the boundary: what the FFI itself costs per call. */
  abiVersionCall(): number {
    return this.native.sendnn_abi_version();
  }
}
