import { describe, expect, it } from 'vitest';
import type { FinalOutput, GenerateParams, GenerationOutput } from '../../../../src/core/engine/generationTypes.js';
import { EOS, idsOf, llmEngineRig } from './llmEngineRig.js';

async function finalOf(outputs: AsyncIterable<GenerationOutput>): Promise<FinalOutput> {
  let final: FinalOutput | undefined;
  for await (const output of outputs) if (output.kind === 'final') final = output;
  if (final === undefined) throw new Error('no final output');
  return final;
}

async function run(script: readonly number[], params: GenerateParams): Promise<FinalOutput> {
  const { engine, executor } = llmEngineRig();
  executor.scripts.set('r', script);
  return finalOf(engine.generate('abc', params, { requestId: 'r' }));
}

describe('the final output of LlmEngine', () => {
  it('when a stop token of stop_token_ids ends the request, should name that token id', async () => {
    const final = await run(idsOf('hello'), { maxTokens: 10, stopTokenIds: [idsOf('x')[0]!, idsOf('l')[0]!] });
    expect(final).toMatchObject({ finishReason: 'stop', stopReason: idsOf('l')[0], tokenIds: idsOf('hel') });
  });

  it('when a stop string ends the request, should name the stop string that matched (the earliest cut)', async () => {
    const final = await run(idsOf('hello world'), { maxTokens: 20, stop: ['zzz', 'o w', 'ld'] });
    expect(final).toMatchObject({ finishReason: 'stop', stopReason: 'o w', text: 'hell' });
  });

  it('when EOS ends the request, also with EOS listed in stop_token_ids, should name no stop reason (vLLM: null)', async () => {
    const final = await run([...idsOf('hi'), EOS], { maxTokens: 10, stopTokenIds: [EOS] });
    expect(final.finishReason).toBe('stop');
    expect(final).not.toHaveProperty('stopReason');
  });

  it('when max_tokens ends the request, should name no stop reason', async () => {
    const final = await run(idsOf('hello'), { maxTokens: 3, stopTokenIds: [idsOf('o')[0]!], stop: ['xyz'] });
    expect(final.finishReason).toBe('length');
    expect(final).not.toHaveProperty('stopReason');
  });
});
