// A BERT-style encoder as plain opset-17 ONNX nodes. Layouts: B batch, S sequence, H heads, D head dim.
// Two choices make left padding invisible to the real tokens of a row (SPEC §5 pads on the left):
// position ids come from the attention mask (cumsum - 1, as RoBERTa does), not from the slot index,
// and the classifier reads the first unmasked token, not slot 0. Padded keys are masked out of the
// softmax, so a real token sees exactly what it would see without padding.
import { onnx } from '../../onnx/onnxProto.js';
import type { GraphBuilder } from '../graphBuilder.js';
import { ATTENTION_MASK, INPUT_IDS, LAST_HIDDEN_STATE, LOGITS, TOKEN_TYPE_IDS } from './encoderIo.js';
import { headDimOf, type EncoderShape } from './encoderShape.js';
import {
  CLASSIFIER, EMBEDDINGS_NORM, POOLER, POSITION_EMBEDDINGS, TOKEN_TYPE_EMBEDDINGS, WORD_EMBEDDINGS, encoderLayerNames, type DenseNames,
} from './encoderWeightNames.js';

// Finite, not -inf: a fully padded row (a filler row of a static batch) gets a uniform softmax, not NaN.
const MASKED_SCORE = -1e9;

function dense(g: GraphBuilder, x: string, names: DenseNames): string {
  return g.op('Add', [g.op('MatMul', [x, names.weight]), names.bias]);
}

/** LayerNorm over the last axis from basic ops (GraphBuilder writes integer attributes only). */
function layerNorm(g: GraphBuilder, x: string, names: DenseNames, eps: string): string {
  const centred = g.op('Sub', [x, g.op('ReduceMean', [x], { axes: [-1], keepdims: 1 })]);
  const variance = g.op('ReduceMean', [g.op('Mul', [centred, centred])], { axes: [-1], keepdims: 1 });
  const normalised = g.op('Div', [centred, g.op('Sqrt', [g.op('Add', [variance, eps])])]);
  return g.op('Add', [g.op('Mul', [normalised, names.weight]), names.bias]);
}

/** GELU, erf form (BERT's "gelu"). */
function gelu(g: GraphBuilder, x: string): string {
  const erf = g.op('Erf', [g.op('Mul', [x, g.float32Scalar(Math.SQRT1_2)])]);
  return g.op('Mul', [g.op('Mul', [x, g.float32Scalar(0.5)]), g.op('Add', [erf, g.float32Scalar(1)])]);
}

function embeddings(g: GraphBuilder, eps: string): string {
  // Position of a token = number of real tokens before it; pads get 0 (their outputs are never read).
  const counted = g.op('CumSum', [ATTENTION_MASK, g.int64([1], [])]);
  const positions = g.op('Max', [g.op('Sub', [counted, g.int64([1], [])]), g.int64([0], [])]);
  const words = g.op('Gather', [WORD_EMBEDDINGS, INPUT_IDS], { axis: 0 });
  const placed = g.op('Add', [words, g.op('Gather', [POSITION_EMBEDDINGS, positions], { axis: 0 })]);
  const typed = g.op('Add', [placed, g.op('Gather', [TOKEN_TYPE_EMBEDDINGS, TOKEN_TYPE_IDS], { axis: 0 })]);
  return layerNorm(g, typed, EMBEDDINGS_NORM, eps);
}

function selfAttention(g: GraphBuilder, shape: EncoderShape, layer: number, x: string, keyVisible: string): string {
  const names = encoderLayerNames(layer);
  const d = headDimOf(shape);
  const heads = (value: string): string => g.op('Reshape', [value, g.int64([0, 0, shape.numAttentionHeads, d])]); // [B,S,H,D]
  const q = g.op('Transpose', [heads(dense(g, x, names.query))], { perm: [0, 2, 1, 3] }); // [B,H,S,D]
  const kT = g.op('Transpose', [heads(dense(g, x, names.key))], { perm: [0, 2, 3, 1] }); // [B,H,D,S]
  const v = g.op('Transpose', [heads(dense(g, x, names.value))], { perm: [0, 2, 1, 3] });
  const scores = g.op('Mul', [g.op('MatMul', [q, kT]), g.float32Scalar(1 / Math.sqrt(d))]); // [B,H,S,S]
  const probs = g.op('Softmax', [g.op('Where', [keyVisible, scores, g.float32Scalar(MASKED_SCORE)])], { axis: -1 });
  const context = g.op('Transpose', [g.op('MatMul', [probs, v])], { perm: [0, 2, 1, 3] }); // [B,S,H,D]
  return dense(g, g.op('Reshape', [context, g.int64([0, 0, shape.hiddenSize])]), names.attentionOutput);
}

/** The hidden state of each row's first unmasked token, [B, hidden]: the [CLS] token under left padding. */
function firstRealToken(g: GraphBuilder, hidden: string): string {
  const maskF = g.op('Cast', [ATTENTION_MASK], { to: onnx.TensorProto.DataType.FLOAT });
  const first = g.op('ArgMax', [maskF], { axis: 1, keepdims: 1 }); // [B,1]: the first 1 (ties keep the first)
  const length = g.op('Gather', [g.op('Shape', [ATTENTION_MASK]), g.int64([1], [])], { axis: 0 });
  const slots = g.op('Unsqueeze', [g.op('Range', [g.int64([0], []), length, g.int64([1], [])]), g.int64([0])]); // [1,S]
  const oneHot = g.op('Cast', [g.op('Equal', [slots, first])], { to: onnx.TensorProto.DataType.FLOAT }); // [B,S]
  return g.op('ReduceSum', [g.op('Mul', [hidden, g.op('Unsqueeze', [oneHot, g.int64([2])])]), g.int64([1])], { keepdims: 0 });
}

/** Adds the whole encoder to `g` (weights referenced by name); its output is named by the head. */
export function buildEncoderGraph(g: GraphBuilder, shape: EncoderShape): void {
  const eps = g.float32Scalar(shape.layerNormEps);
  const keyVisible = g.op('Unsqueeze', [g.op('Cast', [ATTENTION_MASK], { to: onnx.TensorProto.DataType.BOOL }), g.int64([1, 2])]); // [B,1,1,S]
  let x = embeddings(g, eps);
  for (let layer = 0; layer < shape.numHiddenLayers; layer++) {
    const names = encoderLayerNames(layer);
    x = layerNorm(g, g.op('Add', [x, selfAttention(g, shape, layer, x, keyVisible)]), names.attentionNorm, eps);
    const ffn = dense(g, gelu(g, dense(g, x, names.intermediate)), names.output);
    x = layerNorm(g, g.op('Add', [x, ffn]), names.outputNorm, eps);
  }
  if (shape.head === 'embedding') {
    g.op('Identity', [x], {}, LAST_HIDDEN_STATE);
    return;
  }
  const pooled = g.op('Tanh', [dense(g, firstRealToken(g, x), POOLER)]);
  g.op('Add', [g.op('MatMul', [pooled, CLASSIFIER.weight]), CLASSIFIER.bias], {}, LOGITS);
}
