// A small accumulator for ONNX nodes and constants. It hands out unique value names, so the
// decoder graph code reads like the maths it implements instead of like protobuf plumbing.
import { onnx, type AttributeProto, type NodeProto, type TensorProto } from '../onnx/onnxProto.js';

export type AttributeValue = number | readonly number[] | string;

function attribute(name: string, value: AttributeValue): AttributeProto {
  if (typeof value === 'string') return { name, type: onnx.AttributeProto.AttributeType.STRING, s: new TextEncoder().encode(value) };
  // Every numeric attribute the decoder uses is an integer (axis, perm, keepdims, to); floats go in constants.
  if (typeof value === 'number') return { name, type: onnx.AttributeProto.AttributeType.INT, i: value };
  return { name, type: onnx.AttributeProto.AttributeType.INTS, ints: [...value] };
}

export class GraphBuilder {
  readonly nodes: NodeProto[] = [];
  readonly constants: TensorProto[] = [];
  private counter = 0;

  /** Adds one node and returns its single output's name. */
  op(opType: string, inputs: readonly string[], attributes: Readonly<Record<string, AttributeValue>> = {}, outputName?: string): string {
    const [output] = this.opMulti(opType, inputs, 1, attributes, outputName === undefined ? undefined : [outputName]);
    return output as string;
  }

  opMulti(
    opType: string,
    inputs: readonly string[],
    numOutputs: number,
    attributes: Readonly<Record<string, AttributeValue>> = {},
    outputNames?: readonly string[],
  ): string[] {
    const id = this.counter++;
    const outputs = outputNames ? [...outputNames] : Array.from({ length: numOutputs }, (_, i) => `/${opType}_${id}/output_${i}`);
    this.nodes.push({
      name: `/${opType}_${id}`,
      opType,
      input: [...inputs],
      output: outputs,
      attribute: Object.entries(attributes).map(([name, value]) => attribute(name, value)),
    });
    return outputs;
  }

  /** An int64 constant; `dims` empty means a scalar. */
  int64(values: readonly number[], dims: readonly number[] = [values.length]): string {
    const name = `/const_i64_${this.counter++}`;
    this.constants.push({ name, dataType: onnx.TensorProto.DataType.INT64, dims: [...dims], int64Data: [...values] });
    return name;
  }

  float32Scalar(value: number): string {
    const name = `/const_f32_${this.counter++}`;
    this.constants.push({ name, dataType: onnx.TensorProto.DataType.FLOAT, dims: [], floatData: [value] });
    return name;
  }
}
