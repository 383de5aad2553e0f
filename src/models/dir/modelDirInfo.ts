// What a model directory holds, as the backends and the tokenizer need it. Plain readonly data.

/** Decoders generate text; encoders are pooling models (embed, score, classify). */
export type ModelKind = 'decoder' | 'encoder';

export const DECODER_MODEL_TYPES = ['llama', 'mistral', 'qwen2', 'qwen3', 'granite', 'phi3', 'gpt2'] as const;
export const ENCODER_MODEL_TYPES = ['bert', 'distilbert', 'roberta', 'xlm-roberta'] as const;
export type DecoderModelType = (typeof DECODER_MODEL_TYPES)[number];
export type EncoderModelType = (typeof ENCODER_MODEL_TYPES)[number];
export type SupportedModelType = DecoderModelType | EncoderModelType;

/** Which file the model's numbers came from: Hugging Face's, or onnxruntime-genai's when it is alone. */
export type ConfigSource = 'config.json' | 'genai_config.json';

export interface ModelDims {
  readonly hiddenSize: number;
  readonly numHiddenLayers: number;
  readonly numAttentionHeads: number;
  /** Equal to numAttentionHeads unless the model uses grouped-query attention. */
  readonly numKeyValueHeads: number;
  readonly headDim: number;
  readonly vocabSize: number;
  readonly maxPositionEmbeddings: number;
}

/**
 * KV cache tensor names; `%d` stands for the layer index. `separate` is the Optimum / transformers.js
 * convention (one key and one value tensor per layer); `stacked` is the older ORT GPT-2 one
 * (`past_%d` holding key and value together as [2, batch, heads, past, head_dim]).
 */
export type KvCacheNames =
  | { readonly layout: 'separate'; readonly pastKey: string; readonly pastValue: string; readonly presentKey: string; readonly presentValue: string }
  | { readonly layout: 'stacked'; readonly past: string; readonly present: string };

export interface DecoderIoNames {
  readonly inputIds: string;
  readonly attentionMask: string;
  readonly positionIds: string;
  readonly logits: string;
  readonly kvCache: KvCacheNames;
}

export interface SpecialTokenIds {
  readonly bosTokenId: number | undefined;
  /** Generation stops at any of these (generation_config.json first, then the model config). */
  readonly eosTokenIds: readonly number[];
  readonly padTokenId: number | undefined;
}

export interface TokenizerFiles {
  readonly tokenizerJsonPath: string;
  readonly tokenizerConfigPath: string | undefined;
}

export interface ModelDirInfo {
  readonly dir: string;
  readonly configSource: ConfigSource;
  readonly modelType: SupportedModelType;
  readonly kind: ModelKind;
  readonly dims: ModelDims;
  readonly onnxModelPath: string;
  /** The external weights file next to the graph, when there is one. */
  readonly onnxExternalDataPath: string | undefined;
  /** I/O names for decoders (defaults: the Optimum convention); undefined for encoders. */
  readonly decoderIo: DecoderIoNames | undefined;
  readonly specialTokens: SpecialTokenIds;
  readonly tokenizer: TokenizerFiles | undefined;
  /** generation_config.json as written, or {} when the file is absent. */
  readonly generationConfig: Readonly<Record<string, unknown>>;
}
