import { existsSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { EngineError } from '../../src/core/contracts/errors.js';
import { NAMED_DECODERS, type DecoderDimensions } from '../../src/device/decoderDimensions.js';
import { getPreset, isPresetName, PRESET_NAMES } from '../../src/models/build/presets.js';
import { SPECIAL_TOKEN_CONTENTS } from '../../src/models/build/tokenizer/specialTokens.js';
import { readLlamaShape } from '../../src/models/llama/llamaConfig.js';

/** `config.model` of a scenario that names no model (the schema's default). */
export const UNNAMED_SCENARIO_MODEL = 'scenario';

/** The model a roofline prices when the scenario names none. */
export const DEFAULT_ROOFLINE_MODEL = 'granite-3.3-8b-instruct';

/** A decoder's dimensions and how the scenario named it (for the cost model's name in reports). */
export interface ScenarioDecoder {
  readonly name: string;
  readonly dimensions: DecoderDimensions;
}

/**
 * The decoder a scenario's `config.model` names, for the roofline: a named model (granite-3.3-8b-instruct,
 * built in), a preset of `spyre model build` (tiny, small-100m; its vocabulary taken as the most its tokenizer
 * can learn), or a model directory (its config.json; relative to the scenario's folder). A scenario that
 * names no model gets granite-3.3-8b-instruct.
 */
export function scenarioDecoder(model: string, baseDir: string): ScenarioDecoder {
  const name = model === UNNAMED_SCENARIO_MODEL ? DEFAULT_ROOFLINE_MODEL : model;
  const named = NAMED_DECODERS[name];
  if (named !== undefined) return { name, dimensions: named };
  if (isPresetName(name)) {
    const preset = getPreset(name);
    const dimensions: DecoderDimensions = {
      vocabSize: SPECIAL_TOKEN_CONTENTS.length + 256 + preset.tokenizerMerges,
      hiddenSize: preset.hiddenSize,
      intermediateSize: preset.intermediateSize,
      numLayers: preset.numHiddenLayers,
      numHeads: preset.numAttentionHeads,
      numKvHeads: preset.numKeyValueHeads,
      headDim: preset.headDim,
      tieWordEmbeddings: preset.tieWordEmbeddings,
    };
    return { name, dimensions };
  }
  const dir = isAbsolute(name) ? name : resolve(baseDir, name);
  if (!existsSync(join(dir, 'config.json'))) {
    throw new EngineError(
      'invalid_scenario',
      `cost_model: a roofline prices the scenario's model, but config.model '${model}' is neither a named model (${Object.keys(NAMED_DECODERS).join(', ')}), ` +
        `a preset (${PRESET_NAMES.join(', ')}) nor a model directory with a config.json (looked in ${dir}). Name one of those, or drop config.model for ${DEFAULT_ROOFLINE_MODEL}.`,
    );
  }
  let shape: ReturnType<typeof readLlamaShape>;
  try {
    shape = readLlamaShape(dir);
  } catch (error) {
    throw new EngineError('invalid_scenario', `cost_model: cannot read the decoder dimensions of config.model '${model}': ${(error as Error).message}`);
  }
  return {
    name,
    dimensions: {
      vocabSize: shape.vocabSize, hiddenSize: shape.hiddenSize, intermediateSize: shape.intermediateSize, numLayers: shape.numHiddenLayers,
      numHeads: shape.numAttentionHeads, numKvHeads: shape.numKeyValueHeads, headDim: shape.headDim, tieWordEmbeddings: shape.tieWordEmbeddings,
    },
  };
}
