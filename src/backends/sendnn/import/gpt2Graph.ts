// A GPT-2 decoder recognised from an onnxruntime-fused graph (the `convert_to_onnx` export: EmbedLayerNormalization,
// Attention with the fused c_attn weight, SkipLayerNormalization carrying the projections' biases, FastGelu). Each
// weight is found by following the residual stream from operator to operator, not by its name: such exports
// deduplicate equal initializers, so one tensor may serve several layers under the first layer's name.
import type { NodeProto } from '../../../models/onnx/onnxProto.js';
import { numberAttribute, opName, type OnnxGraph } from '../../../models/onnx/onnxGraph.js';
import { unmappable } from './unmappable.js';

export interface Gpt2Layer {
  readonly inputNorm: Float32Array;
  readonly inputNormBias: Float32Array;
  readonly q: Float32Array;
  readonly qBias: Float32Array;
  readonly k: Float32Array;
  readonly kBias: Float32Array;
  readonly v: Float32Array;
  readonly vBias: Float32Array;
  readonly o: Float32Array;
  readonly oBias: Float32Array;
  readonly postNorm: Float32Array;
  readonly postNormBias: Float32Array;
  readonly up: Float32Array;
  readonly upBias: Float32Array;
  readonly down: Float32Array;
  readonly downBias: Float32Array;
}

export interface Gpt2Graph {
  readonly embedTokens: Float32Array;
  readonly positions: Float32Array;
  readonly maxPositions: number;
  readonly layers: readonly Gpt2Layer[];
  readonly finalNorm: Float32Array;
  readonly finalNormBias: Float32Array;
  /** [hidden, vocab]; undefined when the logits reuse the embedding (tied and not materialised). */
  readonly lmHead: Float32Array | undefined;
  readonly intermediateSize: number;
  readonly numHeads: number;
  readonly layerNormEps: number;
}

const GPT2_OPS = new Set([
  'com.microsoft.EmbedLayerNormalization', 'com.microsoft.Attention', 'com.microsoft.SkipLayerNormalization', 'com.microsoft.FastGelu',
  'MatMul', 'Cast', 'Shape', 'Gather', 'Unsqueeze', 'Squeeze', 'Concat', 'Reshape', 'Slice', 'Constant', 'Identity',
]);

function checkOperators(graph: OnnxGraph): void {
  const unsupported = new Map<string, string>();
  for (const node of graph.nodes) {
    const op = opName(node);
    if (!GPT2_OPS.has(op) && !unsupported.has(op)) unsupported.set(op, node.name ?? '');
  }
  if (unsupported.size === 0) return;
  const list = [...unsupported].map(([op, node]) => `${op} (node ${node || 'unnamed'})`).join(', ');
  throw unmappable(graph.path, `operator${unsupported.size > 1 ? 's' : ''} ${list} ${unsupported.size > 1 ? 'are' : 'is'} not part of the onnxruntime-fused GPT-2 graph the sendnn importer reads (EmbedLayerNormalization, Attention, SkipLayerNormalization, FastGelu, MatMul)`);
}

class Gpt2Tracer {
  constructor(private readonly graph: OnnxGraph) {}

  fail(what: string): never {
    throw unmappable(this.graph.path, what);
  }

  /** The only consumer of `tensor` of type `op`. */
  next(tensor: string, op: string, what: string): NodeProto {
    const node = this.graph.consumers(tensor).find((n) => n.opType === op);
    return node ?? this.fail(`${what}: expected a ${op} after ${tensor}, found ${this.graph.consumers(tensor).map(opName).join(', ') || 'nothing'}`);
  }

  values(tensor: string | null | undefined, length: number | undefined, what: string): Float32Array {
    const initializer = this.graph.floatInitializer(tensor);
    if (!initializer) return this.fail(`${what} is not an initializer (${tensor || 'absent'})`);
    const data = this.graph.values(initializer);
    if (length !== undefined && data.length !== length) this.fail(`${what} ${initializer.name} has ${data.length} values, expected ${length}`);
    return data;
  }

  /** An optional bias input: zeros when absent. */
  optional(tensor: string | null | undefined, length: number, what: string): Float32Array {
    return tensor ? this.values(tensor, length, what) : new Float32Array(length);
  }

  /** The MatMul by an initializer that consumes `tensor`: its weight [in, out] and output. */
  product(tensor: string, rows: number, what: string): { weight: Float32Array; columns: number; output: string } {
    const node = this.next(tensor, 'MatMul', what);
    const weight = this.graph.floatInitializer(node.input?.[1]);
    if (!weight || weight.dims.length !== 2 || weight.dims[0] !== rows) this.fail(`${what}: ${node.name} is not a MatMul by a [${rows}, *] weight`);
    return { weight: this.graph.values(weight), columns: weight.dims[1] as number, output: node.output?.[0] ?? '' };
  }
}

