import type { LogLevel } from '../core/contracts/config.js';
import type { Logger } from '../core/contracts/logger.js';

const RANK: Readonly<Record<LogLevel, number>> = { debug: 10, info: 20, warning: 30, error: 40, critical: 50 };

/** Log lines on stderr (stdout stays for the command's output), at `level` and above. */
export function stderrLogger(level: LogLevel = 'info'): Logger {
  const write = (lineLevel: LogLevel, tag: string) => (message: string): void => {
    if (RANK[lineLevel] >= RANK[level]) process.stderr.write(`${tag} ${message}\n`);
  };
  return { debug: write('debug', 'DEBUG'), info: write('info', 'INFO'), warn: write('warning', 'WARNING'), error: write('error', 'ERROR') };
}
