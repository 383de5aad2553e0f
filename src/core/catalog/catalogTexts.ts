// The exact texts of SPEC §6 (vLLM-Spyre's), in one place so that tests and docs can quote them.

export const CATALOG_FILE_NAME = 'pre_compiled_cache_catalog.json';
export const PRECOMPILED_WARN = '[PRECOMPILED_WARN]';
export const COMPILATION_DISABLED = 'RuntimeError: Compilation disabled';

export const disableCompilationLine = (model: string): string =>
  `${PRECOMPILED_WARN} Setting DISABLE_COMPILATION because ${model} is a decoder model`;

export const CACHE_SETUP_REQUIRED =
  'VLLM_SPYRE_REQUIRE_PRECOMPILED_DECODERS=1 requires setting TORCH_SENDNN_CACHE_DIR to a valid path and setting TORCH_SENDNN_CACHE_ENABLE=1';

export const catalogMissing = (path: string): string =>
  `VLLM_SPYRE_REQUIRE_PRECOMPILED_DECODERS=1 was set, but the pre-compiled catalog ${path} does not exist (create it with \`spyre catalog add\`, or with \`echo '{}' > ${path}\` for an empty catalog)`;

export const catalogInvalidJson = (path: string): string => `Precompiled catalog ${path} is not a valid JSON file`;

export const catalogNotAList = (path: string): string =>
  `Precompiled catalog ${path} must be a JSON list of entries (or {} for an empty catalog)`;

export const noMatchWarning = (path: string, configuration: string): string =>
  `${PRECOMPILED_WARN} Provided vllm configuration doesn't match any of the pre-compiled model configurations. Catalog: \n${path}\n vllm_config: \n${configuration}`;

export const missingVersionWarning = (): string => `${PRECOMPILED_WARN} Pre-compiled config missing vllm_spyre_version field.`;

export const versionWarning = (compiledOn: string, current: string): string =>
  `${PRECOMPILED_WARN} Model was compiled on vllm-spyre ${compiledOn} but the current vllm-spyre version is ${current}`;

export const modelNameWarning = (configured: string, compiled: string): string =>
  `${PRECOMPILED_WARN} Configured model name is ${configured} but the pre-compiled model config has name ${compiled}. Please ensure this is the correct model`;

export const missingLibraryWarning = (current: string): string =>
  `${PRECOMPILED_WARN} Pre-compiled config does not record the sendnn library it was compiled with; the loaded library is ${current}`;

export const libraryWarning = (compiledWith: string, current: string): string =>
  `${PRECOMPILED_WARN} Model was compiled with sendnn library ${compiledWith} but the loaded library is ${current}`;

export const chunkSizeWarning = (compiled: number, current: number): string =>
  `${PRECOMPILED_WARN} Model was compiled with max_num_batched_tokens ${compiled} but the current value is ${current}`;

/** The error when a needed program is not in the cache and compilation is disabled. */
export const compilationDisabled = (program: string, artifactPath: string, reason: string): string =>
  `${COMPILATION_DISABLED}: the ${program} program is not in the cache (${artifactPath}: ${reason}), and VLLM_SPYRE_REQUIRE_PRECOMPILED_DECODERS=1 disables compiling it. Compile it first (VLLM_SPYRE_DYNAMO_BACKEND=sendnn_compile_only).`;
