// Cost of choosing one token on the CPU, per vocabulary size and sampling mode. The logits are a flat
// pseudo-random distribution (uniform in [-6, 6], temperature 0.8): the worst case for top-k / top-p, whose
// sort is cut short when a few tokens hold most of the mass, as in real models.
// Run: npx tsx bench/eager/samplerCost.bench.ts
import { RequestSamplingState } from '../../src/core/engine/sampling/requestSamplingState.js';
import { resolveSampling, type SamplingOptions } from '../../src/core/engine/sampling/samplingOptions.js';
import { TokenSampler } from '../../src/core/engine/sampling/tokenSampler.js';

const DRAWS = 300;
const MODES: Record<string, SamplingOptions> = {
  greedy: { temperature: 0 },
  temperature: { temperature: 0.8 },
  'top_p 0.95': { temperature: 0.8, topP: 0.95 },
  'top_k 50': { temperature: 0.8, topK: 50 },
  'penalties + min_p': { temperature: 0.8, minP: 0.05, repetitionPenalty: 1.1, presencePenalty: 0.5, frequencyPenalty: 0.5 },
};

const rows = [];
for (const vocabSize of [8192, 32000, 128256]) {
  const logits = new Float32Array(vocabSize);
  let state = 1;
  for (let i = 0; i < vocabSize; i++) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    logits[i] = ((state >>> 8) / 2 ** 24) * 12 - 6;
  }
  const sampler = new TokenSampler(vocabSize);
  const row: Record<string, number | string> = { vocab: vocabSize };
  for (const [name, options] of Object.entries(MODES)) {
    const requestState = new RequestSamplingState(resolveSampling(options), 1);
    for (let i = 0; i < 20; i++) sampler.sample(logits, requestState); // warm-up
    const start = performance.now();
    for (let i = 0; i < DRAWS; i++) sampler.sample(logits, requestState);
    row[`${name} (µs)`] = Math.round(((performance.now() - start) / DRAWS) * 1000);
  }
  rows.push(row);
}
console.table(rows);
