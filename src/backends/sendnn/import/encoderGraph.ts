// A BERT-style encoder (BERT, DistilBERT, RoBERTa exports) recognised from its ONNX graph: the embedding tables by
// what indexes them, each dense layer's weight and bias by data flow (q meets k in the scores, v after the
// softmax), the LayerNorms in graph order, the activations by operator. Whatever the sendnn encoder program does
// not compute is refused by operator or structure.
import type { NodeProto } from '../../../models/onnx/onnxProto.js';
import { numberAttribute, opName, type OnnxGraph } from '../../../models/onnx/onnxGraph.js';
import { backwardNodes, forwardCone, type WeightProduct } from './graphWalk.js';
import { unmappable } from './unmappable.js';

/** A dense layer: weight [in, out] (transposed when the graph stores it [out, in]) and bias [out] (zeros when absent). */
export interface Dense {
  readonly weight: Float32Array;
  readonly bias: Float32Array;
  readonly inFeatures: number;
  readonly outFeatures: number;
}

export interface Norm {
  readonly weight: Float32Array;
  readonly bias: Float32Array;
  readonly eps: number;
}

export interface EncoderLayer {
  readonly q: Dense;
  readonly k: Dense;
  readonly v: Dense;
  readonly attentionOutput: Dense;
  readonly attentionNorm: Norm;
  readonly intermediate: Dense;
  readonly output: Dense;
  readonly outputNorm: Norm;
}

export interface EncoderGraph {
  readonly word: Float32Array;
  readonly position: Float32Array;
  readonly maxPositions: number;
  /** [types, hidden]; one zero row when the model has no token types (DistilBERT). */
  readonly tokenType: Float32Array;
  readonly typeVocabSize: number;
  readonly embeddingsNorm: Norm;
  readonly layers: readonly EncoderLayer[];
  /** The classifier head (pooler or pre_classifier, then classifier), when the graph outputs logits. */
  readonly head: { readonly pooler: Dense; readonly activation: 'tanh' | 'relu'; readonly classifier: Dense } | undefined;
}

const ENCODER_OPS = new Set([
  'Gather', 'MatMul', 'Gemm', 'Mul', 'Add', 'Sub', 'Div', 'Sqrt', 'Pow', 'ReduceMean', 'ReduceSum', 'Softmax', 'Reshape', 'Transpose', 'Concat',
  'Split', 'Slice', 'Shape', 'Unsqueeze', 'Squeeze', 'Cast', 'Range', 'Where', 'Equal', 'Less', 'LessOrEqual', 'Greater', 'GreaterOrEqual',
  'And', 'Or', 'Not', 'Expand', 'ConstantOfShape', 'Constant', 'Identity', 'Tile', 'Neg', 'Max', 'Min', 'CumSum', 'ArgMax', 'Size',
  'Erf', 'Tanh', 'Relu', 'LayerNormalization', 'com.microsoft.Gelu', 'com.microsoft.SkipLayerNormalization',
]);

function checkOperators(graph: OnnxGraph): void {
  const unsupported = new Map<string, string>();
  for (const node of graph.nodes) {
    const op = opName(node);
    if (!ENCODER_OPS.has(op) && !unsupported.has(op)) unsupported.set(op, node.name ?? '');
  }
  if (unsupported.size === 0) return;
  const list = [...unsupported].map(([op, node]) => `${op} (node ${node || 'unnamed'})`).join(', ');
  throw unmappable(graph.path, `operator${unsupported.size > 1 ? 's' : ''} ${list} ${unsupported.size > 1 ? 'are' : 'is'} not part of a BERT-style encoder the sendnn programs compute (LayerNorm, attention, exact GELU, tanh or ReLU head)`);
}

interface DenseProduct extends WeightProduct {
  readonly transposed: boolean;
  /** The tensor after the bias (the Add consumer, or the Gemm's own output). */
  readonly biased: string;
  readonly biasName: string | undefined;
}

/** MatMul by an initializer (then an Add of a 1-D initializer, if any) and Gemm by an initializer (its C is the bias). */
function denseProducts(graph: OnnxGraph): DenseProduct[] {
  const products: DenseProduct[] = [];
  for (const node of graph.nodes) {
    const domain = node.domain ?? '';
    if (domain !== '' || (node.opType !== 'MatMul' && node.opType !== 'Gemm')) continue;
    const weight = graph.floatInitializer(node.input?.[1]);
    if (!weight || weight.dims.length !== 2) continue;
    const output = node.output?.[0] ?? '';
    const base = { node, weight: weight.name, dims: weight.dims, input: node.input?.[0] ?? '', output };
    if (node.opType === 'Gemm') {
      if (numberAttribute(node, 'transA', 0) !== 0 || numberAttribute(node, 'alpha', 1) !== 1 || numberAttribute(node, 'beta', 1) !== 1) {
        throw unmappable(graph.path, `Gemm node ${node.name} has transA, alpha or beta other than 0, 1, 1`);
      }
      products.push({ ...base, transposed: numberAttribute(node, 'transB', 0) === 1, biased: output, biasName: graph.floatInitializer(node.input?.[2])?.name });
      continue;
    }
    const add = graph.consumers(output).find((n) => n.opType === 'Add' && (n.input ?? []).some((input) => graph.floatInitializer(input)?.dims.length === 1));
    const biasName = add ? (add.input ?? []).map((input) => graph.floatInitializer(input)).find((t) => t?.dims.length === 1)?.name : undefined;
    products.push({ ...base, transposed: false, biased: add?.output?.[0] ?? output, biasName });
  }
  return products;
}

