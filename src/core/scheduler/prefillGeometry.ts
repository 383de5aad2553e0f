/**
 * Where a prompt sits in its fixed-size prefill chunks (SPEC §2.3). The prompt is right-padded to a block
 * boundary and left-padded with whole blocks, so that its last block ends exactly at the end of its last chunk.
 */
export interface PrefillGeometry {
  readonly numPromptTokens: number;
  readonly chunkSize: number;
  readonly paddedTokens: number;
  readonly numChunks: number;
  readonly leftPaddingTokens: number;
  readonly paddingBlocks: number;
  readonly blocksPerChunk: number;
}

export function prefillGeometry(numPromptTokens: number, chunkSize: number, blockSize: number): PrefillGeometry {
  const paddedTokens = Math.ceil(numPromptTokens / blockSize) * blockSize;
  const numChunks = Math.ceil(numPromptTokens / chunkSize);
  const leftPaddingTokens = numChunks * chunkSize - paddedTokens;
  return {
    numPromptTokens,
    chunkSize,
    paddedTokens,
    numChunks,
    leftPaddingTokens,
    paddingBlocks: leftPaddingTokens / blockSize,
    blocksPerChunk: chunkSize / blockSize,
  };
}

/**
 * The first-chunk correction: pad slots of a left-padded first chunk are not prompt tokens (SPEC §2.3), so a
 * computed count still within the first chunk loses them (never below the usable prefix hit it started from).
 */
export function countWithoutLeftPadding(geometry: PrefillGeometry, numComputedTokens: number, numUsablePrefixTokens: number): number {
  if (numComputedTokens > geometry.chunkSize) return numComputedTokens;
  return Math.max(numUsablePrefixTokens, numComputedTokens - geometry.leftPaddingTokens);
}

/** The chunk the runner executes next: chunks always line up with the plan, whatever the computed count. */
export function chunkIndexFor(geometry: PrefillGeometry, numComputedTokens: number, blockSize: number): number {
  return Math.floor((geometry.paddingBlocks * blockSize + numComputedTokens) / geometry.chunkSize);
}

/** The prompt tokens chunk `chunkIndex` carries, and the slots they occupy. */
export interface ChunkTokenSpan {
  readonly firstTokenIndex: number;
  readonly endTokenIndex: number;
  readonly firstValidSlot: number;
  readonly endValidSlot: number;
}

export function chunkTokenSpan(geometry: PrefillGeometry, chunkIndex: number): ChunkTokenSpan {
  const chunkStartInPrompt = chunkIndex * geometry.chunkSize - geometry.leftPaddingTokens;
  const firstTokenIndex = Math.max(0, chunkStartInPrompt);
  const endTokenIndex = Math.min(chunkStartInPrompt + geometry.chunkSize, geometry.numPromptTokens);
  const firstValidSlot = firstTokenIndex - chunkStartInPrompt;
  return { firstTokenIndex, endTokenIndex, firstValidSlot, endValidSlot: firstValidSlot + (endTokenIndex - firstTokenIndex) };
}

/**
 * Spyre's whole-chunk prefix reuse (SPEC §3): only chunks fully covered by padding and hit blocks are
 * skipped, and the last chunk is always recomputed. Returns the number of usable hit blocks.
 */
export function usablePrefixBlocks(geometry: PrefillGeometry, numHitBlocks: number): number {
  let fullChunks = Math.floor((geometry.paddingBlocks + numHitBlocks) / geometry.blocksPerChunk);
  if (fullChunks === geometry.numChunks) fullChunks -= 1;
  return Math.max(0, fullChunks * geometry.blocksPerChunk - geometry.paddingBlocks);
}
