import type { Container } from 'inversify';
import { StepExecutor } from '../../core/contracts/backend.js';
import { SamplingStateStore } from '../../core/engine/sampling/samplingStateStore.js';
import { EagerRunner } from './eagerRunner.js';

/**
 * Binds the eager runner as the container's StepExecutor, and the SamplingStateStore it shares with the
 * engine (unless already bound). The composition root binds the loaded
 * `EagerModel` (see loadEagerModel: loading is async, binding is not) and `EngineConfig` beforehand.
 */
export function registerEagerBackend(container: Container): void {
  if (!container.isBound(SamplingStateStore)) container.bind(SamplingStateStore).toSelf().inSingletonScope();
  container.bind(EagerRunner).toSelf().inSingletonScope();
  container.bind(StepExecutor).toService(EagerRunner);
}
