// The full Llama shape (norm epsilon, rope base, tying, Granite's multipliers) from a model directory's config.json.
import { join } from 'node:path';
import { ConfigReader } from '../dir/configFields.js';
import { hfDims } from '../dir/hfDims.js';
import { readJsonObject } from '../dir/jsonFile.js';
import type { DecoderShape } from './decoderShape.js';
import { readGraniteMultipliers } from './graniteMultipliers.js';

export function readLlamaShape(modelDir: string): DecoderShape {
  const path = join(modelDir, 'config.json');
  const json = readJsonObject(path);
  const config = new ConfigReader(json, path);
  return {
    ...hfDims(config),
    intermediateSize: config.positiveInt('intermediate_size'),
    rmsNormEps: config.positiveNumber('rms_norm_eps', 1e-6),
    ropeTheta: config.positiveNumber('rope_theta', 10000),
    tieWordEmbeddings: config.boolean('tie_word_embeddings', false),
    ...(json['model_type'] === 'granite' ? { granite: readGraniteMultipliers(config) } : {}),
  };
}
