/** What a compiled device program computes. */
export type ProgramKind = 'prefill' | 'decode' | 'encoder';

/** The fixed shape a device program is compiled for (the sendnn ABI's sendnn_program_shape). */
export interface ProgramShape {
  readonly kind: ProgramKind;
  readonly batchSize: number;
  /** Chunk size for prefill, 1 for decode, prompt length for an encoder. */
  readonly numSlots: number;
  /** Largest context (tkv) the program attends to, a multiple of the block size. */
  readonly maxContext: number;
}

export function describeProgramShape(shape: ProgramShape): string {
  if (shape.kind === 'prefill') return `prefill chunk ${shape.numSlots} (max context ${shape.maxContext})`;
  if (shape.kind === 'decode') return `decode batch ${shape.batchSize} (max tkv ${shape.maxContext})`;
  return `encoder batch ${shape.batchSize} x prompt ${shape.numSlots}`;
}
