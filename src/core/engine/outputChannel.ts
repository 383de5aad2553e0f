/**
 * A single-consumer async queue: the engine loop pushes, one `for await` reads. Ends with `close()` or
 * `fail(error)`; items pushed before either are still delivered first.
 */
export class OutputChannel<T> {
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
