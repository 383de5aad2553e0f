import type { Logger } from '../../core/contracts/logger.js';

/** Holds log lines while a progress bar owns the terminal, then lets them through. */
export class BufferedLogger implements Logger {
  private held: (() => void)[] | undefined = [];

  constructor(private readonly target: Logger) {}

  debug(message: string): void {
    this.emit(() => this.target.debug(message));
  }

  info(message: string): void {
    this.emit(() => this.target.info(message));
  }

  warn(message: string): void {
    this.emit(() => this.target.warn(message));
  }

  error(message: string): void {
    this.emit(() => this.target.error(message));
  }

  /** Writes what was held and stops holding. */
  release(): void {
    const held = this.held ?? [];
    this.held = undefined;
    for (const write of held) write();
  }

  /** Holds again (another bar starts). */
  hold(): void {
    this.held ??= [];
  }

  private emit(write: () => void): void {
    if (this.held !== undefined) this.held.push(write);
    else write();
  }
}
