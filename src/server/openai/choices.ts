import type { FinalOutput, GenerationOutput } from '../../core/engine/generationTypes.js';
import { ApiError } from '../errors/apiError.js';
import type { OpenAiUsage } from './usage.js';

/**
 * The choice fan-out of `n > 1` (parallel sampling): the engine streams every copy's outputs labelled by
 * `index`; an OpenAI answer has one choice per index. Usage counts the prompt once and every choice's
 * completion tokens, as vLLM does.
 */
export function choiceIndexOf(output: GenerationOutput): number {
  return output.index ?? 0;
}

/** Usage over the choices that have ended so far. */
export class ChoicesUsage {
  private promptTokens = 0;
  private completionTokens = 0;

  add(final: FinalOutput): void {
    this.promptTokens = final.usage.promptTokens;
    this.completionTokens += final.usage.completionTokens;
  }

  toOpenAi(): OpenAiUsage {
    return { prompt_tokens: this.promptTokens, completion_tokens: this.completionTokens, total_tokens: this.promptTokens + this.completionTokens };
  }
}

/** Every choice's final output and the parts `partOf` picked from its deltas, by index, once all `n` have ended. */
export async function collectChoices<Part>(
  outputs: AsyncIterable<GenerationOutput>,
  n: number,
  partOf: (output: GenerationOutput) => readonly Part[],
): Promise<{ finals: FinalOutput[]; parts: Part[][]; usage: OpenAiUsage }> {
  const finals = new Array<FinalOutput | undefined>(n).fill(undefined);
  const parts = Array.from({ length: n }, (): Part[] => []);
  const usage = new ChoicesUsage();
  let numEnded = 0;
  for await (const output of outputs) {
    const index = choiceIndexOf(output);
    parts[index]!.push(...partOf(output));
    if (output.kind !== 'final') continue;
    finals[index] = output;
    usage.add(output);
    numEnded += 1;
    if (numEnded === n) return { finals: finals as FinalOutput[], parts, usage: usage.toOpenAi() };
  }
  throw new ApiError('internal', 'The request ended without a final output.');
}
