import { describe, expect, it } from 'vitest';
import { warmupShapesFrom } from '../../../../../src/core/config/warmupShapes.js';
import { EngineError } from '../../../../../src/core/contracts/errors.js';
import { asRequestId } from '../../../../../src/core/contracts/ids.js';
import { PoolingScheduler, formPoolingBatch } from '../../../../../src/core/scheduler/pooling/index.js';

const request = (id: string, length: number, firstId = 10) => ({ requestId: asRequestId(id), tokenIds: Array.from({ length }, (_, i) => firstId + i) });

describe('having warmup shapes (prompt length, batch size)', () => {
  it('when the lists are paired, should sort the shapes by batch size, then prompt length', () => {
    expect(warmupShapesFrom([256, 64, 128], [4, 1, 4])).toEqual([
      { promptLength: 64, batchSize: 1 }, { promptLength: 128, batchSize: 4 }, { promptLength: 256, batchSize: 4 },
    ]);
  });

  it('when every request fits the big shape, should take them all and pick the first shape that fits every one', () => {
    const shapes = warmupShapesFrom([64, 128, 256], [1, 2, 4]);
    expect(formPoolingBatch([100, 50, 200, 60], shapes)).toEqual({ indices: [0, 1, 2, 3], shape: { promptLength: 256, batchSize: 4 } });
    expect(formPoolingBatch([100, 50], shapes)).toEqual({ indices: [0, 1], shape: { promptLength: 128, batchSize: 2 } });
    expect(formPoolingBatch([10], shapes)).toEqual({ indices: [0], shape: { promptLength: 64, batchSize: 1 } });
  });

  it('when a request fits no remaining shape, should skip it for this batch and keep walking while the batch can grow', () => {
    const shapes = warmupShapesFrom([256, 64], [1, 2]); // sorted: (256, 1), (64, 2)
    // r0 = 50 keeps both shapes; r1 = 200 needs (256, 1), which is full: skipped; r2 = 60 fits (64, 2).
    expect(formPoolingBatch([50, 200, 60], shapes)).toEqual({ indices: [0, 2], shape: { promptLength: 64, batchSize: 2 } });
  });

  it('when no kept shape can take another row, should stop walking', () => {
    const shapes = warmupShapesFrom([64], [1]);
    expect(formPoolingBatch([10, 20, 30], shapes)).toEqual({ indices: [0], shape: { promptLength: 64, batchSize: 1 } });
  });

  it('when the queue is empty, should form no batch', () => {
    expect(formPoolingBatch([], warmupShapesFrom([64], [1]))).toBeUndefined();
  });
});

describe('having a pooling scheduler over shapes (256, 1) and (64, 2)', () => {
  const shapes = warmupShapesFrom([256, 64], [1, 2]);

  it('should run one batch at a time, serving the skipped request in the next batch', () => {
    const scheduler = new PoolingScheduler(shapes, 0);
    scheduler.add(request('a', 50));
    scheduler.add(request('b', 200));
    scheduler.add(request('c', 60));
    const first = scheduler.schedule();
    expect(first?.rows.map((row) => row.requestId)).toEqual(['a', 'c']);
    expect(scheduler.schedule()).toBeUndefined(); // a batch is running
    expect(scheduler.waitingRequestIds).toEqual(['b']);
    scheduler.finish(first!);
    const second = scheduler.schedule();
    expect(second?.rows.map((row) => row.requestId)).toEqual(['b']);
    expect(second?.shape).toEqual({ promptLength: 256, batchSize: 1 });
  });

  it('should left-pad each row to the shape with mask 0 and fill the spare rows with pads', () => {
    const shapesWithRoom = [{ promptLength: 8, batchSize: 3 }]; // short, to spell the layout out; config shapes are multiples of 64
    const scheduler = new PoolingScheduler(shapesWithRoom, 7);
    scheduler.add({ ...request('a', 3, 100), tokenTypeIds: [0, 1, 1] });
    scheduler.add(request('b', 8, 200));
    const batch = scheduler.schedule()!;
    expect(batch.rows).toEqual([
      { requestId: 'a', promptLength: 3, paddingLength: 5 },
      { requestId: 'b', promptLength: 8, paddingLength: 0 },
    ]);
    expect(Array.from(batch.inputIds, Number)).toEqual([7, 7, 7, 7, 7, 100, 101, 102, 200, 201, 202, 203, 204, 205, 206, 207, 7, 7, 7, 7, 7, 7, 7, 7]);
    expect(Array.from(batch.attentionMask, Number)).toEqual([0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(Array.from(batch.tokenTypeIds, Number).slice(0, 8)).toEqual([0, 0, 0, 0, 0, 0, 1, 1]);
  });

  it('when a prompt is longer than every shape, should refuse it with its length and the largest shape, and keep the others', () => {
    const scheduler = new PoolingScheduler(warmupShapesFrom([64, 128, 128], [4, 1, 2]), 0);
    scheduler.add(request('a', 10));
    expect(() => scheduler.add(request('long', 200))).toThrow(
      new EngineError('invalid_request', 'The prompt is 200 tokens long, which is longer than the largest warmup shape (prompt length 128, batch size 2); it cannot be scheduled. Shorten the input or add a longer shape to VLLM_SPYRE_WARMUP_PROMPT_LENS.'),
    );
    scheduler.add(request('b', 128));
    expect(scheduler.waitingRequestIds).toEqual(['a', 'b']);
    expect(scheduler.schedule()?.rows.map((row) => row.requestId)).toEqual(['a', 'b']);
  });

  it('when the input is empty or its token types do not match its ids, should refuse it', () => {
    const scheduler = new PoolingScheduler(shapes, 0);
    expect(() => scheduler.add(request('empty', 0))).toThrow('The input is empty: a pooling request needs at least one token.');
    expect(() => scheduler.add({ ...request('t', 3), tokenTypeIds: [0] })).toThrow('token_type_ids has 1 entries for 3 tokens.');
  });

  it('when a batch other than the running one is finished, should report a broken invariant', () => {
    const scheduler = new PoolingScheduler(shapes, 0);
    scheduler.add(request('a', 5));
    const batch = scheduler.schedule()!;
    scheduler.finish(batch);
    expect(() => scheduler.finish(batch)).toThrow(expect.objectContaining({ kind: 'invariant_violated' }));
  });
});
