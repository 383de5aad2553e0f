import type { Container } from 'inversify';
import { StepExecutor } from '../../core/contracts/backend.js';
import { SendnnRunner } from './sendnnRunner.js';

/**
 * Binds the sendnn runner as the container's StepExecutor. The composition root binds `EngineConfig` and
 * the warmed-up `SendnnSession` (see openSendnnSession: warmup is explicit, with its log) beforehand.
 */
export function registerSendnnBackend(container: Container): void {
  container.bind(SendnnRunner).toSelf().inSingletonScope();
  container.bind(StepExecutor).toService(SendnnRunner);
}
