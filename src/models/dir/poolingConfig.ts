// How a pooling model turns its outputs into answers, read the way vLLM and sentence-transformers read
// it: modules.json + 1_Pooling/config.json for embedding pooling and normalisation; config.json's
// id2label / num_labels for classifier labels and `sentence_transformers.activation_fn` for how a
// one-label cross-encoder's logit becomes a score.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigReader } from './configFields.js';
import { readJsonObject, readOptionalJsonObject } from './jsonFile.js';
import { ModelDirError } from './modelDirError.js';

export type EmbeddingPooling = 'mean' | 'cls' | 'last';

/** How a one-label logit becomes a score: sigmoid (sentence-transformers' default) or the raw logit. */
export type ScoreActivation = 'sigmoid' | 'identity';

export interface PoolingConfig {
  readonly pooling: EmbeddingPooling;
  readonly normalize: boolean;
  /** Where `pooling` and `normalize` came from; 'default' when the directory has no sentence-transformers files. */
  readonly poolingSource: string;
  /** Label names by index (id2label), or LABEL_i when the config names none. */
  readonly labels: readonly string[];
  readonly scoreActivation: ScoreActivation;
  /** FFN width (intermediate_size, or DistilBERT's hidden_dim); undefined when the config says nothing. */
  readonly intermediateSize: number | undefined;
}

const IDENTITY_ACTIVATIONS = ['torch.nn.modules.linear.Identity', 'Identity'];

function readPooling(dir: string): Pick<PoolingConfig, 'pooling' | 'normalize' | 'poolingSource'> {
  const modulesPath = join(dir, 'modules.json');
  // vLLM's default for BERT-style embedding models without sentence-transformers files: CLS, normalised.
  if (!existsSync(modulesPath)) return { pooling: 'cls', normalize: true, poolingSource: 'default' };
  let modules: unknown;
  try {
    modules = JSON.parse(readFileSync(modulesPath, 'utf8'));
  } catch (error) {
    throw new ModelDirError('invalid-json', modulesPath, `not valid JSON (${(error as Error).message})`);
  }
  if (!Array.isArray(modules)) throw new ModelDirError('invalid-json', modulesPath, 'expected a list of modules');
  const typeOf = (m: unknown): string => String((m as { type?: unknown }).type ?? '');
  const poolingModule = modules.find((m) => typeOf(m).endsWith('.Pooling')) as { path?: unknown } | undefined;
  const normalize = modules.some((m) => typeOf(m).endsWith('.Normalize'));
  if (!poolingModule) return { pooling: 'cls', normalize, poolingSource: modulesPath };
  const poolingPath = join(dir, String(poolingModule.path ?? '1_Pooling'), 'config.json');
  const pooling = new ConfigReader(readJsonObject(poolingPath), poolingPath);
  if (pooling.boolean('pooling_mode_mean_tokens', false)) return { pooling: 'mean', normalize, poolingSource: poolingPath };
  if (pooling.boolean('pooling_mode_cls_token', false)) return { pooling: 'cls', normalize, poolingSource: poolingPath };
  if (pooling.boolean('pooling_mode_lasttoken', false)) return { pooling: 'last', normalize, poolingSource: poolingPath };
  throw new ModelDirError('invalid-config', poolingPath, 'no supported pooling mode is true (supported: pooling_mode_mean_tokens, pooling_mode_cls_token, pooling_mode_lasttoken)');
}

function readLabels(config: ConfigReader, raw: Readonly<Record<string, unknown>>): string[] {
  const id2label = raw['id2label'];
  if (typeof id2label === 'object' && id2label !== null && !Array.isArray(id2label)) {
    const entries = Object.entries(id2label as Record<string, unknown>).sort(([a], [b]) => Number(a) - Number(b));
    return entries.map(([, label]) => String(label));
  }
  const count = config.optionalPositiveInt('num_labels') ?? 2;
  return Array.from({ length: count }, (_, i) => `LABEL_${i}`);
}

/** Reads the pooling-related configuration of the model directory `dir`. */
export function readPoolingConfig(dir: string): PoolingConfig {
  const configPath = join(dir, 'config.json');
  const raw = readOptionalJsonObject(configPath) ?? {};
  const config = new ConfigReader(raw, configPath);
  const activation = config.object('sentence_transformers')?.optionalString('activation_fn');
  return {
    ...readPooling(dir),
    labels: readLabels(config, raw),
    scoreActivation: activation !== undefined && IDENTITY_ACTIVATIONS.includes(activation) ? 'identity' : 'sigmoid',
    intermediateSize: config.optionalPositiveInt('intermediate_size') ?? config.optionalPositiveInt('hidden_dim'),
  };
}
