// Config fields that change a Llama-family decoder's math beyond what its graph's weights say: each one the
// sendnn programs do not implement is refused by name.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { readJsonObject } from '../../../models/dir/jsonFile.js';
import type { ModelDirInfo } from '../../../models/dir/index.js';
import { unmappable } from './unmappable.js';

export interface DecoderConfigFields {
  /** config.json's rms_norm_eps, used only when the graph does not state its epsilon. */
  readonly rmsNormEps: number | undefined;
}

/** Granite's scalings: 1 (or absent) is plain Llama. */
const UNIT_MULTIPLIERS = ['embedding_multiplier', 'residual_multiplier', 'logits_scaling'];

export function refuseUnmappedConfig(info: ModelDirInfo): DecoderConfigFields {
  const path = join(info.dir, 'config.json');
  if (!existsSync(path)) return { rmsNormEps: undefined };
  const config = readJsonObject(path);
  const present = (key: string): boolean => config[key] !== undefined && config[key] !== null;
  if (present('rope_scaling')) throw unmappable(path, `field "rope_scaling" (${JSON.stringify(config['rope_scaling'])}) is not supported: the programs compute unscaled rotary`);
  for (const key of UNIT_MULTIPLIERS) {
    if (present(key) && config[key] !== 1) throw unmappable(path, `field "${key}" = ${JSON.stringify(config[key])} is not supported (only 1)`);
  }
  if (present('attention_multiplier') && Math.abs(Number(config['attention_multiplier']) - 1 / Math.sqrt(info.dims.headDim)) > 1e-6) {
    throw unmappable(path, `field "attention_multiplier" = ${JSON.stringify(config['attention_multiplier'])} is not supported (only 1/sqrt(head_dim))`);
  }
  const window = config['sliding_window'];
  if (typeof window === 'number' && config['use_sliding_window'] !== false && window < info.dims.maxPositionEmbeddings) {
    throw unmappable(path, `field "sliding_window" = ${window} is not supported: the programs attend to the whole context`);
  }
  if (present('partial_rotary_factor') && config['partial_rotary_factor'] !== 1) throw unmappable(path, `field "partial_rotary_factor" = ${JSON.stringify(config['partial_rotary_factor'])} is not supported`);
  const eps = config['rms_norm_eps'];
  return { rmsNormEps: typeof eps === 'number' ? eps : undefined };
}
