import type { Router } from './router.js';

/** HAProxy's `balance roundrobin` with equal weights: replicas in turn, from the first. */
export class RoundRobinRouter implements Router {
  readonly scrapes = false;
  private next = 0;

  constructor(private readonly numReplicas: number) {}

  pick(): number {
    const replica = this.next;
    this.next = (this.next + 1) % this.numReplicas;
    return replica;
  }

  released(): void {}
}
