// What the one composition root knows of a kind of engine: how to create it over a model directory and how
// to resolve its config when the backend only compiles. The task picks the kind (startEngine.ts); the kind
// picks its column of the backend table (backendRegistry.ts).
import type { CompileOnlyReport } from '../backends/sendnn/sendnnCompileOnly.js';
import type { EngineFlags } from '../core/config/engineFlags.js';
import { parseSpyreEnvironment, type EnvSource } from '../core/config/envVars.js';
import { startupSummary } from '../core/config/resolveEngineConfig.js';
import type { EngineConfig } from '../core/contracts/config.js';
import type { Logger } from '../core/contracts/logger.js';
import { BACKEND_REGISTRY } from './backendRegistry.js';
import { stderrLogger } from './stderrLogger.js';

/** The model a decoder generates with; an encoder embeds, scores or classifies with. */
export type EngineKindName = 'decoder' | 'encoder';

export interface CreateEngineOptions {
  /** Engine flags as `vllm serve` spells them; `model` is the model directory. */
  readonly flags: EngineFlags;
  /** Where VLLM_SPYRE_* variables are read; default `process.env`. */
  readonly env?: EnvSource;
  readonly logger?: Logger;
  readonly intraOpNumThreads?: number;
  /** Device memory budget of an encoder's up-front check (`--device-memory-bytes`); default: what the backend reports (eager: none). */
  readonly deviceMemoryBytes?: number;
}

/** One kind of engine, as the composition root drives it. */
export interface EngineKind<Created> {
  readonly name: EngineKindName;
  /** A serving engine over the model directory, with the backend `VLLM_SPYRE_DYNAMO_BACKEND` names. */
  create(options: CreateEngineOptions): Promise<Created>;
  /** The config a compile-only backend compiles for (read from the directory, no model loaded). */
  compileConfig(options: CreateEngineOptions, env: EnvSource, logger: Logger): EngineConfig;
}

/** What starting an engine gives: a serving engine, or (sendnn_compile_only) the programs compiled into the cache. */
export type StartedOf<Created> =
  | { readonly kind: 'serving'; readonly created: Created }
  | { readonly kind: 'compiled'; readonly config: EngineConfig; readonly report: CompileOnlyReport; readonly summary: string };

/** One line for the operator: what sendnn_compile_only compiled and where the catalog entry went. */
export function compileOnlySummary(report: CompileOnlyReport): string {
  const counts = { cache: 0, compiled: 0, recompiled: 0 };
  for (const source of report.sources) counts[source] += 1;
  const data = report.entry.data;
  return (
    `sendnn_compile_only: ${report.sources.length} programs in ${report.cacheDir} (${counts.compiled} compiled, ${counts.recompiled} recompiled, ` +
    `${counts.cache} already in the cache) in ${report.elapsedS.toFixed(2)} s; catalog entry ${JSON.stringify(data)} recorded in ${report.catalogPath}. ` +
    'Nothing is served (VLLM_SPYRE_DYNAMO_BACKEND=sendnn_compile_only); serve from the cache with VLLM_SPYRE_DYNAMO_BACKEND=sendnn.'
  );
}

/**
 * Starts an engine of `kind`: by `VLLM_SPYRE_DYNAMO_BACKEND`, a serving engine, or for a compile-only row
 * every program the configuration needs compiled into the cache and its catalog entry recorded, then nothing served.
 */
export async function startEngineOf<Created>(kind: EngineKind<Created>, options: CreateEngineOptions): Promise<StartedOf<Created>> {
  const env = options.env ?? process.env;
  const { compile } = BACKEND_REGISTRY[parseSpyreEnvironment(env).dynamoBackend];
  if (compile === undefined) return { kind: 'serving', created: await kind.create(options) };
  const logger = options.logger ?? stderrLogger(options.flags.logLevel);
  const config = kind.compileConfig(options, env, logger);
  logger.info(startupSummary(config));
  const report = await compile(config, logger, env);
  const summary = compileOnlySummary(report);
  logger.info(summary);
  return { kind: 'compiled', config, report, summary };
}
