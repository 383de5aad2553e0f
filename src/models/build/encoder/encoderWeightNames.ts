// Initializer names, as a BERT checkpoint names its parameters. Matrices are stored [in, out] (the
// layout MatMul takes), not PyTorch's [out, in]: this is our own export, read back by our reference.

export const WORD_EMBEDDINGS = 'embeddings.word_embeddings.weight';
export const POSITION_EMBEDDINGS = 'embeddings.position_embeddings.weight';
export const TOKEN_TYPE_EMBEDDINGS = 'embeddings.token_type_embeddings.weight';
export const EMBEDDINGS_NORM = { weight: 'embeddings.LayerNorm.weight', bias: 'embeddings.LayerNorm.bias' } as const;
export const POOLER = { weight: 'pooler.dense.weight', bias: 'pooler.dense.bias' } as const;
export const CLASSIFIER = { weight: 'classifier.weight', bias: 'classifier.bias' } as const;

export interface DenseNames {
  readonly weight: string;
  readonly bias: string;
}

export interface EncoderLayerNames {
  readonly query: DenseNames;
  readonly key: DenseNames;
  readonly value: DenseNames;
  readonly attentionOutput: DenseNames;
  readonly attentionNorm: DenseNames;
  readonly intermediate: DenseNames;
  readonly output: DenseNames;
  readonly outputNorm: DenseNames;
}

const dense = (prefix: string): DenseNames => ({ weight: `${prefix}.weight`, bias: `${prefix}.bias` });

export function encoderLayerNames(layer: number): EncoderLayerNames {
  const p = `encoder.layer.${layer}`;
  return {
    query: dense(`${p}.attention.self.query`),
    key: dense(`${p}.attention.self.key`),
    value: dense(`${p}.attention.self.value`),
    attentionOutput: dense(`${p}.attention.output.dense`),
    attentionNorm: dense(`${p}.attention.output.LayerNorm`),
    intermediate: dense(`${p}.intermediate.dense`),
    output: dense(`${p}.output.dense`),
    outputNorm: dense(`${p}.output.LayerNorm`),
  };
}
