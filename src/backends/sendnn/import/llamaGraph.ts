// A Llama-style decoder recognised from its ONNX graph: which initializer is which weight, found by following
// each projection's data flow (q meets k in the scores, v meets the probabilities, gate goes through the
// sigmoid), not by its name; the norms' epsilon and Granite's scalar Mul/Div nodes (embedding, residual
// branches, logits) from the graph. Anything the sendnn decoder does not compute is refused by operator or shape.
import type { NodeProto } from '../../../models/onnx/onnxProto.js';
import { numberAttribute, opName, type OnnxGraph } from '../../../models/onnx/onnxGraph.js';
import { backwardNodes, forwardCone, weightProducts, type WeightProduct } from './graphWalk.js';
import { unmappable } from './unmappable.js';

export interface LlamaLayerWeights {
  readonly inputNorm: string;
  readonly q: string;
  readonly k: string;
  readonly v: string;
  readonly o: string;
  readonly postNorm: string;
  readonly gate: string;
  readonly up: string;
  readonly down: string;
}

export interface LlamaGraph {
  readonly embedTokens: string;
  readonly layers: readonly LlamaLayerWeights[];
  readonly finalNorm: string;
  /** undefined when the logits use the embedding's rows (tied). */
  readonly lmHead: string | undefined;
  readonly intermediateSize: number;
  /** The RMSNorm epsilon the graph uses, when the graph states it (a fused norm's attribute or the Add before Sqrt). */
  readonly rmsNormEps: number | undefined;
  /**
   * The attention scale of the attention operators, when they state one (0: their default 1/sqrt(head_dim)), or the
   * scalars a plain graph multiplies q, k or the scores by (one value for every layer; undefined if the layers differ).
   */
  readonly attentionScale: number | undefined;
  /** The scalar the embedding is multiplied by after the Gather (1: none). */
  readonly embeddingMultiplier: number;
  /** The distinct scalars each o and down projection's output is multiplied by before the residual Add ([1]: none). */
  readonly residualMultipliers: readonly number[];
  /** What the lm head's output is divided by to give the logits (1: nothing). */
  readonly logitsScaling: number;
}

/** Operators a Llama-style decoder graph may hold: shape plumbing, masks, and the pieces the programs compute. */
const LLAMA_OPS = new Set([
  'Gather', 'MatMul', 'Mul', 'Add', 'Sub', 'Div', 'Sqrt', 'Pow', 'ReduceMean', 'Sigmoid', 'Softmax', 'Reshape', 'Transpose', 'Concat',
  'Split', 'Slice', 'Shape', 'Unsqueeze', 'Squeeze', 'Cast', 'Range', 'Where', 'Equal', 'Less', 'LessOrEqual', 'Greater',
  'GreaterOrEqual', 'And', 'Or', 'Not', 'Expand', 'ConstantOfShape', 'Constant', 'Identity', 'Tile', 'Neg', 'Reciprocal', 'Max', 'Min',
  'Trilu', 'CumSum', 'ReduceSum', 'Size', 'SimplifiedLayerNormalization',
  'com.microsoft.RotaryEmbedding', 'com.microsoft.MultiHeadAttention', 'com.microsoft.GroupQueryAttention',
  'com.microsoft.SkipSimplifiedLayerNormalization', 'com.microsoft.SimplifiedLayerNormalization',
]);

function checkOperators(graph: OnnxGraph): void {
  const unsupported = new Map<string, string>();
  for (const node of graph.nodes) {
    const op = opName(node);
    if (!LLAMA_OPS.has(op) && !unsupported.has(op)) unsupported.set(op, node.name ?? '');
  }
  if (unsupported.size === 0) return;
  const list = [...unsupported].map(([op, node]) => `${op} (node ${node || 'unnamed'})`).join(', ');
  throw unmappable(graph.path, `operator${unsupported.size > 1 ? 's' : ''} ${list} ${unsupported.size > 1 ? 'are' : 'is'} not part of a Llama decoder the sendnn programs compute (RMSNorm, rotary, grouped-query attention, SwiGLU)`);
}

/** Consecutive projections that multiply the same activation: [q,k,v], [o], [gate,up], [down] per layer. */
function groupByInput(products: readonly WeightProduct[]): WeightProduct[][] {
  const groups: WeightProduct[][] = [];
  for (const product of products) {
    const last = groups[groups.length - 1];
    if (last && last[0]?.input === product.input) last.push(product);
    else groups.push([product]);
  }
  return groups;
}

