// `spyre model build`: writes a generated model directory (see docs/models.md), with a progress bar
// on stderr and a one-line summary on stdout.
import { InvalidArgumentError, type Command } from 'commander';
import { Presets, SingleBar } from 'cli-progress';
import { existsSync, readdirSync } from 'node:fs';
import { buildModel, isPresetName, PRESET_NAMES, type BuildProgress, type BuiltModel, type PresetName } from '../../models/build/index.js';
import { buildEncoderModel, ENCODER_PRESET_NAMES, isEncoderPresetName, type EncoderPresetName } from '../../models/build/encoder/index.js';

const ALL_PRESET_NAMES: readonly string[] = [...PRESET_NAMES, ...ENCODER_PRESET_NAMES];

/** What the summary line needs, from a decoder or an encoder build. */
type BuiltSummary = Pick<BuiltModel, 'modelDir' | 'parameterCount' | 'weightBytes'> & { readonly shape: { readonly vocabSize: number }; readonly weightsLayout?: string };

export interface ModelBuildCommandOptions {
  readonly preset: PresetName | EncoderPresetName;
  readonly out: string;
  readonly seed: number;
  readonly force: boolean;
}

function parsePreset(value: string): PresetName | EncoderPresetName {
  if (!isPresetName(value) && !isEncoderPresetName(value)) throw new InvalidArgumentError(`unknown preset "${value}"; valid presets: ${ALL_PRESET_NAMES.join(', ')}.`);
  return value;
}

function parseSeed(value: string): number {
  const seed = Number(value);
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new InvalidArgumentError('the seed must be an integer from 0 to 4294967295.');
  return seed;
}

const STAGE_UNITS: Readonly<Record<BuildProgress['stage'], string>> = { tokenizer: 'step', weights: 'MB', graph: 'step' };

function formatValue(progress: BuildProgress, value: number): number {
  return progress.stage === 'weights' ? Math.round(value / 1e6) : value;
}

/** Builds the model, drawing progress on `stderr`; refuses a non-empty output directory without `force`. */
export function runModelBuild(options: ModelBuildCommandOptions, stderr: NodeJS.WritableStream = process.stderr): BuiltSummary {
  if (!options.force && existsSync(options.out) && readdirSync(options.out).length > 0) {
    throw new Error(`${options.out} is not empty; pass --force to overwrite the model files in it.`);
  }
  const bar = new SingleBar({ stream: stderr, format: '{stage} [{bar}] {percentage}% | {shown}/{shownTotal} {unit}', hideCursor: true }, Presets.shades_classic);
  let currentStage: string | undefined;
  const onProgress = (progress: BuildProgress): void => {
    const payload = { stage: progress.stage.padEnd(9), shown: formatValue(progress, progress.done), shownTotal: formatValue(progress, progress.total), unit: STAGE_UNITS[progress.stage] };
    if (progress.stage !== currentStage) {
      if (currentStage !== undefined) bar.stop();
      bar.start(progress.total, progress.done, payload);
      currentStage = progress.stage;
    } else {
      bar.update(progress.done, payload);
    }
  };
  try {
    const preset = options.preset;
    if (isEncoderPresetName(preset)) return { ...buildEncoderModel({ preset, outDir: options.out, seed: options.seed, onProgress }), weightsLayout: 'inline' };
    return buildModel({ preset, outDir: options.out, seed: options.seed, onProgress });
  } finally {
    bar.stop();
  }
}

function summary(built: BuiltSummary, elapsedS: number): string {
  const megabytes = (built.weightBytes / 1e6).toFixed(1);
  return `built ${built.modelDir}: ${built.parameterCount.toLocaleString('en-US')} parameters, vocabulary ${built.shape.vocabSize}, `
    + `${megabytes} MB of fp32 weights (${built.weightsLayout}), in ${elapsedS.toFixed(1)} s\n`;
}

export function registerModelCommands(program: Command): void {
  const model = program.command('model').description('build model directories (random weights, Hugging Face layout) to serve and test with');
  model
    .command('build')
    .description('write a deterministic random-weight Llama decoder or BERT-style encoder in the Hugging Face layout (ONNX, tokenizer, configs)')
    .requiredOption('--preset <name>', `model shape: ${ALL_PRESET_NAMES.join(' | ')}`, parsePreset)
    .requiredOption('--out <dir>', 'output directory (created if missing)')
    .option('--seed <n>', 'seed of the weights and tokenizer corpus', parseSeed, 0)
    .option('--force', 'overwrite the model files in a non-empty directory', false)
    .action((options: ModelBuildCommandOptions, command: Command) => {
      const startedMs = performance.now();
      let built: BuiltSummary;
      try {
        built = runModelBuild(options);
      } catch (error) {
        // Expected failures (non-empty directory, unwritable path) read as CLI errors, not stack traces.
        command.error(`error: ${(error as Error).message}`, { exitCode: 1 });
      }
      process.stdout.write(summary(built, (performance.now() - startedMs) / 1000));
    });
}
