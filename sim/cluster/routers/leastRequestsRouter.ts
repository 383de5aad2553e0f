import type { Router } from './router.js';

/**
 * HAProxy's `balance leastconn`: the replica with the fewest connections this router holds open to it (one
 * streaming request is one connection from send to last byte). It sees nothing of the replicas' own queues.
 * Among equally loaded replicas it goes round-robin, as HAProxy does within a group of the same load.
 */
export class LeastRequestsRouter implements Router {
  readonly scrapes = false;
  private readonly open: Int32Array;
  private last = -1;

  constructor(numReplicas: number) {
    this.open = new Int32Array(numReplicas);
  }

  pick(): number {
    const count = this.open.length;
    let best = -1;
    for (let step = 1; step <= count; step++) {
      const replica = (this.last + step) % count;
      if (best < 0 || this.open[replica]! < this.open[best]!) best = replica;
    }
    this.open[best]!++;
    this.last = best;
    return best;
  }

  released(replica: number): void {
    this.open[replica]!--;
  }
}
