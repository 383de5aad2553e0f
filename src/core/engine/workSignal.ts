/**
 * What the engine loop waits on when nothing can run: the next `notify()` (a request added or aborted)
 * resolves it. One waiter at a time (the loop); a notify with nobody waiting is dropped, because the loop
 * reads the state afresh at its next step anyway.
 */
export class WorkSignal {
  private wake: (() => void) | undefined;

  /** Resolves at the next {@link notify}. */
  next(): Promise<void> {
    return new Promise((resolve) => {
      this.wake = resolve;
    });
  }

  notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}
