/**
 * Finds stop strings in streamed text and decides how much text is safe to show: text that could still
 * become the start of a stop string is held back, so a stop string is never partly streamed and the
 * output is cut exactly before it (or after it, with `includeStopStr`).
 */
export class StopStringMatcher {
  private readonly holdBackChars: number;

  constructor(
    private readonly stops: readonly string[],
    private readonly includeStopStr: boolean,
  ) {
    this.holdBackChars = stops.reduce((max, stop) => Math.max(max, stop.length - 1), 0);
  }

  /**
   * With `text` the whole output so far, of which the first `checkedLength` characters were checked
   * before: the cut length when a stop string now appears (the earliest one), else undefined.
   */
  findCut(text: string, checkedLength: number): number | undefined {
    return this.findStop(text, checkedLength)?.cut;
  }

  /** {@link findCut}, with the stop string that ends there (vLLM's `stop_reason`). */
  findStop(text: string, checkedLength: number): { readonly cut: number; readonly stop: string } | undefined {
    if (this.stops.length === 0) return undefined;
    const from = Math.max(0, checkedLength - this.holdBackChars);
    let found: { cut: number; stop: string } | undefined;
    for (const stop of this.stops) {
      const at = text.indexOf(stop, from);
      if (at < 0) continue;
      const end = this.includeStopStr ? at + stop.length : at;
      if (found === undefined || end < found.cut) found = { cut: end, stop };
    }
    return found;
  }

  /** How much of `text` can be shown while generation goes on. */
  safeLength(text: string): number {
    return Math.max(0, text.length - this.holdBackChars);
  }
}
