import type { Container } from 'inversify';
import { StepExecutor } from '../../core/contracts/backend.js';
import { EagerRunner } from './eagerRunner.js';

/**
 * Binds the eager runner as the container's StepExecutor; it samples through the core's TokenSampling
 * (bound by registerCore, which the composition root calls first). The composition root binds the loaded
 * `EagerModel` (see loadEagerModel: loading is async, binding is not) and `EngineConfig` beforehand.
 */
export function registerEagerBackend(container: Container): void {
  container.bind(EagerRunner).toSelf().inSingletonScope();
  container.bind(StepExecutor).toService(EagerRunner);
}
