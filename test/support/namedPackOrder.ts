// The project's own weight names (src/models/llama/weightNames) in the order the sendnn ABI packs a decoder's
// weights: what a loader that trusts names would pack. The importer traces the same tensors out of the graph.
import { EMBED_TOKENS, FINAL_NORM, LM_HEAD, layerWeightNames } from '../../src/models/llama/weightNames.js';

export function namedPackOrder(numLayers: number, tieWordEmbeddings: boolean): string[] {
  const names = [EMBED_TOKENS];
  for (let layer = 0; layer < numLayers; layer++) {
    const l = layerWeightNames(layer);
    const p = l.projection;
    names.push(l.inputNorm, p.q_proj, p.k_proj, p.v_proj, p.o_proj, l.postAttentionNorm, p.gate_proj, p.up_proj, p.down_proj);
  }
  names.push(FINAL_NORM);
  if (!tieWordEmbeddings) names.push(LM_HEAD);
  return names;
}
