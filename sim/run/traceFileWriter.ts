import { closeSync, openSync, writeSync } from 'node:fs';
import type { StepTraceLine } from '../../src/core/contracts/trace.js';

/** Writes trace lines as JSONL, a few hundred lines per system call. */
export class TraceFileWriter {
  private readonly fd: number;
  private buffer: string[] = [];

  constructor(path: string) {
    this.fd = openSync(path, 'w');
  }

  write(line: StepTraceLine): void {
    this.buffer.push(JSON.stringify(line));
    if (this.buffer.length >= 512) this.flush();
  }

  close(): void {
    this.flush();
    closeSync(this.fd);
  }

  private flush(): void {
    if (this.buffer.length === 0) return;
    writeSync(this.fd, this.buffer.join('\n') + '\n');
    this.buffer = [];
  }
}
