import type { GenerateParams } from '../core/engine/generationTypes.js';

/**
 * Sampling defaults from the model's generation_config.json, as vLLM applies them (`--generation-config
 * auto`): temperature, top_p, top_k, min_p and repetition_penalty when the file sets them.
 */
export function generationDefaults(generationConfig: Readonly<Record<string, unknown>>): GenerateParams {
  const number = (key: string): number | undefined => {
    const value = generationConfig[key];
    return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
  };
  const entries: [keyof GenerateParams, number | undefined][] = [
    ['temperature', number('temperature')],
    ['topP', number('top_p')],
    ['topK', number('top_k')],
    ['minP', number('min_p')],
    ['repetitionPenalty', number('repetition_penalty')],
  ];
  return Object.fromEntries(entries.filter(([, value]) => value !== undefined)) as GenerateParams;
}
