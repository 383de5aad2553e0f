// `spyre embed`: texts through a pooling model's embedding path; JSON vectors (OpenAI's embeddings
// response shape) or a one-line-per-text summary on stdout, log lines on stderr.
import type { Command } from 'commander';
import { startPoolingEngine } from '../../app/createPoolingEngine.js';
import type { LogLevel } from '../../core/contracts/config.js';
import type { EmbeddingResult } from '../../core/scheduler/pooling/poolingResults.js';
import { EMBED_FLAG_TABLE } from '../commandFlagTables.js';
import { addFlagRows } from '../flagTable.js';
import { runCliAction } from '../runCliAction.js';

export interface EmbedCommandOptions {
  readonly model: string;
  readonly dims?: boolean;
  /** commander's --no-normalize gives false; absent means "as the model says". */
  readonly normalize?: boolean;
  readonly deviceMemoryBytes?: number;
  readonly logLevel: LogLevel;
}

function summaryLine(result: EmbeddingResult): string {
  const norm = Math.hypot(...result.embedding);
  const head = Array.from(result.embedding.slice(0, 4), (value) => value.toFixed(4)).join(', ');
  return `${result.index}: ${result.embedding.length} dims, norm ${norm.toFixed(6)}, ${result.promptTokens} tokens, [${head}, …]`;
}

/**
 * Embeds `texts` with the model of `options.model`; warmup shapes come from VLLM_SPYRE_WARMUP_* in `env`.
 * With VLLM_SPYRE_DYNAMO_BACKEND=sendnn_compile_only, prints the compile summary and embeds nothing.
 */
export async function runEmbed(
  texts: readonly string[],
  options: EmbedCommandOptions,
  stdout: NodeJS.WritableStream = process.stdout,
  env: NodeJS.ProcessEnv = process.env,
): Promise<readonly EmbeddingResult[]> {
  const started = await startPoolingEngine({
    flags: { model: options.model, task: 'embed', logLevel: options.logLevel },
    env,
    ...(options.deviceMemoryBytes !== undefined ? { deviceMemoryBytes: options.deviceMemoryBytes } : {}),
  });
  if (started.kind === 'compiled') {
    // VLLM_SPYRE_DYNAMO_BACKEND=sendnn_compile_only: the programs are in the cache, nothing is embedded.
    stdout.write(`${started.summary}\n`);
    return [];
  }
  const { created } = started;
  try {
    const results = await created.engine.embed(texts, options.normalize === false ? { normalize: false } : {});
    if (options.dims) {
      stdout.write(`${results.map(summaryLine).join('\n')}\n`);
    } else {
      const promptTokens = results.reduce((sum, result) => sum + result.promptTokens, 0);
      stdout.write(`${JSON.stringify({
        object: 'list',
        model: created.config.servedModelName,
        data: results.map((result) => ({ object: 'embedding', index: result.index, embedding: Array.from(result.embedding) })),
        usage: { prompt_tokens: promptTokens, total_tokens: promptTokens },
      })}\n`);
    }
    return results;
  } finally {
    await created.close();
  }
}

/** `spyre embed --model DIR [--dims] [--no-normalize] [--device-memory-bytes N] TEXT…`. */
export function registerEmbedCommands(program: Command): void {
  const command = program
    .command('embed')
    .description('embed texts with a pooling model (backend: VLLM_SPYRE_DYNAMO_BACKEND, eager by default); warmup shapes from VLLM_SPYRE_WARMUP_PROMPT_LENS / _BATCH_SIZES')
    .argument('<texts...>', 'the texts to embed, one vector each');
  addFlagRows(command, EMBED_FLAG_TABLE)
    .action((texts: string[], options: EmbedCommandOptions) =>
      runCliAction(async () => {
        await runEmbed(texts, options);
      }),
    );
}
