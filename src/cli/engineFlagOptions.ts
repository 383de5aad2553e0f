import type { Command } from 'commander';
import type { EngineFlags } from '../core/config/engineFlags.js';
import { nonNegativeInteger, positiveInteger } from './flagParsers.js';

/** The engine flags of `vllm serve` (SPEC §1.1) that every command running an engine takes. */
export interface EngineFlagOptions {
  readonly maxModelLen?: number;
  readonly maxNumSeqs?: number;
  readonly maxNumBatchedTokens?: number;
  readonly enablePrefixCaching?: boolean;
  readonly tensorParallelSize?: number;
  readonly numGpuBlocksOverride?: number;
  readonly seed?: number;
}

/** Adds the engine flags, spelled as `vllm serve` spells them, to a command. */
export function addEngineFlagOptions(command: Command): Command {
  return command
    .option('--max-model-len <n>', 'context length (default: the model config)', positiveInteger)
    .option('--max-num-seqs <n>', 'largest decode batch (default 4)', positiveInteger)
    .option('--max-num-batched-tokens <n>', 'prefill chunk size, a multiple of 64 (default 2048)', positiveInteger)
    .option('--enable-prefix-caching', 'reuse whole prefill chunks of cached prefixes')
    .option('--no-enable-prefix-caching', 'no prefix caching (the default for generative models)')
    .option('--tensor-parallel-size <n>', 'tensor parallel size (-tp)', positiveInteger)
    .option('--num-gpu-blocks-override <n>', 'number of KV blocks (rounded down to a multiple of max_num_seqs)', positiveInteger)
    .option('--seed <n>', 'engine seed', nonNegativeInteger);
}

/** The engine flags the user gave (absent ones stay absent, so the config's defaults apply). */
export function engineFlagsFrom(model: string, options: EngineFlagOptions & Partial<Omit<EngineFlags, 'model'>>): EngineFlags {
  const flags: Record<string, unknown> = { model };
  for (const [key, value] of Object.entries(options)) if (value !== undefined) flags[key] = value;
  return flags as unknown as EngineFlags;
}

/** `-tp` is vLLM's spelling; commander only knows one-letter short flags, so it is rewritten first. */
export function rewriteVllmShortFlags(argv: readonly string[]): string[] {
  return argv.map((arg) => (arg === '-tp' ? '--tensor-parallel-size' : arg.startsWith('-tp=') ? `--tensor-parallel-size=${arg.slice(4)}` : arg));
}

/** Makes a command accept `-tp N` as `--tensor-parallel-size N`. */
export function acceptVllmShortFlags(command: Command): Command {
  const parseOptions = command.parseOptions.bind(command);
  command.parseOptions = (argv: string[]) => parseOptions(rewriteVllmShortFlags(argv));
  return command;
}