function denseOf(graph: OnnxGraph, product: DenseProduct): Dense {
  const [rows, columns] = product.dims as [number, number];
  const stored = graph.values(product.weight);
  const [inFeatures, outFeatures] = product.transposed ? [columns, rows] : [rows, columns];
  let weight = stored;
  if (product.transposed) {
    weight = new Float32Array(stored.length);
    for (let o = 0; o < rows; o++) for (let i = 0; i < columns; i++) weight[i * rows + o] = stored[o * columns + i] as number;
  }
  const bias = product.biasName !== undefined ? graph.values(product.biasName) : new Float32Array(outFeatures);
  if (bias.length !== outFeatures) throw unmappable(graph.path, `the bias ${product.biasName} of ${product.weight} has ${bias.length} values for ${outFeatures} outputs`);
  return { weight, bias, inFeatures, outFeatures };
}

/** The LayerNorms in graph order: LayerNormalization / SkipLayerNormalization nodes, or Mul by a [H] weight then Add of a [H] bias after a Div. */
function layerNorms(graph: OnnxGraph, hidden: number): Norm[] {
  const norms: Norm[] = [];
  const vector = (name: string | null | undefined): Float32Array | undefined => {
    const tensor = graph.floatInitializer(name);
    return tensor?.dims.length === 1 && tensor.dims[0] === hidden ? graph.values(tensor) : undefined;
  };
  for (const node of graph.nodes) {
    const op = node.opType ?? '';
    if (op === 'LayerNormalization' || op === 'SkipLayerNormalization') {
      const [w, b] = op === 'LayerNormalization' ? [node.input?.[1], node.input?.[2]] : [node.input?.[2], node.input?.[3]];
      const weight = vector(w);
      if (weight) norms.push({ weight, bias: vector(b) ?? new Float32Array(hidden), eps: numberAttribute(node, 'epsilon', 1e-5) });
      continue;
    }
    if (op !== 'Mul') continue;
    const weightName = (node.input ?? []).find((input) => vector(input) !== undefined);
    const other = (node.input ?? []).find((input) => input !== weightName);
    if (weightName === undefined || graph.producer(other ?? '')?.opType !== 'Div') continue;
    const add = graph.consumers(node.output?.[0] ?? '').find((n) => n.opType === 'Add' && (n.input ?? []).some((input) => vector(input) !== undefined));
    const biasName = add?.input?.find((input) => vector(input) !== undefined);
    norms.push({ weight: vector(weightName) as Float32Array, bias: (biasName !== undefined ? vector(biasName) : undefined) ?? new Float32Array(hidden), eps: plainEps(graph, node) });
  }
  return norms;
}

function plainEps(graph: OnnxGraph, normMul: NodeProto): number {
  for (const node of backwardNodes(graph, normMul.output?.[0] ?? '', 8)) {
    if (node.opType !== 'Add') continue;
    for (const input of node.input ?? []) {
      const constant = graph.floatInitializer(input);
      if (constant && constant.dims.reduce((a, b) => a * b, 1) === 1) return graph.values(constant)[0] as number;
    }
  }
  throw unmappable(graph.path, `the epsilon of the LayerNorm at node ${normMul.name} could not be found`);
}

function attentionRoles(graph: OnnxGraph, group: readonly DenseProduct[], projections: ReadonlySet<NodeProto>, layer: number): [DenseProduct, DenseProduct, DenseProduct] {
  const cones = group.map((product) => forwardCone(graph, product.output, projections).junctions);
  for (let q = 0; q < 3; q++) {
    for (const junction of cones[q] ?? []) {
      const [node, index] = junction.split('#');
      if (index !== '0') continue;
      const k = [0, 1, 2].find((other) => other !== q && (cones[other]?.has(`${node}#1`) ?? false));
      if (k !== undefined) return [group[q], group[k], group[3 - q - k]] as [DenseProduct, DenseProduct, DenseProduct];
    }
  }
  throw unmappable(graph.path, `layer ${layer}: could not tell query, key and value apart by their data flow (${group.map((p) => p.weight).join(', ')})`);
}

