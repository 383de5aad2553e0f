import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { createLlmEngine } from '../../../app/createLlmEngine.js';
import { SILENT_LOGGER } from '../../../core/contracts/logger.js';
import { PERF_LOG_FILE } from '../../../server/metrics/perfMetricLog.js';
import { createServer } from '../../../server/createServer.js';
import { warmUpEngine } from '../../../server/serve/warmup.js';
import { stepShapeOf } from '../../../../sim/cost/stepShape.js';
import type { TimedStep } from '../../../../sim/calibrate/fitHostOverhead.js';
import type { RequestOutcome } from '../benchServe/benchClient.js';
import type { BenchServeOptions } from '../benchServe/runBenchServe.js';
import { engineTtftById, frontendPairsOf, readPerfLog } from '../../../../sim/validate/frontendPairs.js';
import type { TimedLoad, TimedServerSetup } from '../../../../sim/validate/timedProtocol.js';

/** What one run of the real server measured: the client's view, the engine's steps and its own TTFTs. */
export interface FrontendPairs {
  readonly clientTtftS: number[];
  readonly engineTtftS: number[];
}

/** The client's and the engine's TTFT of the same requests (matched by the server's request id), in the same order. */
export function frontendPairs(run: TimedServerRun): FrontendPairs {
  return frontendPairsOf(run.outcomes, run.engineTtftS);
}

export interface TimedServerRun {
  readonly outcomes: readonly RequestOutcome[];
  /** The client's duration: its start to the last request's end. */
  readonly durationS: number;
  readonly steps: readonly TimedStep[];
  /** Per request id, arrival at the engine to its first token (the perf log's queued + prefill seconds). */
  readonly engineTtftS: ReadonlyMap<string, number>;
}

/** The bench client's dataset for a load: vLLM's random dataset, exact lengths over byte tokens. */
export function benchDataset(load: TimedLoad): BenchServeOptions['dataset'] {
  return { name: 'random', numPrompts: load.numPrompts, inputLen: load.inputLen, outputLen: load.outputLen, rangeRatio: load.rangeRatio, prefixLen: 0, numPrefixGroups: 1, firstTokenId: 10, vocabSpan: 246, seed: load.seed };
}

function runClient(options: BenchServeOptions): Promise<{ outcomes: RequestOutcome[]; durationS: number }> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./benchWorkerBoot.js', import.meta.url), { workerData: options });
    worker.once('message', (message: { outcomes?: RequestOutcome[]; durationS?: number; error?: string }) => {
      void worker.terminate();
      if (message.error !== undefined || message.outcomes === undefined) reject(new Error(`the bench client failed: ${message.error ?? 'no outcomes'}`));
      else resolve({ outcomes: message.outcomes, durationS: message.durationS ?? 0 });
    });
    worker.once('error', reject);
  });
}

/**
 * One run of the real engine on the sendnn emulator with device timing (`SPYRE_DEVICE_TIMING=profile`),
 * behind the real HTTP server on loopback, loaded by `spyre bench serve`'s client on its own thread. Every
 * executed step is recorded with its wall time (end of the previous step to its own end) and whether it ran
 * right after another one (the engine was busy, so that time is the step's device plus host time).
 */
export async function runTimedServer(setup: TimedServerSetup, load: TimedLoad): Promise<TimedServerRun> {
  const perfDir = mkdtempSync(join(tmpdir(), 'spyre-timed-run-'));
  const env = {
    ...process.env,
    VLLM_SPYRE_DYNAMO_BACKEND: 'sendnn',
    SPYRE_DEVICE_TIMING: 'profile',
    SPYRE_DEVICE_PROFILE: setup.profilePath,
    VLLM_SPYRE_PERF_METRIC_LOGGING_ENABLED: '1',
    VLLM_SPYRE_PERF_METRIC_LOGGING_DIR: perfDir,
  };
  const created = await createLlmEngine({
    flags: {
      model: setup.modelDir, maxModelLen: setup.maxModelLen, maxNumSeqs: setup.maxNumSeqs, maxNumBatchedTokens: setup.maxNumBatchedTokens,
      tensorParallelSize: setup.tensorParallelSize, disableLogRequests: true,
    },
    env,
    logger: SILENT_LOGGER,
    intraOpNumThreads: 1,
  });
  try {
    await warmUpEngine(created.engine, created.config, () => undefined);
    const server = createServer(created.engine, created.config, { vocabSize: created.model.vocabSize });
    await server.app.listen({ host: '127.0.0.1', port: 0 });
    try {
      const address = server.app.server.address();
      if (address === null || typeof address === 'string') throw new Error('the server did not bind a TCP port');
      const baseUrl = `http://127.0.0.1:${address.port}`;
      const client = (of: TimedLoad): Promise<{ outcomes: RequestOutcome[]; durationS: number }> =>
        runClient({ baseUrl, model: undefined, dataset: benchDataset(of), requestRate: of.requestRate, burstiness: 1, maxConcurrency: undefined, ignoreEos: true, apiKey: undefined, seed: of.seed, progress: undefined });
      // Warm the served path up first (the JIT compiles the server's and the engine's hot code on its first
      // requests), unrecorded: two full batches, all at once.
      await client({ ...load, label: 'warm-up', numPrompts: 2 * setup.maxNumSeqs, requestRate: Number.POSITIVE_INFINITY, seed: load.seed + 7919 });
      const warmUpLines = readPerfLog(join(perfDir, PERF_LOG_FILE)).length;
      const steps: TimedStep[] = [];
      let lastEndS: number | undefined;
      let previousRan = false;
      created.engine.onStep((report) => {
        const endS = performance.now() / 1000;
        if (report.plan !== undefined && lastEndS !== undefined) steps.push({ shape: stepShapeOf(report.plan), wallS: endS - lastEndS, backToBack: previousRan });
        // The engine sleeps (reporting nothing) once no request is left: the next step's time then holds that wait.
        const stats = created.engine.core.stats();
        previousRan = report.plan !== undefined && stats.numRunning + stats.numWaiting > 0;
        lastEndS = endS;
      });
      const measured = await client(load);
      const engineTtftS = engineTtftById(readPerfLog(join(perfDir, PERF_LOG_FILE)).slice(warmUpLines));
      return { outcomes: measured.outcomes, durationS: measured.durationS, steps, engineTtftS };
    } finally {
      await server.app.close();
    }
  } finally {
    await created.close();
    rmSync(perfDir, { recursive: true, force: true });
  }
}
