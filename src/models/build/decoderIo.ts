// The Optimum / transformers.js decoder I/O names and their symbolic dimensions.
import type { DecoderShape } from '../llama/decoderShape.js';
import { onnx, type ValueInfoProto } from '../onnx/onnxProto.js';

export const INPUT_IDS = 'input_ids';
export const ATTENTION_MASK = 'attention_mask';
export const POSITION_IDS = 'position_ids';
export const LOGITS = 'logits';
export const pastKeyName = (layer: number): string => `past_key_values.${layer}.key`;
export const pastValueName = (layer: number): string => `past_key_values.${layer}.value`;
export const presentKeyName = (layer: number): string => `present.${layer}.key`;
export const presentValueName = (layer: number): string => `present.${layer}.value`;
/**
 * Extra outputs of the decoders built here (not part of the Optimum convention, ignored by other runtimes):
 * the new tokens' key and value of each layer, [batch, kv_heads, sequence, head_dim]. With them a runner can
 * keep the past itself and fetch one token of KV per row instead of every row's whole `present`.
 */
export const newKeyName = (layer: number): string => `new_key_values.${layer}.key`;
export const newValueName = (layer: number): string => `new_key_values.${layer}.value`;

type Dim = number | 'batch_size' | 'sequence_length' | 'past_sequence_length' | 'total_sequence_length';

function tensorInfo(name: string, elemType: number, dims: readonly Dim[]): ValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType,
        shape: { dim: dims.map((dim) => (typeof dim === 'number' ? { dimValue: dim } : { dimParam: dim })) },
      },
    },
  };
}

const INT64 = onnx.TensorProto.DataType.INT64;
const FLOAT = onnx.TensorProto.DataType.FLOAT;

/** Inputs in the order Optimum exports them: ids, mask, positions, then key/value per layer. */
export function decoderInputs(shape: DecoderShape): ValueInfoProto[] {
  const kv: Dim[] = ['batch_size', shape.numKeyValueHeads, 'past_sequence_length', shape.headDim];
  const inputs = [
    tensorInfo(INPUT_IDS, INT64, ['batch_size', 'sequence_length']),
    tensorInfo(ATTENTION_MASK, INT64, ['batch_size', 'total_sequence_length']),
    tensorInfo(POSITION_IDS, INT64, ['batch_size', 'sequence_length']),
  ];
  for (let layer = 0; layer < shape.numHiddenLayers; layer++) {
    inputs.push(tensorInfo(pastKeyName(layer), FLOAT, kv), tensorInfo(pastValueName(layer), FLOAT, kv));
  }
  return inputs;
}

/** Logits and presents (the Optimum outputs), then the new tokens' KV when `exportNewKv`. */
export function decoderOutputs(shape: DecoderShape, exportNewKv: boolean): ValueInfoProto[] {
  const kv: Dim[] = ['batch_size', shape.numKeyValueHeads, 'total_sequence_length', shape.headDim];
  const newKv: Dim[] = ['batch_size', shape.numKeyValueHeads, 'sequence_length', shape.headDim];
  const outputs = [tensorInfo(LOGITS, FLOAT, ['batch_size', 'sequence_length', shape.vocabSize])];
  for (let layer = 0; layer < shape.numHiddenLayers; layer++) {
    outputs.push(tensorInfo(presentKeyName(layer), FLOAT, kv), tensorInfo(presentValueName(layer), FLOAT, kv));
  }
  for (let layer = 0; exportNewKv && layer < shape.numHiddenLayers; layer++) {
    outputs.push(tensorInfo(newKeyName(layer), FLOAT, newKv), tensorInfo(newValueName(layer), FLOAT, newKv));
  }
  return outputs;
}
