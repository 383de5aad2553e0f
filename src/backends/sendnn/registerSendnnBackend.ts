import type { Container } from 'inversify';
import { StepExecutor } from '../../core/contracts/backend.js';
import { SendnnRunner } from './sendnnRunner.js';

/**
 * Binds the sendnn runner as the container's StepExecutor; it samples through the core's TokenSampling
 * (bound by registerCore, which the composition root calls first); LlmEngine releases a request's state
 * when it ends, so a preempted request keeps its seeded generator and penalty counts. The composition root binds `EngineConfig` and the
 * warmed-up `SendnnSession` (see openSendnnSession: warmup is explicit, with its log) beforehand.
 */
export function registerSendnnBackend(container: Container): void {
  container.bind(SendnnRunner).toSelf().inSingletonScope();
  container.bind(StepExecutor).toService(SendnnRunner);
}
