import type { WarmupShape } from '../../contracts/config.js';
import { EngineError } from '../../contracts/errors.js';

/** The shape with the longest prompt (the largest batch among equals): what a too-long request is told. */
export function largestWarmupShape(shapes: readonly WarmupShape[]): WarmupShape {
  const [first, ...rest] = shapes;
  if (first === undefined) throw new EngineError('invalid_config', 'A pooling model needs at least one warmup shape.');
  return rest.reduce((best, shape) =>
    shape.promptLength > best.promptLength || (shape.promptLength === best.promptLength && shape.batchSize > best.batchSize) ? shape : best, first);
}

/**
 * Rejects, before it is queued, a request no warmup shape can run (SPEC §5): the message names its length
 * and the largest shape. An empty input is rejected too: a static program has nothing to pool.
 */
export function checkPromptFits(promptLength: number, shapes: readonly WarmupShape[]): void {
  if (promptLength === 0) throw new EngineError('invalid_request', 'The input is empty: a pooling request needs at least one token.');
  refuseLongerThanLargestShape(promptLength, shapes, 'is');
}

/**
 * The same refusal for a text not yet tokenized, when a lower bound on its length (from its bytes, see
 * tokenBytesBound) already exceeds the largest shape: "The prompt is at least N tokens long, …".
 */
export function refuseInputThatCannotFit(minPromptLength: number, shapes: readonly WarmupShape[]): void {
  refuseLongerThanLargestShape(minPromptLength, shapes, 'is at least');
}

function refuseLongerThanLargestShape(promptLength: number, shapes: readonly WarmupShape[], verb: 'is' | 'is at least'): void {
  const largest = largestWarmupShape(shapes);
  if (promptLength > largest.promptLength) {
    throw new EngineError(
      'invalid_request',
      `The prompt ${verb} ${promptLength} tokens long, which is longer than the largest warmup shape ` +
        `(prompt length ${largest.promptLength}, batch size ${largest.batchSize}); it cannot be scheduled. ` +
        'Shorten the input or add a longer shape to VLLM_SPYRE_WARMUP_PROMPT_LENS.',
    );
  }
}
