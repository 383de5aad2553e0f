// The Optimum DistilBERT export served by `spyre serve --task classify` on eager and on sendnn, in-process: the
// same labels and probabilities for token-id inputs of several lengths (the export has no tokenizer).
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { startServe } from '../../src/server/serve/startServe.js';

const MODEL = '/work/shared/fixtures/real-models/optimum-tiny-distilbert-classifier';
const quiet = new Writable({ write: (_chunk, _encoding, done) => done() });
const INPUTS = [[101, 2023, 2003, 102], [5, 6, 7, 8, 9, 10, 11], Array.from({ length: 60 }, (_, i) => 1000 + 37 * i)];

interface Classified {
  readonly data: readonly { readonly label: string; readonly probs: readonly number[] }[];
}

async function classify(backend: 'eager' | 'sendnn'): Promise<Classified> {
  const started = await startServe({
    flags: { model: MODEL, port: 0, task: 'classify', logLevel: 'critical', disableLogRequests: true },
    env: { VLLM_SPYRE_DYNAMO_BACKEND: backend, VLLM_SPYRE_WARMUP_PROMPT_LENS: '64', VLLM_SPYRE_WARMUP_BATCH_SIZES: '2', SPYRE_SENDNN_DEVICE_MEMORY_BYTES: String(1024 ** 3) },
    stderr: quiet,
    graceS: 5,
  });
  if (started.kind !== 'pooling') throw new Error('--task classify did not start the pooling server');
  try {
    const response = await fetch(`${started.running.url}/classify`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: MODEL, input: INPUTS }) });
    expect(response.status).toBe(200);
    return (await response.json()) as Classified;
  } finally {
    await started.running.shutdown('SIGTERM');
  }
}

describe('having the DistilBERT classifier export served with --task classify', () => {
  it('should answer sendnn with eager\'s labels and probabilities', async () => {
    const eager = await classify('eager');
    const sendnn = await classify('sendnn');
    expect(sendnn.data.map((d) => d.label)).toEqual(eager.data.map((d) => d.label));
    expect(new Set(eager.data.map((d) => d.label)).size).toBe(2);
    sendnn.data.forEach((d, i) => d.probs.forEach((p, j) => expect(Math.abs(p - (eager.data[i]?.probs[j] as number)), `input ${i} class ${j}`).toBeLessThan(1e-7)));
  });
});
