import type { WarmupShape } from '../../contracts/config.js';
import { EngineError } from '../../contracts/errors.js';
import type { ShapeMemoryEstimate } from '../../contracts/pooling.js';

/** The numbers of an encoder that fix its memory per shape. */
export interface EncoderMemoryFacts {
  readonly weightBytes: number;
  readonly hiddenSize: number;
  readonly intermediateSize: number;
  readonly numAttentionHeads: number;
  /** 4 for fp32, 2 for fp16. */
  readonly bytesPerValue: number;
}

/**
 * An encoder program's memory on one shape (B rows of S tokens, hidden H, FFN width I, A heads):
 * program = the weights it carries; activations = the peak of one layer, which holds for every token
 * the residual input and output, q, k, v and the attention context (6H), the FFN's input and activated
 * output (2I), one row of attention scores and of probabilities per head (2·A·S), plus the output
 * hidden state (2H for the copy out): `bytes · B · S · (8H + 2I + 2·A·S)`.
 * An estimate, not a measurement: it ignores a runtime's workspace and fusions, which only lower it.
 */
export function estimateEncoderShapeMemory(facts: EncoderMemoryFacts, shape: WarmupShape): ShapeMemoryEstimate {
  const perToken = 8 * facts.hiddenSize + 2 * facts.intermediateSize + 2 * facts.numAttentionHeads * shape.promptLength;
  return {
    shape,
    programBytes: facts.weightBytes,
    activationBytes: facts.bytesPerValue * shape.batchSize * shape.promptLength * perToken,
  };
}

function mebibytes(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(1)} MiB`;
}

export function describeEstimate(estimate: ShapeMemoryEstimate): string {
  const total = estimate.programBytes + estimate.activationBytes;
  return `(prompt length ${estimate.shape.promptLength}, batch size ${estimate.shape.batchSize}) needs ${total} bytes (${mebibytes(total)}: ` +
    `program ${estimate.programBytes} + activations ${estimate.activationBytes})`;
}

/**
 * The up-front check (SPEC §5, beyond vLLM-Spyre): every warmup shape's program plus its activations must
 * fit `budgetBytes`; otherwise fail before warmup, listing each shape that does not fit with its estimate.
 */
export function checkWarmupMemory(estimates: readonly ShapeMemoryEstimate[], budgetBytes: number): void {
  const tooLarge = estimates.filter((estimate) => estimate.programBytes + estimate.activationBytes > budgetBytes);
  if (tooLarge.length === 0) return;
  throw new EngineError(
    'invalid_config',
    `${tooLarge.length} of ${estimates.length} warmup shapes do not fit the device memory of ${budgetBytes} bytes (${mebibytes(budgetBytes)}): ` +
      `${tooLarge.map(describeEstimate).join('; ')}. Remove them from VLLM_SPYRE_WARMUP_PROMPT_LENS / VLLM_SPYRE_WARMUP_BATCH_SIZES ` +
      'or give the device more memory (--device-memory-bytes).',
  );
}
