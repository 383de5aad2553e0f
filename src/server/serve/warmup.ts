import type { EngineConfig } from '../../core/contracts/config.js';
import type { LlmEngine } from '../../core/engine/llmEngine.js';

const WARMUP_TEXT = 'The quick brown fox jumps over the lazy dog. ';

/** The warmup requests: one prompt filling a whole prefill chunk, then a small decode batch. */
function warmupPrompts(engine: LlmEngine, config: EngineConfig): number[][][] {
  const text = engine.codec.encode(WARMUP_TEXT.repeat(Math.ceil(config.maxNumBatchedTokens / 8)), { addSpecialTokens: false });
  const longLength = Math.max(1, Math.min(config.maxNumBatchedTokens, config.maxModelLen - config.blockSize) - 1);
  const batch = Math.max(1, Math.min(config.maxNumSeqs, 4));
  return [[text.slice(0, longLength)], Array.from({ length: batch }, (_, index) => text.slice(index, index + 8))];
}

/**
 * Runs a few short requests so that the first client does not pay for onnxruntime's first runs of the
 * prefill and decode shapes; leaves the prefix cache empty. `onProgress(done, total)` after each round.
 */
export async function warmUpEngine(engine: LlmEngine, config: EngineConfig, onProgress: (done: number, total: number) => void): Promise<void> {
  const rounds = warmupPrompts(engine, config);
  onProgress(0, rounds.length);
  for (const [index, prompts] of rounds.entries()) {
    const results = await engine.generateBatch(prompts.map((promptTokenIds) => ({ promptTokenIds })), { maxTokens: 2, ignoreEos: true, temperature: 0 });
    const failed = results.find((result) => result.kind === 'error');
    if (failed !== undefined && failed.kind === 'error') throw new Error(`warmup request failed: ${failed.message}`);
    onProgress(index + 1, rounds.length);
  }
  engine.core.resetPrefixCache();
}
