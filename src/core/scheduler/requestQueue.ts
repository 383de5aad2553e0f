/**
 * A double-ended queue on a ring buffer: O(1) at both ends, where an array's `shift`/`unshift` copy the
 * whole array once it is long (an overloaded engine's waiting queue holds tens of thousands of requests,
 * and every admission takes its head).
 */
export class RequestQueue<T> {
  private slots: (T | undefined)[] = new Array<T | undefined>(16);
  private head = 0;
  private count = 0;

  get length(): number {
    return this.count;
  }

  /** The first item, or undefined when empty. */
  first(): T | undefined {
    return this.count === 0 ? undefined : this.slots[this.head];
  }

  push(item: T): void {
    if (this.count === this.slots.length) this.grow();
    this.slots[(this.head + this.count) & (this.slots.length - 1)] = item;
    this.count++;
  }

  unshift(item: T): void {
    if (this.count === this.slots.length) this.grow();
    this.head = (this.head - 1) & (this.slots.length - 1);
    this.slots[this.head] = item;
    this.count++;
  }

  shift(): T | undefined {
    if (this.count === 0) return undefined;
    const item = this.slots[this.head];
    this.slots[this.head] = undefined;
    this.head = (this.head + 1) & (this.slots.length - 1);
    this.count--;
    return item;
  }

  /** Keeps, in order, the items for which `keep` is true. */
  retain(keep: (item: T) => boolean): void {
    const kept = this.toArray().filter(keep);
    this.slots.fill(undefined);
    this.head = 0;
    this.count = 0;
    for (const item of kept) this.push(item);
  }

  /** The items front to back, as a new array. */
  toArray(): T[] {
    const items = new Array<T>(this.count);
    const mask = this.slots.length - 1;
    for (let i = 0; i < this.count; i++) items[i] = this.slots[(this.head + i) & mask]!;
    return items;
  }

  /** Doubles the capacity (always a power of two, so positions wrap with a mask). */
  private grow(): void {
    const items = this.toArray();
    this.slots = new Array<T | undefined>(this.slots.length * 2);
    for (let i = 0; i < items.length; i++) this.slots[i] = items[i];
    this.head = 0;
  }
}