/** Columns [from, from + width) of a row-major [rows, columns] matrix. */
function columns(matrix: Float32Array, rows: number, total: number, from: number, width: number): Float32Array {
  const out = new Float32Array(rows * width);
  for (let r = 0; r < rows; r++) out.set(matrix.subarray(r * total + from, r * total + from + width), r * width);
  return out;
}

export function traceGpt2Graph(graph: OnnxGraph, hidden: number, logitsName: string): Gpt2Graph {
  checkOperators(graph);
  const t = new Gpt2Tracer(graph);
  const embed = graph.nodes.find((node) => node.opType === 'EmbedLayerNormalization') ?? t.fail('no EmbedLayerNormalization (token + position embeddings and the first LayerNorm) was found');
  if (embed.input?.[4]) t.fail(`EmbedLayerNormalization ${embed.name} adds segment embeddings, which GPT-2 has not`);
  const embedTokens = t.values(embed.input?.[2], undefined, 'the token embedding');
  const positionTable = graph.floatInitializer(embed.input?.[3]);
  const positions = t.values(embed.input?.[3], undefined, 'the position embedding');
  const layerNormEps = numberAttribute(embed, 'epsilon', 1e-12);
  let norm = { weight: t.values(embed.input?.[5], hidden, 'the first LayerNorm weight'), bias: t.values(embed.input?.[6], hidden, 'the first LayerNorm bias') };
  let stream = embed.output?.[0] ?? '';
  const layers: Gpt2Layer[] = [];
  let numHeads = 0;
  let intermediateSize = 0;
  for (let layer = 0; graph.consumers(stream).some((n) => n.opType === 'Attention'); layer++) {
    const what = `layer ${layer}`;
    const attention = t.next(stream, 'Attention', what);
    if (numberAttribute(attention, 'unidirectional', 0) !== 1) t.fail(`${what}: Attention ${attention.name} is not causal (unidirectional=0)`);
    if (attention.attribute?.some((a) => a.name === 'qkv_hidden_sizes' || a.name === 'scale' || a.name === 'do_rotary')) t.fail(`${what}: Attention ${attention.name} has qkv_hidden_sizes, scale or do_rotary, which GPT-2 has not`);
    numHeads = numberAttribute(attention, 'num_heads', 0);
    const qkv = t.values(attention.input?.[1], hidden * 3 * hidden, `${what}'s fused c_attn weight`);
    const qkvBias = t.optional(attention.input?.[2], 3 * hidden, `${what}'s c_attn bias`);
    const o = t.product(attention.output?.[0] ?? '', hidden, `${what}'s attention output`);
    const afterAttention = t.next(o.output, 'SkipLayerNormalization', `${what}'s residual after attention`);
    const mlpInput = afterAttention.output?.[0] ?? '';
    const up = t.product(mlpInput, hidden, `${what}'s c_fc`);
    intermediateSize = up.columns;
    const gelu = t.next(up.output, 'FastGelu', `${what}'s activation`);
    const down = t.product(gelu.output?.[0] ?? '', up.columns, `${what}'s c_proj`);
    const afterMlp = t.next(down.output, 'SkipLayerNormalization', `${what}'s residual after the MLP`);
    layers.push({
      inputNorm: norm.weight, inputNormBias: norm.bias,
      q: columns(qkv, hidden, 3 * hidden, 0, hidden), qBias: qkvBias.slice(0, hidden),
      k: columns(qkv, hidden, 3 * hidden, hidden, hidden), kBias: qkvBias.slice(hidden, 2 * hidden),
      v: columns(qkv, hidden, 3 * hidden, 2 * hidden, hidden), vBias: qkvBias.slice(2 * hidden),
      o: o.weight, oBias: t.optional(afterAttention.input?.[4], hidden, `${what}'s attention output bias`),
      postNorm: t.values(afterAttention.input?.[2], hidden, `${what}'s ln_2 weight`), postNormBias: t.optional(afterAttention.input?.[3], hidden, `${what}'s ln_2 bias`),
      up: up.weight, upBias: t.optional(gelu.input?.[1], up.columns, `${what}'s c_fc bias`),
      down: down.weight, downBias: t.optional(afterMlp.input?.[4], hidden, `${what}'s c_proj bias`),
    });
    norm = { weight: t.values(afterMlp.input?.[2], hidden, `the LayerNorm after ${what}`), bias: t.optional(afterMlp.input?.[3], hidden, `the LayerNorm bias after ${what}`) };
    stream = afterMlp.output?.[0] ?? '';
  }
  if (layers.length === 0) t.fail('no Attention after the embeddings: not a fused GPT-2 graph');
  const head = t.product(stream, hidden, 'the lm head');
  if (head.output !== logitsName) t.fail(`the lm head writes ${head.output}, not ${logitsName}`);
  return {
    embedTokens, positions, maxPositions: positionTable?.dims[0] ?? 0, layers, finalNorm: norm.weight, finalNormBias: norm.bias,
    lmHead: head.weight, intermediateSize, numHeads, layerNormEps,
  };
}
