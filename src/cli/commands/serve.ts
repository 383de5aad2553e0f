// `spyre serve [MODEL] [flags]`: vllm serve's flags (SPEC §1.1) over the OpenAI-compatible server.
import type { Command } from 'commander';
import { startServe } from '../../server/serve/startServe.js';
import { runCliAction } from '../runCliAction.js';
import { DEFAULT_MODEL_DIR, ensureDefaultModel, isDefaultModel } from './defaultModel.js';
import { acceptVllmShortFlags, addServeFlagOptions, engineFlagsFrom } from '../engineFlagOptions.js';
import { environmentHelp, SERVE_ENVIRONMENT } from '../environmentHelp.js';
import type { ServeCommandOptions } from './serveFlags.js';

async function serve(model: string | undefined, options: ServeCommandOptions): Promise<void> {
  const modelDir = model ?? DEFAULT_MODEL_DIR;
  if (isDefaultModel(modelDir)) ensureDefaultModel(modelDir);
  const started = await startServe({ flags: engineFlagsFrom(modelDir, options) });
  if (started.kind === 'compiled') {
    // VLLM_SPYRE_DYNAMO_BACKEND=sendnn_compile_only: nothing to serve; exit 0 once the summary is out.
    process.stdout.write(`${started.summary}\n`);
    return;
  }
  const { running } = started;
  const stop = (signal: NodeJS.Signals): void => {
    running.shutdown(signal).then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`error during shutdown: ${(error as Error).message}\n`);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

export function registerServeCommand(program: Command): void {
  const command = program
    .command('serve')
    .description(`serve a model over an OpenAI-compatible HTTP API: generative, or pooling with --task embed|score|classify or an encoder directory (default model: ${DEFAULT_MODEL_DIR}, built on first use)`)
    .argument('[model]', 'model directory (Hugging Face layout)');
  addServeFlagOptions(command)
    .action((model: string | undefined, options: ServeCommandOptions) => runCliAction(() => serve(model, options)));
  acceptVllmShortFlags(command);
  command.addHelpText('after', environmentHelp(SERVE_ENVIRONMENT));
}
