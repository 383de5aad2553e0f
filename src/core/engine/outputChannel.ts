/** Where a producer puts its items: an OutputChannel, or one of several producers' share of one. */
export interface OutputSink<T> {
  push(item: T): void;
  close(): void;
  fail(error: Error): void;
}

/**
 * A single-consumer async queue: the engine loop pushes, one `for await` reads. Ends with `close()` or
 * `fail(error)`; items pushed before either are still delivered first.
 */
export class OutputChannel<T> implements OutputSink<T> {
  private readonly items: T[] = [];
  private waiter: ((value: void) => void) | undefined;
  private ended = false;
  private error: Error | undefined;

  push(item: T): void {
    if (this.ended) return;
    this.items.push(item);
    this.wake();
  }

  close(): void {
    this.ended = true;
    this.wake();
  }

  fail(error: Error): void {
    if (this.ended) return;
    this.error = error;
    this.ended = true;
    this.wake();
  }

  get isEnded(): boolean {
    return this.ended;
  }

  /** The next item, or undefined once the channel has ended and drained; rejects after `fail`. */
  async next(): Promise<T | undefined> {
    while (this.items.length === 0 && !this.ended) await new Promise<void>((resolve) => (this.waiter = resolve));
    if (this.items.length > 0) return this.items.shift();
    if (this.error) throw this.error;
    return undefined;
  }

  private wake(): void {
    const waiter = this.waiter;
    this.waiter = undefined;
    waiter?.();
  }
}

/**
 * `producers` producers feeding one channel (the copies of a request sampled `n > 1` times): it closes when
 * the last of them closes; a failure of any fails it at once.
 */
export class FanInSink<T> implements OutputSink<T> {
  constructor(
    private readonly channel: OutputChannel<T>,
    private open: number,
  ) {}

  push(item: T): void {
    this.channel.push(item);
  }

  close(): void {
    this.open -= 1;
    if (this.open === 0) this.channel.close();
  }

  fail(error: Error): void {
    this.channel.fail(error);
  }
}
