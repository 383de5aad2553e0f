// Walks over an ONNX graph's data flow, to tell a model's weights apart by what their outputs meet.
import type { NodeProto } from '../../../models/onnx/onnxProto.js';
import type { OnnxGraph } from '../../../models/onnx/onnxGraph.js';

/** A MatMul whose right operand is a float initializer of rank 2: one projection of the model. */
export interface WeightProduct {
  readonly node: NodeProto;
  readonly weight: string;
  readonly dims: readonly number[];
  /** The activation it multiplies. */
  readonly input: string;
  readonly output: string;
}

const ATTENTION_OPS = new Set(['MultiHeadAttention', 'GroupQueryAttention', 'Attention']);

export function weightProducts(graph: OnnxGraph): WeightProduct[] {
  const products: WeightProduct[] = [];
  for (const node of graph.nodes) {
    if (node.opType !== 'MatMul' || (node.domain ?? '') !== '') continue;
    const weight = graph.floatInitializer(node.input?.[1]);
    if (!weight || weight.dims.length !== 2) continue;
    products.push({ node, weight: weight.name, dims: weight.dims, input: node.input?.[0] ?? '', output: node.output?.[0] ?? '' });
  }
  return products;
}

/** Where two activations meet: a MatMul of two activations or an attention operator. */
function isJunction(graph: OnnxGraph, node: NodeProto): boolean {
  if (ATTENTION_OPS.has(node.opType ?? '')) return true;
  return node.opType === 'MatMul' && graph.floatInitializer(node.input?.[1]) === undefined && graph.floatInitializer(node.input?.[0]) === undefined;
}

export interface ForwardCone {
  /** The junctions reached first, as "node name#input index". */
  readonly junctions: ReadonlySet<string>;
  /** The operator types met on the way (junctions and projections excluded). */
  readonly ops: ReadonlySet<string>;
  /** The nodes met on the way (junctions and projections excluded). */
  readonly nodes: ReadonlySet<NodeProto>;
}

/** Follows `tensor` forward until each path meets a junction or another projection. */
export function forwardCone(graph: OnnxGraph, tensor: string, projections: ReadonlySet<NodeProto>): ForwardCone {
  const junctions = new Set<string>();
  const ops = new Set<string>();
  const seen = new Set<NodeProto>();
  const queue = [tensor];
  while (queue.length > 0 && seen.size < 2000) {
    const current = queue.shift() as string;
    for (const node of graph.consumers(current)) {
      if (projections.has(node)) continue;
      if (isJunction(graph, node)) {
        junctions.add(`${graph.nodes.indexOf(node)}#${(node.input ?? []).indexOf(current)}`);
        continue;
      }
      if (seen.has(node)) continue;
      seen.add(node);
      ops.add(node.opType ?? '');
      for (const output of node.output ?? []) if (output) queue.push(output);
    }
  }
  return { junctions, ops, nodes: seen };
}

/** The nodes `tensor` comes from, nearest first, up to `limit` nodes back. */
export function backwardNodes(graph: OnnxGraph, tensor: string, limit: number): NodeProto[] {
  const found: NodeProto[] = [];
  const queue = [tensor];
  const seen = new Set<NodeProto>();
  while (queue.length > 0 && found.length < limit) {
    const node = graph.producer(queue.shift() as string);
    if (!node || seen.has(node)) continue;
    seen.add(node);
    found.push(node);
    for (const input of node.input ?? []) if (input) queue.push(input);
  }
  return found;
}
