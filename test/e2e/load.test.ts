// LOAD TEST (bounded): 1,000 streamed requests on loopback, 100 at a time, 10% of the clients hanging up
// mid-stream at random (seeded). Bounded by counts (small prompts, 8 output tokens) and a finite timeout;
// it takes ~10-20 s on the 2-core build machine. No timing is asserted: only outcomes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scrape, sampleValue } from './support/prometheusText.js';
import { engineDrained, SERVED_MODEL, type ServerRig, startServerRig } from './support/serverRig.js';
import { streamRequest, type StreamedCompletion } from './support/sseClient.js';

const NUM_REQUESTS = 1000;
const CONCURRENCY = 100;
const DISCONNECT_FRACTION = 0.1;
const OUTPUT_TOKENS = 8;
const DISCONNECTING_OUTPUT_TOKENS = 200;
const LABELS = { model_name: SERVED_MODEL, engine: '0' };

let rig: ServerRig;

beforeAll(async () => {
  rig = await startServerRig({ flags: { maxNumSeqs: 32, maxModelLen: 512, maxNumBatchedTokens: 128 } });
});
afterAll(async () => {
  await rig?.close();
});

function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

interface Planned {
  readonly promptIds: readonly number[];
  /** Events after which the client hangs up; undefined for clients that read to the end. */
  readonly disconnectAfter: number | undefined;
}

function plan(): Planned[] {
  const random = lcg(2024);
  const disconnecting = new Set<number>();
  while (disconnecting.size < NUM_REQUESTS * DISCONNECT_FRACTION) disconnecting.add(Math.floor(random() * NUM_REQUESTS));
  return Array.from({ length: NUM_REQUESTS }, (_, index) => ({
    promptIds: Array.from({ length: 4 + Math.floor(random() * 60) }, () => 3 + Math.floor(random() * 250)),
    disconnectAfter: disconnecting.has(index) ? 1 + Math.floor(random() * 3) : undefined,
  }));
}

async function runAll(planned: readonly Planned[]): Promise<StreamedCompletion[]> {
  const results: StreamedCompletion[] = new Array(planned.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let index = next++; index < planned.length; index = next++) {
      const item = planned[index] as Planned;
      const body = {
        model: SERVED_MODEL, prompt: item.promptIds, stream: true, stream_options: { include_usage: true }, ignore_eos: true,
        max_tokens: item.disconnectAfter === undefined ? OUTPUT_TOKENS : DISCONNECTING_OUTPUT_TOKENS,
      };
      results[index] = await streamRequest(`${rig.baseUrl}/v1/completions`, body, item.disconnectAfter);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return results;
}

describe('having a server with 32 sequences and 128-token chunks (load test, bounded)', () => {
  describe('when 1,000 streamed requests arrive 100 at a time and 10% of the clients disconnect mid-stream', () => {
    it('should complete every other request with exactly its tokens, stay up, and end with every KV block free and no request queued', async () => {
      const planned = plan();
      const results = await runAll(planned);
      const completed = results.filter((result) => !result.disconnected);
      expect(completed).toHaveLength(NUM_REQUESTS * (1 - DISCONNECT_FRACTION));
      for (const result of completed) {
        expect(result.status).toBe(200);
        expect(result.sawDone).toBe(true);
        const usage = result.events.at(-1)?.['usage'] as { completion_tokens: number } | undefined;
        expect(usage?.completion_tokens).toBe(OUTPUT_TOKENS);
        const finish = (result.events.at(-2)?.['choices'] as { finish_reason: string }[] | undefined)?.[0]?.finish_reason;
        expect(finish).toBe('length');
      }

      expect((await fetch(`${rig.baseUrl}/health`)).status).toBe(200);
      await engineDrained(rig, 500);
      const stats = rig.created.engine.core.stats();
      expect(stats).toMatchObject({ numWaiting: 0, numRunning: 0, kvCacheUsage: 0 });
      expect(rig.created.engine.numUnfinishedRequests).toBe(0);
      expect(rig.server.context.tracker.numTrackedRequests).toBe(0);

      const { samples } = await scrape(rig.baseUrl);
      expect(sampleValue(samples, 'vllm:request_success_total', { ...LABELS, finished_reason: 'length' })).toBe(completed.length);
      expect(sampleValue(samples, 'vllm:request_success_total', { ...LABELS, finished_reason: 'abort' })).toBe(NUM_REQUESTS - completed.length);
      expect(sampleValue(samples, 'vllm:kv_cache_usage_perc', LABELS)).toBe(0);
    }, 120_000);
  });
});
