// Reads and validates a model directory in the Hugging Face layout (config.json, optional
// generation_config.json, tokenizer files, onnx/model.onnx), or the onnxruntime-genai layout where
// genai_config.json stands alone. Fails early, naming the file, instead of deep inside a backend.
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ConfigReader } from './configFields.js';
import { OPTIMUM_DECODER_IO, genaiDecoder, genaiDecoderIo, genaiDims } from './genaiConfig.js';
import { hfDims } from './hfDims.js';
import { readJsonObject, readOptionalJsonObject } from './jsonFile.js';
import { ModelDirError } from './modelDirError.js';
import {
  DECODER_MODEL_TYPES, ENCODER_MODEL_TYPES,
  type ConfigSource, type ModelDims, type ModelDirInfo, type ModelKind, type SupportedModelType, type TokenizerFiles,
} from './modelDirInfo.js';

interface ModelConfig {
  readonly source: ConfigSource;
  readonly file: string;
  readonly modelType: SupportedModelType;
  readonly dims: ModelDims;
  readonly main: ConfigReader; // where bos/eos/pad ids live
  readonly genaiDecoder: ConfigReader | undefined;
}

const SUPPORTED: readonly string[] = [...DECODER_MODEL_TYPES, ...ENCODER_MODEL_TYPES];

function checkModelType(file: string, modelType: string | undefined, field: string): SupportedModelType {
  if (modelType === undefined) throw new ModelDirError('unsupported-model-type', file, `no "${field}" field, so the architecture is unknown`);
  if (!SUPPORTED.includes(modelType)) {
    throw new ModelDirError('unsupported-model-type', file, `${field} "${modelType}" is not supported (supported: ${SUPPORTED.join(', ')})`);
  }
  return modelType as SupportedModelType;
}

function readModelConfig(dir: string): ModelConfig {
  const configPath = join(dir, 'config.json');
  const genaiPath = join(dir, 'genai_config.json');
  const hf = existsSync(configPath) ? new ConfigReader(readJsonObject(configPath), configPath) : undefined;
  const genai = existsSync(genaiPath) ? new ConfigReader(readJsonObject(genaiPath), genaiPath) : undefined;
  const decoder = genai ? genaiDecoder(genai) : undefined;
  // A config.json without model_type (some early genai exports wrote one) defers to genai_config.json.
  if (hf && (hf.has('model_type') || !genai)) {
    const modelType = checkModelType(configPath, hf.optionalString('model_type'), 'model_type');
    return { source: 'config.json', file: configPath, modelType, dims: hfDims(hf), main: hf, genaiDecoder: decoder };
  }
  if (!genai) throw new ModelDirError('missing-file', configPath, 'file not found (nor genai_config.json next to it)');
  const model = genai.object('model');
  if (!model || !decoder) throw new ModelDirError('invalid-config', genaiPath, 'expected a "model" object with a "decoder" object');
  const modelType = checkModelType(genaiPath, model.optionalString('type'), 'model.type');
  return { source: 'genai_config.json', file: genaiPath, modelType, dims: genaiDims(model, decoder), main: model, genaiDecoder: decoder };
}

function findOnnxModel(dir: string, genaiDecoderConfig: ConfigReader | undefined): string {
  const genaiFile = genaiDecoderConfig?.optionalString('filename');
  const candidates = ['onnx/model.onnx', ...(genaiFile ? [genaiFile] : []), 'model.onnx'].map((name) => join(dir, name));
  const found = candidates.find((path) => existsSync(path));
  if (!found) throw new ModelDirError('missing-file', candidates[0] as string, `file not found (also looked for ${candidates.slice(1).join(', ')})`);
  return found;
}

function findTokenizer(dir: string): TokenizerFiles | undefined {
  const tokenizerJsonPath = join(dir, 'tokenizer.json');
  if (!existsSync(tokenizerJsonPath)) return undefined;
  const tokenizerConfigPath = join(dir, 'tokenizer_config.json');
  // Parsed here only to report a broken file early; the tokenizer reads it again.
  const tokenizerConfig = readOptionalJsonObject(tokenizerConfigPath);
  return { tokenizerJsonPath, tokenizerConfigPath: tokenizerConfig ? tokenizerConfigPath : undefined };
}

function uniqueIds(...lists: ReadonlyArray<readonly number[]>): number[] {
  return [...new Set(lists.flat())];
}

/** Reads `dir`; throws ModelDirError (naming the file) for anything missing, unparsable or unsupported. */
export function readModelDir(dir: string): ModelDirInfo {
  const absoluteDir = resolve(dir);
  if (!existsSync(absoluteDir) || !statSync(absoluteDir).isDirectory()) {
    throw new ModelDirError('missing-file', absoluteDir, 'model directory not found');
  }
  const config = readModelConfig(absoluteDir);
  const generationPath = join(absoluteDir, 'generation_config.json');
  const generationConfig = readOptionalJsonObject(generationPath) ?? {};
  const generation = new ConfigReader(generationConfig, generationPath);
  const kind: ModelKind = (DECODER_MODEL_TYPES as readonly string[]).includes(config.modelType) ? 'decoder' : 'encoder';
  const onnxModelPath = findOnnxModel(absoluteDir, config.genaiDecoder);
  const externalData = [`${onnxModelPath}.data`, `${onnxModelPath}_data`].find((path) => existsSync(path));
  const firstId = (key: string): number | undefined => generation.tokenIds(key)[0] ?? config.main.tokenIds(key)[0];
  return {
    dir: absoluteDir,
    configSource: config.source,
    modelType: config.modelType,
    kind,
    dims: config.dims,
    onnxModelPath,
    onnxExternalDataPath: externalData,
    decoderIo: kind === 'decoder' ? (config.genaiDecoder ? genaiDecoderIo(config.genaiDecoder) : OPTIMUM_DECODER_IO) : undefined,
    specialTokens: {
      bosTokenId: firstId('bos_token_id'),
      eosTokenIds: uniqueIds(generation.tokenIds('eos_token_id'), config.main.tokenIds('eos_token_id')),
      padTokenId: firstId('pad_token_id'),
    },
    tokenizer: findTokenizer(absoluteDir),
    generationConfig,
  };
}

/** The tokenizer files, or an error naming tokenizer.json for a directory that has none. */
export function requireTokenizer(info: ModelDirInfo): TokenizerFiles {
  if (!info.tokenizer) throw new ModelDirError('missing-file', join(info.dir, 'tokenizer.json'), 'file not found; a text model needs its tokenizer');
  return info.tokenizer;
}
