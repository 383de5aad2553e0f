// koffi declarations of sendnn_abi.h: the only place that knows how the ABI is marshalled.
// koffi does not check typed-array element types against pointer types, so every pointer
// parameter below names its exact element type and the wrapper passes only that array type.
import koffi from 'koffi';

/** An opaque native handle (sendnn_device*, sendnn_buffer*, sendnn_program*). */
export type NativeHandle = { readonly __nativeHandle: unique symbol };

/** A one-element array koffi fills for an `_Out_` parameter. */
export type OutSlot<T> = [T | null];

export interface SendnnBindings {
  sendnn_abi_version(): number;
  sendnn_library_name(): string;
  sendnn_library_version(): string;
  sendnn_last_error(): string;
  sendnn_status_name(status: number): string;
  sendnn_device_open(numCards: number, capacityBytesPerCard: number, out: OutSlot<NativeHandle>): number;
  sendnn_device_close(device: NativeHandle): number;
  sendnn_device_memory(device: NativeHandle, card: number, total: [number], used: [number]): number;
  sendnn_weights_bytes(model: NativeModelDesc, numCards: number): number;
  sendnn_packed_weights_bytes(model: NativeModelDesc, numCards: number): number;
  sendnn_kv_bytes(model: NativeModelDesc, numCards: number, numBlocks: number): number;
  sendnn_program_bytes(model: NativeModelDesc, numCards: number, shape: NativeProgramShape): number;
  sendnn_buffer_alloc_weights(device: NativeHandle, model: NativeModelDesc, out: OutSlot<NativeHandle>): number;
  sendnn_buffer_alloc_kv(device: NativeHandle, model: NativeModelDesc, numBlocks: number, out: OutSlot<NativeHandle>): number;
  sendnn_buffer_write(buffer: NativeHandle, offsetBytes: number, data: Float32Array, numBytes: number): number;
  sendnn_buffer_free(buffer: NativeHandle): number;
  sendnn_kv_copy_blocks(kv: NativeHandle, numCopies: number, sources: Int32Array, targets: Int32Array): number;
  sendnn_program_compile(device: NativeHandle, model: NativeModelDesc, weights: NativeHandle, shape: NativeProgramShape, out: OutSlot<NativeHandle>): number;
  sendnn_program_save(program: NativeHandle, path: string, key: string): number;
  sendnn_program_load(device: NativeHandle, model: NativeModelDesc, shape: NativeProgramShape, path: string, key: string, out: OutSlot<NativeHandle>): number;
  sendnn_program_free(program: NativeHandle): number;
  sendnn_program_run(
    program: NativeHandle, kv: NativeHandle, numRows: number, numContextBlocks: number,
    tokenIds: Int32Array, positions: Int32Array, slotMask: Uint8Array, blockTables: Int32Array, slotBlocks: Int32Array,
    rowInfo: Int32Array, logits: Float32Array,
  ): number;
  sendnn_encoder_weights_bytes(model: NativeEncoderDesc): number;
  sendnn_encoder_program_bytes(model: NativeEncoderDesc, shape: NativeProgramShape): number;
  sendnn_buffer_alloc_encoder_weights(device: NativeHandle, model: NativeEncoderDesc, out: OutSlot<NativeHandle>): number;
  sendnn_encoder_compile(device: NativeHandle, model: NativeEncoderDesc, weights: NativeHandle, shape: NativeProgramShape, out: OutSlot<NativeHandle>): number;
  sendnn_encoder_load(device: NativeHandle, model: NativeEncoderDesc, shape: NativeProgramShape, path: string, key: string, out: OutSlot<NativeHandle>): number;
  sendnn_encoder_run(program: NativeHandle, numRows: number, inputIds: Int32Array, tokenTypeIds: Int32Array, attentionMask: Uint8Array, out: Float32Array): number;
}

/** sendnn_encoder_desc as koffi marshals it. */
export interface NativeEncoderDesc {
  readonly vocab_size: number;
  readonly hidden_size: number;
  readonly intermediate_size: number;
  readonly num_layers: number;
  readonly num_heads: number;
  readonly max_positions: number;
  readonly type_vocab_size: number;
  readonly num_labels: number;
  readonly pooling: number;
  readonly classifier_activation: number;
  readonly layer_norm_eps: number;
}

/** sendnn_model_desc as koffi marshals it (field names of the C struct). */
export interface NativeModelDesc {
  readonly vocab_size: number;
  readonly hidden_size: number;
  readonly intermediate_size: number;
  readonly num_layers: number;
  readonly num_heads: number;
  readonly num_kv_heads: number;
  readonly head_dim: number;
  readonly tie_word_embeddings: number;
  readonly rms_norm_eps: number;
  readonly rope_theta: number;
  readonly family: number;
  readonly max_positions: number;
  readonly embedding_multiplier: number;
  readonly residual_multiplier: number;
  readonly attention_multiplier: number;
  readonly logits_scaling: number;
}

export interface NativeProgramShape {
  readonly kind: number;
  readonly batch_size: number;
  readonly num_slots: number;
  readonly max_context: number;
}

let typesDeclared = false;

/**
 * OpenMP threads that spin at barriers (libgomp's default) steal the core the other thread needs on a
 * shared machine, and nothing else in the process runs OpenMP. libgomp reads this once, when it is first
 * loaded, i.e. with the library; an explicit setting wins.
 */
function preferPassiveOpenMp(): void {
  process.env.OMP_WAIT_POLICY ??= 'PASSIVE';
}

