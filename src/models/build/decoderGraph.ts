// The Llama decoder as plain opset-17 ONNX nodes. Layouts in comments: B batch, S new tokens,
// P past tokens, T = P + S, G = KV heads, R = query heads per KV head, D head dim.
// Grouped-query attention stacks the R query heads that share a KV head as rows: queries are
// [B, G, R·S, D] (row r·S + s), so each (batch, KV head) pair is one [R·S × D]·[D × T] product over the
// shared keys — no KV repeat, and B·G matrix products instead of B·G·R single-row ones. The keys are
// read transposed by the product itself (onnxruntime fuses the Transpose into the MatMul).
// A Granite shape adds its four scalars as plain Mul/Div nodes: a Mul after the embedding Gather, the query
// scale, a Mul on each attention and MLP output before its residual Add, a Div of the logits.
import type { DecoderShape } from '../llama/decoderShape.js';
import { attentionScale } from '../llama/graniteMultipliers.js';
import { EMBED_TOKENS, FINAL_NORM, LM_HEAD, ROPE_COS, ROPE_SIN, layerWeightNames } from '../llama/weightNames.js';
import {
  ATTENTION_MASK, INPUT_IDS, LOGITS, POSITION_IDS, newKeyName, newValueName, pastKeyName, pastValueName, presentKeyName, presentValueName,
} from './decoderIo.js';
import type { GraphBuilder } from './graphBuilder.js';
import { onnx } from '../onnx/onnxProto.js';

// Finite, not -inf: a query row with every key masked (a left-padding row) then gets a uniform
// softmax instead of 0/0 = NaN, and exp(-1e9 - max) is exactly 0 in fp32 for any unmasked row.
const MASKED_SCORE = -1e9;

interface SharedValues {
  readonly allowed: string; // bool [B, 1, R·S, T]: key visible to query row (causal and not padding)
  readonly cosForQuery: string; // [B, S, 1, 1, D/2]
  readonly sinForQuery: string;
  readonly cosForKey: string; // [B, S, 1, D/2]
  readonly sinForKey: string;
  readonly maskedScore: string;
}

function rmsNorm(g: GraphBuilder, x: string, weight: string, eps: string): string {
  const meanSquare = g.op('ReduceMean', [g.op('Mul', [x, x])], { axes: [-1], keepdims: 1 });
  const rms = g.op('Sqrt', [g.op('Add', [meanSquare, eps])]);
  return g.op('Mul', [g.op('Div', [x, rms]), weight]);
}

/** Rotate-half rotary embedding (the Hugging Face Llama convention) on the last axis. */
function rotary(g: GraphBuilder, x: string, cos: string, sin: string, headDim: number): string {
  const half = g.int64([headDim / 2, headDim / 2]);
  const [x1, x2] = g.opMulti('Split', [x, half], 2, { axis: -1 }) as [string, string];
  const first = g.op('Sub', [g.op('Mul', [x1, cos]), g.op('Mul', [x2, sin])]);
  const second = g.op('Add', [g.op('Mul', [x2, cos]), g.op('Mul', [x1, sin])]);
  return g.op('Concat', [first, second], { axis: -1 });
}

function sharedValues(g: GraphBuilder, queriesPerKvHead: number): SharedValues {
  const scalarIndex = (value: number): string => g.int64([value], []);
  const newLength = g.op('Gather', [g.op('Shape', [INPUT_IDS]), scalarIndex(1)], { axis: 0 });
  const totalLength = g.op('Gather', [g.op('Shape', [ATTENTION_MASK]), scalarIndex(1)], { axis: 0 });
  const pastLength = g.op('Sub', [totalLength, newLength]);
  // Slot order is time order, also for left-padded rows, so causality compares slot indices.
  const keySlots = g.op('Range', [scalarIndex(0), totalLength, scalarIndex(1)]);
  // Query row r·S + s is new token s of query head r: the slots repeat once per query head.
  const querySlots = g.op('Tile', [g.op('Range', [pastLength, totalLength, scalarIndex(1)]), g.int64([queriesPerKvHead])]);
  const causal = g.op('LessOrEqual', [g.op('Unsqueeze', [keySlots, g.int64([0])]), g.op('Unsqueeze', [querySlots, g.int64([1])])]); // [R·S, T]
  const notPadding = g.op('Cast', [ATTENTION_MASK], { to: onnx.TensorProto.DataType.BOOL });
  const allowed = g.op('And', [causal, g.op('Unsqueeze', [notPadding, g.int64([1, 2])])]);
  const cos = g.op('Gather', [ROPE_COS, POSITION_IDS], { axis: 0 });
  const sin = g.op('Gather', [ROPE_SIN, POSITION_IDS], { axis: 0 });
  return {
    allowed,
    cosForQuery: g.op('Unsqueeze', [cos, g.int64([2, 3])]),
    sinForQuery: g.op('Unsqueeze', [sin, g.int64([2, 3])]),
    cosForKey: g.op('Unsqueeze', [cos, g.int64([2])]),
    sinForKey: g.op('Unsqueeze', [sin, g.int64([2])]),
    maskedScore: g.float32Scalar(MASKED_SCORE),
  };
}

