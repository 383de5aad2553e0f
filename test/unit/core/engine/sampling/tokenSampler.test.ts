import { describe, expect, it } from 'vitest';
import { RequestSamplingState } from '../../../../../src/core/engine/sampling/requestSamplingState.js';
import { resolveSampling, type SamplingOptions } from '../../../../../src/core/engine/sampling/samplingOptions.js';
import { TokenSampler } from '../../../../../src/core/engine/sampling/tokenSampler.js';

function stateFor(options: SamplingOptions, fallbackSeed = 1): RequestSamplingState {
  return new RequestSamplingState(resolveSampling(options), fallbackSeed);
}

/** Draws `n` tokens from fixed logits with one state (each draw recorded: penalties off in these tests). */
function draw(logits: number[], options: SamplingOptions, n: number, fallbackSeed = 1): number[] {
  const sampler = new TokenSampler(logits.length);
  const state = stateFor(options, fallbackSeed);
  const row = Float32Array.from(logits);
  return Array.from({ length: n }, () => sampler.sample(row, state).tokenId);
}

function frequencies(tokens: number[], vocab: number): number[] {
  const counts = new Array<number>(vocab).fill(0);
  for (const token of tokens) counts[token] = (counts[token] as number) + 1;
  return counts.map((count) => count / tokens.length);
}

function softmax(logits: number[], temperature: number): number[] {
  const max = Math.max(...logits);
  const exps = logits.map((l) => Math.exp((l - max) / temperature));
  const sum = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => e / sum);
}

const LOGITS = [2, 1, 0.5, 0, -1];

