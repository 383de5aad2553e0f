import { DYNAMO_BACKENDS, type DynamoBackend } from '../contracts/config.js';
import { EngineError } from '../contracts/errors.js';
import { API_KEY_ENV_VAR } from './engineFlagTable.js';

/** The environment variables the engine reads (SPEC §1.2), parsed once at startup. */
export interface SpyreEnvironment {
  readonly dynamoBackend: DynamoBackend;
  readonly warmupPromptLens: readonly number[];
  readonly warmupBatchSizes: readonly number[];
  readonly interleaveSteps: boolean;
  readonly requirePrecompiledDecoders: boolean;
  /** Undefined when unset: it defaults to `max_model_len * max_num_seqs`. */
  readonly maxBatchTkvLimit: number | undefined;
  readonly sendnnCacheEnable: boolean;
  readonly sendnnCacheDir: string | undefined;
  readonly sendnnLibrary: string | undefined;
  readonly perfMetricLoggingEnabled: boolean;
  readonly perfMetricLoggingDir: string | undefined;
  /** `VLLM_SERVER_DEV_MODE`: serve the development routes (`POST /reset_prefix_cache`), as vLLM does. */
  readonly serverDevMode: boolean;
  /** `VLLM_API_KEY`: the key when `--api-key` is not given, as vLLM accepts. */
  readonly apiKey: string | undefined;
}

export type EnvSource = Readonly<Record<string, string | undefined>>;

function nonEmpty(env: EnvSource, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

export function parseIntegerEnv(env: EnvSource, name: string): number | undefined {
  const raw = nonEmpty(env, name);
  if (raw === undefined) return undefined;
  if (!/^[+-]?\d+$/.test(raw)) {
    throw new EngineError('invalid_config', `Environment variable ${name} must be an integer, but it was set to '${raw}'.`);
  }
  return Number.parseInt(raw, 10);
}

function parseBooleanEnv(env: EnvSource, name: string, fallback: boolean): boolean {
  const raw = nonEmpty(env, name);
  if (raw === undefined) return fallback;
  const lowered = raw.toLowerCase();
  if (lowered === '1' || lowered === 'true') return true;
  if (lowered === '0' || lowered === 'false') return false;
  throw new EngineError('invalid_config', `Environment variable ${name} must be 0 or 1 (or true/false), but it was set to '${raw}'.`);
}

function parseIntegerListEnv(env: EnvSource, name: string, fallback: string): number[] {
  const raw = nonEmpty(env, name) ?? fallback;
  return raw.split(',').map((part) => {
    const item = part.trim();
    if (!/^\d+$/.test(item) || Number.parseInt(item, 10) <= 0) {
      throw new EngineError('invalid_config', `Environment variable ${name} must be a comma-separated list of positive integers, but it was set to '${raw}'.`);
    }
    return Number.parseInt(item, 10);
  });
}

function parseDynamoBackend(env: EnvSource): DynamoBackend {
  const raw = nonEmpty(env, 'VLLM_SPYRE_DYNAMO_BACKEND') ?? 'eager';
  if (!(DYNAMO_BACKENDS as readonly string[]).includes(raw)) {
    throw new EngineError(
      'invalid_config',
      `VLLM_SPYRE_DYNAMO_BACKEND='${raw}' is not supported. Accepted values: ${DYNAMO_BACKENDS.join(', ')}.`,
    );
  }
  return raw as DynamoBackend;
}

export function parseSpyreEnvironment(env: EnvSource): SpyreEnvironment {
  const maxBatchTkvLimit = parseIntegerEnv(env, 'VLLM_DT_MAX_BATCH_TKV_LIMIT');
  if (maxBatchTkvLimit !== undefined && maxBatchTkvLimit <= 0) {
    throw new EngineError('invalid_config', `Environment variable VLLM_DT_MAX_BATCH_TKV_LIMIT must be a positive integer, but it was set to '${maxBatchTkvLimit}'.`);
  }
  return {
    dynamoBackend: parseDynamoBackend(env),
    warmupPromptLens: parseIntegerListEnv(env, 'VLLM_SPYRE_WARMUP_PROMPT_LENS', '64'),
    warmupBatchSizes: parseIntegerListEnv(env, 'VLLM_SPYRE_WARMUP_BATCH_SIZES', '1'),
    interleaveSteps: parseBooleanEnv(env, 'VLLM_SPYRE_CP_INTERLEAVE_STEPS', true),
    requirePrecompiledDecoders: parseBooleanEnv(env, 'VLLM_SPYRE_REQUIRE_PRECOMPILED_DECODERS', false),
    maxBatchTkvLimit,
    sendnnCacheEnable: parseBooleanEnv(env, 'TORCH_SENDNN_CACHE_ENABLE', false),
    sendnnCacheDir: nonEmpty(env, 'TORCH_SENDNN_CACHE_DIR'),
    sendnnLibrary: nonEmpty(env, 'SPYRE_SENDNN_LIBRARY'),
    perfMetricLoggingEnabled: parseBooleanEnv(env, 'VLLM_SPYRE_PERF_METRIC_LOGGING_ENABLED', false),
    perfMetricLoggingDir: nonEmpty(env, 'VLLM_SPYRE_PERF_METRIC_LOGGING_DIR'),
    serverDevMode: parseBooleanEnv(env, 'VLLM_SERVER_DEV_MODE', false),
    apiKey: nonEmpty(env, API_KEY_ENV_VAR),
  };
}
