import type { Container } from 'inversify';
import { PoolingEngine } from './poolingEngine.js';

/**
 * Binds the pooling engine. The composition root binds `EngineConfig`, `Logger`, `PoolingExecutor`,
 * `PoolingTextEncoder` and `PoolingEngineOptions` beforehand.
 */
export function registerPoolingCore(container: Container): void {
  container.bind(PoolingEngine).toSelf().inSingletonScope();
}