function attention(g: GraphBuilder, shape: DecoderShape, layer: number, h: string, shared: SharedValues, exportNewKv: boolean): string {
  const names = layerWeightNames(layer).projection;
  const kvHeads = shape.numKeyValueHeads;
  const group = shape.numAttentionHeads / kvHeads;
  const d = shape.headDim;
  let q = g.op('Reshape', [g.op('MatMul', [h, names.q_proj]), g.int64([0, 0, kvHeads, group, d])]); // [B,S,G,R,D]
  q = rotary(g, q, shared.cosForQuery, shared.sinForQuery, d);
  q = g.op('Reshape', [g.op('Transpose', [q], { perm: [0, 2, 3, 1, 4] }), g.int64([0, 0, -1, d])]); // [B,G,R·S,D]
  q = g.op('Mul', [q, g.float32Scalar(attentionScale(shape.granite, d))]);
  let k = g.op('Reshape', [g.op('MatMul', [h, names.k_proj]), g.int64([0, 0, kvHeads, d])]); // [B,S,G,D]
  k = g.op('Transpose', [rotary(g, k, shared.cosForKey, shared.sinForKey, d)], { perm: [0, 2, 1, 3] }); // [B,G,S,D]
  const vNew = g.op('Reshape', [g.op('MatMul', [h, names.v_proj]), g.int64([0, 0, kvHeads, d])]);
  const v = g.op('Transpose', [vNew], { perm: [0, 2, 1, 3] });
  if (exportNewKv) {
    g.op('Identity', [k], {}, newKeyName(layer));
    g.op('Identity', [v], {}, newValueName(layer));
  }
  const presentKey = g.op('Concat', [pastKeyName(layer), k], { axis: 2 }, presentKeyName(layer)); // [B,G,T,D]
  const presentValue = g.op('Concat', [pastValueName(layer), v], { axis: 2 }, presentValueName(layer));
  const scores = g.op('MatMul', [q, g.op('Transpose', [presentKey], { perm: [0, 1, 3, 2] })]); // [B,G,R·S,T]
  const probs = g.op('Softmax', [g.op('Where', [shared.allowed, scores, shared.maskedScore])], { axis: -1 });
  const context = g.op('Reshape', [g.op('MatMul', [probs, presentValue]), g.int64([0, 0, group, -1, d])]); // [B,G,R,S,D]
  const merged = g.op('Reshape', [g.op('Transpose', [context], { perm: [0, 3, 1, 2, 4] }), g.int64([0, 0, shape.numAttentionHeads * d])]);
  return g.op('MatMul', [merged, names.o_proj]);
}

function swiGlu(g: GraphBuilder, layer: number, h: string): string {
  const names = layerWeightNames(layer).projection;
  const gate = g.op('MatMul', [h, names.gate_proj]);
  const activated = g.op('Mul', [gate, g.op('Sigmoid', [gate])]);
  return g.op('MatMul', [g.op('Mul', [activated, g.op('MatMul', [h, names.up_proj])]), names.down_proj]);
}

/** Adds the whole decoder (embedding to logits) to `g`; weights are referenced by name only. */
export function buildDecoderGraph(g: GraphBuilder, shape: DecoderShape, exportNewKv: boolean): void {
  const eps = g.float32Scalar(shape.rmsNormEps);
  const shared = sharedValues(g, shape.numAttentionHeads / shape.numKeyValueHeads);
  const granite = shape.granite;
  const residualMultiplier = granite ? g.float32Scalar(granite.residualMultiplier) : undefined;
  const residual = (branch: string): string => (residualMultiplier ? g.op('Mul', [branch, residualMultiplier]) : branch);
  let x = g.op('Gather', [EMBED_TOKENS, INPUT_IDS], { axis: 0 });
  if (granite) x = g.op('Mul', [x, g.float32Scalar(granite.embeddingMultiplier)]);
  for (let layer = 0; layer < shape.numHiddenLayers; layer++) {
    const norms = layerWeightNames(layer);
    x = g.op('Add', [x, residual(attention(g, shape, layer, rmsNorm(g, x, norms.inputNorm, eps), shared, exportNewKv))]);
    x = g.op('Add', [x, residual(swiGlu(g, layer, rmsNorm(g, x, norms.postAttentionNorm, eps)))]);
  }
  const lmHead = shape.tieWordEmbeddings ? g.op('Transpose', [EMBED_TOKENS], { perm: [1, 0] }) : LM_HEAD;
  const normed = rmsNorm(g, x, FINAL_NORM, eps);
  if (!granite) {
    g.op('MatMul', [normed, lmHead], {}, LOGITS);
    return;
  }
  g.op('Div', [g.op('MatMul', [normed, lmHead]), g.float32Scalar(granite.logitsScaling)], {}, LOGITS);
}
