// A real `spyre serve` of a freshly built tiny-embed encoder on a loopback port, for the pooling e2e tests.
import { Writable } from 'node:stream';
import type { EngineFlags } from '../../../src/core/config/engineFlags.js';
import type { EnvSource } from '../../../src/core/config/envVars.js';
import type { RunningPoolingServer } from '../../../src/server/serve/startServe.js';
import { startServe } from '../../../src/server/serve/startServe.js';
import { buildTempEncoder } from '../../support/tinyEncoder.js';

export interface PoolingRig {
  readonly running: RunningPoolingServer;
  /** Shuts the server down and removes the encoder directory. */
  close(): Promise<void>;
}

export interface PoolingRigOptions {
  readonly servedModelName: string;
  readonly flags?: Partial<EngineFlags>;
  readonly env?: EnvSource;
}

const quiet = new Writable({ write: (_chunk, _encoding, done) => done() });

export async function startPoolingRig(options: PoolingRigOptions): Promise<PoolingRig> {
  const encoder = buildTempEncoder('tiny-embed');
  try {
    const started = await startServe({
      flags: { model: encoder.dir, port: 0, servedModelName: options.servedModelName, logLevel: 'error', disableLogRequests: true, ...options.flags },
      env: options.env ?? {},
      stderr: quiet,
      graceS: 1,
    });
    if (started.kind !== 'pooling') throw new Error(`startServe picked ${started.kind} for an encoder directory`);
    const running = started.running;
    return {
      running,
      close: async () => {
        await running.shutdown('test end');
        encoder.remove();
      },
    };
  } catch (error) {
    encoder.remove();
    throw error;
  }
}
