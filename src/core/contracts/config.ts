import type { ServiceIdentifier } from 'inversify';

/** The backend that executes steps, as named by `VLLM_SPYRE_DYNAMO_BACKEND`. */
export type DynamoBackend = 'eager' | 'sendnn' | 'sendnn_compile_only';

export const DYNAMO_BACKENDS: readonly DynamoBackend[] = ['eager', 'sendnn', 'sendnn_compile_only'];

/** What the served model does. */
export type ModelTask = 'generate' | 'embed' | 'score' | 'classify';

/** A precompiled static-batching shape of a pooling model. */
export interface WarmupShape {
  readonly promptLength: number;
  readonly batchSize: number;
}

/**
 * The frozen, validated configuration of one engine (SPEC §1): CLI flags and environment, parsed once.
 * Every field is final; nothing reads the environment after this object exists.
 */
export interface EngineConfig {
  readonly model: string;
  readonly servedModelName: string;
  readonly task: ModelTask;
  readonly host: string;
  readonly port: number;
  readonly maxModelLen: number;
  readonly maxNumSeqs: number;
  /** The prefill chunk size in tokens (`max_num_batched_tokens`), a multiple of the block size. */
  readonly maxNumBatchedTokens: number;
  readonly enablePrefixCaching: boolean;
  readonly tensorParallelSize: number;
  readonly seed: number;
  /** `--api-key`, else `VLLM_API_KEY`. */
  readonly apiKey: string | undefined;
  /** `VLLM_SERVER_DEV_MODE=1`: `POST /reset_prefix_cache` is served. */
  readonly serverDevMode: boolean;
  readonly disableLogRequests: boolean;
  readonly logLevel: LogLevel;
  readonly blockSize: number;
  /** Total KV blocks including the null block 0; 0 for pooling models, which keep no KV cache. */
  readonly numBlocks: number;
  /**
   * True when `--num-gpu-blocks-override` (or an explicit count) fixed `numBlocks`: a backend that sizes the KV
   * cache from device memory must then use exactly that many or refuse; otherwise it may lower it to what fits.
   */
  readonly numBlocksFixed?: boolean;
  /** The fewest KV blocks (null block included) that serve one batch (SPEC §1.3); a backend never sizes below it. */
  readonly minNumBlocks?: number;
  readonly backend: DynamoBackend;
  /** `VLLM_SPYRE_CP_INTERLEAVE_STEPS`: interleave prefill chunks with decode steps. */
  readonly interleaveSteps: boolean;
  /** `VLLM_DT_MAX_BATCH_TKV_LIMIT`: the volumetric limit on batch size × tkv. */
  readonly maxBatchTkvLimit: number;
  readonly warmupShapes: readonly WarmupShape[];
  readonly requirePrecompiledDecoders: boolean;
  readonly sendnnCacheEnable: boolean;
  readonly sendnnCacheDir: string | undefined;
  readonly sendnnLibrary: string | undefined;
  readonly perfMetricLoggingEnabled: boolean;
  readonly perfMetricLoggingDir: string | undefined;
  /** Root parent hash of the prefix-cache block hash chain; fixed for reproducibility. */
  readonly prefixHashSeed: number;
}

export type LogLevel = 'debug' | 'info' | 'warning' | 'error' | 'critical';

/** DI identifier of the frozen {@link EngineConfig}. */
export const EngineConfig: ServiceIdentifier<EngineConfig> = Symbol.for('spyre.EngineConfig');
