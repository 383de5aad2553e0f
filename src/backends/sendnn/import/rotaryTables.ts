// The rotary embedding a graph applies, recovered from its cos/sin tables: the programs compute
// rotate-half rotary from a base (rope_theta), so the tables must be exactly that rotary for some base.
import type { OnnxGraph } from '../../../models/onnx/onnxGraph.js';
import { numberAttribute } from '../../../models/onnx/onnxGraph.js';
import { unmappable } from './unmappable.js';

interface TablePair {
  readonly cos: Float32Array;
  readonly sin: Float32Array;
  readonly positions: number;
  readonly half: number;
}

/** The cos/sin tables: the inputs of com.microsoft RotaryEmbedding, or two [P, D/2] initializers gathered by position. */
function findTables(graph: OnnxGraph, halfDim: number): TablePair | undefined {
  for (const node of graph.nodes) {
    if (node.opType !== 'RotaryEmbedding') continue;
    if (numberAttribute(node, 'interleaved', 0) !== 0) throw unmappable(graph.path, `operator com.microsoft.RotaryEmbedding with interleaved=1 (node ${node.name}); the programs compute rotate-half rotary`);
    const cos = graph.floatInitializer(node.input?.[2]);
    const sin = graph.floatInitializer(node.input?.[3]);
    if (cos && sin && cos.dims.length === 2) return { cos: graph.values(cos), sin: graph.values(sin), positions: cos.dims[0] as number, half: cos.dims[1] as number };
  }
  const candidates = graph.nodes
    .filter((node) => node.opType === 'Gather')
    .map((node) => graph.floatInitializer(node.input?.[0]))
    .filter((table) => table !== undefined && table.dims.length === 2 && table.dims[1] === halfDim);
  const names = [...new Set(candidates.map((table) => table?.name as string))];
  const tables = names.map((name) => graph.values(name));
  const cosIndex = tables.findIndex((t) => t.subarray(0, halfDim).every((v) => v === 1));
  const sinIndex = tables.findIndex((t) => t.subarray(0, halfDim).every((v) => v === 0));
  if (cosIndex < 0 || sinIndex < 0) return undefined;
  const cos = tables[cosIndex] as Float32Array;
  return { cos, sin: tables[sinIndex] as Float32Array, positions: cos.length / halfDim, half: halfDim };
}

/**
 * rope_theta of the graph's rotary tables, checked against every entry (tolerance: float16 tables). Refuses a
 * graph without tables, with partial rotary, or with tables that no single base gives (rope scaling).
 */
export function ropeThetaOf(graph: OnnxGraph, headDim: number): number {
  const half = headDim / 2;
  const tables = findTables(graph, half);
  if (!tables) throw unmappable(graph.path, `no rotary cos/sin tables of [positions, ${half}] (head_dim ${headDim}) were found; the sendnn decoder applies rotary embeddings`);
  if (tables.half !== half) throw unmappable(graph.path, `rotary tables of width ${tables.half} for head_dim ${headDim} (partial rotary) are not supported`);
  const { cos, sin } = tables;
  const worstError = (theta: number): number => {
    let worst = 0;
    for (let position = 0; position < tables.positions; position++) {
      for (let i = 0; i < half; i++) {
        const angle = position * Math.pow(theta, (-2 * i) / headDim);
        const at = position * half + i;
        worst = Math.max(worst, Math.abs(Math.cos(angle) - (cos[at] as number)), Math.abs(Math.sin(angle) - (sin[at] as number)));
      }
    }
    return worst;
  };
  // The lowest frequency, read at the last position where its angle is still below pi, gives the base best.
  const last = half - 1;
  let position = tables.positions - 1;
  let frequency = NaN;
  for (; position > 0; position--) {
    const angle = Math.atan2(sin[position * half + last] as number, cos[position * half + last] as number);
    if (angle > 0 && angle < 3) { frequency = angle / position; break; }
  }
  const estimate = last > 0 ? Math.pow(frequency, (-headDim) / (2 * last)) : 10000;
  const roundTo = (digits: number): number => Number(estimate.toPrecision(digits));
  const candidates = [estimate, roundTo(2), roundTo(3), roundTo(4)].filter((t) => Number.isFinite(t) && t > 1);
  const errors = candidates.map(worstError);
  const best = errors.indexOf(Math.min(...errors));
  const theta = candidates[best] ?? NaN;
  const worst = errors[best] ?? Infinity;
  if (!(worst < 2e-3)) throw unmappable(graph.path, `the rotary tables are not plain rotary of any base (off by ${worst.toPrecision(3)} from base ${theta.toPrecision(6)}: rope_scaling?)`);
  return theta;
}
