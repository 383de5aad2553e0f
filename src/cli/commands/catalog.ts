// `spyre catalog add|list|verify|prune`: the tools vLLM-Spyre promises for pre_compiled_cache_catalog.json
// (SPEC §6). `add` compiles what the configuration needs into the cache (sendnn_compile_only) and records
// its entry; `verify` checks every entry's artifacts; `prune` drops entries whose artifacts are gone.
import { InvalidArgumentError, type Command } from 'commander';
import { catalogPathOf, pruneCatalog, readCatalogFile, verifyCatalog } from '../../backends/sendnn/cache/catalogFile.js';
import { runSendnnCompileOnly, type CompileOnlyReport } from '../../backends/sendnn/sendnnCompileOnly.js';
import { sendnnOptionsFromEnv } from '../../backends/sendnn/sendnnOptions.js';
import { resolveEngineConfig } from '../../core/config/resolveEngineConfig.js';
import type { EngineConfig, ModelTask } from '../../core/contracts/config.js';
import { EngineError } from '../../core/contracts/errors.js';
import type { Logger } from '../../core/contracts/logger.js';
import { acceptVllmShortFlags } from '../engineFlagOptions.js';
import { runCliAction } from '../runCliAction.js';

const stderrLogger: Logger = {
  debug: () => undefined,
  info: (message) => process.stderr.write(`${message}\n`),
  warn: (message) => process.stderr.write(`${message}\n`),
  error: (message) => process.stderr.write(`${message}\n`),
};

function positiveInt(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed <= 0) throw new InvalidArgumentError('expected a positive integer.');
  return parsed;
}

function cacheDirFrom(option: string | undefined): string {
  const dir = option ?? process.env.TORCH_SENDNN_CACHE_DIR;
  if (dir === undefined || dir.trim() === '') throw new EngineError('invalid_config', 'no cache directory: pass --cache-dir or set TORCH_SENDNN_CACHE_DIR.');
  return dir;
}

interface AddOptions {
  readonly cacheDir?: string;
  readonly maxModelLen?: number;
  readonly maxNumSeqs?: number;
  readonly maxNumBatchedTokens?: number;
  readonly tensorParallelSize?: number;
  readonly task?: ModelTask;
  readonly library?: string;
}

const TASKS: readonly ModelTask[] = ['generate', 'embed', 'score', 'classify'];

function parseTask(value: string): ModelTask {
  if (!(TASKS as readonly string[]).includes(value)) throw new InvalidArgumentError(`expected one of ${TASKS.join(', ')}.`);
  return value as ModelTask;
}

/** The configuration `catalog add` compiles for: the serve flags, with the cache forced on at `cacheDir`. */
export function compileOnlyConfig(model: string, options: AddOptions, env: Readonly<Record<string, string | undefined>>): EngineConfig {
  const { cacheDir: _cacheDir, library, ...flags } = options;
  return resolveEngineConfig(
    { model, ...flags },
    {
      ...env,
      VLLM_SPYRE_DYNAMO_BACKEND: 'sendnn_compile_only',
      TORCH_SENDNN_CACHE_ENABLE: '1',
      TORCH_SENDNN_CACHE_DIR: cacheDirFrom(options.cacheDir),
      ...(library !== undefined ? { SPYRE_SENDNN_LIBRARY: library } : {}),
    },
    stderrLogger,
  );
}

function summary(report: CompileOnlyReport): string {
  const counts = { cache: 0, compiled: 0, recompiled: 0 };
  for (const source of report.sources) counts[source] += 1;
  return `recorded ${JSON.stringify(report.entry.data)} in ${report.catalogPath}: ${report.sources.length} programs (${counts.compiled} compiled, ${counts.recompiled} recompiled, ${counts.cache} already cached) in ${report.elapsedS.toFixed(2)} s\n`;
}

