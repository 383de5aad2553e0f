import { parentPort, workerData } from 'node:worker_threads';
import { runBenchServe, type BenchServeOptions } from '../benchServe/runBenchServe.js';

/** Runs `spyre bench serve`'s client (runBenchServe) with the options it was given and posts its outcomes back. */
const options = workerData as BenchServeOptions;
runBenchServe({ ...options, progress: undefined }).then(
  (result) => parentPort?.postMessage({ outcomes: result.outcomes, durationS: result.metrics.durationS }),
  (error: unknown) => parentPort?.postMessage({ error: error instanceof Error ? error.message : String(error) }),
);
