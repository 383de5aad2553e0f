import type { WarmupShape } from '../../contracts/config.js';

/** Which waiting requests (by index in the waiting queue) form the next batch, and on which shape. */
export interface PoolingBatchChoice {
  readonly indices: readonly number[];
  readonly shape: WarmupShape;
}

/**
 * SPEC §5 batch formation over `promptLengths` (the waiting queue, in order) and `shapes` (sorted by
 * batch size, then prompt length). Walks the queue keeping the shapes that still fit
 * (`prompt <= shape.promptLength` and batch so far `< shape.batchSize`); a request that fits none of them
 * is skipped for this batch and stays queued; the walk ends when no kept shape can take another row.
 * The batch runs on the first shape, in sorted order, that fits every chosen request.
 *
 * Every prompt must fit some shape (longer ones are rejected on arrival), so the head of the queue is
 * always chosen: nothing starves. Undefined only for an empty queue.
 * @invariant the chosen requests fit the shape (test/property/poolingBatcher.property.test.ts).
 */
export function formPoolingBatch(promptLengths: readonly number[], shapes: readonly WarmupShape[]): PoolingBatchChoice | undefined {
  let kept = shapes;
  const indices: number[] = [];
  let longest = 0;
  for (let index = 0; index < promptLengths.length; index++) {
    if (!kept.some((shape) => indices.length < shape.batchSize)) break;
    const promptLength = promptLengths[index] as number;
    const fitting = kept.filter((shape) => promptLength <= shape.promptLength && indices.length < shape.batchSize);
    if (fitting.length === 0) continue;
    kept = fitting;
    indices.push(index);
    longest = Math.max(longest, promptLength);
  }
  if (indices.length === 0) return undefined;
  const shape = shapes.find((candidate) => candidate.batchSize >= indices.length && candidate.promptLength >= longest);
  return shape === undefined ? undefined : { indices, shape };
}