export function registerCatalogCommands(program: Command): void {
  const catalog = program.command('catalog').description('manage the precompiled catalog (pre_compiled_cache_catalog.json) of a sendnn cache directory');
  const cacheDirOption = '--cache-dir <dir>';
  const cacheDirHelp = 'the cache directory (default: TORCH_SENDNN_CACHE_DIR)';
  const add = catalog
    .command('add')
    .description('compile every program a configuration needs into the cache (as sendnn_compile_only) and add or update its catalog entry')
    .argument('<model>', 'model directory')
    .option(cacheDirOption, cacheDirHelp)
    .option('--max-model-len <n>', 'max_model_len', positiveInt)
    .option('--max-num-seqs <n>', 'max_num_seqs', positiveInt)
    .option('--max-num-batched-tokens <n>', 'chunk size', positiveInt)
    .option('--tp, --tensor-parallel-size <n>', 'NUM_AIUS: the tensor parallel size (-tp)', positiveInt)
    .option('--task <task>', 'generate (default) or a pooling task (embed, score, classify: shapes from VLLM_SPYRE_WARMUP_PROMPT_LENS / _BATCH_SIZES)', parseTask)
    .option('--library <path>', 'the sendnn library (default: SPYRE_SENDNN_LIBRARY or the bundled emulator)')
    .action((model: string, options: AddOptions) =>
      runCliAction(async () => {
        const report = await runSendnnCompileOnly(compileOnlyConfig(model, options, process.env), stderrLogger, sendnnOptionsFromEnv(process.env));
        process.stdout.write(summary(report));
      }),
    );
  acceptVllmShortFlags(add);
  catalog
    .command('list')
    .description('print the catalog entries')
    .option(cacheDirOption, cacheDirHelp)
    .action((options: { cacheDir?: string }) =>
      runCliAction(() => {
        const entries = readCatalogFile(cacheDirFrom(options.cacheDir));
        entries.forEach((entry, index) => {
          const record = entry.spyre_engine;
          process.stdout.write(
            `${index}\t${JSON.stringify(entry.data)}\tvllm_spyre_version=${entry.vllm_spyre_version ?? '-'}\tchunk=${record?.chunk_size ?? '-'}\t` +
              `library=${record?.library_name ?? '-'} ${record?.library_version ?? ''}\tprograms=${record?.programs?.length ?? 0}\n`,
          );
        });
        if (entries.length === 0) process.stderr.write(`no entries in ${catalogPathOf(cacheDirFrom(options.cacheDir))}\n`);
      }),
    );
  catalog
    .command('verify')
    .description("check that every entry's programs are in the cache with the recorded size and sha256 (exit 1 if not)")
    .option(cacheDirOption, cacheDirHelp)
    .action((options: { cacheDir?: string }) =>
      runCliAction(() => {
        const checks = verifyCatalog(cacheDirFrom(options.cacheDir));
        for (const check of checks) {
          const head = `${check.index}\t${JSON.stringify(check.entry.data)}`;
          process.stdout.write(check.problems.length === 0 ? `${head}\tok\n` : `${head}\t${check.problems.join('; ')}\n`);
        }
        if (checks.some((check) => check.problems.length > 0)) process.exitCode = 1;
      }),
    );
  catalog
    .command('prune')
    .description('remove entries whose programs are missing or corrupted; with --orphans, also delete artifacts no entry names')
    .option(cacheDirOption, cacheDirHelp)
    .option('--orphans', 'delete *.sendnn artifacts that no remaining entry names', false)
    .action((options: { cacheDir?: string; orphans: boolean }) =>
      runCliAction(() => {
        const report = pruneCatalog(cacheDirFrom(options.cacheDir), options.orphans);
        for (const check of report.removedEntries) process.stdout.write(`removed entry ${check.index} ${JSON.stringify(check.entry.data)}: ${check.problems.join('; ')}\n`);
        for (const file of report.removedArtifacts) process.stdout.write(`deleted ${file}\n`);
        process.stderr.write(`pruned ${report.removedEntries.length} entries and ${report.removedArtifacts.length} artifacts\n`);
      }),
    );
}