interface Norm {
  readonly weight: string;
  readonly eps: number | undefined;
}

/** The RMSNorm weight that produced `tensor` (a fused norm, or the plain Mul by a [H] weight) and its epsilon. */
function normBefore(graph: OnnxGraph, tensor: string, hidden: number, what: string): Norm {
  const node = graph.producer(tensor);
  const op = node?.opType ?? '';
  if (node && (op === 'SimplifiedLayerNormalization' || op === 'SkipSimplifiedLayerNormalization')) {
    const weight = graph.floatInitializer(node.input?.[op === 'SimplifiedLayerNormalization' ? 1 : 2]);
    if (weight) return { weight: weight.name, eps: numberAttribute(node, 'epsilon', 1e-5) };
  }
  if (node && op === 'Mul') {
    const weight = (node.input ?? []).map((input) => graph.floatInitializer(input)).find((w) => w?.dims.length === 1 && w.dims[0] === hidden);
    if (weight) return { weight: weight.name, eps: plainNormEps(graph, node) };
  }
  throw unmappable(graph.path, `the ${what} is not fed by an RMSNorm (found ${node ? opName(node) : 'a graph input'} before it)`);
}

/** The scalar added to the mean of squares before the square root, in a norm written with plain operators. */
function plainNormEps(graph: OnnxGraph, normMul: NodeProto): number | undefined {
  for (const node of backwardNodes(graph, normMul.output?.[0] ?? '', 8)) {
    if (node.opType !== 'Add') continue;
    for (const input of node.input ?? []) {
      const constant = graph.floatInitializer(input);
      if (constant && constant.dims.reduce((a, b) => a * b, 1) === 1) return graph.values(constant)[0];
    }
  }
  return undefined;
}

/** The product of the scalars `nodes` multiply by (a Mul by a one-element constant, or a Div by one). */
function scalarFactor(graph: OnnxGraph, nodes: Iterable<NodeProto>): number {
  let factor = 1;
  for (const node of nodes) {
    const scalar = node.opType === 'Mul' || node.opType === 'Div' ? scalarOperand(graph, node) : undefined;
    if (!scalar) continue;
    if (node.opType === 'Mul') factor *= scalar.value;
    else if (scalar.other === node.input?.[0]) factor /= scalar.value;
  }
  return factor;
}

/** The nodes from the scores (`scoresNode`'s output) to the Softmax, Softmax excluded. */
function scoresToSoftmax(graph: OnnxGraph, scoresNode: NodeProto): NodeProto[] {
  const found: NodeProto[] = [];
  const queue = [...(scoresNode.output ?? [])];
  while (queue.length > 0 && found.length < 32) {
    for (const node of graph.consumers(queue.shift() as string)) {
      if (node.opType === 'Softmax' || found.includes(node)) continue;
      found.push(node);
      queue.push(...(node.output ?? []));
    }
  }
  return found;
}

/**
 * The scale a plain-operator graph gives the attention scores: every scalar Mul or Div on the way from q and from
 * k to the scores MatMul, and between it and the Softmax (exporters scale q, or q and k by a fourth root each, or
 * the scores).
 */
function plainAttentionScale(graph: OnnxGraph, q: WeightProduct, k: WeightProduct, projections: ReadonlySet<NodeProto>): number | undefined {
  const qCone = forwardCone(graph, q.output, projections);
  const kCone = forwardCone(graph, k.output, projections);
  const junction = [...qCone.junctions].find((j) => j.endsWith('#0') && kCone.junctions.has(`${j.split('#')[0] as string}#1`));
  const scoresNode = junction === undefined ? undefined : graph.nodes[Number(junction.split('#')[0])];
  if (!scoresNode || scoresNode.opType !== 'MatMul') return undefined;
  return scalarFactor(graph, qCone.nodes) * scalarFactor(graph, kCone.nodes) * scalarFactor(graph, scoresToSoftmax(graph, scoresNode));
}

