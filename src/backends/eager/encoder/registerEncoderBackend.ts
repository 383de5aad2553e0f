import type { Container } from 'inversify';
import { PoolingExecutor } from '../../../core/contracts/pooling.js';
import { EncoderRunner } from './encoderRunner.js';

/**
 * Binds the eager encoder runner as the container's PoolingExecutor. The composition root binds the
 * loaded `EncoderModel` beforehand (loading is async, binding is not).
 */
export function registerEncoderBackend(container: Container): void {
  container.bind(EncoderRunner).toSelf().inSingletonScope();
  container.bind(PoolingExecutor).toService(EncoderRunner);
}
