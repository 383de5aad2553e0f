// The Optimum / transformers.js encoder I/O: BERT inputs in, hidden states or classifier logits out.
import { onnx, type ValueInfoProto } from '../../onnx/onnxProto.js';
import type { EncoderShape } from './encoderShape.js';

export const INPUT_IDS = 'input_ids';
export const ATTENTION_MASK = 'attention_mask';
export const TOKEN_TYPE_IDS = 'token_type_ids';
export const LAST_HIDDEN_STATE = 'last_hidden_state';
export const LOGITS = 'logits';

type Dim = number | 'batch_size' | 'sequence_length';

function tensorInfo(name: string, elemType: number, dims: readonly Dim[]): ValueInfoProto {
  const dim = dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d }));
  return { name, type: { tensorType: { elemType, shape: { dim } } } };
}

const INT64 = onnx.TensorProto.DataType.INT64;
const FLOAT = onnx.TensorProto.DataType.FLOAT;

export function encoderInputs(): ValueInfoProto[] {
  return [INPUT_IDS, ATTENTION_MASK, TOKEN_TYPE_IDS].map((name) => tensorInfo(name, INT64, ['batch_size', 'sequence_length']));
}

export function encoderOutputs(shape: EncoderShape): ValueInfoProto[] {
  return shape.head === 'embedding'
    ? [tensorInfo(LAST_HIDDEN_STATE, FLOAT, ['batch_size', 'sequence_length', shape.hiddenSize])]
    : [tensorInfo(LOGITS, FLOAT, ['batch_size', shape.numLabels])];
}
