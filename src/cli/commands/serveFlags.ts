import { InvalidArgumentError } from 'commander';
import type { EngineFlags } from '../../core/config/engineFlags.js';
import type { LogLevel, ModelTask } from '../../core/contracts/config.js';

const TASKS: readonly ModelTask[] = ['generate', 'embed', 'score', 'classify'];
const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warning', 'error', 'critical'];

/** `vllm serve`'s options as commander hands them over (SPEC §1.1). */
export interface ServeCommandOptions {
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
}

/** A parser for a positive integer flag; commander prefixes the flag's name to the message. */
export function positiveInteger(value: string): number {
  const parsed = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(parsed) || parsed <= 0) throw new InvalidArgumentError(`expected a positive integer, got '${value}'.`);
  return parsed;
}

export function nonNegativeInteger(value: string): number {
  const parsed = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(parsed)) throw new InvalidArgumentError(`expected a non-negative integer, got '${value}'.`);
  return parsed;
}

export function portNumber(value: string): number {
  const parsed = nonNegativeInteger(value);
  if (parsed > 65535) throw new InvalidArgumentError(`expected a port from 0 to 65535, got '${value}'.`);
  return parsed;
}

export function taskName(value: string): ModelTask {
  if (!(TASKS as readonly string[]).includes(value)) throw new InvalidArgumentError(`expected one of ${TASKS.join(', ')}, got '${value}'.`);
  return value as ModelTask;
}

export function logLevel(value: string): LogLevel {
  const lowered = value.toLowerCase() === 'warn' ? 'warning' : value.toLowerCase();
  if (!(LOG_LEVELS as readonly string[]).includes(lowered)) throw new InvalidArgumentError(`expected one of ${LOG_LEVELS.join(', ')}, got '${value}'.`);
  return lowered as LogLevel;
}

/** `-tp` is vLLM's spelling; commander only knows one-letter short flags, so it is rewritten first. */
export function rewriteVllmShortFlags(argv: readonly string[]): string[] {
  return argv.map((arg) => (arg === '-tp' ? '--tensor-parallel-size' : arg.startsWith('-tp=') ? `--tensor-parallel-size=${arg.slice(4)}` : arg));
}

export function toEngineFlags(model: string, options: ServeCommandOptions): EngineFlags {
  const flags: Record<string, unknown> = { model };
  for (const [key, value] of Object.entries(options)) if (value !== undefined) flags[key] = value;
  return flags as unknown as EngineFlags;
}
