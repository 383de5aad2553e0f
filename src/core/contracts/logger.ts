import type { ServiceIdentifier } from 'inversify';

/** Where the core writes its log lines. Injected so that the core does no I/O of its own. */
export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** A logger that drops everything; handy in tests and benchmarks. */
export const SILENT_LOGGER: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

/** DI identifier of the {@link Logger} service. */
export const Logger: ServiceIdentifier<Logger> = Symbol.for('spyre.Logger');
