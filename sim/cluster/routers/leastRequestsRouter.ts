import type { Router } from './router.js';

/**
 * HAProxy's `balance leastconn`: the replica with the fewest connections this router holds open to it (one
 * streaming request is one connection from send to last byte). It sees nothing of the replicas' own queues.
 * Among equally loaded replicas, the one whose count changed least recently: HAProxy keeps the servers in a
 * tree keyed by their connection count, takes the first, and re-inserts a server behind its equals whenever a
 * connection opens or closes on it (lb_fwlc.c); at the start, in the servers' order.
 */
export class LeastRequestsRouter implements Router {
  readonly scrapes = false;
  private readonly open: Int32Array;
  /** When each replica's count last changed (a sequence number; the initial order below zero). */
  private readonly changedAt: Float64Array;
  private sequence = 0;

  constructor(numReplicas: number) {
    this.open = new Int32Array(numReplicas);
    this.changedAt = Float64Array.from({ length: numReplicas }, (_, replica) => replica - numReplicas);
  }

  pick(): number {
    let best = 0;
    for (let replica = 1; replica < this.open.length; replica++) {
      const fewer = this.open[replica]! < this.open[best]!;
      if (fewer || (this.open[replica] === this.open[best] && this.changedAt[replica]! < this.changedAt[best]!)) best = replica;
    }
    this.open[best]!++;
    this.changedAt[best] = ++this.sequence;
    return best;
  }

  released(replica: number): void {
    this.open[replica]!--;
    this.changedAt[replica] = ++this.sequence;
  }
}
