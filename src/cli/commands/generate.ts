// `spyre generate`: one prompt through the engine (the backend VLLM_SPYRE_DYNAMO_BACKEND names), streamed to
// stdout (or one JSON line); with sendnn_compile_only, the compile summary and nothing generated.
import type { Command } from 'commander';
import { startLlmEngine } from '../../app/createLlmEngine.js';
import { generationDefaults } from '../../app/generationDefaults.js';
import { EngineError } from '../../core/contracts/errors.js';
import type { LogLevel } from '../../core/contracts/config.js';
import type { FinalOutput, GenerateParams } from '../../core/engine/generationTypes.js';
import { acceptVllmShortFlags, addEngineFlagOptions, engineFlagsFrom, type EngineFlagOptions } from '../engineFlagOptions.js';
import { GENERATE_FLAG_TABLE, GENERATE_MODEL_FLAG } from '../commandFlagTables.js';
import { addFlagRows } from '../flagTable.js';
import { runCliAction } from '../runCliAction.js';

export interface GenerateCommandOptions extends EngineFlagOptions {
  readonly model: string;
  readonly maxTokens?: number;
  readonly temperature?: number;
  readonly topP?: number;
  readonly topK?: number;
  readonly json?: boolean;
  readonly logLevel: LogLevel;
}


/**
 * Runs the command; text goes to `stdout` as it is generated, log lines to stderr. With
 * VLLM_SPYRE_DYNAMO_BACKEND=sendnn_compile_only it prints the compile summary (`--json`: the catalog entry)
 * and returns undefined: nothing is generated.
 */
export async function runGenerate(prompt: string, options: GenerateCommandOptions, stdout: NodeJS.WritableStream = process.stdout): Promise<FinalOutput | undefined> {
  const started = await startLlmEngine({
    flags: engineFlagsFrom(options.model, {
      maxModelLen: options.maxModelLen,
      maxNumSeqs: options.maxNumSeqs,
      maxNumBatchedTokens: options.maxNumBatchedTokens,
      enablePrefixCaching: options.enablePrefixCaching,
      tensorParallelSize: options.tensorParallelSize,
      numGpuBlocksOverride: options.numGpuBlocksOverride,
      seed: options.seed,
      logLevel: options.logLevel,
    }),
  });
  if (started.kind === 'compiled') {
    const { report, summary } = started;
    stdout.write(options.json ? `${JSON.stringify({ compiled: report.sources.length, sources: report.sources, cache_dir: report.cacheDir, catalog: report.catalogPath, entry: report.entry })}\n` : `${summary}\n`);
    return undefined;
  }
  const { created } = started;
  try {
    const params: GenerateParams = {
      ...generationDefaults(created.model.info.generationConfig),
      ...(options.maxTokens !== undefined ? { maxTokens: options.maxTokens } : {}),
      ...(options.temperature !== undefined ? { temperature: options.temperature } : {}),
      ...(options.topP !== undefined ? { topP: options.topP } : {}),
      ...(options.topK !== undefined ? { topK: options.topK } : {}),
      ...(options.seed !== undefined ? { seed: options.seed } : {}),
    };
    let final: FinalOutput | undefined;
    for await (const output of created.engine.generate(prompt, params)) {
      if (output.kind === 'final') final = output;
      else if (!options.json && output.text.length > 0) stdout.write(output.text);
    }
    if (!final) throw new EngineError('invariant_violated', 'the request ended without a final output.');
    stdout.write(options.json ? `${JSON.stringify({ text: final.text, token_ids: final.tokenIds, finish_reason: final.finishReason })}\n` : '\n');
    return final;
  } finally {
    await created.close();
  }
}

/** `spyre generate --model DIR [engine flags] [sampling flags] [--json] PROMPT`. */
export function registerGenerateCommands(program: Command): void {
  const command = program
    .command('generate')
    .description('generate from one prompt (backend: VLLM_SPYRE_DYNAMO_BACKEND, eager by default), streaming the text to stdout')
    .argument('<prompt>', 'the prompt text');
  addFlagRows(command, [GENERATE_MODEL_FLAG]);
  addEngineFlagOptions(command);
  addFlagRows(command, GENERATE_FLAG_TABLE)
    .action((prompt: string, options: GenerateCommandOptions) =>
      runCliAction(async () => {
        await runGenerate(prompt, options);
      }),
    );
  acceptVllmShortFlags(command);
}
