import type { LogLevel, ModelTask } from '../contracts/config.js';

/** The `vllm serve`-style flags (SPEC §1.1) as the CLI or a scenario passes them; absent means "not given". */
export interface EngineFlags {
  readonly model: string;
  readonly host?: string;
  readonly port?: number;
  readonly servedModelName?: string;
  readonly maxModelLen?: number;
  readonly maxNumSeqs?: number;
  readonly maxNumBatchedTokens?: number;
  readonly enablePrefixCaching?: boolean;
  readonly tensorParallelSize?: number;
  readonly numGpuBlocksOverride?: number;
  readonly seed?: number;
  readonly apiKey?: string;
  readonly task?: ModelTask;
  readonly disableLogRequests?: boolean;
  readonly logLevel?: LogLevel;
  /** Total KV blocks including the null block, exactly (scenarios and tests): no rounding, no minimum. */
  readonly numBlocks?: number;
}

/** What the engine knows of the model before it loads it: enough to pick defaults. */
export interface ModelShapeHints {
  readonly maxPositionEmbeddings?: number;
  readonly modelType?: string;
  readonly numHiddenLayers?: number;
  readonly hiddenSize?: number;
  readonly vocabSize?: number;
  readonly numAttentionHeads?: number;
  readonly numKeyValueHeads?: number;
}

export const DEFAULTS = {
  host: '127.0.0.1',
  port: 8000,
  maxModelLen: 2048,
  /** vLLM-Spyre deployments run small decode batches; vLLM's GPU default of 256 does not fit a card. */
  maxNumSeqs: 4,
  chunkSize: 2048,
  graniteTp4ChunkSize: 1024,
  tensorParallelSize: 1,
  seed: 0,
  logLevel: 'info',
  prefixHashSeed: 0x5eed,
} as const;
