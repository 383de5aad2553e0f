import type { Logger } from '../../src/core/contracts/logger.js';

/** A logger that keeps every line, tagged with its level, for assertions on what was logged. */
export interface CollectingLogger extends Logger {
  readonly lines: string[];
}

export function collectingLogger(): CollectingLogger {
  const lines: string[] = [];
  const keep = (level: string) => (message: string): void => {
    lines.push(`${level} ${message}`);
  };
  return { lines, debug: keep('DEBUG'), info: keep('INFO'), warn: keep('WARNING'), error: keep('ERROR') };
}
