// The reference forward (src/models/reference) over the weights the sendnn importer traced out of any decoder
// directory: an independent fp32 oracle for real exports whose tensors are not named the project's way.
import { importDecoder } from '../../src/backends/sendnn/import/importDecoder.js';
import type { FloatTensor } from '../../src/models/reference/index.js';
import type { ReferenceModel } from '../../src/models/reference/index.js';
import { namedPackOrder } from './namedPackOrder.js';

export function importedReference(modelDir: string): ReferenceModel {
  const { desc, tensors } = importDecoder(modelDir);
  const names = namedPackOrder(desc.numLayers, desc.tieWordEmbeddings);
  const weights = new Map<string, FloatTensor>(names.map((name, i) => [name, { dims: [], data: (tensors[i] as { data: Float32Array }).data }]));
  return {
    shape: {
      vocabSize: desc.vocabSize, hiddenSize: desc.hiddenSize, intermediateSize: desc.intermediateSize, numHiddenLayers: desc.numLayers,
      numAttentionHeads: desc.numHeads, numKeyValueHeads: desc.numKvHeads, headDim: desc.headDim, maxPositionEmbeddings: 2048,
      rmsNormEps: desc.rmsNormEps, ropeTheta: desc.ropeTheta, tieWordEmbeddings: desc.tieWordEmbeddings,
    },
    weights,
  };
}
