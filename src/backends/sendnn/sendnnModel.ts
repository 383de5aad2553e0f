// A model directory as the sendnn ABI wants it: the decoder description and one flat float32 array of
// weights in the ABI's order (sendnn_abi.h), plus a fingerprint of both for cache keys.
import { EngineError } from '../../core/contracts/errors.js';
import { EMBED_TOKENS, FINAL_NORM, LM_HEAD, layerWeightNames } from '../../models/llama/weightNames.js';
import { loadReferenceModel } from '../../models/reference/index.js';
import { packWeights } from './packedWeights.js';
import type { SendnnModelDesc } from './sendnnTypes.js';

export interface SendnnModel {
  readonly modelDir: string;
  readonly desc: SendnnModelDesc;
  readonly weights: Float32Array;
  /** sha256 (hex, 32 chars) of the description and the weights: what the compiled programs depend on. */
  readonly fingerprint: string;
}

/** Reads a Llama model directory built by `spyre model build` (or laid out the same way). */
export function loadSendnnModel(modelDir: string): SendnnModel {
  let reference: ReturnType<typeof loadReferenceModel>;
  try {
    reference = loadReferenceModel(modelDir);
  } catch (error) {
    throw new EngineError('invalid_config', `sendnn backend: cannot read the model directory ${modelDir}: ${(error as Error).message}`);
  }
  const s = reference.shape;
  const desc: SendnnModelDesc = {
    vocabSize: s.vocabSize, hiddenSize: s.hiddenSize, intermediateSize: s.intermediateSize, numLayers: s.numHiddenLayers,
    numHeads: s.numAttentionHeads, numKvHeads: s.numKeyValueHeads, headDim: s.headDim, tieWordEmbeddings: s.tieWordEmbeddings,
    rmsNormEps: s.rmsNormEps, ropeTheta: s.ropeTheta,
  };
  const names = [EMBED_TOKENS];
  for (let layer = 0; layer < s.numHiddenLayers; layer++) {
    const l = layerWeightNames(layer);
    const p = l.projection;
    names.push(l.inputNorm, p.q_proj, p.k_proj, p.v_proj, p.o_proj, l.postAttentionNorm, p.gate_proj, p.up_proj, p.down_proj);
  }
  names.push(FINAL_NORM);
  if (!s.tieWordEmbeddings) names.push(LM_HEAD);
  const { weights, fingerprint } = packWeights(modelDir, reference.weights, names, desc);
  return { modelDir, desc, weights, fingerprint };
}
