import type { Container } from 'inversify';
import { EngineConfig } from '../../core/contracts/config.js';
import type { Logger } from '../../core/contracts/logger.js';
import { DeviceTimer } from './timing/deviceTimer.js';
import { registerSendnnBackend } from './registerSendnnBackend.js';
import { SendnnSession, openSendnnSession } from './sendnnSession.js';
import { sendnnOptionsFromEnv, type SendnnBackendOptions } from './sendnnOptions.js';

export interface StartedSendnnBackend {
  readonly session: SendnnSession;
  /** Frees the programs and the KV buffer and closes the device. */
  close(): void;
}

/**
 * What a composition root does for VLLM_SPYRE_DYNAMO_BACKEND=sendnn (generate): open the library and the
 * device (one card per --tensor-parallel-size), check each card's memory and size the KV cache, warm up every
 * program (from the cache or compiled, logged), bind the session and the runner as the container's
 * StepExecutor; EngineConfig is rebound when the KV cache got fewer blocks than the configuration asked. `EngineConfig` must already be bound. Options default to the environment's
 * (SPYRE_SENDNN_DEVICE_MEMORY_BYTES, SPYRE_DEVICE_TIMING, SPYRE_DEVICE_PROFILE), read here, once, at startup.
 */
export function startSendnnBackend(container: Container, config: EngineConfig, logger: Logger, options: SendnnBackendOptions = sendnnOptionsFromEnv(process.env)): StartedSendnnBackend {
  const session = openSendnnSession(config, logger, options);
  // The KV cache may have been sized down to what the cards hold: the core's block pool must use that count.
  if (session.memory.numBlocks !== config.numBlocks) container.rebind(EngineConfig).toConstantValue(Object.freeze({ ...config, numBlocks: session.memory.numBlocks }));
  container.bind(SendnnSession).toConstantValue(session);
  if (options.deviceProfile !== undefined) {
    container.bind(DeviceTimer).toConstantValue(new DeviceTimer(options.deviceProfile, session.model.desc, config.tensorParallelSize, logger));
    logger.info(`[sendnn] device timing: every program run takes the time profile '${options.deviceProfile.name}' gives it on ${config.tensorParallelSize} card(s)`);
  }
  registerSendnnBackend(container);
  return { session, close: () => session.close() };
}
