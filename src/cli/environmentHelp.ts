import { DYNAMO_BACKENDS } from '../core/contracts/config.js';
import { API_KEY_ENV_VAR } from '../core/config/engineFlagTable.js';

/** One environment variable as a command's help lists it. */
export interface EnvironmentHelpRow {
  readonly name: string;
  readonly help: string;
}

/**
 * The environment `spyre serve` reads at startup: vLLM-Spyre's and vLLM's names (SPEC §1.2) and this
 * project's sendnn settings. `test/unit/cli/environmentHelp.test.ts` fails when SPEC §1.2 names one this
 * list lacks, or when a name here (or in any command's help) is read nowhere.
 */
export const SERVE_ENVIRONMENT: readonly EnvironmentHelpRow[] = [
  { name: 'VLLM_SPYRE_DYNAMO_BACKEND', help: `the backend: ${DYNAMO_BACKENDS.join(' | ')} (default: eager)` },
  { name: 'VLLM_SPYRE_CP_INTERLEAVE_STEPS', help: '1: interleave prefill chunks with decode steps (default); 0: prefill first' },
  { name: 'VLLM_DT_MAX_BATCH_TKV_LIMIT', help: 'volumetric limit, batch size × tkv of a decode step (default: max_model_len × max_num_seqs)' },
  { name: 'VLLM_SPYRE_WARMUP_PROMPT_LENS', help: 'pooling: the warmup prompt lengths, a comma list of multiples of 64 (default: 64)' },
  { name: 'VLLM_SPYRE_WARMUP_BATCH_SIZES', help: 'pooling: the warmup batch sizes, one per prompt length (default: 1)' },
  { name: 'VLLM_SPYRE_REQUIRE_PRECOMPILED_DECODERS', help: '1: decoders only load compiled programs from the cache (default: 0)' },
  { name: 'TORCH_SENDNN_CACHE_ENABLE', help: '1: cache compiled programs in TORCH_SENDNN_CACHE_DIR (default: 0)' },
  { name: 'TORCH_SENDNN_CACHE_DIR', help: 'where compiled programs and pre_compiled_cache_catalog.json live' },
  { name: 'SPYRE_SENDNN_LIBRARY', help: 'the native library implementing the sendnn ABI (default: the bundled emulator)' },
  { name: 'SPYRE_SENDNN_DEVICE_MEMORY_BYTES', help: "memory of each card, bytes (default: the device profile's, else 128 GiB)" },
  { name: 'SPYRE_DEVICE_TIMING', help: "profile: every emulated program run takes the device profile's time (default: off)" },
  { name: 'SPYRE_DEVICE_PROFILE', help: 'the device profile of SPYRE_DEVICE_TIMING: a built-in name or a JSON file (default: spyre-card)' },
  { name: API_KEY_ENV_VAR, help: 'the API key when --api-key is not given' },
  { name: 'VLLM_SERVER_DEV_MODE', help: '1: also serve the development route POST /reset_prefix_cache (default: 0)' },
  { name: 'VLLM_SPYRE_PERF_METRIC_LOGGING_ENABLED', help: "1: write vLLM-Spyre's per-request perf log (default: 0)" },
  { name: 'VLLM_SPYRE_PERF_METRIC_LOGGING_DIR', help: 'the directory of that log (default: the current one)' },
];

/** Words of `text` in lines of at most `width` characters (a longer word stands alone). */
function wrapWords(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  return line === '' ? lines : [...lines, line];
}

/** The `Environment:` section a command's help ends with: each name, then its help indented, within 80 columns. */
export function environmentHelp(rows: readonly EnvironmentHelpRow[]): string {
  const body = rows.map((row) => [`  ${row.name}`, ...wrapWords(row.help, 74).map((line) => `      ${line}`)].join('\n'));
  return `\nEnvironment (read once at startup):\n${body.join('\n')}\n`;
}
