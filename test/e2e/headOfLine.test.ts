// HEAD-OF-LINE TEST (bounded): while streams decode, a client sends large (just under the 4 MiB body limit)
// and malformed bodies in a loop. No answer to /health may take more than 1 s during the abuse (a gross
// bound: before the tokenizer work was bounded and moved off the event loop, one 4 MB prompt held /health
// for seconds), every abusive body gets its 4xx, and every stream ends with its full output. Bounded by
// counts: two rounds of the abusive bodies, 8 streams of 64 tokens at a time until they end.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { abusiveBodies, type AbusiveBody } from '../support/abusiveBodies.js';
import { SERVED_MODEL, startServerRig, type ServerRig } from './support/serverRig.js';
import { streamRequest, type StreamedCompletion } from './support/sseClient.js';

const NUM_STREAMS = 8;
const OUTPUT_TOKENS = 64;
const ABUSE_ROUNDS = 2;
const HEALTH_BOUND_MS = 1000;
let rig: ServerRig;
let bodies: readonly AbusiveBody[];

beforeAll(async () => {
  rig = await startServerRig({ flags: { maxModelLen: 512, maxNumSeqs: NUM_STREAMS } });
  // Built before the clock starts: the client shares the server's event loop.
  bodies = abusiveBodies(SERVED_MODEL);
});
afterAll(async () => {
  await rig?.close();
});

interface AbuseOutcome {
  readonly name: string;
  readonly status: number;
}

/** Sends every abusive body ABUSE_ROUNDS times, one after the other, until done or `signal` aborts. */
async function abuse(signal: AbortSignal): Promise<AbuseOutcome[]> {
  const outcomes: AbuseOutcome[] = [];
  for (let round = 0; round < ABUSE_ROUNDS; round++) {
    for (const { name, path, body } of bodies) {
      if (signal.aborted) return outcomes;
      const response = await fetch(`${rig.baseUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body, signal }).catch(() => undefined);
      if (response === undefined) return outcomes;
      await response.text();
      outcomes.push({ name, status: response.status });
    }
  }
  return outcomes;
}

/** Keeps NUM_STREAMS streams decoding until `stop` resolves, and returns every stream's outcome. */
async function streamUntil(stop: Promise<unknown>): Promise<StreamedCompletion[]> {
  let stopped = false;
  void stop.then(() => (stopped = true));
  const results: StreamedCompletion[] = [];
  const worker = async (index: number): Promise<void> => {
    do {
      const body = { model: SERVED_MODEL, prompt: `stream ${index}: once upon a time`, max_tokens: OUTPUT_TOKENS, ignore_eos: true, stream: true, stream_options: { include_usage: true } };
      results.push(await streamRequest(`${rig.baseUrl}/v1/completions`, body));
    } while (!stopped);
  };
  await Promise.all(Array.from({ length: NUM_STREAMS }, (_, index) => worker(index)));
  return results;
}

/**
 * Probes /health every 20 ms until `stop` resolves; returns each answer's latency in ms. An answer over
 * the bound aborts `abort` at once (the abuse stops, the test fails on it) instead of waiting the abuse out.
 */
async function probeHealthUntil(stop: Promise<unknown>, abort: AbortController): Promise<number[]> {
  let stopped = false;
  void stop.then(() => (stopped = true));
  const latencies: number[] = [];
  while (!stopped) {
    const start = performance.now();
    const response = await fetch(`${rig.baseUrl}/health`);
    await response.text();
    latencies.push(performance.now() - start);
    expect(response.status).toBe(200);
    if ((latencies.at(-1) as number) >= HEALTH_BOUND_MS) abort.abort();
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return latencies;
}

describe('having a server with 8 sequences decoding (head-of-line test, bounded)', () => {
  describe('when a client sends 4 MB and malformed bodies in a loop meanwhile', () => {
    it('should answer every /health within 1 s, refuse every abusive body with a 4xx, and finish every stream with its full output', async () => {
      const abort = new AbortController();
      const abused = abuse(abort.signal);
      const [outcomes, streams, healthLatencies] = await Promise.all([abused, streamUntil(abused), probeHealthUntil(abused, abort)]);

      expect(Math.max(...healthLatencies), 'the slowest /health answer during the abuse, in ms').toBeLessThan(HEALTH_BOUND_MS);
      expect(outcomes).toHaveLength(ABUSE_ROUNDS * bodies.length);
      expect(outcomes.filter((outcome) => outcome.status < 400 || outcome.status >= 500)).toEqual([]);
      expect(healthLatencies.length).toBeGreaterThan(10);
      expect(streams.length).toBeGreaterThanOrEqual(NUM_STREAMS);
      for (const stream of streams) {
        expect(stream.status).toBe(200);
        expect(stream.sawDone).toBe(true);
        const usage = stream.events.at(-1)?.['usage'] as { completion_tokens: number } | undefined;
        expect(usage?.completion_tokens).toBe(OUTPUT_TOKENS);
        const finish = stream.events.map((event) => (event['choices'] as { finish_reason: string | null }[])[0]?.finish_reason).filter((reason) => reason !== null && reason !== undefined);
        expect(finish).toEqual(['length']);
      }
    }, 180_000);
  });
});