function declareTypes(): void {
  if (typesDeclared) return;
  koffi.opaque('sendnn_device');
  koffi.opaque('sendnn_buffer');
  koffi.opaque('sendnn_program');
  koffi.struct('sendnn_model_desc', {
    vocab_size: 'int32_t', hidden_size: 'int32_t', intermediate_size: 'int32_t', num_layers: 'int32_t', num_heads: 'int32_t',
    num_kv_heads: 'int32_t', head_dim: 'int32_t', tie_word_embeddings: 'int32_t', rms_norm_eps: 'double', rope_theta: 'double', family: 'int32_t', max_positions: 'int32_t',
    embedding_multiplier: 'double', residual_multiplier: 'double', attention_multiplier: 'double', logits_scaling: 'double',
  });
  koffi.struct('sendnn_encoder_desc', {
    vocab_size: 'int32_t', hidden_size: 'int32_t', intermediate_size: 'int32_t', num_layers: 'int32_t', num_heads: 'int32_t',
    max_positions: 'int32_t', type_vocab_size: 'int32_t', num_labels: 'int32_t', pooling: 'int32_t', classifier_activation: 'int32_t', layer_norm_eps: 'double',
  });
  koffi.struct('sendnn_program_shape', { kind: 'int32_t', batch_size: 'int32_t', num_slots: 'int32_t', max_context: 'int32_t' });
  typesDeclared = true;
}

const PROTOTYPES: readonly string[] = [
  'uint32_t sendnn_abi_version(void)',
  'const char *sendnn_library_name(void)',
  'const char *sendnn_library_version(void)',
  'const char *sendnn_last_error(void)',
  'const char *sendnn_status_name(int32_t status)',
  'int32_t sendnn_device_open(int32_t num_cards, uint64_t capacity_per_card, _Out_ sendnn_device **out)',
  'int32_t sendnn_device_close(sendnn_device *device)',
  'int32_t sendnn_device_memory(const sendnn_device *device, int32_t card, _Out_ uint64_t *total, _Out_ uint64_t *used)',
  'uint64_t sendnn_weights_bytes(const sendnn_model_desc *model, int32_t num_cards)',
  'uint64_t sendnn_packed_weights_bytes(const sendnn_model_desc *model, int32_t num_cards)',
  'uint64_t sendnn_kv_bytes(const sendnn_model_desc *model, int32_t num_cards, int32_t num_blocks)',
  'uint64_t sendnn_program_bytes(const sendnn_model_desc *model, int32_t num_cards, const sendnn_program_shape *shape)',
  'int32_t sendnn_buffer_alloc_weights(sendnn_device *device, const sendnn_model_desc *model, _Out_ sendnn_buffer **out)',
  'int32_t sendnn_buffer_alloc_kv(sendnn_device *device, const sendnn_model_desc *model, int32_t num_blocks, _Out_ sendnn_buffer **out)',
  'int32_t sendnn_buffer_write(sendnn_buffer *buffer, uint64_t offset, const float *data, uint64_t num_bytes)',
  'int32_t sendnn_buffer_free(sendnn_buffer *buffer)',
  'int32_t sendnn_kv_copy_blocks(sendnn_buffer *kv, int32_t num_copies, const int32_t *sources, const int32_t *targets)',
  'int32_t sendnn_program_compile(sendnn_device *device, const sendnn_model_desc *model, const sendnn_buffer *weights, const sendnn_program_shape *shape, _Out_ sendnn_program **out)',
  'int32_t sendnn_program_save(const sendnn_program *program, const char *path, const char *key)',
  'int32_t sendnn_program_load(sendnn_device *device, const sendnn_model_desc *model, const sendnn_program_shape *shape, const char *path, const char *key, _Out_ sendnn_program **out)',
  'int32_t sendnn_program_free(sendnn_program *program)',
  'int32_t sendnn_program_run(sendnn_program *program, sendnn_buffer *kv, int32_t num_rows, int32_t num_context_blocks, const int32_t *token_ids, const int32_t *positions, const uint8_t *slot_mask, const int32_t *block_tables, const int32_t *slot_blocks, const int32_t *row_info, float *logits_out)',
  'uint64_t sendnn_encoder_weights_bytes(const sendnn_encoder_desc *model)',
  'uint64_t sendnn_encoder_program_bytes(const sendnn_encoder_desc *model, const sendnn_program_shape *shape)',
  'int32_t sendnn_buffer_alloc_encoder_weights(sendnn_device *device, const sendnn_encoder_desc *model, _Out_ sendnn_buffer **out)',
  'int32_t sendnn_encoder_compile(sendnn_device *device, const sendnn_encoder_desc *model, const sendnn_buffer *weights, const sendnn_program_shape *shape, _Out_ sendnn_program **out)',
  'int32_t sendnn_encoder_load(sendnn_device *device, const sendnn_encoder_desc *model, const sendnn_program_shape *shape, const char *path, const char *key, _Out_ sendnn_program **out)',
  'int32_t sendnn_encoder_run(sendnn_program *program, int32_t num_rows, const int32_t *input_ids, const int32_t *token_type_ids, const uint8_t *attention_mask, float *out)',
];

/** Loads the library at `path` and declares every ABI function. Throws what koffi throws (the caller words it). */
export function loadSendnnBindings(path: string): SendnnBindings {
  declareTypes();
  preferPassiveOpenMp();
  const library = koffi.load(path);
  const bindings: Record<string, unknown> = {};
  for (const prototype of PROTOTYPES) {
    const name = /([a-z_]+)\(/.exec(prototype)?.[1] as string;
    bindings[name] = library.func(prototype);
  }
  return bindings as unknown as SendnnBindings;
}

/** Only the version query, so that a library of another ABI is identified before its symbols are declared. */
export function readAbiVersion(path: string): number {
  preferPassiveOpenMp();
  return (koffi.load(path).func('uint32_t sendnn_abi_version(void)') as () => number)();
}