/** q, k and v by where their outputs meet: q and k in the scores (inputs 0 and 1), v after the softmax. */
function attentionRoles(graph: OnnxGraph, group: readonly WeightProduct[], projections: ReadonlySet<NodeProto>, layer: number): [WeightProduct, WeightProduct, WeightProduct] {
  const cones = group.map((product) => forwardCone(graph, product.output, projections).junctions);
  const at = (product: number, junction: string): boolean => cones[product]?.has(junction) ?? false;
  for (let q = 0; q < 3; q++) {
    for (const junction of cones[q] ?? []) {
      const [node, index] = junction.split('#');
      if (index !== '0') continue;
      const k = [0, 1, 2].find((other) => other !== q && at(other, `${node}#1`));
      if (k === undefined) continue;
      const v = 3 - q - k;
      return [group[q], group[k], group[v]] as [WeightProduct, WeightProduct, WeightProduct];
    }
  }
  throw unmappable(graph.path, `layer ${layer}: could not tell q, k and v apart by their data flow (projections ${group.map((p) => p.weight).join(', ')})`);
}

function mlpRoles(graph: OnnxGraph, group: readonly WeightProduct[], projections: ReadonlySet<NodeProto>, layer: number): [WeightProduct, WeightProduct] {
  const throughSigmoid = group.map((product) => forwardCone(graph, product.output, projections).ops.has('Sigmoid'));
  const gate = throughSigmoid.indexOf(true);
  if (gate < 0 || throughSigmoid.lastIndexOf(true) !== gate) {
    throw unmappable(graph.path, `layer ${layer}: the MLP is not SwiGLU (exactly one of ${group.map((p) => p.weight).join(', ')} must go through the SiLU's sigmoid)`);
  }
  return [group[gate] as WeightProduct, group[1 - gate] as WeightProduct];
}

function refuseBiases(graph: OnnxGraph, products: readonly WeightProduct[]): void {
  for (const product of products) {
    const bias = graph.consumers(product.output).find((node) => node.opType === 'Add' && (node.input ?? []).some((input) => graph.floatInitializer(input)?.dims.length === 1));
    if (bias) throw unmappable(graph.path, `projection ${product.weight} adds a bias (node ${bias.name}); the sendnn Llama decoder has no projection biases`);
  }
}

function embedding(graph: OnnxGraph, hidden: number): string {
  for (const node of graph.nodes) {
    if (node.opType !== 'Gather') continue;
    const table = graph.floatInitializer(node.input?.[0]);
    if (table?.dims.length === 2 && table.dims[1] === hidden) {
      const fromIds = (node.input?.[1] ?? '') === 'input_ids' || backwardNodes(graph, node.input?.[1] ?? '', 3).some((n) => (n.input ?? []).includes('input_ids'));
      if (fromIds) return table.name;
    }
  }
  throw unmappable(graph.path, 'no token embedding (a Gather of a [vocab, hidden] initializer by input_ids) was found');
}

/** The single value of a one-element float initializer among `node`'s inputs, and the index of its other input. */
function scalarOperand(graph: OnnxGraph, node: NodeProto): { readonly value: number; readonly other: string } | undefined {
  const inputs = node.input ?? [];
  for (let i = 0; i < inputs.length && inputs.length === 2; i++) {
    const constant = graph.floatInitializer(inputs[i]);
    if (constant && constant.dims.reduce((a, b) => a * b, 1) === 1) return { value: graph.values(constant)[0] as number, other: inputs[1 - i] as string };
  }
  return undefined;
}

/** The scalar `tensor` is multiplied by in its one consumer, when that consumer is such a Mul (1 otherwise). */
function scalarMultiplierAfter(graph: OnnxGraph, tensor: string): number {
  const consumers = graph.consumers(tensor);
  const only = consumers.length === 1 ? consumers[0] : undefined;
  if (only?.opType !== 'Mul') return 1;
  return scalarOperand(graph, only)?.value ?? 1;
}

/** A Div (or Mul) of the lm head's output by a scalar that writes the logits: the tensor before it and the divisor. */
function logitsDivision(graph: OnnxGraph, logitsName: string): { readonly headOutput: string; readonly scaling: number } {
  const node = graph.producer(logitsName);
  const scalar = node && (node.opType === 'Div' || node.opType === 'Mul') ? scalarOperand(graph, node) : undefined;
  if (!node || !scalar || (node.opType === 'Div' && scalar.other !== node.input?.[0])) return { headOutput: logitsName, scaling: 1 };
  return { headOutput: scalar.other, scaling: node.opType === 'Div' ? scalar.value : 1 / scalar.value };
}