describe('TokenSampler', () => {
  describe('when temperature is 0', () => {
    it('should pick the largest logit every time', () => {
      expect(draw([0.1, 3, 2.9, -5], { temperature: 0 }, 20)).toEqual(new Array(20).fill(1));
    });
  });

  describe('when sampling with a temperature', () => {
    it.each([0.5, 1, 2])('should follow softmax(logits / %s)', (temperature) => {
      const observed = frequencies(draw(LOGITS, { temperature, seed: 7 }, 20_000), LOGITS.length);
      softmax(LOGITS, temperature).forEach((p, i) => expect(Math.abs((observed[i] as number) - p), `token ${i}`).toBeLessThan(0.015));
    });
  });

  describe('having a per-request seed', () => {
    it('should repeat the same tokens for the same seed, whatever the fallback seed', () => {
      expect(draw(LOGITS, { temperature: 1, seed: 42 }, 50, 1)).toEqual(draw(LOGITS, { temperature: 1, seed: 42 }, 50, 999));
    });

    it('should give different tokens for different seeds', () => {
      expect(draw(LOGITS, { temperature: 1, seed: 1 }, 50)).not.toEqual(draw(LOGITS, { temperature: 1, seed: 2 }, 50));
    });
  });

  describe('when top_k is set', () => {
    it('should only ever sample the k most likely tokens, and all of them', () => {
      const observed = frequencies(draw(LOGITS, { temperature: 1, topK: 2, seed: 3 }, 5000), LOGITS.length);
      expect(observed.slice(2).every((f) => f === 0)).toBe(true);
      const [p0, p1] = softmax([2, 1], 1);
      expect(Math.abs((observed[0] as number) - (p0 as number))).toBeLessThan(0.03);
      expect(observed[1]).toBeGreaterThan(((p1 as number) - 0.03));
    });
  });

  describe('when top_p is set', () => {
    // probabilities 0.5, 0.3, 0.15, 0.05
    const logits = [0.5, 0.3, 0.15, 0.05].map(Math.log);
    it('should keep the smallest most-likely set reaching p', () => {
      const kept = new Set(draw(logits, { temperature: 1, topP: 0.8, seed: 4 }, 3000));
      expect([...kept].sort()).toEqual([0, 1]);
    });

    it('should keep one more token once p exceeds that set', () => {
      const kept = new Set(draw(logits, { temperature: 1, topP: 0.81, seed: 4 }, 3000));
      expect([...kept].sort()).toEqual([0, 1, 2]);
    });
  });

  describe('when min_p is set', () => {
    it('should drop tokens below min_p times the top probability', () => {
      // probabilities relative to the top: 1, 0.6, 0.3, 0.1
      const logits = [1, 0.6, 0.3, 0.1].map(Math.log);
      const kept = new Set(draw(logits, { temperature: 1, minP: 0.35, seed: 5 }, 3000));
      expect([...kept].sort()).toEqual([0, 1]);
    });
  });

  describe('when a repetition penalty is set', () => {
    it('should divide positive and multiply negative logits of prompt tokens', () => {
      const sampler = new TokenSampler(3);
      // token 0 (3.0, in the prompt) / 2 = 1.5 < token 1 (2.0); token 2 (-0.5, in the prompt) * 2 = -1
      const state = stateFor({ temperature: 0, repetitionPenalty: 2, promptTokenIds: [0, 2] });
      expect(sampler.sample(Float32Array.from([3, 2, -0.5]), state).tokenId).toBe(1);
      const negative = stateFor({ temperature: 0, repetitionPenalty: 2, promptTokenIds: [0] });
      expect(sampler.sample(Float32Array.from([-1, -1.5, -3]), negative).tokenId).toBe(1);
    });
  });

  describe('when presence and frequency penalties are set', () => {
    it('should lower a generated token by presence once and by frequency per occurrence', () => {
      const sampler = new TokenSampler(3);
      // presence: token 0 drops to 0.7 once, and stays there however often it is generated
      const presence = stateFor({ temperature: 0, presencePenalty: 0.3 });
      expect([0, 1, 2, 3].map(() => sampler.sample(Float32Array.from([1, 0.6, 0]), presence).tokenId)).toEqual([0, 0, 0, 0]);
      const logits = Float32Array.from([1, 0.75, 0]);
      const frequency = stateFor({ temperature: 0, frequencyPenalty: 0.2 });
      // token 0: 1, 0.8, 0.6 (< 0.75) → then token 1: 0.75 → 0.55 < 0.6 → token 0 again
      expect([0, 1, 2, 3, 4].map(() => sampler.sample(logits, frequency).tokenId)).toEqual([0, 0, 1, 0, 1]);
    });
  });

  describe('having min_tokens with EOS as the most likely token', () => {
    it('should not pick EOS (nor a stop id) before min_tokens outputs', () => {
      const logits = Float32Array.from([5, 4, 1, 0]); // 0 = eos, 1 = stop id
      const state = stateFor({ temperature: 0, minTokens: 2, minTokensBlockedIds: [0, 1] });
      const sampler = new TokenSampler(4);
      expect([0, 1, 2].map(() => sampler.sample(logits, state).tokenId)).toEqual([2, 2, 0]);
    });
  });

  describe('when logprobs are asked for', () => {
    it('should return the chosen and the top-n log-probabilities of the raw logits', () => {
      const sampler = new TokenSampler(LOGITS.length);
      const choice = sampler.sample(Float32Array.from(LOGITS), stateFor({ temperature: 0, logprobs: 2 }));
      const expected = softmax(LOGITS, 1).map(Math.log);
      expect(choice.logprobs?.logprob).toBeCloseTo(expected[0] as number, 5);
      expect(choice.logprobs?.top.map((t) => t.tokenId)).toEqual([0, 1]);
      expect(choice.logprobs?.top[1]?.logprob).toBeCloseTo(expected[1] as number, 5);
    });
  });
});

describe('resolveSampling', () => {
  it.each([
    [{ temperature: -0.1 }, /'temperature' must be >= 0/],
    [{ topP: 0 }, /'top_p' must be in \(0, 1\]/],
    [{ topP: 1.5 }, /'top_p' must be in \(0, 1\]/],
    [{ topK: 1.5 }, /'top_k'/],
    [{ logprobs: 21 }, /'logprobs'/],
    [{ seed: 'x' }, /'seed' must be an integer/],
  ])('when given %j should refuse it naming the field', (options, message) => {
    expect(() => resolveSampling(options)).toThrow(message);
  });
});
