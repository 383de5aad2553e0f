import type { Container } from 'inversify';
import { StepExecutor } from '../../core/contracts/backend.js';
import { SamplingStateStore } from '../../core/engine/sampling/samplingStateStore.js';
import { SendnnRunner } from './sendnnRunner.js';

/**
 * Binds the sendnn runner as the container's StepExecutor, and the SamplingStateStore it shares with the
 * engine (unless already bound): LlmEngine releases a request's state when it ends, so a preempted request
 * keeps its seeded generator and penalty counts. The composition root binds `EngineConfig` and the
 * warmed-up `SendnnSession` (see openSendnnSession: warmup is explicit, with its log) beforehand.
 */
export function registerSendnnBackend(container: Container): void {
  if (!container.isBound(SamplingStateStore)) container.bind(SamplingStateStore).toSelf().inSingletonScope();
  container.bind(SendnnRunner).toSelf().inSingletonScope();
  container.bind(StepExecutor).toService(SendnnRunner);
}
