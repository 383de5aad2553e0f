// SPEC §6: the precompiled catalog's format, matching and warnings, as pure functions over parsed JSON.
import { EngineError } from '../contracts/errors.js';
import {
  catalogInvalidJson, catalogNotAList, chunkSizeWarning, libraryWarning, missingLibraryWarning, missingVersionWarning, modelNameWarning, versionWarning,
} from './catalogTexts.js';

/** A program recorded in a catalog entry: its artifact and what it should hash to. */
export interface CatalogProgram {
  readonly name: string;
  readonly file: string;
  readonly bytes: number;
  readonly sha256: string;
}

/** What this project records beside vLLM-Spyre's fields. */
export interface SpyreEngineRecord {
  readonly chunk_size?: number;
  readonly library_name?: string;
  readonly library_version?: string;
  readonly abi_version?: number;
  readonly model_fingerprint?: string;
  readonly programs?: readonly CatalogProgram[];
}

export interface CatalogEntry {
  readonly vllm_spyre_version?: string;
  readonly data: Readonly<Record<string, unknown>>;
  readonly spyre_engine?: SpyreEngineRecord;
}

/** The running configuration, as the catalog sees it. */
export interface CatalogConfiguration {
  readonly modelName: string;
  readonly tensorParallelSize: number;
  readonly maxModelLen: number;
  readonly maxNumSeqs: number;
  readonly chunkSize: number;
  /** Set for pooling models: the warmup lists decide the match instead of context length and batch size. */
  readonly warmupPromptLens?: readonly number[];
  readonly warmupBatchSizes?: readonly number[];
  readonly packageVersion: string;
  readonly libraryName: string;
  readonly libraryVersion: string;
}

/** Parses a catalog file's text. `{}` is an empty catalog; anything but a list of objects is an error. */
export function parseCatalog(text: string, path: string): CatalogEntry[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new EngineError('invalid_config', catalogInvalidJson(path));
  }
  if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) && Object.keys(parsed).length === 0) return [];
  if (!Array.isArray(parsed)) throw new EngineError('invalid_config', catalogNotAList(path));
  parsed.forEach((entry: unknown, index) => {
    const data = (entry as { data?: unknown } | null)?.data;
    if (entry === null || typeof entry !== 'object' || data === null || typeof data !== 'object') {
      throw new EngineError('invalid_config', `Precompiled catalog ${path}: entry ${index} has no "data" object`);
    }
  });
  return parsed as CatalogEntry[];
}

const commaList = (values: readonly number[]): string => values.join(',');

function parseCommaList(recorded: unknown): number[] | undefined {
  if (typeof recorded !== 'string') return undefined;
  const values = recorded.split(',').map((item) => Number.parseInt(item.trim(), 10));
  return values.every(Number.isInteger) ? values : undefined;
}

/** The (prompt length, batch size) pairs of a pooling entry, in a canonical order. */
function warmupPairs(promptLens: readonly number[] | undefined, batchSizes: readonly number[] | undefined): string | undefined {
  if (promptLens === undefined || batchSizes === undefined || promptLens.length !== batchSizes.length) return undefined;
  return promptLens.map((length, i) => `${length}x${batchSizes[i]}`).sort().join(',');
}

/** Whether an entry fits: NUM_AIUS, then the warmup shapes (pooling entries, in any order) or context length and batch size. */
export function entryMatches(entry: CatalogEntry, config: CatalogConfiguration): boolean {
  const data = entry.data;
  if (data.NUM_AIUS !== config.tensorParallelSize) return false;
  if ('VLLM_SPYRE_WARMUP_PROMPT_LENS' in data) {
    // The engine sorts its warmup shapes; an entry may list the same pairs in the order they were given.
    const recorded = warmupPairs(parseCommaList(data.VLLM_SPYRE_WARMUP_PROMPT_LENS), parseCommaList(data.VLLM_SPYRE_WARMUP_BATCH_SIZES));
    return recorded !== undefined && recorded === warmupPairs(config.warmupPromptLens, config.warmupBatchSizes);
  }
  return data.VLLM_DT_MAX_CONTEXT_LEN === config.maxModelLen && data.VLLM_DT_MAX_BATCH_SIZE === config.maxNumSeqs;
}

