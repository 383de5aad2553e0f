// A BERT-style model directory as the sendnn ABI wants it: the encoder description, one flat float32 array
// of weights in the ABI's order (sendnn_abi.h), a fingerprint for cache keys, and what the pooling engine
// needs to know of it.
import { EngineError } from '../../../core/contracts/errors.js';
import type { PoolingModelDescription } from '../../../core/contracts/pooling.js';
import {
  CLASSIFIER, EMBEDDINGS_NORM, POOLER, POSITION_EMBEDDINGS, TOKEN_TYPE_EMBEDDINGS, WORD_EMBEDDINGS, encoderLayerNames,
} from '../../../models/build/encoder/encoderWeightNames.js';
import { readModelDir } from '../../../models/dir/index.js';
import { readPoolingConfig } from '../../../models/dir/poolingConfig.js';
import { loadEncoderReference } from '../../../models/reference/encoder/index.js';
import { packWeights } from '../packedWeights.js';
import type { SendnnEncoderDesc } from '../sendnnTypes.js';

export interface SendnnEncoderModel {
  readonly modelDir: string;
  readonly desc: SendnnEncoderDesc;
  readonly weights: Float32Array;
  readonly fingerprint: string;
  readonly description: PoolingModelDescription;
}

function weightNames(desc: SendnnEncoderDesc): string[] {
  const names = [WORD_EMBEDDINGS, POSITION_EMBEDDINGS, TOKEN_TYPE_EMBEDDINGS, EMBEDDINGS_NORM.weight, EMBEDDINGS_NORM.bias];
  for (let layer = 0; layer < desc.numLayers; layer++) {
    const l = encoderLayerNames(layer);
    for (const dense of [l.query, l.key, l.value, l.attentionOutput, l.attentionNorm, l.intermediate, l.output, l.outputNorm]) names.push(dense.weight, dense.bias);
  }
  if (desc.numLabels > 0) names.push(POOLER.weight, POOLER.bias, CLASSIFIER.weight, CLASSIFIER.bias);
  return names;
}

/** Reads an encoder directory built by `spyre model build --preset tiny-embed|tiny-cross-encoder` (or laid out the same way). */
export function loadSendnnEncoderModel(modelDir: string): SendnnEncoderModel {
  let reference: ReturnType<typeof loadEncoderReference>;
  let info: ReturnType<typeof readModelDir>;
  let pooling: ReturnType<typeof readPoolingConfig>;
  try {
    reference = loadEncoderReference(modelDir);
    info = readModelDir(modelDir);
    pooling = readPoolingConfig(modelDir);
  } catch (error) {
    throw new EngineError('invalid_config', `sendnn backend: cannot read the encoder directory ${modelDir}: ${(error as Error).message}`);
  }
  const s = reference.shape;
  if (pooling.pooling === 'last') throw new EngineError('invalid_config', `sendnn backend: ${modelDir} asks for last-token pooling, which the sendnn encoder programs do not implement (mean, cls)`);
  const classifier = s.head === 'classifier';
  const desc: SendnnEncoderDesc = {
    vocabSize: s.vocabSize, hiddenSize: s.hiddenSize, intermediateSize: s.intermediateSize, numLayers: s.numHiddenLayers, numHeads: s.numAttentionHeads,
    maxPositions: s.maxPositionEmbeddings, typeVocabSize: s.typeVocabSize, numLabels: classifier ? s.numLabels : 0, pooling: pooling.pooling,
    layerNormEps: s.layerNormEps,
  };
  const { weights, fingerprint } = packWeights(modelDir, reference.weights, weightNames(desc), desc);
  const description: PoolingModelDescription = {
    modelDir,
    outputKind: classifier ? 'logits' : 'embedding',
    outputWidth: classifier ? desc.numLabels : desc.hiddenSize,
    normalize: pooling.normalize,
    labels: classifier ? pooling.labels : [],
    scoreActivation: pooling.scoreActivation,
    usesTokenTypeIds: desc.typeVocabSize > 1,
    padTokenId: info.specialTokens.padTokenId ?? 0,
    vocabSize: desc.vocabSize,
  };
  return { modelDir, desc, weights, fingerprint, description };
}
