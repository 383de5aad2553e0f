// The flags of `spyre generate`, `spyre embed` and `spyre bench serve` beyond the engine flags
// (ENGINE_FLAG_TABLE): one row each, as src/cli/flagTable.ts reads them. A flag these commands share with
// `spyre serve` is its row of ENGINE_FLAG_TABLE, with only what differs (generate logs warnings by default).
import { engineFlagRow } from '../core/config/engineFlagTable.js';
import { DEFAULTS } from '../core/config/engineFlags.js';
import type { CliFlagRow } from './flagTable.js';

/** The engine's --log-level, applied by the command with its own default (a one-shot command is quiet). */
const quietLogLevel: CliFlagRow = { ...engineFlagRow('logLevel'), defaultValue: 'warning', appliesDefault: true };

/** `spyre generate`: --model first, then the engine flags, then these. */
export const GENERATE_MODEL_FLAG: CliFlagRow = { key: 'model', flag: '--model <dir>', value: 'text', required: true, help: 'model directory (Hugging Face or onnxruntime-genai layout)' };

export const GENERATE_FLAG_TABLE: readonly CliFlagRow[] = [
  { key: 'maxTokens', flag: '--max-tokens <n>', value: 'positive integer', defaultNote: 'what the context leaves', help: 'output tokens at most' },
  { key: 'temperature', flag: '--temperature <t>', value: 'number', defaultNote: 'generation_config.json, else 1', help: 'sampling temperature, 0 is greedy' },
  { key: 'topP', flag: '--top-p <p>', value: 'number', help: 'nucleus sampling mass' },
  { key: 'topK', flag: '--top-k <k>', value: 'integer', help: 'sample among the k most likely tokens (-1: all)' },
  { key: 'json', flag: '--json', value: 'switch', help: 'print {text, token_ids, finish_reason} as one JSON line instead of streaming' },
  quietLogLevel,
];

export const EMBED_FLAG_TABLE: readonly CliFlagRow[] = [
  { key: 'model', flag: '--model <dir>', value: 'text', required: true, help: 'embedding model directory (Hugging Face layout with onnx/model.onnx)' },
  { key: 'dims', flag: '--dims', value: 'switch', help: 'print a summary per text (dimensions, norm, tokens, first values) instead of JSON vectors' },
  { key: 'normalize', flag: '--no-normalize', value: 'switch', help: 'do not L2-normalise (default: as the model config says)' },
  { key: 'deviceMemoryBytes', flag: '--device-memory-bytes <n>', value: 'positive integer', help: 'device memory budget of the up-front warmup-shape check' },
  quietLogLevel,
];

/** `spyre bench serve`: vllm bench serve's flags, with its defaults. */
export const BENCH_SERVE_FLAG_TABLE: readonly CliFlagRow[] = [
  { key: 'baseUrl', flag: '--base-url <url>', value: 'text', help: 'server URL (overrides --host/--port)' },
  { key: 'host', flag: '--host <host>', value: 'text', defaultValue: DEFAULTS.host, appliesDefault: true, help: 'server host' },
  { key: 'port', flag: '--port <port>', value: 'port', defaultValue: DEFAULTS.port, appliesDefault: true, help: 'server port' },
  { key: 'model', flag: '--model <name>', value: 'text', defaultNote: 'the first one /v1/models lists', help: 'model name to send' },
  { key: 'datasetName', flag: '--dataset-name <name>', value: 'dataset name', defaultValue: 'random', appliesDefault: true, help: 'random | shared-prefix' },
  { key: 'randomInputLen', flag: '--random-input-len <n>', value: 'positive integer', defaultValue: 1024, appliesDefault: true, help: 'input tokens per request (after the shared prefix)' },
  { key: 'randomOutputLen', flag: '--random-output-len <n>', value: 'positive integer', defaultValue: 128, appliesDefault: true, help: 'output tokens per request (max_tokens)' },
  { key: 'randomRangeRatio', flag: '--random-range-ratio <r>', value: 'ratio', defaultValue: 0, appliesDefault: true, help: 'lengths drawn uniformly within ±ratio of the given ones' },
  { key: 'sharedPrefixLen', flag: '--shared-prefix-len <n>', value: 'positive integer', defaultValue: 256, appliesDefault: true, help: 'shared-prefix dataset: tokens of each shared prefix' },
  { key: 'sharedPrefixGroups', flag: '--shared-prefix-groups <n>', value: 'positive integer', defaultValue: 4, appliesDefault: true, help: 'shared-prefix dataset: number of distinct prefixes' },
  { key: 'numPrompts', flag: '--num-prompts <n>', value: 'positive integer', defaultValue: 1000, appliesDefault: true, help: 'number of requests' },
  { key: 'requestRate', flag: '--request-rate <rps>', value: 'request rate', defaultValue: Number.POSITIVE_INFINITY, appliesDefault: true, help: "requests per second, or 'inf' to send all at once" },
  { key: 'burstiness', flag: '--burstiness <b>', value: 'positive number', defaultValue: 1, appliesDefault: true, help: 'gamma shape of the arrivals: 1 is Poisson, < 1 burstier' },
  { key: 'maxConcurrency', flag: '--max-concurrency <n>', value: 'positive integer', help: 'most requests in flight at once' },
  { key: 'seed', flag: '--seed <n>', value: 'non-negative integer', defaultValue: 0, appliesDefault: true, help: 'seed of the dataset and the arrivals' },
  { key: 'ignoreEos', flag: '--ignore-eos', value: 'switch', defaultValue: false, appliesDefault: true, help: 'ask the server to ignore EOS, so outputs have exactly --random-output-len tokens' },
  { key: 'apiKey', flag: '--api-key <key>', value: 'text', help: 'sent as Authorization: Bearer <key>' },
  { key: 'saveResult', flag: '--save-result', value: 'switch', defaultValue: false, appliesDefault: true, help: 'write the result JSON, in the format of vllm bench serve --save-result' },
  { key: 'saveDetailed', flag: '--save-detailed', value: 'switch', defaultValue: false, appliesDefault: true, help: 'with --save-result: also the per-request input/output lengths, send times, TTFTs, ITLs, texts and errors' },
  { key: 'resultDir', flag: '--result-dir <dir>', value: 'text', defaultNote: 'the current one', help: 'directory of the result JSON (made if missing)' },
  { key: 'resultFilename', flag: '--result-filename <file>', value: 'text', defaultNote: "vLLM's {label}-{rate}qps[-concurrency{n}]-{model}-{date}.json", help: 'name of the result JSON (implies --save-result)' },
  { key: 'label', flag: '--label <label>', value: 'text', defaultNote: 'the backend, openai', help: "the result's label (and the default file name's prefix)" },
  { key: 'metadata', flag: '--metadata <pairs...>', value: 'text', help: 'KEY=VALUE pairs written as top-level keys of the result JSON' },
  { key: 'percentileMetrics', flag: '--percentile-metrics <list>', value: 'percentile metrics', defaultNote: 'ttft,tpot,itl,e2el', help: 'metrics whose mean/median/std/percentiles the result JSON keeps' },
  { key: 'metricPercentiles', flag: '--metric-percentiles <list>', value: 'percentiles', defaultNote: '99', help: 'percentiles kept for each of them' },
  { key: 'disableTqdm', flag: '--disable-tqdm', value: 'switch', defaultValue: false, appliesDefault: true, help: 'no progress bar' },
];
