/**
 * A binary min-heap of events ordered by (time, priority, sequence number), as SimPy orders its queue.
 * Keys and payloads live in parallel typed arrays that grow by doubling, so pushing and popping allocate
 * nothing once the queue has reached its working size. The sequence number (insertion order) breaks ties,
 * which makes the order of simultaneous events of equal priority deterministic: first scheduled, first run.
 *
 * `pop()` returns the payload (an integer chosen by the caller) and leaves the popped event's time and
 * priority in `poppedTimeS` / `poppedPriority`, so no event object is created.
 */
export class EventQueue {
  private timesS: Float64Array;
  private priorities: Int32Array;
  private sequences: Float64Array;
  private payloads: Float64Array;
  private count = 0;
  private nextSequence = 0;
  poppedTimeS = 0;
  poppedPriority = 0;

  constructor(initialCapacity = 64) {
    const capacity = Math.max(1, initialCapacity);
    this.timesS = new Float64Array(capacity);
    this.priorities = new Int32Array(capacity);
    this.sequences = new Float64Array(capacity);
    this.payloads = new Float64Array(capacity);
  }

  get size(): number {
    return this.count;
  }

  /** Schedules an event; lower priority values run first among events at the same time. */
  push(timeS: number, priority: number, payload: number): void {
    if (Number.isNaN(timeS)) throw new RangeError('An event time cannot be NaN.');
    if (this.count === this.timesS.length) this.grow();
    let index = this.count++;
    const sequence = this.nextSequence++;
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (!this.before(timeS, priority, sequence, parent)) break;
      this.moveSlot(parent, index);
      index = parent;
    }
    this.write(index, timeS, priority, sequence, payload);
  }

  /** Time of the next event; +Infinity when the queue is empty. */
  peekTimeS(): number {
    return this.count === 0 ? Number.POSITIVE_INFINITY : this.timesS[0]!;
  }

  /** Removes the next event and returns its payload. Throws on an empty queue. */
  pop(): number {
    if (this.count === 0) throw new RangeError('pop() on an empty event queue.');
    const payload = this.payloads[0]!;
    this.poppedTimeS = this.timesS[0]!;
    this.poppedPriority = this.priorities[0]!;
    const last = --this.count;
    if (last > 0) this.siftDownFromRoot(this.timesS[last]!, this.priorities[last]!, this.sequences[last]!, this.payloads[last]!);
    return payload;
  }

  private siftDownFromRoot(timeS: number, priority: number, sequence: number, payload: number): void {
    let index = 0;
    const count = this.count;
    for (;;) {
      const left = 2 * index + 1;
      if (left >= count) break;
      const right = left + 1;
      const child = right < count && this.slotBefore(right, left) ? right : left;
      if (this.before(timeS, priority, sequence, child)) break;
      this.moveSlot(child, index);
      index = child;
    }
    this.write(index, timeS, priority, sequence, payload);
  }

  /** Is the event (time, priority, sequence) ordered before the one in `slot`? */
  private before(timeS: number, priority: number, sequence: number, slot: number): boolean {
    const otherTimeS = this.timesS[slot]!;
    if (timeS !== otherTimeS) return timeS < otherTimeS;
    const otherPriority = this.priorities[slot]!;
    if (priority !== otherPriority) return priority < otherPriority;
    return sequence < this.sequences[slot]!;
  }

  private slotBefore(a: number, b: number): boolean {
    return this.before(this.timesS[a]!, this.priorities[a]!, this.sequences[a]!, b);
  }

  private moveSlot(from: number, to: number): void {
    this.timesS[to] = this.timesS[from]!;
    this.priorities[to] = this.priorities[from]!;
    this.sequences[to] = this.sequences[from]!;
    this.payloads[to] = this.payloads[from]!;
  }

  private write(slot: number, timeS: number, priority: number, sequence: number, payload: number): void {
    this.timesS[slot] = timeS;
    this.priorities[slot] = priority;
    this.sequences[slot] = sequence;
    this.payloads[slot] = payload;
  }

  private grow(): void {
    const capacity = this.timesS.length * 2;
    const grown = <T extends Float64Array | Int32Array>(array: T, make: (n: number) => T): T => {
      const next = make(capacity);
      next.set(array);
      return next;
    };
    this.timesS = grown(this.timesS, (n) => new Float64Array(n));
    this.priorities = grown(this.priorities, (n) => new Int32Array(n));
    this.sequences = grown(this.sequences, (n) => new Float64Array(n));
    this.payloads = grown(this.payloads, (n) => new Float64Array(n));
  }
}
