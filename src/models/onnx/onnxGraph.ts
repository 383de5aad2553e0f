// An ONNX graph as a data-flow graph: nodes in file (topological) order, who produces and who consumes each
// tensor, and the float initializers (float32 or float16, inline or external) widened to float32 on demand.
// What importers need to recognise a model's structure from its graph instead of trusting tensor names.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { onnx, type AttributeProto, type ModelProto, type NodeProto, type TensorProto } from './onnxProto.js';
import { halfToFloat } from './halfToFloat.js';

export interface FloatInitializer {
  readonly name: string;
  readonly dims: readonly number[];
  /** 'float16' initializers are widened; the values are then exact float32 copies of the halves. */
  readonly storedAs: 'float32' | 'float16';
}

const FLOAT = onnx.TensorProto.DataType.FLOAT;
const FLOAT16 = onnx.TensorProto.DataType.FLOAT16;

function alignedCopy(bytes: Uint8Array): ArrayBuffer {
  // protobuf and file buffers give unaligned views; typed arrays need their element alignment.
  const copy = new Uint8Array(bytes.byteLength);
  copy.set(bytes);
  return copy.buffer;
}

export class OnnxGraph {
  readonly nodes: readonly NodeProto[];
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  private readonly producers = new Map<string, NodeProto>();
  private readonly consumerLists = new Map<string, NodeProto[]>();
  private readonly tensors = new Map<string, TensorProto>();
  private readonly widened = new Map<string, Float32Array>();
  private readonly externalFiles = new Map<string, Buffer>();

  private constructor(readonly path: string, model: ModelProto) {
    const graph = model.graph ?? {};
    this.nodes = graph.node ?? [];
    this.inputNames = (graph.input ?? []).map((input) => input.name ?? '');
    this.outputNames = (graph.output ?? []).map((output) => output.name ?? '');
    for (const tensor of graph.initializer ?? []) if (tensor.name) this.tensors.set(tensor.name, tensor);
    for (const node of this.nodes) {
      for (const output of node.output ?? []) if (output) this.producers.set(output, node);
      for (const input of node.input ?? []) {
        if (!input) continue;
        const list = this.consumerLists.get(input) ?? [];
        list.push(node);
        this.consumerLists.set(input, list);
      }
      // Constant nodes are initializers written as nodes.
      if (node.opType === 'Constant' && (node.domain ?? '') === '') {
        const value = node.attribute?.find((a) => a.name === 'value')?.t;
        const output = node.output?.[0];
        if (value && output) this.tensors.set(output, value);
      }
    }
  }

  static read(path: string): OnnxGraph {
    return new OnnxGraph(path, onnx.ModelProto.decode(readFileSync(path)));
  }

  producer(tensor: string): NodeProto | undefined {
    return this.producers.get(tensor);
  }

  consumers(tensor: string): readonly NodeProto[] {
    return this.consumerLists.get(tensor) ?? [];
  }

  /** The initializer a tensor is (through Identity and Cast nodes), if it is one of float type. */
  floatInitializer(tensor: string | null | undefined): FloatInitializer | undefined {
    if (!tensor) return undefined;
    const resolved = this.resolveInitializerName(tensor);
    const proto = resolved === undefined ? undefined : this.tensors.get(resolved);
    if (!proto || resolved === undefined || (proto.dataType !== FLOAT && proto.dataType !== FLOAT16)) return undefined;
    return { name: resolved, dims: (proto.dims ?? []).map(Number), storedAs: proto.dataType === FLOAT ? 'float32' : 'float16' };
  }

  /** The values of a float initializer named by {@link floatInitializer}, as float32. */
  values(initializer: FloatInitializer | string): Float32Array {
    const name = typeof initializer === 'string' ? initializer : initializer.name;
    const cached = this.widened.get(name);
    if (cached) return cached;
    const proto = this.tensors.get(name);
    if (!proto) throw new Error(`${this.path}: no initializer ${name}`);
    const data = this.decode(proto);
    this.widened.set(name, data);
    return data;
  }

  private resolveInitializerName(tensor: string): string | undefined {
    let name = tensor;
    for (let hops = 0; hops < 4; hops++) {
      if (this.tensors.has(name)) return name;
      const node = this.producers.get(name);
      if (!node || !['Identity', 'Cast'].includes(node.opType ?? '') || !node.input?.[0]) return undefined;
      name = node.input[0];
    }
    return undefined;
  }

  private bytesOf(proto: TensorProto): Uint8Array | undefined {
    if (proto.dataLocation === onnx.TensorProto.DataLocation.EXTERNAL) {
      const entries = new Map((proto.externalData ?? []).map((entry) => [entry.key ?? '', entry.value ?? '']));
      const location = entries.get('location');
      if (!location) throw new Error(`${this.path}: initializer ${proto.name} has external data without a location`);
      let file = this.externalFiles.get(location);
      if (!file) this.externalFiles.set(location, (file = readFileSync(join(dirname(this.path), location))));
      const offset = Number(entries.get('offset') ?? 0);
      const length = entries.has('length') ? Number(entries.get('length')) : file.byteLength - offset;
      return file.subarray(offset, offset + length);
    }
    return proto.rawData && proto.rawData.length > 0 ? proto.rawData : undefined;
  }

  private decode(proto: TensorProto): Float32Array {
    const bytes = this.bytesOf(proto);
    if (proto.dataType === FLOAT) return bytes ? new Float32Array(alignedCopy(bytes)) : Float32Array.from(proto.floatData ?? []);
    // float16: raw little-endian halves, or (without raw data) one half per int32_data entry.
    const halves = bytes ? new Uint16Array(alignedCopy(bytes)) : Uint16Array.from(proto.int32Data ?? []);
    const out = new Float32Array(halves.length);
    for (let i = 0; i < halves.length; i++) out[i] = halfToFloat(halves[i] as number);
    return out;
  }
}

/** A node attribute's float or int value, or `fallback`. */
export function numberAttribute(node: NodeProto, name: string, fallback: number): number {
  const attribute: AttributeProto | undefined = node.attribute?.find((a) => a.name === name);
  if (!attribute) return fallback;
  if (attribute.type === onnx.AttributeProto.AttributeType.FLOAT) return attribute.f ?? fallback;
  if (attribute.type === onnx.AttributeProto.AttributeType.INT) return Number(attribute.i ?? fallback);
  return fallback;
}

/** `Op` or `domain.Op` for messages. */
export function opName(node: NodeProto): string {
  const domain = node.domain ?? '';
  return domain === '' || domain === 'ai.onnx' ? (node.opType ?? '?') : `${domain}.${node.opType ?? '?'}`;
}
