import { describeProgramShape, type ProgramShape } from '../../core/catalog/programShape.js';
import type { DecoderDimensions } from '../../device/decoderDimensions.js';
import type { GraniteMultipliers } from '../../models/llama/graniteMultipliers.js';

// Plain data that crosses the sendnn ABI (mirrors sendnn_abi.h). No koffi here: the runner and the
// cache glue use these types, only ffi/ knows how they are marshalled.

/** `SENDNN_ABI_VERSION` of the header this engine was written against. */
export const SENDNN_ABI_VERSION = 6;

/** The decoder a program computes (sendnn_model_desc): Llama (RMSNorm, rotary, SwiGLU) or GPT-2 (LayerNorm, learned positions, biases, GELU). */
export interface SendnnModelDesc extends DecoderDimensions {
  /** Absent: 'llama'. */
  readonly family?: 'llama' | 'gpt2';
  /** GPT-2: rows of the learned position table; absent (0) for Llama. */
  readonly maxPositions?: number;
  /** RMSNorm's epsilon (Llama) or LayerNorm's (GPT-2). */
  readonly rmsNormEps: number;
  /** Llama's rotary base; unused by GPT-2. */
  readonly ropeTheta: number;
  /** A Granite's four scalars (ABI 5 on); absent: plain Llama (each passed as 0). */
  readonly granite?: GraniteMultipliers;
}

/** A BERT-style encoder (sendnn_encoder_desc). `numLabels` 0: the program returns pooled hidden states. */
export interface SendnnEncoderDesc {
  readonly vocabSize: number;
  readonly hiddenSize: number;
  readonly intermediateSize: number;
  readonly numLayers: number;
  readonly numHeads: number;
  readonly maxPositions: number;
  readonly typeVocabSize: number;
  readonly numLabels: number;
  readonly pooling: 'mean' | 'cls';
  /** What follows the pooler's dense layer: tanh (BERT's pooler) or ReLU (DistilBERT's pre_classifier). */
  readonly classifierActivation: 'tanh' | 'relu';
  readonly layerNormEps: number;
}

/** The inputs and output of one encoder run (see sendnn_encoder_run). */
export interface SendnnEncoderInputs {
  readonly numRows: number;
  readonly inputIds: Int32Array;
  readonly tokenTypeIds: Int32Array;
  readonly attentionMask: Uint8Array;
  readonly out: Float32Array;
}

/** The fixed shape of a program (sendnn_program_shape): the core's catalog type. */
export type SendnnProgramShape = ProgramShape;

/** The inputs of one program run (see sendnn_program_run); reused buffers, sized by the caller. */
export interface SendnnRunInputs {
  readonly numRows: number;
  readonly numContextBlocks: number;
  readonly tokenIds: Int32Array;
  readonly positions: Int32Array;
  readonly slotMask: Uint8Array;
  readonly blockTables: Int32Array;
  readonly slotBlocks: Int32Array;
  /** Per row: context start, chunk start, sample slot (-1: none). */
  readonly rowInfo: Int32Array;
  readonly logits: Float32Array;
}

export interface DeviceMemory {
  readonly totalBytes: number;
  readonly usedBytes: number;
}

export const describeShape = describeProgramShape;
