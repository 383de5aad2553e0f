import type { Command } from 'commander';
import { ENGINE_FLAG_TABLE } from '../core/config/engineFlagTable.js';
import type { EngineFlags } from '../core/config/engineFlags.js';
import { addFlagRows, longFlagOf } from './flagTable.js';

/** The engine flags of `vllm serve` (SPEC §1.1) that every command running an engine takes. */
export type EngineFlagOptions = Pick<EngineFlags, 'maxModelLen' | 'maxNumSeqs' | 'maxNumBatchedTokens' | 'enablePrefixCaching' | 'tensorParallelSize' | 'numGpuBlocksOverride' | 'seed'>;

/** Adds the engine flags, spelled as `vllm serve` spells them, to a command. */
export function addEngineFlagOptions(command: Command): Command {
  return addFlagRows(command, ENGINE_FLAG_TABLE.filter((row) => row.scope === 'engine'));
}

/** Adds every flag of `vllm serve`, the server's and the engine's, in table order. */
export function addServeFlagOptions(command: Command): Command {
  return addFlagRows(command, ENGINE_FLAG_TABLE);
}

/** The engine flags the user gave (absent ones stay absent, so the config's defaults apply). */
export function engineFlagsFrom(model: string, options: EngineFlagOptions & Partial<Omit<EngineFlags, 'model'>>): EngineFlags {
  const flags: Record<string, unknown> = { model };
  for (const [key, value] of Object.entries(options)) if (value !== undefined) flags[key] = value;
  return flags as unknown as EngineFlags;
}

/** vLLM's other spellings (`-tp`); commander only knows one-letter short flags, so they are rewritten first. */
export function rewriteVllmShortFlags(argv: readonly string[]): string[] {
  const aliases = ENGINE_FLAG_TABLE.filter((row) => row.alias !== undefined).map((row) => ({ alias: row.alias as string, long: longFlagOf(row) }));
  return argv.map((arg) => {
    for (const { alias, long } of aliases) {
      if (arg === alias) return long;
      if (arg.startsWith(`${alias}=`)) return `${long}=${arg.slice(alias.length + 1)}`;
    }
    return arg;
  });
}

/** Makes a command accept vLLM's other spellings (`-tp N` as `--tensor-parallel-size N`). */
export function acceptVllmShortFlags(command: Command): Command {
  const parseOptions = command.parseOptions.bind(command);
  command.parseOptions = (argv: string[]) => parseOptions(rewriteVllmShortFlags(argv));
  return command;
}
