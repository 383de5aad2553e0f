// Config fields that change a Llama-family decoder's math beyond what its graph's weights say: Granite's four
// multipliers are read (model_type granite), each other one the sendnn programs do not implement is refused by name.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigReader } from '../../../models/dir/configFields.js';
import { readJsonObject } from '../../../models/dir/jsonFile.js';
import { readGraniteMultipliers, type GraniteMultipliers } from '../../../models/llama/graniteMultipliers.js';
import type { ModelDirInfo } from '../../../models/dir/index.js';
import { unmappable } from './unmappable.js';

export interface DecoderConfigFields {
  /** config.json's rms_norm_eps, used only when the graph does not state its epsilon. */
  readonly rmsNormEps: number | undefined;
  /** model_type granite: its four multipliers (absent ones at transformers' defaults). */
  readonly granite: GraniteMultipliers | undefined;
}

/** Granite's scalings in a config that is not a Granite's: 1 (or absent) is plain Llama. */
const UNIT_MULTIPLIERS = ['embedding_multiplier', 'residual_multiplier', 'logits_scaling'];

export function refuseUnmappedConfig(info: ModelDirInfo): DecoderConfigFields {
  const path = join(info.dir, 'config.json');
  if (!existsSync(path)) return { rmsNormEps: undefined, granite: undefined };
  const config = readJsonObject(path);
  const present = (key: string): boolean => config[key] !== undefined && config[key] !== null;
  if (present('rope_scaling')) throw unmappable(path, `field "rope_scaling" (${JSON.stringify(config['rope_scaling'])}) is not supported: the programs compute unscaled rotary`);
  const granite = config['model_type'] === 'granite' ? readGraniteMultipliers(new ConfigReader(config, path)) : undefined;
  for (const key of granite ? [] : UNIT_MULTIPLIERS) {
    if (present(key) && config[key] !== 1) throw unmappable(path, `field "${key}" = ${JSON.stringify(config[key])} is not supported for model_type ${JSON.stringify(config['model_type'])} (only 1; model_type granite reads it)`);
  }
  if (!granite && present('attention_multiplier') && Math.abs(Number(config['attention_multiplier']) - 1 / Math.sqrt(info.dims.headDim)) > 1e-6) {
    throw unmappable(path, `field "attention_multiplier" = ${JSON.stringify(config['attention_multiplier'])} is not supported for model_type ${JSON.stringify(config['model_type'])} (only 1/sqrt(head_dim); model_type granite reads it)`);
  }
  const window = config['sliding_window'];
  if (typeof window === 'number' && config['use_sliding_window'] !== false && window < info.dims.maxPositionEmbeddings) {
    throw unmappable(path, `field "sliding_window" = ${window} is not supported: the programs attend to the whole context`);
  }
  if (present('partial_rotary_factor') && config['partial_rotary_factor'] !== 1) throw unmappable(path, `field "partial_rotary_factor" = ${JSON.stringify(config['partial_rotary_factor'])} is not supported`);
  const eps = config['rms_norm_eps'];
  return { rmsNormEps: typeof eps === 'number' ? eps : undefined, granite };
}