/** Index of the first matching entry, or -1. */
export function matchCatalog(entries: readonly CatalogEntry[], config: CatalogConfiguration): number {
  return entries.findIndex((entry) => entryMatches(entry, config));
}

/** The `[PRECOMPILED_WARN]` lines of a matched entry: versions, library, chunk size and model name. Never fatal. */
export function matchedEntryWarnings(entry: CatalogEntry, config: CatalogConfiguration): string[] {
  const warnings: string[] = [];
  if (entry.vllm_spyre_version === undefined) warnings.push(missingVersionWarning());
  else if (entry.vllm_spyre_version !== config.packageVersion) warnings.push(versionWarning(entry.vllm_spyre_version, config.packageVersion));
  const record = entry.spyre_engine;
  const current = `${config.libraryName} ${config.libraryVersion}`;
  if (record?.library_name === undefined || record.library_version === undefined) warnings.push(missingLibraryWarning(current));
  else if (record.library_name !== config.libraryName || record.library_version !== config.libraryVersion) {
    warnings.push(libraryWarning(`${record.library_name} ${record.library_version}`, current));
  }
  if (record?.chunk_size !== undefined && !('VLLM_SPYRE_WARMUP_PROMPT_LENS' in entry.data) && record.chunk_size !== config.chunkSize) {
    warnings.push(chunkSizeWarning(record.chunk_size, config.chunkSize));
  }
  const modelName = entry.data.MODEL_NAME;
  if (modelName !== config.modelName) warnings.push(modelNameWarning(config.modelName, String(modelName)));
  return warnings;
}

/** The configuration as printed after a no-match warning. */
export function describeConfiguration(config: CatalogConfiguration): string {
  const shape = config.warmupPromptLens !== undefined
    ? `VLLM_SPYRE_WARMUP_PROMPT_LENS=${commaList(config.warmupPromptLens)} VLLM_SPYRE_WARMUP_BATCH_SIZES=${commaList(config.warmupBatchSizes ?? [])}`
    : `max_model_len=${config.maxModelLen} max_num_seqs=${config.maxNumSeqs} max_num_batched_tokens=${config.chunkSize}`;
  return `model=${config.modelName} tensor_parallel_size=${config.tensorParallelSize} ${shape}`;
}

/** The catalog entry of a configuration, as `spyre catalog add` and sendnn_compile_only record it. */
export function catalogEntryFor(config: CatalogConfiguration, record: SpyreEngineRecord): CatalogEntry {
  const data: Record<string, unknown> = { MODEL_NAME: config.modelName, NUM_AIUS: config.tensorParallelSize };
  if (config.warmupPromptLens !== undefined) {
    data.VLLM_SPYRE_WARMUP_PROMPT_LENS = commaList(config.warmupPromptLens);
    data.VLLM_SPYRE_WARMUP_BATCH_SIZES = commaList(config.warmupBatchSizes ?? []);
  } else {
    data.VLLM_DT_MAX_CONTEXT_LEN = config.maxModelLen;
    data.VLLM_DT_MAX_BATCH_SIZE = config.maxNumSeqs;
  }
  return { vllm_spyre_version: config.packageVersion, data, spyre_engine: { chunk_size: config.chunkSize, library_name: config.libraryName, library_version: config.libraryVersion, ...record } };
}

/** Adds `entry`, replacing the first entry of the same configuration and model name. */
export function upsertEntry(entries: readonly CatalogEntry[], entry: CatalogEntry, config: CatalogConfiguration): CatalogEntry[] {
  const index = entries.findIndex((existing) => entryMatches(existing, config) && existing.data.MODEL_NAME === config.modelName);
  if (index < 0) return [...entries, entry];
  return entries.map((existing, i) => (i === index ? entry : existing));
}
