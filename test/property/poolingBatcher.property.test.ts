import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { warmupShapesFrom } from '../../src/core/config/warmupShapes.js';
import type { WarmupShape } from '../../src/core/contracts/config.js';
import { EngineError } from '../../src/core/contracts/errors.js';
import { asRequestId, type RequestId } from '../../src/core/contracts/ids.js';
import type { PoolingBatch } from '../../src/core/contracts/pooling.js';
import { PoolingScheduler } from '../../src/core/scheduler/pooling/index.js';

const shapesArb: fc.Arbitrary<WarmupShape[]> = fc
  .array(fc.record({ promptLength: fc.integer({ min: 1, max: 4 }).map((blocks) => blocks * 64), batchSize: fc.integer({ min: 1, max: 6 }) }), { minLength: 1, maxLength: 4 })
  .map((pairs) => warmupShapesFrom(pairs.map((p) => p.promptLength), pairs.map((p) => p.batchSize)));

/** Arrivals: each wave of prompt lengths (up to 300, so some are too long) arrives before one schedule() call. */
const wavesArb = fc.array(fc.array(fc.integer({ min: 1, max: 300 }), { maxLength: 6 }), { minLength: 1, maxLength: 6 });

interface Run {
  readonly accepted: RequestId[];
  readonly rejected: RequestId[];
  readonly batches: PoolingBatch[];
  readonly lengths: Map<RequestId, number>;
  readonly orderViolations: string[];
}

function isSubsequence(inner: readonly RequestId[], outer: readonly RequestId[]): boolean {
  let position = 0;
  for (const id of outer) if (id === inner[position]) position++;
  return position === inner.length;
}

function drive(shapes: readonly WarmupShape[], waves: readonly (readonly number[])[]): Run {
  const scheduler = new PoolingScheduler(shapes, 0);
  const run: Run = { accepted: [], rejected: [], batches: [], lengths: new Map(), orderViolations: [] };
  let next = 0;
  const step = (): boolean => {
    const before = scheduler.waitingRequestIds;
    const batch = scheduler.schedule();
    if (!batch) return false;
    run.batches.push(batch);
    const after = scheduler.waitingRequestIds;
    if (!isSubsequence(after, before)) run.orderViolations.push(`waiting ${before.join(',')} became ${after.join(',')}`);
    if (!isSubsequence(batch.rows.map((row) => row.requestId), before)) run.orderViolations.push(`batch ${batch.batchIndex} is out of queue order`);
    scheduler.finish(batch);
    return true;
  };
  for (const wave of waves) {
    for (const length of wave) {
      const requestId = asRequestId(`r${next++}`);
      run.lengths.set(requestId, length);
      try {
        scheduler.add({ requestId, tokenIds: Array<number>(length).fill(5) });
        run.accepted.push(requestId);
      } catch (error) {
        expect(error).toBeInstanceOf(EngineError);
        run.rejected.push(requestId);
      }
    }
    step();
  }
  // Nothing runs between steps, so a queue that forms no batch would wait forever: report it instead.
  // Every batch serves at least one request, so more batches than requests means one is served twice.
  for (let guard = 0; scheduler.waitingRequestIds.length > 0; guard++) {
    if (guard > run.accepted.length || !step()) {
      run.orderViolations.push(`stalled or looping with ${scheduler.waitingRequestIds.join(',')} waiting`);
      break;
    }
  }
  return run;
}

describe('having the static-batching pooling scheduler (SPEC §5)', () => {
  it('should serve every accepted request exactly once and never one that was rejected', () => {
    fc.assert(fc.property(shapesArb, wavesArb, (shapes, waves) => {
      const run = drive(shapes, waves);
      const served = run.batches.flatMap((batch) => batch.rows.map((row) => row.requestId));
      expect([...served].sort()).toEqual([...run.accepted].sort());
      const longest = Math.max(...shapes.map((shape) => shape.promptLength));
      for (const id of run.rejected) expect(run.lengths.get(id)).toBeGreaterThan(longest);
      for (const id of run.accepted) expect(run.lengths.get(id)).toBeLessThanOrEqual(longest);
    }), { numRuns: 300 });
  });

  it('should never exceed its shape, and run on the first shape in sorted order that fits every row', () => {
    fc.assert(fc.property(shapesArb, wavesArb, (shapes, waves) => {
      for (const batch of drive(shapes, waves).batches) {
        expect(batch.rows.length).toBeGreaterThan(0);
        expect(batch.rows.length).toBeLessThanOrEqual(batch.shape.batchSize);
        const longest = Math.max(...batch.rows.map((row) => row.promptLength));
        expect(longest).toBeLessThanOrEqual(batch.shape.promptLength);
        expect(batch.shape).toEqual(shapes.find((shape) => shape.batchSize >= batch.rows.length && shape.promptLength >= longest));
        expect(batch.inputIds.length).toBe(batch.shape.batchSize * batch.shape.promptLength);
        const maskedIn = batch.attentionMask.reduce((sum, value) => sum + Number(value), 0);
        expect(maskedIn).toBe(batch.rows.reduce((sum, row) => sum + row.promptLength, 0));
      }
    }), { numRuns: 300 });
  });

  it('should keep skipped requests in their order, and take batch rows in queue order', () => {
    fc.assert(fc.property(shapesArb, wavesArb, (shapes, waves) => {
      expect(drive(shapes, waves).orderViolations).toEqual([]);
    }), { numRuns: 300 });
  });
});
