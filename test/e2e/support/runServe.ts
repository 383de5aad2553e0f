// `spyre serve` of a generative model, listening: startServe, refusing anything else (the lifecycle and drain tests).
import { startServe, type RunningServer, type RunServeOptions } from '../../../src/server/serve/startServe.js';

export async function runServe(options: RunServeOptions): Promise<RunningServer> {
  const started = await startServe(options);
  if (started.kind === 'generate') return started.running;
  if (started.kind === 'pooling') await started.running.shutdown('not a generative model');
  throw new Error(`expected a generative server, got ${started.kind === 'compiled' ? `nothing served: ${started.summary}` : 'a pooling server'}`);
}