/** Recognises the decoder in `graph` (hidden size `hidden`), or refuses it naming what does not fit. */
export function traceLlamaGraph(graph: OnnxGraph, hidden: number, graphLogits: string): LlamaGraph {
  checkOperators(graph);
  const embedTokens = embedding(graph, hidden);
  const { headOutput: logitsName, scaling: logitsScaling } = logitsDivision(graph, graphLogits);
  const all = weightProducts(graph);
  const lmProduct = all.find((product) => product.output === logitsName || graph.consumers(product.output).some((n) => (n.output ?? []).includes(logitsName)));
  const tiedHead = graph.nodes.find((node) => node.opType === 'MatMul' && (node.output ?? []).includes(logitsName));
  const tied = lmProduct === undefined && tiedHead !== undefined
    && backwardNodes(graph, tiedHead.input?.[1] ?? '', 2).some((node) => node.opType === 'Transpose' && node.input?.[0] === embedTokens);
  if (lmProduct === undefined && !tied) throw unmappable(graph.path, `no lm head (a MatMul by a [hidden, vocab] weight, or by the transposed embedding) produces ${logitsName}`);
  const body = all.filter((product) => product !== lmProduct);
  const projections = new Set(all.map((product) => product.node));
  refuseBiases(graph, body);
  const groups = groupByInput(body);
  const sizes = groups.map((group) => group.length).join(',');
  if (!/^(3,1,2,1,)+$/.test(`${sizes},`)) {
    throw unmappable(graph.path, `the projections come in groups of ${sizes} (by shared input); a Llama layer has q,k,v then o then gate,up then down (fused qkv or gate_up projections are not supported)`);
  }
  const layers: LlamaLayerWeights[] = [];
  const plainScales = new Set<number | undefined>();
  let rmsNormEps: number | undefined;
  for (let layer = 0; layer < groups.length / 4; layer++) {
    const [attention, output, mlp, down] = groups.slice(layer * 4, layer * 4 + 4) as [WeightProduct[], WeightProduct[], WeightProduct[], WeightProduct[]];
    const [q, k, v] = attentionRoles(graph, attention, projections, layer);
    const [gate, up] = mlpRoles(graph, mlp, projections, layer);
    plainScales.add(plainAttentionScale(graph, q, k, projections));
    const inputNorm = normBefore(graph, q.input, hidden, `layer ${layer}'s attention`);
    const postNorm = normBefore(graph, gate.input, hidden, `layer ${layer}'s MLP`);
    rmsNormEps ??= inputNorm.eps ?? postNorm.eps;
    layers.push({
      inputNorm: inputNorm.weight, q: q.weight, k: k.weight, v: v.weight, o: (output[0] as WeightProduct).weight,
      postNorm: postNorm.weight, gate: gate.weight, up: up.weight, down: (down[0] as WeightProduct).weight,
    });
  }
  const headInput = lmProduct?.input ?? tiedHead?.input?.[0] ?? '';
  const finalNorm = normBefore(graph, headInput, hidden, 'lm head');
  const attentionNode = graph.nodes.find((node) => node.opType === 'MultiHeadAttention' || node.opType === 'GroupQueryAttention');
  const firstGate = graph.floatInitializer(layers[0]?.gate);
  const branchOutputs = groups.filter((group) => group.length === 1).map((group) => (group[0] as WeightProduct).output);
  const lookup = graph.nodes.find((node) => node.opType === 'Gather' && node.input?.[0] === embedTokens);
  return {
    embedTokens, layers, finalNorm: finalNorm.weight, lmHead: lmProduct?.weight, intermediateSize: firstGate?.dims[1] ?? 0,
    rmsNormEps: rmsNormEps ?? finalNorm.eps,
    attentionScale: attentionNode ? numberAttribute(attentionNode, 'scale', 0) : plainScales.size === 1 ? [...plainScales][0] : undefined,
    embeddingMultiplier: scalarMultiplierAfter(graph, lookup?.output?.[0] ?? ''),
    residualMultipliers: [...new Set(branchOutputs.map((output) => scalarMultiplierAfter(graph, output)))],
    logitsScaling,
  };
}
