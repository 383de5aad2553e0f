// The flags of `vllm serve` (SPEC §1.1) as one table: the flag, its key in EngineFlags, the kind of value,
// the documented default, the help text and the environment variable it falls back to. The CLI generates
// its options from these rows (src/cli/engineFlagOptions.ts), and the config reads the environment variable named here.
import { EngineError } from '../contracts/errors.js';
import { DEFAULTS, type EngineFlags } from './engineFlags.js';

/** How a flag's value is read: each kind has one parser in the CLI. */
export type FlagValueKind = 'positive integer' | 'non-negative integer' | 'port' | 'task' | 'log level' | 'text' | 'switch';

/**
 * One flag. `scope`: every command that runs an engine takes the engine flags; only `spyre serve` the server
 * flags. The CLI writes the help line from `help`, the default (`defaultValue`, or `defaultNote` when the
 * config derives it) and the environment variable, so none of them is written twice.
 */
export interface EngineFlagRow {
  readonly key: Exclude<keyof EngineFlags, 'model' | 'numBlocks'>;
  /** As `vllm serve` spells it, with its value placeholder: `--max-num-seqs <n>`. */
  readonly flag: string;
  readonly value: FlagValueKind;
  readonly help: string;
  readonly scope: 'engine' | 'server';
  /** What applies when the flag is absent, when it is a constant (the config resolves the others from the model). */
  readonly defaultValue?: string | number;
  /** What applies when the flag is absent and the default is not a constant: `the model config`. */
  readonly defaultNote?: string;
  /** The environment variable read when the flag is absent. */
  readonly envVar?: string;
  /** vLLM's other spelling (commander knows only one-letter short flags, so the CLI rewrites it). */
  readonly alias?: string;
  /** The help text of the `--no-` form of a switch. */
  readonly negatedHelp?: string;
}

/** `--api-key`'s fallback, as vLLM reads it. */
export const API_KEY_ENV_VAR = 'VLLM_API_KEY';

export const ENGINE_FLAG_TABLE: readonly EngineFlagRow[] = [
  { key: 'host', flag: '--host <host>', value: 'text', scope: 'server', defaultValue: DEFAULTS.host, help: 'address to bind' },
  { key: 'port', flag: '--port <port>', value: 'port', scope: 'server', defaultValue: DEFAULTS.port, help: 'port; 0 picks a free one' },
  { key: 'servedModelName', flag: '--served-model-name <name>', value: 'text', scope: 'server', defaultNote: 'MODEL as given', help: 'the model name clients send' },
  { key: 'maxModelLen', flag: '--max-model-len <n>', value: 'positive integer', scope: 'engine', defaultNote: 'the model config', help: 'context length' },
  { key: 'maxNumSeqs', flag: '--max-num-seqs <n>', value: 'positive integer', scope: 'engine', defaultValue: DEFAULTS.maxNumSeqs, help: 'largest decode batch' },
  {
    key: 'maxNumBatchedTokens',
    flag: '--max-num-batched-tokens <n>',
    value: 'positive integer',
    scope: 'engine',
    defaultValue: DEFAULTS.chunkSize,
    help: 'prefill chunk size, a multiple of 64',
  },
  {
    key: 'enablePrefixCaching',
    flag: '--enable-prefix-caching',
    value: 'switch',
    scope: 'engine',
    help: 'reuse whole prefill chunks of cached prefixes',
    negatedHelp: 'no prefix caching (the default for generative models)',
  },
  { key: 'tensorParallelSize', flag: '--tensor-parallel-size <n>', value: 'positive integer', scope: 'engine', alias: '-tp', defaultValue: DEFAULTS.tensorParallelSize, help: 'tensor parallel size (-tp)' },
  { key: 'numGpuBlocksOverride', flag: '--num-gpu-blocks-override <n>', value: 'positive integer', scope: 'engine', help: 'number of KV blocks (rounded down to a multiple of max_num_seqs)' },
  { key: 'seed', flag: '--seed <n>', value: 'non-negative integer', scope: 'engine', defaultValue: DEFAULTS.seed, help: 'engine seed' },
  {
    key: 'apiKey',
    flag: '--api-key <key>',
    value: 'text',
    scope: 'server',
    envVar: API_KEY_ENV_VAR,
    help: "require 'Authorization: Bearer <key>' on every route but /health, /ping, /version, /metrics",
  },
  { key: 'task', flag: '--task <task>', value: 'task', scope: 'server', help: 'generate | embed | score | classify' },
  { key: 'disableLogRequests', flag: '--disable-log-requests', value: 'switch', scope: 'server', help: 'do not log each request' },
  { key: 'logLevel', flag: '--log-level <level>', value: 'log level', scope: 'server', defaultValue: DEFAULTS.logLevel, help: 'debug | info | warning | error | critical' },
];

/** The row of a flag, by its key in EngineFlags. */
export function engineFlagRow(key: EngineFlagRow['key']): EngineFlagRow {
  const row = ENGINE_FLAG_TABLE.find((candidate) => candidate.key === key);
  if (row === undefined) throw new EngineError('invariant_violated', `ENGINE_FLAG_TABLE has no row for ${key}.`);
  return row;
}
