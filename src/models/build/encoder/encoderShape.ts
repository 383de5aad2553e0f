// The numbers that fix a BERT-style encoder's tensors, and what its head does. Written to config.json
// (architecture) and to the sentence-transformers files (pooling), read back by the reference forward.

/** What the encoder ends in: the hidden states (an embedding model) or a sequence classifier (logits). */
export type EncoderHead = 'embedding' | 'classifier';

/** How token vectors become one sentence vector (sentence-transformers' Pooling module). */
export type PoolingMode = 'mean' | 'cls';

export interface EncoderShape {
  readonly vocabSize: number;
  readonly hiddenSize: number;
  readonly intermediateSize: number;
  readonly numHiddenLayers: number;
  readonly numAttentionHeads: number;
  readonly maxPositionEmbeddings: number;
  readonly typeVocabSize: number;
  readonly layerNormEps: number;
  readonly head: EncoderHead;
  /** Classifier outputs (1 for a cross-encoder's relevance score); unused by the embedding head. */
  readonly numLabels: number;
  readonly pooling: PoolingMode;
  readonly normalize: boolean;
}

export function headDimOf(shape: EncoderShape): number {
  return shape.hiddenSize / shape.numAttentionHeads;
}

/** Trained parameters (embeddings, layers, and for a classifier its pooler and output layer). */
export function countEncoderParameters(shape: EncoderShape): number {
  const h = shape.hiddenSize;
  const embeddings = (shape.vocabSize + shape.maxPositionEmbeddings + shape.typeVocabSize) * h + 2 * h;
  const attention = 4 * (h * h + h) + 2 * h;
  const ffn = h * shape.intermediateSize + shape.intermediateSize + shape.intermediateSize * h + h + 2 * h;
  const classifier = shape.head === 'classifier' ? h * h + h + h * shape.numLabels + shape.numLabels : 0;
  return embeddings + shape.numHiddenLayers * (attention + ffn) + classifier;
}
