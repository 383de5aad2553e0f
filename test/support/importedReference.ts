// The reference forward (src/models/reference) over the weights the sendnn importer traced out of any decoder
// directory: an independent fp32 oracle for real exports whose tensors are not named the project's way.
import { importDecoder } from '../../src/backends/sendnn/import/importDecoder.js';
import { EMBED_TOKENS, FINAL_NORM, LM_HEAD, layerWeightNames } from '../../src/models/llama/weightNames.js';
import type { FloatTensor } from '../../src/models/reference/index.js';
import type { ReferenceModel } from '../../src/models/reference/index.js';

export function importedReference(modelDir: string): ReferenceModel {
  const { desc, tensors } = importDecoder(modelDir);
  const names = [EMBED_TOKENS];
  for (let layer = 0; layer < desc.numLayers; layer++) {
    const l = layerWeightNames(layer);
    const p = l.projection;
    names.push(l.inputNorm, p.q_proj, p.k_proj, p.v_proj, p.o_proj, l.postAttentionNorm, p.gate_proj, p.up_proj, p.down_proj);
  }
  names.push(FINAL_NORM);
  if (!desc.tieWordEmbeddings) names.push(LM_HEAD);
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
