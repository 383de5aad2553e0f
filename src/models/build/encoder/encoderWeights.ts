// The encoder's tensors and their seeded values, as ONNX initializers (inline: tiny models only).
import { onnx, type TensorProto } from '../../onnx/onnxProto.js';
import { fillUniform, streamSeed } from '../prng.js';
import type { EncoderShape } from './encoderShape.js';
import {
  CLASSIFIER, EMBEDDINGS_NORM, POOLER, POSITION_EMBEDDINGS, TOKEN_TYPE_EMBEDDINGS, WORD_EMBEDDINGS, encoderLayerNames, type DenseNames,
} from './encoderWeightNames.js';

interface PlannedTensor {
  readonly name: string;
  readonly dims: readonly number[];
  readonly mean: number;
  readonly std: number;
}

// 1/sqrt(fan_in) projections keep activations O(1); norm gains around 1 and biases of 0.1 (not 0) so
// that a mistake in applying either shows in the tests. The output logit gets a larger spread so that
// scores of different pairs differ visibly after the sigmoid.
const BIAS_STD = 0.1;

function denseTensors(names: DenseNames, fanIn: number, fanOut: number, std = 1 / Math.sqrt(fanIn)): PlannedTensor[] {
  return [
    { name: names.weight, dims: [fanIn, fanOut], mean: 0, std },
    { name: names.bias, dims: [fanOut], mean: 0, std: BIAS_STD },
  ];
}

function normTensors(names: DenseNames, width: number): PlannedTensor[] {
  return [
    { name: names.weight, dims: [width], mean: 1, std: 0.1 },
    { name: names.bias, dims: [width], mean: 0, std: BIAS_STD },
  ];
}

export function planEncoderWeights(shape: EncoderShape): readonly PlannedTensor[] {
  const h = shape.hiddenSize;
  const plan: PlannedTensor[] = [
    { name: WORD_EMBEDDINGS, dims: [shape.vocabSize, h], mean: 0, std: 1 },
    { name: POSITION_EMBEDDINGS, dims: [shape.maxPositionEmbeddings, h], mean: 0, std: 0.5 },
    { name: TOKEN_TYPE_EMBEDDINGS, dims: [shape.typeVocabSize, h], mean: 0, std: 0.5 },
    ...normTensors(EMBEDDINGS_NORM, h),
  ];
  for (let layer = 0; layer < shape.numHiddenLayers; layer++) {
    const names = encoderLayerNames(layer);
    plan.push(
      ...denseTensors(names.query, h, h),
      ...denseTensors(names.key, h, h),
      ...denseTensors(names.value, h, h),
      ...denseTensors(names.attentionOutput, h, h),
      ...normTensors(names.attentionNorm, h),
      ...denseTensors(names.intermediate, h, shape.intermediateSize),
      ...denseTensors(names.output, shape.intermediateSize, h),
      ...normTensors(names.outputNorm, h),
    );
  }
  if (shape.head === 'classifier') plan.push(...denseTensors(POOLER, h, h), ...denseTensors(CLASSIFIER, h, shape.numLabels, 3 / Math.sqrt(h)));
  return plan;
}

export function encoderInitializers(shape: EncoderShape, seed: number): { readonly tensors: TensorProto[]; readonly weightBytes: number } {
  let weightBytes = 0;
  const tensors = planEncoderWeights(shape).map((planned): TensorProto => {
    const values = new Float32Array(planned.dims.reduce((product, dim) => product * dim, 1));
    fillUniform(values, streamSeed(seed, planned.name), planned.mean, planned.std);
    weightBytes += values.byteLength;
    return {
      name: planned.name,
      dataType: onnx.TensorProto.DataType.FLOAT,
      dims: [...planned.dims],
      rawData: new Uint8Array(values.buffer, values.byteOffset, values.byteLength),
    };
  });
  return { tensors, weightBytes };
}