function embeddingTables(graph: OnnxGraph, hidden: number): { word: string; position: string; tokenType: string | undefined } {
  // The graph input an index tensor is, through casts and reshapes only (positions computed from the ids' shape are not the ids).
  const fromInput = (indices: string, input: string): boolean => {
    let name = indices;
    for (let hops = 0; hops < 4 && name !== input; hops++) {
      const node = graph.producer(name);
      if (!node || !['Cast', 'Identity', 'Reshape', 'Unsqueeze', 'Squeeze'].includes(node.opType ?? '')) return false;
      name = node.input?.[0] ?? '';
    }
    return name === input;
  };
  let word: string | undefined;
  let position: string | undefined;
  let tokenType: string | undefined;
  for (const node of graph.nodes) {
    if (node.opType !== 'Gather') continue;
    const table = graph.floatInitializer(node.input?.[0]);
    if (table?.dims.length !== 2 || table.dims[1] !== hidden) continue;
    const indices = node.input?.[1] ?? '';
    if (fromInput(indices, 'input_ids')) word ??= table.name;
    else if (fromInput(indices, 'token_type_ids')) tokenType ??= table.name;
    else position ??= table.name;
  }
  if (word === undefined || position === undefined) throw unmappable(graph.path, 'no word and learned position embedding tables (Gathers of [*, hidden] initializers) were found');
  return { word, position, tokenType };
}

function headActivation(graph: OnnxGraph, pooler: DenseProduct, projections: ReadonlySet<NodeProto>): 'tanh' | 'relu' {
  const ops = forwardCone(graph, pooler.biased, projections).ops;
  if (ops.has('Tanh') && !ops.has('Relu')) return 'tanh';
  if (ops.has('Relu') && !ops.has('Tanh')) return 'relu';
  throw unmappable(graph.path, `the classifier head's activation after ${pooler.weight} is neither tanh nor ReLU (found ${[...ops].join(', ') || 'none'})`);
}

/** Recognises the encoder in `graph` (hidden size `hidden`; `logits`: a classifier head is expected), or refuses it. */
export function traceEncoderGraph(graph: OnnxGraph, hidden: number, logits: boolean): EncoderGraph {
  checkOperators(graph);
  const tables = embeddingTables(graph, hidden);
  const products = denseProducts(graph);
  const projections = new Set(products.map((product) => product.node));
  const groups: DenseProduct[][] = [];
  for (const product of products) {
    const last = groups[groups.length - 1];
    if (last && last[0]?.input === product.input) last.push(product);
    else groups.push([product]);
  }
  const sizes = groups.map((group) => group.length).join(',');
  const headGroups = logits ? 2 : 0;
  if (!new RegExp(`^(3,1,1,1,)+${logits ? '1,1,' : ''}$`).test(`${sizes},`)) {
    throw unmappable(graph.path, `the dense layers come in groups of ${sizes} (by shared input); a BERT layer has query,key,value then the attention output, the intermediate and the output${logits ? ', then the classifier head\'s two' : ''}`);
  }
  const numLayers = (groups.length - headGroups) / 4;
  const norms = layerNorms(graph, hidden);
  if (norms.length !== 1 + 2 * numLayers) throw unmappable(graph.path, `found ${norms.length} LayerNorms for ${numLayers} layers (a BERT encoder has 1 + 2 per layer)`);
  const layers: EncoderLayer[] = [];
  for (let layer = 0; layer < numLayers; layer++) {
    const [attention, out, intermediate, output] = groups.slice(layer * 4, layer * 4 + 4) as [DenseProduct[], DenseProduct[], DenseProduct[], DenseProduct[]];
    const [q, k, v] = attentionRoles(graph, attention, projections, layer);
    const activation = forwardCone(graph, (intermediate[0] as DenseProduct).biased, projections).ops;
    if (!activation.has('Erf') && !activation.has('Gelu')) throw unmappable(graph.path, `layer ${layer}: the intermediate activation is not the exact (erf) GELU (found ${[...activation].join(', ')})`);
    layers.push({
      q: denseOf(graph, q), k: denseOf(graph, k), v: denseOf(graph, v), attentionOutput: denseOf(graph, out[0] as DenseProduct),
      attentionNorm: norms[1 + 2 * layer] as Norm, intermediate: denseOf(graph, intermediate[0] as DenseProduct), output: denseOf(graph, output[0] as DenseProduct),
      outputNorm: norms[2 + 2 * layer] as Norm,
    });
  }
  let head: EncoderGraph['head'];
  if (logits) {
    const pooler = groups[groups.length - 2]?.[0] as DenseProduct;
    head = { pooler: denseOf(graph, pooler), activation: headActivation(graph, pooler, projections), classifier: denseOf(graph, groups[groups.length - 1]?.[0] as DenseProduct) };
  }
  const position = graph.floatInitializer(tables.position);
  const tokenType = graph.floatInitializer(tables.tokenType);
  return {
    word: graph.values(tables.word), position: graph.values(tables.position), maxPositions: position?.dims[0] ?? 0,
    tokenType: tokenType ? graph.values(tokenType) : new Float32Array(hidden), typeVocabSize: tokenType?.dims[0] ?? 1,
    embeddingsNorm: norms[0] as Norm, layers, head,
  };
}
